//! The scheduler with a clock the test moves: daily firing, dependencies,
//! retries with backoff, backfills in order, SLA misses, alerts to a webhook,
//! failed runs that leave outputs whole, and recovery after a crash.

use chrono::{TimeZone, Utc};
use serde_json::json;
use sluice_backend::engine::root::DataRoot;
use sluice_backend::scheduler::{
    Scheduler,
    clock::{Clock, ManualClock},
};
use sluice_backend::store::{ScheduleRow, Store, content_hash};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DAY: i64 = 86_400_000;

struct World {
    dir: tempfile::TempDir,
    store: Store,
    clock: Arc<ManualClock>,
    sched: Arc<Scheduler>,
    owner: String,
}

/// 2026-11-20 00:00 UTC (08:00 in Shanghai).
fn t0() -> i64 {
    Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap().timestamp_millis()
}

impl World {
    async fn new(webhook: Option<String>) -> World {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("files")).unwrap();
        let store = Store::open(&Store::sqlite_url(dir.path())).await.unwrap();
        let owner = store.create_user("ana", "h", "analyst").await.unwrap().id;
        let clock = Arc::new(ManualClock::new(t0()));
        let sched = Scheduler::new(store.clone(), DataRoot::new(dir.path().join("files")), clock.clone(), webhook);
        World { dir, store, clock, sched, owner }
    }

    fn files(&self) -> std::path::PathBuf {
        self.dir.path().join("files")
    }

    /// A graph copying `<input>_{biz_date}.csv` to `out/<name>_{biz_date}.csv`; returns (graph id, hash).
    async fn graph(&self, name: &str, input: &str) -> (String, String) {
        let doc = serde_json::to_string_pretty(&json!({
            "format": "sluice.graph/v1", "name": name,
            "params": {"biz_date": {"type": "date"}},
            "nodes": [
                {"id": "src", "kind": "source.csv", "config": {"path": format!("{input}_{{biz_date}}.csv")}},
                {"id": "out", "kind": "sink.csv", "config": {"path": format!("out/{name}_{{biz_date}}.csv")}}],
            "edges": [{"from": "src", "to": "out"}]
        }))
        .unwrap();
        let g = self.store.create_graph(&self.owner, "ana", name, "", &doc).await.unwrap();
        (g.id, content_hash(&doc))
    }

    async fn schedule(&self, graph: &(String, String), deps: &[&str], retries: i64, sla: Option<&str>) -> ScheduleRow {
        let s = ScheduleRow {
            id: uuid::Uuid::new_v4().to_string(),
            graph_id: graph.0.clone(),
            hash: graph.1.clone(),
            cron: "0 2 * * *".into(),
            timezone: "Asia/Shanghai".into(),
            biz_date_offset: -1,
            enabled: 1,
            retries,
            backoff_secs: 60,
            timeout_secs: 60,
            sla: sla.map(str::to_string),
            depends_on: serde_json::to_string(deps).unwrap(),
            last_fire_at: self.clock.now_ms(),
            created_by: "admin".into(),
            created_at: self.clock.now_ms(),
        };
        self.store.create_schedule(&s).await.unwrap();
        s
    }

    fn input(&self, name: &str, date: &str, body: &str) {
        std::fs::write(self.files().join(format!("{name}_{date}.csv")), body).unwrap();
    }

    async fn statuses(&self, graph: &str) -> Vec<(String, String, i64)> {
        let mut runs = self.store.runs(graph, "", "", 1000).await.unwrap();
        runs.sort_by_key(|r| (r.biz_date.clone(), r.attempt));
        runs.into_iter().map(|r| (r.biz_date, r.status, r.attempt)).collect()
    }
}

fn dates(from: u32, to: u32) -> Vec<String> {
    (from..=to).map(|d| format!("2026-11-{d:02}")).collect()
}

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
    let nodes = w.store.run_nodes(&w.store.runs(&g.0, "", "2026-11-23", 1).await.unwrap()[0].id).await.unwrap();
    assert!(nodes.iter().all(|n| n.status == "succeeded"));
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
    w.sched.enqueue(&sa, "2026-11-20", "backfill", "admin").await.unwrap();
    w.sched.drain().await.unwrap();
    let ra = w.store.runs(&a.0, "succeeded", "2026-11-20", 1).await.unwrap();
    let rb = w.store.runs(&b.0, "succeeded", "2026-11-20", 1).await.unwrap();
    assert!(rb[0].started_at.unwrap() >= ra[0].finished_at.unwrap());
}

/// A one-shot HTTP receiver on 127.0.0.1 that records request bodies.
async fn receiver() -> (String, Arc<tokio::sync::Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/alerts", listener.local_addr().unwrap());
    let got = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let sink = got.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = vec![0u8; 65536];
            let n = s.read(&mut buf).await.unwrap_or(0);
            let text = String::from_utf8_lossy(&buf[..n]).to_string();
            sink.lock().await.push(text.split("\r\n\r\n").nth(1).unwrap_or("").to_string());
            let _ = s.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n").await;
        }
    });
    (url, got)
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
        w.sched.enqueue(&sb, &d, "backfill", "admin").await.unwrap();
    }
    for d in dates(1, 10) {
        w.sched.enqueue(&sa, &d, "backfill", "admin").await.unwrap();
    }
    w.sched.drain().await.unwrap();
    let mut all = w.store.runs("", "", "", 100).await.unwrap();
    assert!(all.iter().all(|r| r.status == "succeeded"), "{all:?}");
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
    w.sched.enqueue(&s, "2026-11-20", "backfill", "admin").await.unwrap();
    w.sched.drain().await.unwrap();
    let runs = w.store.runs(&g.0, "", "2026-11-20", 10).await.unwrap();
    assert_eq!(runs[0].status, "failed");
    assert!(runs[0].error.as_deref().unwrap().contains("src"));
    let nodes = w.store.run_nodes(&runs[0].id).await.unwrap();
    assert_eq!(nodes.iter().find(|n| n.node_id == "src").unwrap().status, "failed");
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
    let run = w.sched.enqueue(&s, "2026-11-20", "scheduled", "scheduler").await.unwrap().unwrap();
    assert!(w.store.claim_run(&run.id).await.unwrap());
    let restarted = Scheduler::new(w.store.clone(), DataRoot::new(w.files()), w.clock.clone(), None);
    assert_eq!(restarted.recover().await.unwrap(), 1);
    assert_eq!(w.store.run(&run.id).await.unwrap().status, "interrupted");
    w.clock.advance(60_000);
    restarted.drain().await.unwrap();
    assert_eq!(
        w.statuses(&g.0).await,
        [("2026-11-20".into(), "interrupted".into(), 1), ("2026-11-20".into(), "succeeded".into(), 2)]
    );
    assert_eq!(std::fs::read_to_string(w.files().join("out/crashy_2026-11-20.csv")).unwrap(), "a\n1\n");
}
