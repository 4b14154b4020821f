//! The scheduler: approved graphs run for their business dates, after the
//! graphs they depend on, with retries and backoff, backfills oldest first,
//! SLA deadlines watched, and every run and node recorded in the store.
//!
//! State lives in the store, not in memory: a tick reads what is due and moves
//! rows forward with compare-and-set updates, so a restart (even `kill -9`)
//! loses nothing. On start, runs left `running` are marked `interrupted` and
//! retried as their schedule's policy says.

pub mod alerts;
pub mod calendar;
pub mod clock;
mod execute;

use crate::engine::root::DataRoot;
use crate::store::{AlertRow, NewRun, RunRow, ScheduleRow, Store};
use clock::Clock;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

/// A change in a run or one of its nodes, for live progress (server-sent events).
#[derive(Debug, Clone, Serialize)]
pub struct RunEvent {
    pub run_id: String,
    pub node: Option<String>,
    pub status: String,
    pub rows: Option<i64>,
    pub error: Option<String>,
}

pub struct Scheduler {
    pub store: Store,
    pub root: DataRoot,
    pub clock: Arc<dyn Clock>,
    pub webhook: Option<String>,
    /// Runs executing at once, at most.
    pub max_concurrent: usize,
    running: Mutex<HashMap<String, JoinHandle<()>>>,
    pub events: broadcast::Sender<RunEvent>,
}

type Result<T> = std::result::Result<T, String>;

fn db<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

impl Scheduler {
    pub fn new(store: Store, root: DataRoot, clock: Arc<dyn Clock>, webhook: Option<String>) -> Arc<Self> {
        let (events, _) = broadcast::channel(1024);
        Arc::new(Scheduler {
            store,
            root,
            clock,
            webhook,
            max_concurrent: 2,
            running: Mutex::new(HashMap::new()),
            events,
        })
    }

    /// After a restart: runs that were going are interrupted, then retried per policy.
    pub async fn recover(&self) -> Result<usize> {
        // A publish a crash interrupted is completed or rolled back first (its
        // temporaries are in its journal); then, nothing running yet, every
        // staged temporary file left is a crash's leftover.
        crate::engine::journal::recover_and_report(&self.root);
        remove_stale_temporaries(self.root.path(), 0);
        let interrupted = self.store.interrupt_running().await.map_err(db)?;
        for r in &interrupted {
            self.emit(&r.id, None, "interrupted", None, None);
            self.retry_or_alert(r, "interrupted by a server restart").await?;
        }
        Ok(interrupted.len())
    }

    /// One pass: fire due schedules, check SLAs, start what may start.
    pub async fn tick(self: &Arc<Self>) -> Result<()> {
        let now = self.clock.now_ms();
        let schedules = self.store.schedules().await.map_err(db)?;
        for s in schedules.iter().filter(|s| s.enabled == 1) {
            self.fire(s, now).await?;
        }
        for s in schedules.iter().filter(|s| s.sla.is_some()) {
            self.check_sla(s, now).await?;
        }
        self.dispatch(now, &schedules).await
    }

    async fn fire(&self, s: &ScheduleRow, now: i64) -> Result<()> {
        let (Ok(cron), Ok(tz)) = (calendar::parse_cron(&s.cron), calendar::parse_tz(&s.timezone)) else {
            return Ok(());
        };
        let fires = calendar::fire_times(&cron, tz, s.last_fire_at, now, 1000);
        let Some(&last) = fires.last() else { return Ok(()) };
        // Claim the fire times first: a second scheduler process (or tick) that
        // read the same high-water mark loses the race and creates nothing.
        if !self.store.advance_schedule(&s.id, s.last_fire_at, last).await.map_err(db)? {
            return Ok(());
        }
        for f in fires {
            let date = calendar::biz_date(tz, f, s.biz_date_offset);
            self.enqueue(s, &date, "scheduled", "scheduler").await?;
        }
        Ok(())
    }

    /// Queues a run of schedule `s` for `date` unless one is queued, running or done.
    pub async fn enqueue(&self, s: &ScheduleRow, date: &str, kind: &str, who: &str) -> Result<Option<RunRow>> {
        let busy: &[&str] =
            if kind == "backfill" { &["queued", "running"] } else { &["queued", "running", "succeeded"] };
        if self.store.run_exists(&s.graph_id, date, busy).await.map_err(db)? {
            return Ok(None);
        }
        let run = NewRun {
            schedule_id: Some(&s.id),
            graph_id: &s.graph_id,
            hash: &s.hash,
            biz_date: date,
            kind,
            attempt: 1,
            not_before: 0,
            requested_by: who,
        };
        let row = self.store.create_run(run).await.map_err(db)?;
        self.emit(&row.id, None, "queued", None, None);
        Ok(Some(row))
    }

    async fn dispatch(self: &Arc<Self>, now: i64, all: &[ScheduleRow]) -> Result<()> {
        self.running.lock().expect("running").retain(|_, h| !h.is_finished());
        let schedules: HashMap<&str, &ScheduleRow> = all.iter().map(|s| (s.id.as_str(), s)).collect();
        for run in self.store.due_runs(now).await.map_err(db)? {
            if self.running.lock().expect("running").len() >= self.max_concurrent {
                break;
            }
            // Never the same graph and business date twice at once.
            if self.store.run_exists(&run.graph_id, &run.biz_date, &["running"]).await.map_err(db)? {
                continue;
            }
            let schedule = run.schedule_id.as_deref().and_then(|id| schedules.get(id));
            let deps = schedule.map(|s| s.dependencies()).unwrap_or_default();
            let mut ready = true;
            for dep in &deps {
                if !self.store.run_exists(dep, &run.biz_date, &["succeeded"]).await.map_err(db)? {
                    ready = false;
                    break;
                }
            }
            if !ready || !self.store.claim_run(&run.id).await.map_err(db)? {
                continue;
            }
            self.emit(&run.id, None, "running", None, None);
            let me = Arc::clone(self);
            let timeout = schedule.map(|s| s.timeout_secs).unwrap_or(3600);
            let id = run.id.clone();
            let handle = tokio::spawn(async move { me.execute(run, timeout).await });
            self.running.lock().expect("running").insert(id, handle);
        }
        Ok(())
    }

    /// Waits until nothing runs (tests and shutdown).
    pub async fn idle(&self) {
        loop {
            let handles: Vec<JoinHandle<()>> = self.running.lock().expect("running").drain().map(|(_, h)| h).collect();
            if handles.is_empty() {
                return;
            }
            for h in handles {
                let _ = h.await;
            }
        }
    }

    /// Ticks until a tick starts nothing more (tests, backfills): everything
    /// due has run, and what is left waits on a dependency or a backoff.
    pub async fn drain(self: &Arc<Self>) -> Result<()> {
        for _ in 0..100_000 {
            self.tick().await?;
            let started = !self.running.lock().expect("running").is_empty();
            self.idle().await;
            if !started {
                break;
            }
        }
        Ok(())
    }

    /// Cancels a queued or running run.
    pub async fn cancel(&self, id: &str) -> Result<bool> {
        if let Some(h) = self.running.lock().expect("running").remove(id) {
            h.abort();
        }
        let done = self
            .store
            .finish_run(id, "cancelled", Some("cancelled by a user"), self.clock.now_ms())
            .await
            .map_err(db)?;
        if done {
            self.emit(id, None, "cancelled", None, None);
        }
        Ok(done)
    }

    /// After a failed or interrupted attempt: queue the next one with
    /// exponential backoff, or, when attempts are used up, alert.
    async fn retry_or_alert(&self, r: &RunRow, why: &str) -> Result<()> {
        let schedule = match &r.schedule_id {
            Some(id) => self.store.schedule(id).await.ok(),
            None => None,
        };
        let (retries, backoff) = schedule.as_ref().map(|s| (s.retries, s.backoff_secs)).unwrap_or((0, 0));
        if r.attempt <= retries {
            let delay = backoff.saturating_mul(1 << (r.attempt - 1).min(20)) * 1000;
            let next = NewRun {
                schedule_id: r.schedule_id.as_deref(),
                graph_id: &r.graph_id,
                hash: &r.hash,
                biz_date: &r.biz_date,
                kind: &r.kind,
                attempt: r.attempt + 1,
                not_before: self.clock.now_ms() + delay,
                requested_by: &r.requested_by,
            };
            let row = self.store.create_run(next).await.map_err(db)?;
            self.emit(&row.id, None, "queued", None, None);
            return Ok(());
        }
        let message = format!(
            "run {} of graph {} for {} failed after {} attempt(s): {why}",
            r.id, r.graph_id, r.biz_date, r.attempt
        );
        self.alert(r.schedule_id.as_deref(), Some(&r.id), &r.biz_date, "failure", message).await
    }

    async fn check_sla(&self, s: &ScheduleRow, now: i64) -> Result<()> {
        let (Ok(tz), Some(Ok(sla))) = (calendar::parse_tz(&s.timezone), s.sla.as_deref().map(calendar::parse_sla))
        else {
            return Ok(());
        };
        let mut dates: Vec<String> = self
            .store
            .runs(&s.graph_id, "", "", 200)
            .await
            .map_err(db)?
            .into_iter()
            .filter(|r| r.schedule_id.as_deref() == Some(&s.id))
            .map(|r| r.biz_date)
            .collect();
        dates.sort();
        dates.dedup();
        for date in dates {
            let Some(deadline) = calendar::sla_deadline(tz, &date, sla) else { continue };
            if now <= deadline {
                continue;
            }
            let runs = self.store.runs(&s.graph_id, "succeeded", &date, 100).await.map_err(db)?;
            if runs.iter().any(|r| r.finished_at.is_some_and(|f| f <= deadline)) {
                continue;
            }
            let message = format!(
                "graph {} missed its SLA: the run for {date} had not succeeded by {} ({})",
                s.graph_id,
                s.sla.as_deref().unwrap_or(""),
                s.timezone
            );
            self.alert(Some(&s.id), None, &date, "sla_miss", message).await?;
        }
        Ok(())
    }

    async fn alert(
        &self,
        schedule: Option<&str>,
        run: Option<&str>,
        date: &str,
        kind: &str,
        message: String,
    ) -> Result<()> {
        let row = AlertRow {
            id: uuid::Uuid::new_v4().to_string(),
            run_id: run.map(str::to_string),
            schedule_id: schedule.map(str::to_string),
            biz_date: date.to_string(),
            kind: kind.to_string(),
            message,
            at: self.clock.now_ms(),
            delivered: 0,
        };
        if !self.store.record_alert(&row).await.map_err(db)? {
            return Ok(()); // already alerted for this schedule, date and kind
        }
        if let Some(url) = &self.webhook
            && alerts::post_json(url, &serde_json::to_value(&row).unwrap_or_default()).await.is_ok()
        {
            self.store.mark_alert_delivered(&row.id).await.map_err(db)?;
        }
        Ok(())
    }

    pub fn emit(&self, run: &str, node: Option<&str>, status: &str, rows: Option<i64>, error: Option<&str>) {
        let _ = self.events.send(RunEvent {
            run_id: run.to_string(),
            node: node.map(str::to_string),
            status: status.to_string(),
            rows,
            error: error.map(str::to_string),
        });
    }

    /// Ticks every `period` until the process ends.
    pub fn spawn_loop(self: Arc<Self>, period: std::time::Duration) {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(period);
            loop {
                every.tick().await;
                if let Err(e) = self.tick().await {
                    eprintln!("scheduler: {e}");
                }
            }
        });
    }
}

/// Deletes `.sluice-*.tmp` files (sink outputs staged by a run that never
/// finished) under the data root. Targets were never touched by such a run.
fn remove_stale_temporaries(dir: &std::path::Path, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() && depth < 8 {
            remove_stale_temporaries(&e.path(), depth + 1);
        } else if kind.is_file() && name.starts_with(".sluice-") && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
