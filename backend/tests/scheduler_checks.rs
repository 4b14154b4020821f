//! Check results of scheduler runs: kept in the store per run and check node,
//! also when a broken `error` rule fails the run (then only the quarantine is
//! published).

mod common;

use common::world::{World, copy_doc};
use serde_json::json;
use sluice_shared::api::RunStatus;
use sluice_shared::check::RuleLevel;

fn checked_doc(name: &str) -> serde_json::Value {
    let mut doc = copy_doc(name, "in");
    doc["nodes"].as_array_mut().unwrap().push(json!({"id": "chk", "kind": "transform.check", "config": {
        "rules": [
            {"name": "a_set", "kind": "not_null", "columns": ["a"]},
            {"name": "b_known", "kind": "in", "column": "b", "values": ["x", "y"], "level": "warn"}
        ],
        "quarantine": {"path": "out/bad_{biz_date}.csv"}
    }}));
    doc["edges"] = json!([{"from": "src", "to": "chk"}, {"from": "chk", "to": "out"}]);
    doc
}

#[tokio::test]
async fn a_broken_error_rule_fails_the_run_keeps_its_results_and_publishes_the_quarantine() {
    let w = World::new(None).await;
    let g = w.graph("checked", "in").await;
    w.input("in", "2026-11-20", "a,b\n1,x\n,y\n2,z\n");
    let (_, hash) = w.save(&g.0, 1, checked_doc("checked")).await;
    let run = w.draft(&g.0, &hash, "2026-11-20").await;
    w.sched.drain().await.unwrap();
    let run = w.store.run(&run.id).await.unwrap();
    assert_eq!(run.status, RunStatus::Failed);
    assert_eq!(run.error.as_deref(), Some("chk: check a_set failed: 1 of 3 rows"));
    let checks = w.store.run_checks(&run.id).await.unwrap();
    assert_eq!(checks.len(), 1, "{checks:?}");
    let c = &checks[0];
    assert_eq!((c.node.as_str(), c.rows), ("chk", 3));
    let summary: Vec<_> = c.rules.iter().map(|r| (r.name.as_str(), r.level, r.failures, r.broken)).collect();
    assert_eq!(summary, [("a_set", RuleLevel::Error, 1, true), ("b_known", RuleLevel::Warn, 1, true)]);
    assert_eq!(c.sample.len(), 2);
    assert_eq!(c.sample_columns, ["a", "b", "_failed_rules"]);
    // The run history's summary: one broken error rule, one broken warning.
    let summaries = w.store.check_summaries(&[run.id.as_str(), "no-such-run"]).await.unwrap();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[&run.id], sluice_shared::check::CheckSummary { errors: 1, warnings: 1 });
    // Drafts write into the sandbox: the quarantine is there, the sink is not.
    let bad = std::fs::read_to_string(w.sandbox().join("out/bad_2026-11-20.csv")).unwrap();
    assert!(bad.contains(",y,a_set") && bad.contains("2,z,b_known"), "{bad}");
    assert!(!w.sandbox().join("out/checked_2026-11-20.csv").exists());
}

#[tokio::test]
async fn a_passing_run_records_its_warnings() {
    let w = World::new(None).await;
    let g = w.graph("warned", "in").await;
    w.input("in", "2026-11-20", "a,b\n1,x\n2,z\n");
    let (_, hash) = w.save(&g.0, 1, checked_doc("warned")).await;
    let run = w.draft(&g.0, &hash, "2026-11-20").await;
    w.sched.drain().await.unwrap();
    assert_eq!(w.store.run(&run.id).await.unwrap().status, RunStatus::Succeeded);
    let checks = w.store.run_checks(&run.id).await.unwrap();
    assert_eq!(checks[0].lines(), ["warning: chk: check b_known failed: 1 of 2 rows"]);
    assert_eq!(std::fs::read_to_string(w.sandbox().join("out/warned_2026-11-20.csv")).unwrap(), "a,b\n1,x\n2,z\n");
    // The check node's own row count is not its quarantine's.
    let nodes = w.store.run_nodes(&run.id).await.unwrap();
    assert_eq!(nodes.iter().find(|n| n.node_id == "chk").unwrap().rows_out, None);
}

#[tokio::test]
async fn the_review_sees_the_last_production_runs_checks_not_drafts() {
    let w = World::new(None).await;
    let g = w.graph_doc(checked_doc("reviewed")).await;
    w.input("in", "2026-11-20", "a,b\n1,x\n2,q\n");
    let draft = w.draft(&g.0, &g.1, "2026-11-20").await;
    w.sched.drain().await.unwrap();
    assert_eq!(w.store.run(&draft.id).await.unwrap().status, RunStatus::Succeeded);
    assert!(w.store.last_production_checks(&g.0).await.unwrap().is_none(), "a draft is not production");
    let s = w.schedule(&g, &[], 0, None).await;
    let run =
        w.sched.enqueue(&s, "2026-11-20", sluice_backend::store::RunKind::Backfill, "admin").await.unwrap().unwrap();
    w.sched.drain().await.unwrap();
    let (id, checks) = w.store.last_production_checks(&g.0).await.unwrap().expect("a production run with checks");
    assert_eq!(id, run.id);
    assert_eq!(checks[0].lines(), ["warning: chk: check b_known failed: 1 of 2 rows"]);
    // The quarantine of a production run lands in the data root.
    let bad = std::fs::read_to_string(w.files().join("out/bad_2026-11-20.csv")).unwrap();
    assert_eq!(bad, "a,b,_failed_rules\n2,q,b_known\n");
}
