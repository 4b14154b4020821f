//! The scheduler and draft runs (issue 9): a draft writes only into its sandbox,
//! never stands for the schedule, releases no dependents, meets no SLA, has its
//! own slots, and alerts nobody when it fails. Only production runs of approved
//! versions count for a business date.

mod common;

use common::world::{DAY, World, copy_doc, dates, receiver};
use serde_json::json;
use sluice_backend::scheduler::Limits;
use sluice_backend::store::{NO_PARAMS, NewRun, RunFilter};
use sluice_shared::api::{RunKind, RunStatus};

/// Issue 9.1: a draft with filter `1 = 0` and an extra sink, run for a
/// business date, must not touch the production output nor write into
/// `demo/`; and the schedule must still run that date.
#[tokio::test]
async fn a_draft_run_writes_only_into_its_sandbox_and_never_stands_for_the_schedule() {
    let w = World::new(None).await;
    let g = w.graph("branches", "in").await;
    w.input("in", "2026-11-20", "a\n1\n2\n");
    let out = w.files().join("out/branches_2026-11-20.csv");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, "a\nyesterday\n").unwrap();
    let mut doc = copy_doc("branches", "in");
    doc["nodes"].as_array_mut().unwrap().extend([
        json!({"id": "none", "kind": "transform.filter", "config": {"predicate": "1 = 0"}}),
        json!({"id": "extra", "kind": "sink.csv", "config": {"path": "demo/extra.csv"}}),
    ]);
    doc["edges"] =
        json!([{"from": "src", "to": "none"}, {"from": "none", "to": "out"}, {"from": "none", "to": "extra"}]);
    let (_, draft_hash) = w.save(&g.0, 1, doc).await;
    w.schedule(&g, &[], 0, None).await;
    let draft = w.draft(&g.0, &draft_hash, "2026-11-20").await;
    w.sched.drain().await.unwrap();
    assert_eq!(w.store.run(&draft.id).await.unwrap().status, RunStatus::Succeeded);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "a\nyesterday\n", "production output untouched");
    assert!(!w.files().join("demo/extra.csv").exists(), "nothing written into the production root");
    assert_eq!(std::fs::read_to_string(w.sandbox().join("out/branches_2026-11-20.csv")).unwrap(), "a\n");
    assert!(w.sandbox().join("demo/extra.csv").exists());

    // The schedule fires for 2026-11-20: the draft's success does not count.
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    let runs = w.store.runs(&RunFilter::default().graph(&g.0).date("2026-11-20"), 10).await.unwrap();
    let scheduled: Vec<_> = runs.iter().filter(|r| r.kind == RunKind::Scheduled).collect();
    assert_eq!(scheduled.len(), 1, "{runs:?}");
    assert_eq!((scheduled[0].status.as_str(), scheduled[0].hash.as_str()), ("succeeded", g.1.as_str()));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "a\n1\n2\n");
}

/// Issue 9.1: a dependency is met only by a production run, not a draft.
#[tokio::test]
async fn a_draft_success_does_not_release_dependents() {
    let w = World::new(None).await;
    let a = w.graph("up", "a_in").await;
    let b = w.graph("down", "b_in").await;
    w.input("a_in", "2026-11-20", "x\n1\n");
    w.input("b_in", "2026-11-20", "x\n1\n");
    w.schedule(&b, &[&a.0], 0, None).await;
    w.draft(&a.0, &a.1, "2026-11-20").await;
    w.sched.drain().await.unwrap();
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    assert_eq!(w.statuses(&b.0).await[0].1, "queued", "B waits for A's production run");
}

/// Issue 9.5: drafts cannot hold back scheduled runs; they have their own slots.
#[tokio::test]
async fn scheduled_runs_start_before_drafts_in_their_own_slots() {
    let w = World::with_limits(None, Limits { max_runs: 1, max_draft_runs: 1 }).await;
    let g = w.graph("prio", "in").await;
    w.input("in", "2026-11-20", "a\n1\n");
    w.schedule(&g, &[], 0, None).await;
    w.clock.advance(DAY);
    // Older business dates, queued first: they used to take every slot.
    for d in dates(1, 3) {
        w.draft(&g.0, &g.1, &d).await;
    }
    w.sched.tick().await.unwrap();
    let runs = w.store.runs(&RunFilter::default().graph(&g.0), 10).await.unwrap();
    w.sched.idle().await;
    let started = |kind: &str| runs.iter().filter(|r| r.kind.as_str() == kind && r.status != RunStatus::Queued).count();
    assert_eq!((started("scheduled"), started("draft")), (1, 1), "{runs:?}");
}

/// Issue 9.5: a failed draft is its author's business, not the webhook's.
#[tokio::test]
async fn failed_drafts_do_not_alert() {
    let (url, got) = receiver().await;
    let w = World::new(Some(url)).await;
    let g = w.graph("nofile", "missing").await;
    for d in dates(1, 3) {
        w.draft(&g.0, &g.1, &d).await;
    }
    w.sched.drain().await.unwrap();
    assert!(w.statuses(&g.0).await.iter().all(|(_, s, _)| s == "failed"));
    assert!(w.store.alerts(10).await.unwrap().is_empty());
    assert!(got.lock().await.is_empty());
}

/// Issue 9.1: an SLA is met only by a production run, not by a draft's success.
#[tokio::test]
async fn a_draft_success_does_not_meet_the_sla() {
    let w = World::new(None).await;
    let g = w.graph("slad", "in").await;
    w.schedule(&g, &[], 0, Some("08:00")).await;
    w.clock.advance(DAY); // 2026-11-21 08:00 Shanghai: the run for 2026-11-20 fails (no input yet)
    w.sched.drain().await.unwrap();
    assert_eq!(w.statuses(&g.0).await[0].1, "failed");
    w.input("in", "2026-11-20", "a\n1\n");
    let draft = w.draft(&g.0, &g.1, "2026-11-20").await;
    w.sched.drain().await.unwrap(); // the draft succeeds, in time
    assert_eq!(w.store.run(&draft.id).await.unwrap().status, RunStatus::Succeeded);
    w.clock.advance(60_000);
    w.sched.drain().await.unwrap();
    let misses: Vec<_> = w.store.alerts(10).await.unwrap().into_iter().filter(|a| a.kind == "sla_miss").collect();
    assert_eq!(misses.len(), 1, "the draft's success does not meet the SLA");
}

/// Issue 9.1: which production runs count for a business date. A success of an
/// earlier approved version still counts once a newer one is approved (the date
/// is not run again by itself; a backfill re-runs it on the new version); a
/// scheduled run of a version never approved counts for nothing.
#[tokio::test]
async fn only_production_runs_of_approved_versions_count_for_a_date() {
    let w = World::new(None).await;
    let g = w.graph("vers", "in").await;
    w.input("in", "2026-11-20", "a\n1\n");
    w.input("in", "2026-11-21", "a\n2\n");
    let s = w.schedule(&g, &[], 0, None).await;
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap(); // version 1 produces 2026-11-20
    let versioned = |v: &str| {
        let mut doc = copy_doc("vers", "in");
        doc["nodes"][1]["config"]["path"] = json!(format!("out/{v}_{{biz_date}}.csv"));
        doc
    };
    let (v2, h2) = w.save(&g.0, 1, versioned("v2")).await;
    w.approve(&g.0, v2, &h2).await;
    // Version 3 is never approved; a scheduled run of it (no API makes one) succeeded for 2026-11-21.
    let (_, h3) = w.save(&g.0, v2, versioned("v3")).await;
    let stray = w
        .store
        .create_run(NewRun {
            schedule_id: Some(&s.id),
            graph_id: &g.0,
            hash: &h3,
            biz_date: "2026-11-21",
            kind: RunKind::Scheduled,
            attempt: 1,
            not_before: 0,
            requested_by: "scheduler",
            params: &NO_PARAMS,
        })
        .await
        .unwrap();
    assert!(w.store.claim_run(&stray.id, 0).await.unwrap());
    assert!(w.store.finish_run(&stray.id, RunStatus::Succeeded, None, 0).await.unwrap());
    let succeeded = |date: &'static str| w.store.production_run_exists(&g.0, date, &[RunStatus::Succeeded]);
    assert!(succeeded("2026-11-20").await.unwrap(), "version 1's success still counts");
    assert!(!succeeded("2026-11-21").await.unwrap(), "an unapproved version's success does not");

    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    let runs = w.store.runs(&RunFilter::default().graph(&g.0), 10).await.unwrap();
    let on = |date: &str| runs.iter().filter(|r| r.biz_date == date && r.id != stray.id).collect::<Vec<_>>();
    assert_eq!(on("2026-11-20").len(), 1, "not run again for the new approval: {runs:?}");
    assert_eq!(on("2026-11-20")[0].hash, g.1);
    assert_eq!(on("2026-11-21").len(), 1, "{runs:?}");
    assert_eq!((on("2026-11-21")[0].status, on("2026-11-21")[0].hash.as_str()), (RunStatus::Succeeded, h2.as_str()));
    assert!(!w.files().join("out/v2_2026-11-20.csv").exists());

    // A re-run of 2026-11-20 on version 2 is an explicit backfill.
    let now = w.sched.schedules().await.unwrap().into_iter().find(|x| x.id == s.id).unwrap();
    let backfill = w.sched.enqueue(&now, "2026-11-20", RunKind::Backfill, "admin").await.unwrap().unwrap();
    assert_eq!(backfill.hash, h2);
    w.sched.drain().await.unwrap();
    assert_eq!(std::fs::read_to_string(w.files().join("out/v2_2026-11-20.csv")).unwrap(), "a\n1\n");
}
