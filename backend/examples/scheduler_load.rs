//! Load figure for the scheduler: N schedules (default 1,000) all firing in
//! the same minute on this machine. Reports the time to drain and checks that
//! every schedule ran exactly once for the business date (none lost, none doubled).
//!
//! `cargo run --profile perf -p sluice-backend --example scheduler_load [-- N]`

use chrono::{TimeZone, Utc};
use sluice_backend::engine::root::DataRoot;
use sluice_backend::scheduler::{Scheduler, clock::ManualClock};
use sluice_backend::store::{RunFilter, ScheduleRow, Store, content_hash};
use sluice_shared::api::{Role, RunStatus, SubmissionStatus};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("in.csv"), "branch,amount\nB1,10\nB2,20\nB1,5\n").unwrap();
    let store = Store::open(&Store::sqlite_url(dir.path())).await.unwrap();
    let owner = store.create_user("ana", "h", Role::Analyst).await.unwrap().id;
    let t0 = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap().timestamp_millis();
    let setup = Instant::now();
    for i in 0..n {
        let doc = serde_json::json!({
            "format": "sluice.graph/v1", "name": format!("g{i}"),
            "params": {"biz_date": {"type": "date"}},
            "nodes": [
                {"id": "src", "kind": "source.csv", "config": {"path": "in.csv"}},
                {"id": "agg", "kind": "transform.aggregate", "config": {"group_by": ["branch"], "aggregates": [{"fn": "sum", "column": "amount", "as": "total"}]}},
                {"id": "out", "kind": "sink.csv", "config": {"path": format!("out/g{i}_{{biz_date}}.csv")}}],
            "edges": [{"from": "src", "to": "agg"}, {"from": "agg", "to": "out"}]
        })
        .to_string();
        let g = store.create_graph(&owner, "ana", &format!("g{i}"), "", &doc).await.unwrap();
        // Schedules run approved versions; only those count as production runs.
        let sub = store.submit(&g.id, 1, &content_hash(&doc), "", "ana").await.unwrap();
        store.decide(&sub.id, SubmissionStatus::Approved, "admin", "ok").await.unwrap();
        let s = ScheduleRow {
            id: format!("s{i}"),
            graph_id: g.id,
            hash: content_hash(&doc),
            cron: "0 2 * * *".into(),
            timezone: "Asia/Shanghai".into(),
            biz_date_offset: -1,
            enabled: 1,
            retries: 0,
            backoff_secs: 0,
            timeout_secs: 600,
            sla: None,
            depends_on: "[]".into(),
            calendar: String::new(),
            last_fire_at: t0,
            created_by: "admin".into(),
            created_at: t0,
        };
        store.create_schedule(&s).await.unwrap();
    }
    eprintln!("set up {n} schedules in {:.1}s", setup.elapsed().as_secs_f64());
    let clock = Arc::new(ManualClock::new(t0 + 86_400_000));
    let sched = Scheduler::new(store.clone(), DataRoot::new(&files), clock, None);
    let started = Instant::now();
    sched.drain().await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    let runs = store.runs(&RunFilter::default(), 100_000).await.unwrap();
    let mut per_graph: HashMap<&str, usize> = HashMap::new();
    for r in &runs {
        *per_graph.entry(&r.graph_id).or_default() += 1;
    }
    let succeeded = runs.iter().filter(|r| r.status == RunStatus::Succeeded).count();
    let doubled = per_graph.values().filter(|c| **c > 1).count();
    let outputs = std::fs::read_dir(files.join("out")).map(|d| d.count()).unwrap_or(0);
    println!("| schedules | runs | succeeded | lost | doubled | outputs | drain s | runs/s |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {n} | {} | {succeeded} | {} | {doubled} | {outputs} | {secs:.1} | {:.0} |",
        runs.len(),
        n - per_graph.len(),
        n as f64 / secs
    );
    assert_eq!((succeeded, doubled, per_graph.len(), outputs), (n, 0, n, n), "every schedule exactly once");
}
