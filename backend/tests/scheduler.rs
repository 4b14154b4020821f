//! The scheduler with a clock the test moves: daily firing, dependencies,
//! retries with backoff, backfills in order, SLA misses, alerts to a webhook,
//! failed runs that leave outputs whole, and recovery after a crash.

mod common;

use common::world::{DAY, World, copy_doc, dates, receiver};
use serde_json::json;
use sluice_backend::engine::root::DataRoot;
use sluice_backend::scheduler::Scheduler;
use sluice_backend::store::RunFilter;
use sluice_backend::store::RunRow;
use sluice_shared::api::{NodeStatus, RunStatus};
use std::sync::Arc;

#[tokio::test]
async fn a_daily_schedule_fires_once_per_day_for_the_previous_day() {
    let w = World::new(None).await;
    let g = w.graph("daily", "in").await;
    for d in dates(19, 24) {
        w.input("in", &d, "a,b\n1,2\n");
    }
    w.schedule(&g, &[], 0, None).await;
    w.sched.drain().await.unwrap();
    assert!(w.statuses(&g.0).await.is_empty(), "nothing before 02:00");
    w.clock.advance(DAY); // past 2026-11-21 02:00 Shanghai
    w.sched.drain().await.unwrap();
    w.sched.drain().await.unwrap();
    assert_eq!(w.statuses(&g.0).await, [("2026-11-20".into(), "succeeded".into(), 1)]);
    w.clock.advance(DAY / 2);
    w.sched.drain().await.unwrap();
    assert_eq!(w.statuses(&g.0).await.len(), 1, "half a day later: still one run");
    w.clock.advance(3 * DAY); // three more firings, caught up after downtime
    w.sched.drain().await.unwrap();
    let got: Vec<String> = w.statuses(&g.0).await.into_iter().map(|(d, s, _)| format!("{d} {s}")).collect();
    assert_eq!(got, ["2026-11-20 succeeded", "2026-11-21 succeeded", "2026-11-22 succeeded", "2026-11-23 succeeded"]);
    assert!(w.files().join("out/daily_2026-11-23.csv").exists());
    let nodes = w
        .store
        .run_nodes(&w.store.runs(&RunFilter::default().graph(&g.0).date("2026-11-23"), 1).await.unwrap()[0].id)
        .await
        .unwrap();
    assert!(nodes.iter().all(|n| n.status == NodeStatus::Succeeded));
    assert_eq!(nodes.iter().find(|n| n.node_id == "out").unwrap().rows_out, Some(1));
}

#[tokio::test]
async fn dependents_wait_for_the_same_business_date() {
    let w = World::new(None).await;
    let a = w.graph("upstream", "a_in").await;
    let b = w.graph("downstream", "b_in").await;
    w.input("b_in", "2026-11-20", "x\n1\n");
    w.schedule(&a, &[], 0, None).await;
    w.schedule(&b, &[&a.0], 0, None).await;
    w.clock.advance(DAY);
    // A's input is missing: A fails and B must not run.
    w.sched.drain().await.unwrap();
    assert_eq!(w.statuses(&a.0).await[0].1, "failed");
    assert_eq!(w.statuses(&b.0).await[0].1, "queued", "B waits for A's success");
    // Re-run A for that date (a backfill of one day): then B goes.
    w.input("a_in", "2026-11-20", "x\n1\n");
    let sa = w.store.schedules().await.unwrap().into_iter().find(|s| s.graph_id == a.0).unwrap();
    w.sched.enqueue(&sa, "2026-11-20", sluice_backend::store::RunKind::Backfill, "admin").await.unwrap();
    w.sched.drain().await.unwrap();
    let ra = w
        .store
        .runs(&RunFilter::default().graph(&a.0).status(RunStatus::Succeeded).date("2026-11-20"), 1)
        .await
        .unwrap();
    let rb = w
        .store
        .runs(&RunFilter::default().graph(&b.0).status(RunStatus::Succeeded).date("2026-11-20"), 1)
        .await
        .unwrap();
    assert!(rb[0].started_at.unwrap() >= ra[0].finished_at.unwrap());
}

#[tokio::test]
async fn retries_back_off_then_alert_the_webhook() {
    let (url, got) = receiver().await;
    let w = World::new(Some(url)).await;
    let g = w.graph("flaky", "missing").await;
    w.schedule(&g, &[], 2, None).await;
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    assert_eq!(
        w.statuses(&g.0).await,
        [("2026-11-20".into(), "failed".into(), 1), ("2026-11-20".into(), "queued".into(), 2)]
    );
    w.clock.advance(59_000);
    w.sched.drain().await.unwrap();
    assert_eq!(w.statuses(&g.0).await.len(), 2, "attempt 2 waits its 60 s backoff");
    w.clock.advance(1_000);
    w.sched.drain().await.unwrap();
    assert_eq!(w.statuses(&g.0).await.len(), 3);
    w.clock.advance(119_000);
    w.sched.drain().await.unwrap();
    assert_eq!(w.statuses(&g.0).await.len(), 3, "attempt 3 backs off twice as long");
    // Attempt 3 succeeds once the file arrives.
    w.input("missing", "2026-11-20", "a\n1\n");
    w.clock.advance(1_000);
    w.sched.drain().await.unwrap();
    assert_eq!(w.statuses(&g.0).await.last().unwrap().1, "succeeded");
    assert!(w.store.alerts(10).await.unwrap().is_empty(), "no alert when a retry succeeds");

    // Next day it never succeeds: after the last attempt an alert is posted.
    std::fs::remove_file(w.files().join("missing_2026-11-20.csv")).unwrap();
    w.clock.advance(DAY);
    for _ in 0..3 {
        w.sched.drain().await.unwrap();
        w.clock.advance(10 * 60_000);
    }
    let alerts = w.store.alerts(10).await.unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        (alerts[0].kind.as_str(), alerts[0].biz_date.as_str(), alerts[0].delivered),
        ("failure", "2026-11-21", 1)
    );
    let bodies = got.lock().await.clone();
    assert_eq!(bodies.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(body["kind"], "failure");
}

#[tokio::test]
async fn a_backfill_of_ten_days_runs_oldest_first_in_dependency_order() {
    let w = World::new(None).await;
    let a = w.graph("a", "a_in").await;
    let b = w.graph("b", "b_in").await;
    for d in dates(1, 10) {
        w.input("a_in", &d, "x\n1\n");
        w.input("b_in", &d, "x\n2\n");
    }
    let sb = w.schedule(&b, &[&a.0], 0, None).await;
    let sa = w.schedule(&a, &[], 0, None).await;
    // Queue B's dates before A's: the scheduler must still run A first for each date.
    for d in dates(1, 10) {
        w.sched.enqueue(&sb, &d, sluice_backend::store::RunKind::Backfill, "admin").await.unwrap();
    }
    for d in dates(1, 10) {
        w.sched.enqueue(&sa, &d, sluice_backend::store::RunKind::Backfill, "admin").await.unwrap();
    }
    w.sched.drain().await.unwrap();
    let mut all = w.store.runs(&RunFilter::default(), 100).await.unwrap();
    assert!(all.iter().all(|r| r.status == RunStatus::Succeeded), "{all:?}");
    // Runs claimed in the same tick share a millisecond; claims follow date order.
    all.sort_by(|x, y| (x.started_at, &x.biz_date).cmp(&(y.started_at, &y.biz_date)));
    for d in dates(1, 10) {
        let ra = all.iter().find(|r| r.graph_id == a.0 && r.biz_date == d).unwrap();
        let rb = all.iter().find(|r| r.graph_id == b.0 && r.biz_date == d).unwrap();
        assert!(rb.started_at >= ra.finished_at, "{d}: B before A");
    }
    let a_dates: Vec<&str> = all.iter().filter(|r| r.graph_id == a.0).map(|r| r.biz_date.as_str()).collect();
    let mut sorted = a_dates.clone();
    sorted.sort();
    assert_eq!(a_dates, sorted, "oldest first");
}

#[tokio::test]
async fn an_sla_miss_is_recorded_and_alerted_once() {
    let (url, got) = receiver().await;
    let w = World::new(Some(url)).await;
    let g = w.graph("late", "none").await;
    w.schedule(&g, &[], 0, Some("08:00")).await;
    w.clock.advance(DAY); // 2026-11-21 08:00 Shanghai: the SLA moment for 2026-11-20
    w.sched.drain().await.unwrap();
    assert!(w.store.alerts(10).await.unwrap().iter().all(|a| a.kind != "sla_miss"), "not missed yet");
    w.clock.advance(60_000);
    w.sched.drain().await.unwrap();
    w.sched.drain().await.unwrap();
    let misses: Vec<_> = w.store.alerts(10).await.unwrap().into_iter().filter(|a| a.kind == "sla_miss").collect();
    assert_eq!(misses.len(), 1);
    assert_eq!(misses[0].biz_date, "2026-11-20");
    assert!(got.lock().await.iter().any(|b| b.contains("sla_miss")));
}

#[tokio::test]
async fn a_failed_run_leaves_the_previous_output_whole() {
    let w = World::new(None).await;
    let g = w.graph("keep", "in").await;
    w.input("in", "2026-11-20", "a\n1\n2\n");
    let s = w.schedule(&g, &[], 0, None).await;
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    let out = w.files().join("out/keep_2026-11-20.csv");
    let before = std::fs::read(&out).unwrap();
    // The input turns bad (binary): re-running the date fails and changes nothing.
    std::fs::write(w.files().join("in_2026-11-20.csv"), [0u8, 1, 2, 3]).unwrap();
    w.sched.enqueue(&s, "2026-11-20", sluice_backend::store::RunKind::Backfill, "admin").await.unwrap();
    w.sched.drain().await.unwrap();
    let runs = w.store.runs(&RunFilter::default().graph(&g.0).date("2026-11-20"), 10).await.unwrap();
    assert_eq!(runs[0].status, RunStatus::Failed);
    assert!(runs[0].error.as_deref().unwrap().contains("src"));
    let nodes = w.store.run_nodes(&runs[0].id).await.unwrap();
    assert_eq!(nodes.iter().find(|n| n.node_id == "src").unwrap().status, NodeStatus::Failed);
    assert_eq!(std::fs::read(&out).unwrap(), before);
    assert!(
        std::fs::read_dir(out.parent().unwrap())
            .unwrap()
            .flatten()
            .all(|e| !e.file_name().to_string_lossy().starts_with('.'))
    );
}

#[tokio::test]
async fn runs_left_running_by_a_crash_are_interrupted_then_retried() {
    let w = World::new(None).await;
    let g = w.graph("crashy", "in").await;
    w.input("in", "2026-11-20", "a\n1\n");
    let s = w.schedule(&g, &[], 1, None).await;
    // Simulate the state a `kill -9` leaves: a run claimed and never finished.
    let run = w
        .sched
        .enqueue(&s, "2026-11-20", sluice_backend::store::RunKind::Scheduled, "scheduler")
        .await
        .unwrap()
        .unwrap();
    assert!(w.store.claim_run(&run.id, 0).await.unwrap());
    let restarted = Scheduler::new(w.store.clone(), DataRoot::new(w.files()), w.clock.clone(), None);
    assert_eq!(restarted.recover().await.unwrap(), 1);
    assert_eq!(w.store.run(&run.id).await.unwrap().status, RunStatus::Interrupted);
    w.clock.advance(60_000);
    restarted.drain().await.unwrap();
    assert_eq!(
        w.statuses(&g.0).await,
        [("2026-11-20".into(), "interrupted".into(), 1), ("2026-11-20".into(), "succeeded".into(), 2)]
    );
    assert_eq!(std::fs::read_to_string(w.files().join("out/crashy_2026-11-20.csv")).unwrap(), "a\n1\n");
}

/// Issue 9.4: a schedule runs the latest approved version, and says so in the audit log.
#[tokio::test]
async fn a_schedule_follows_the_latest_approved_version() {
    let w = World::new(None).await;
    let g = w.graph("follow", "in").await;
    w.input("in", "2026-11-20", "a\n1\n");
    let s = w.schedule(&g, &[], 0, None).await;
    let mut doc = copy_doc("follow", "in");
    doc["nodes"][1]["config"]["path"] = json!("out/v2_{biz_date}.csv");
    let (v2, h2) = w.save(&g.0, 1, doc).await;
    w.approve(&g.0, v2, &h2).await;
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    let run = &w.store.runs(&RunFilter::default().graph(&g.0).date("2026-11-20"), 1).await.unwrap()[0];
    assert_eq!((run.status.as_str(), run.hash.as_str()), ("succeeded", h2.as_str()));
    assert!(w.files().join("out/v2_2026-11-20.csv").exists());
    assert_eq!(w.store.schedule(&s.id).await.unwrap().hash, h2);
    let audit = w.store.audit_log("", "", 0, i64::MAX, 100).await.unwrap();
    let follow = audit.iter().find(|a| a.action == "schedule_follow").expect("schedule_follow audited");
    assert!(follow.detail.contains("version 2") && follow.target == s.id, "{follow:?}");
    assert!(audit.iter().any(|a| a.action == "run_queue" && a.detail.contains(&run.id) && a.detail.contains(&h2)));
}

/// Issue 9.6: a run whose task panics ends `failed` with the panic's message.
#[tokio::test]
async fn a_panicking_run_fails_with_the_panic_message() {
    let w = World::new(None).await;
    let g = w.graph("panicky", "in").await;
    w.input("in", "2026-11-20", "a\n1\n");
    w.schedule(&g, &[], 0, None).await;
    w.sched.set_attempt_hook(Arc::new(|run: &RunRow| panic!("engine bug while running {}", run.biz_date)));
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    let run = &w.store.runs(&RunFilter::default().graph(&g.0).date("2026-11-20"), 1).await.unwrap()[0];
    assert_eq!(run.status, RunStatus::Failed);
    assert!(run.error.as_deref().unwrap().contains("engine bug while running 2026-11-20"), "{run:?}");
    let nodes = w.store.run_nodes(&run.id).await.unwrap();
    assert!(!nodes.is_empty() && nodes.iter().all(|n| n.status == NodeStatus::Failed), "{nodes:?}");
    assert_eq!(w.store.alerts(10).await.unwrap().len(), 1, "the failure is alerted like any other");
}

/// Issue 9.10: a failing node's error names the node but not the cell value.
#[tokio::test]
async fn run_errors_do_not_quote_cell_values() {
    let w = World::new(None).await;
    let g = w
        .graph_doc(json!({
            "format": "sluice.graph/v1", "name": "leaky",
            "params": {"biz_date": {"type": "date"}},
            "nodes": [
                {"id": "src", "kind": "source.csv", "config": {"path": "in_{biz_date}.csv"}},
                {"id": "f", "kind": "transform.filter", "config": {"predicate": "CAST(name AS BIGINT) > 0"}},
                {"id": "out", "kind": "sink.csv", "config": {"path": "out/leaky.csv"}}],
            "edges": [{"from": "src", "to": "f"}, {"from": "f", "to": "out"}]
        }))
        .await;
    w.input("in", "2026-11-20", "name\nZHANG-WEI-6222\n");
    w.schedule(&g, &[], 0, None).await;
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    let run = &w.store.runs(&RunFilter::default().graph(&g.0).date("2026-11-20"), 1).await.unwrap()[0];
    let error = run.error.clone().unwrap();
    assert_eq!(run.status, RunStatus::Failed);
    assert!(!error.contains("ZHANG"), "{error}");
    assert!(error.contains("Cannot cast string '…'"), "the sentence stays, the value goes: {error}");
    let nodes = w.store.run_nodes(&run.id).await.unwrap();
    let failed: Vec<_> = nodes.iter().filter(|n| n.status == NodeStatus::Failed).collect();
    assert!(!failed.is_empty(), "{nodes:?}");
    assert!(failed.iter().all(|n| !n.error.as_deref().unwrap_or("").contains("ZHANG")), "{failed:?}");
    assert!(w.store.alerts(10).await.unwrap().iter().all(|a| !a.message.contains("ZHANG")));
}
