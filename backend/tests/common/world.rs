//! A scheduler over a real SQLite store and real files, with a clock the
//! test moves, and a webhook receiver.

use chrono::{TimeZone, Utc};
use serde_json::json;
use sluice_backend::engine::root::DataRoot;
use sluice_backend::scheduler::{
    Limits, Scheduler,
    clock::{Clock, ManualClock},
};
use sluice_backend::store::RunFilter;
use sluice_backend::store::{NewRun, RunRow, ScheduleRow, Store, content_hash};
use sluice_shared::api::{Role, SubmissionStatus};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const DAY: i64 = 86_400_000;

pub struct World {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    pub sched: Arc<Scheduler>,
    pub owner: String,
}

/// 2026-11-20 00:00 UTC (08:00 in Shanghai).
pub fn t0() -> i64 {
    Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap().timestamp_millis()
}

impl World {
    pub async fn new(webhook: Option<String>) -> World {
        Self::with_limits(webhook, Limits::default()).await
    }

    pub async fn with_limits(webhook: Option<String>, limits: Limits) -> World {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("files")).unwrap();
        let store = Store::open(&Store::sqlite_url(dir.path())).await.unwrap();
        let owner = store.create_user("ana", "h", Role::Analyst).await.unwrap().id;
        let clock = Arc::new(ManualClock::new(t0()));
        let root = DataRoot::new(dir.path().join("files"));
        let sched = Scheduler::with_limits(store.clone(), root, clock.clone(), webhook, limits);
        World { dir, store, clock, sched, owner }
    }

    pub fn files(&self) -> std::path::PathBuf {
        self.dir.path().join("files")
    }

    /// The sandbox draft runs of `ana` write into.
    pub fn sandbox(&self) -> std::path::PathBuf {
        self.dir.path().join("sandbox").join(&self.owner)
    }

    /// A graph copying `<input>_{biz_date}.csv` to `out/<name>_{biz_date}.csv`,
    /// its first version approved; returns (graph id, hash).
    pub async fn graph(&self, name: &str, input: &str) -> (String, String) {
        self.graph_doc(copy_doc(name, input)).await
    }

    /// A graph with this document, approved; returns (graph id, hash).
    pub async fn graph_doc(&self, doc: serde_json::Value) -> (String, String) {
        let name = doc["name"].as_str().unwrap().to_string();
        let doc = serde_json::to_string_pretty(&doc).unwrap();
        let g = self.store.create_graph(&self.owner, "ana", &name, "", &doc).await.unwrap();
        let hash = content_hash(&doc);
        self.approve(&g.id, 1, &hash).await;
        (g.id, hash)
    }

    /// Saves a new version of a graph (not approved); returns (version, hash).
    pub async fn save(&self, graph_id: &str, base: i64, doc: serde_json::Value) -> (i64, String) {
        let name = doc["name"].as_str().unwrap().to_string();
        let doc = serde_json::to_string_pretty(&doc).unwrap();
        let v = self.store.save_graph(graph_id, base, "ana", &name, "", &doc).await.unwrap();
        (v, content_hash(&doc))
    }

    /// Records an analyst's submission of a version and an admin's approval.
    pub async fn approve(&self, graph_id: &str, version: i64, hash: &str) {
        let sub = self.store.submit(graph_id, version, hash, "", "ana").await.unwrap();
        self.store.decide(&sub.id, SubmissionStatus::Approved, "admin", "ok").await.unwrap();
    }

    /// Queues a draft run of `ana`'s, as `POST /api/graphs/{id}/run` does.
    pub async fn draft(&self, graph_id: &str, hash: &str, date: &str) -> RunRow {
        let run = NewRun {
            schedule_id: None,
            graph_id,
            hash,
            biz_date: date,
            kind: sluice_backend::store::RunKind::Draft,
            attempt: 1,
            not_before: 0,
            requested_by: "ana",
            params: &sluice_backend::store::NO_PARAMS,
        };
        self.store.create_run(run).await.unwrap()
    }

    pub async fn schedule(
        &self,
        graph: &(String, String),
        deps: &[&str],
        retries: i64,
        sla: Option<&str>,
    ) -> ScheduleRow {
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
            calendar: String::new(),
            last_fire_at: self.clock.now_ms(),
            created_by: "admin".into(),
            created_at: self.clock.now_ms(),
        };
        self.store.create_schedule(&s).await.unwrap();
        s
    }

    pub fn input(&self, name: &str, date: &str, body: &str) {
        std::fs::write(self.files().join(format!("{name}_{date}.csv")), body).unwrap();
    }

    /// (business date, status as the API writes it, attempt) of every run of `graph`.
    pub async fn statuses(&self, graph: &str) -> Vec<(String, String, i64)> {
        let mut runs = self.store.runs(&RunFilter::default().graph(graph), 1000).await.unwrap();
        runs.sort_by_key(|r| (r.biz_date.clone(), r.attempt));
        runs.into_iter().map(|r| (r.biz_date, r.status.to_string(), r.attempt)).collect()
    }
}

/// The document [`World::graph`] creates.
pub fn copy_doc(name: &str, input: &str) -> serde_json::Value {
    json!({
        "format": "sluice.graph/v1", "name": name,
        "params": {"biz_date": {"type": "date"}},
        "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": format!("{input}_{{biz_date}}.csv")}},
            {"id": "out", "kind": "sink.csv", "config": {"path": format!("out/{name}_{{biz_date}}.csv")}}],
        "edges": [{"from": "src", "to": "out"}]
    })
}

pub fn dates(from: u32, to: u32) -> Vec<String> {
    (from..=to).map(|d| format!("2026-11-{d:02}")).collect()
}

/// A one-shot HTTP receiver on 127.0.0.1 that records request bodies.
pub async fn receiver() -> (String, Arc<tokio::sync::Mutex<Vec<String>>>) {
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
