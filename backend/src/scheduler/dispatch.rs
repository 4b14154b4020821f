//! Starting runs: scheduled and backfill runs first and in their own slots,
//! drafts in theirs; each run in its own task, whose panic fails the run
//! instead of leaving it `running`.

use super::{Result, Scheduler, redact};
use crate::store::{RunKind, RunRow, ScheduleRow};
use futures::FutureExt;
use sluice_shared::api::{NodeStatus, RunStatus};
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use tokio::task::JoinHandle;

/// A run executing now.
pub(super) struct Slot {
    draft: bool,
    handle: JoinHandle<()>,
}

impl Scheduler {
    pub(super) async fn dispatch(self: &Arc<Self>, now: i64, all: &[ScheduleRow]) -> Result<()> {
        self.running.lock().expect("running").retain(|_, s| !s.handle.is_finished());
        let schedules: HashMap<&str, &ScheduleRow> = all.iter().map(|s| (s.id.as_str(), s)).collect();
        // Production runs come first (then oldest business date), drafts last.
        for run in self.store.due_runs(now).await? {
            let draft = run.kind == RunKind::Draft;
            if self.busy(draft) {
                continue;
            }
            let schedule = run.schedule_id.as_deref().and_then(|id| schedules.get(id));
            if !self.may_start(&run, schedule.copied()).await? || !self.store.claim_run(&run.id, now).await? {
                continue;
            }
            self.emit(&run.id, RunStatus::Running, None);
            let timeout = schedule.map(|s| s.timeout_secs).unwrap_or(3600);
            let id = run.id.clone();
            let handle = tokio::spawn(Arc::clone(self).guarded(run, timeout));
            self.running.lock().expect("running").insert(id, Slot { draft, handle });
        }
        Ok(())
    }

    /// Whether every slot of the run's kind is taken.
    fn busy(&self, draft: bool) -> bool {
        let running = self.running.lock().expect("running");
        let n = running.values().filter(|s| s.draft == draft).count();
        n >= if draft { self.limits.max_draft_runs } else { self.limits.max_runs }
    }

    /// Never the same graph and business date twice at once (per requester for
    /// drafts, which write to their own sandbox), and dependencies first.
    async fn may_start(&self, run: &RunRow, schedule: Option<&ScheduleRow>) -> Result<bool> {
        if run.kind == RunKind::Draft {
            return Ok(!self.store.draft_running(&run.graph_id, &run.biz_date, &run.requested_by).await?);
        }
        if self.store.production_run_exists(&run.graph_id, &run.biz_date, &[RunStatus::Running]).await? {
            return Ok(false);
        }
        for dep in schedule.map(|s| s.dependencies()).unwrap_or_default() {
            if !self.store.production_run_exists(&dep, &run.biz_date, &[RunStatus::Succeeded]).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Runs one attempt; if its task panics, the run fails with the panic's message.
    async fn guarded(self: Arc<Self>, run: RunRow, timeout: i64) {
        let outcome = AssertUnwindSafe(Arc::clone(&self).execute(run.clone(), timeout)).catch_unwind().await;
        let Err(panic) = outcome else { return };
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        let text = format!("the run stopped on an internal error (a panic): {}", redact::redact(&what));
        let now = self.clock.now_ms();
        if let Err(e) = self.store.end_open_run_nodes(&run.id, NodeStatus::Failed).await {
            tracing::error!(run = %run.id, "scheduler: ending the nodes of the run: {e}");
        }
        if self.store.finish_run(&run.id, RunStatus::Failed, Some(&text), now).await.unwrap_or(false) {
            self.emit(&run.id, RunStatus::Failed, Some(&text));
            if let Err(e) = self.retry_or_alert(&run, &text).await {
                tracing::error!("scheduler: {e}");
            }
        }
    }

    /// Waits until nothing runs (tests and shutdown).
    pub async fn idle(&self) {
        loop {
            let handles: Vec<JoinHandle<()>> =
                self.running.lock().expect("running").drain().map(|(_, s)| s.handle).collect();
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
        if let Some(s) = self.running.lock().expect("running").remove(id) {
            s.handle.abort();
        }
        let done =
            self.store.finish_run(id, RunStatus::Cancelled, Some("cancelled by a user"), self.clock.now_ms()).await?;
        if done {
            self.emit(id, RunStatus::Cancelled, None);
        }
        Ok(done)
    }
}
