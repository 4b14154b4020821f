//! The scheduler: approved graphs run for their business dates, after the
//! graphs they depend on, with retries and backoff, backfills oldest first,
//! SLA deadlines watched, and every run and node recorded in the store.
//! A schedule follows the latest approved version of its graph. Draft runs
//! (an analyst's "run now") share the queue but not the slots, write only
//! into their requester's sandbox, and never stand for a production run.
//!
//! State lives in the store, not in memory: a tick reads what is due and moves
//! rows forward with compare-and-set updates, so a restart (even `kill -9`)
//! loses nothing. On start, runs left `running` are marked `interrupted` and
//! retried as their schedule's policy says.

pub mod alerts;
pub mod calendar;
pub mod clock;
mod dispatch;
mod execute;
mod policy;
pub mod redact;
pub mod reports;
mod watermarks;

use crate::engine::root::DataRoot;
use crate::store::{NewRun, RunKind, RunRow, ScheduleRow, Store, StoreError};
use clock::Clock;
use sluice_shared::api::RunStatus;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// A change in a run or one of its nodes, for live progress (server-sent events).
pub use sluice_shared::api::run_events::RunEvent;

/// How many runs execute at once. Drafts have their own slots, so they can
/// never hold back a scheduled run, and scheduled runs are started first.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Scheduled and backfill runs executing at once, at most.
    pub max_runs: usize,
    /// Draft runs executing at once, at most.
    pub max_draft_runs: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_runs: 2, max_draft_runs: 1 }
    }
}

/// Called at the start of every attempt; see [`Scheduler::set_attempt_hook`].
pub type AttemptHook = Arc<dyn Fn(&RunRow) + Send + Sync>;

pub struct Scheduler {
    pub store: Store,
    /// The production data root: every run reads here; scheduled runs write here.
    pub root: DataRoot,
    /// Draft runs write under `<sandbox>/<user id>/` (the `dev` environment),
    /// never into the production root.
    pub sandbox: PathBuf,
    pub clock: Arc<dyn Clock>,
    pub webhook: Option<String>,
    pub limits: Limits,
    running: Mutex<HashMap<String, dispatch::Slot>>,
    pub events: broadcast::Sender<RunEvent>,
    hook: Mutex<Option<AttemptHook>>,
    /// Decrypts connection secrets when a run resolves its environment.
    keys: Mutex<Option<Arc<crate::secrets::Keyring>>>,
}

/// Why the scheduler could not do something.
#[derive(Debug)]
pub enum SchedulerError {
    /// The store failed (an outage, not a refusal).
    Store(StoreError),
    /// What was asked does not hold: dates, a calendar's coverage, a schedule's settings.
    Invalid(String),
    /// Resolving an environment or delivering an alert failed.
    Other(String),
}

impl std::fmt::Display for SchedulerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchedulerError::Store(e) => write!(f, "store: {e}"),
            SchedulerError::Invalid(m) | SchedulerError::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for SchedulerError {}

impl From<StoreError> for SchedulerError {
    fn from(e: StoreError) -> Self {
        SchedulerError::Store(e)
    }
}

type Result<T> = std::result::Result<T, SchedulerError>;

fn invalid(message: String) -> SchedulerError {
    SchedulerError::Invalid(message)
}

impl Scheduler {
    pub fn new(store: Store, root: DataRoot, clock: Arc<dyn Clock>, webhook: Option<String>) -> Arc<Self> {
        Self::with_limits(store, root, clock, webhook, Limits::default())
    }

    /// A scheduler whose sandbox is `sandbox` beside the data root.
    pub fn with_limits(
        store: Store,
        root: DataRoot,
        clock: Arc<dyn Clock>,
        webhook: Option<String>,
        limits: Limits,
    ) -> Arc<Self> {
        let (events, _) = broadcast::channel(1024);
        let sandbox = root.path().parent().unwrap_or(std::path::Path::new(".")).join("sandbox");
        Arc::new(Scheduler {
            store,
            root,
            sandbox,
            clock,
            webhook,
            limits,
            running: Mutex::new(HashMap::new()),
            events,
            hook: Mutex::new(None),
            keys: Mutex::new(None),
        })
    }

    /// Test hook: `f` runs at the start of every attempt, inside the run's
    /// task (a panic there is a panicking run).
    pub fn set_attempt_hook(&self, f: AttemptHook) {
        *self.hook.lock().expect("hook") = Some(f);
    }

    /// The key runs decrypt connection secrets with (the server's).
    pub fn set_keyring(&self, keys: Arc<crate::secrets::Keyring>) {
        *self.keys.lock().expect("keys") = Some(keys);
    }

    /// The data dir (the folder that holds the data root and the sandbox) and
    /// the default data root, where environments' roots resolve.
    pub fn dirs(&self) -> crate::environments::Dirs {
        let data_dir = self.root.path().parent().unwrap_or(std::path::Path::new(".")).to_path_buf();
        crate::environments::Dirs { data_dir, default_root: self.root.clone() }
    }

    /// The environment a run resolves in: `dev` for drafts, `prod` otherwise.
    pub async fn environment_for(&self, kind: RunKind) -> Result<crate::environments::Resolved> {
        let env = if kind == RunKind::Draft { crate::environments::DEV } else { crate::environments::PROD };
        let keys = self.keys.lock().expect("keys").clone();
        crate::environments::resolve(&self.store, keys.as_deref(), &self.dirs(), env)
            .await
            .map_err(SchedulerError::Other)
    }

    /// After a restart: runs that were going are interrupted, then retried per policy.
    pub async fn recover(&self) -> Result<usize> {
        // A publish a crash interrupted is completed or rolled back first (its
        // temporaries are in its journal); then, nothing running yet, every
        // staged temporary file left is a crash's leftover.
        let mut roots = vec![self.root.clone()];
        // Environments with a data root of their own publish there too.
        for env in self.store.environments().await? {
            match self.dirs().root(env.data_root.as_deref()) {
                Ok(r) if !roots.iter().any(|k| k.path() == r.path()) => roots.push(r),
                _ => {}
            }
        }
        for root in &roots {
            crate::engine::journal::recover_and_report(root);
            remove_stale_temporaries(root.path(), 0);
        }
        remove_stale_temporaries(&self.sandbox, 0);
        let interrupted = self.store.interrupt_running(self.clock.now_ms()).await?;
        for r in &interrupted {
            self.emit(&r.id, RunStatus::Interrupted, None);
            self.retry_or_alert(r, "interrupted by a server restart").await?;
        }
        Ok(interrupted.len())
    }

    /// Every schedule, each moved to the latest approved version of its graph
    /// first (audited as `schedule_follow`): a schedule runs what was approved last.
    pub async fn schedules(&self) -> Result<Vec<ScheduleRow>> {
        let mut schedules = self.store.schedules().await?;
        let approved = self.store.latest_approved().await?;
        for s in &mut schedules {
            let Some((hash, version)) = approved.get(&s.graph_id) else { continue };
            if *hash == s.hash {
                continue;
            }
            if self.store.set_schedule_hash(&s.id, &s.hash, hash).await? {
                let detail = format!(
                    "graph {}: follows approved version {version} ({}), was {}",
                    s.graph_id,
                    short(hash),
                    short(&s.hash)
                );
                self.store.audit("scheduler", "schedule_follow", &s.id, &detail).await?;
            }
            s.hash = hash.clone();
        }
        Ok(schedules)
    }

    /// A calendar by name: built-in first, then the store's.
    pub async fn calendar(&self, name: &str) -> Result<Option<sluice_shared::calendar::Calendar>> {
        if let Some(c) = crate::calendars::builtin(name) {
            return Ok(Some(c));
        }
        Ok(self.store.calendar(name).await?.and_then(|r| r.calendar()))
    }

    /// The calendar a schedule follows, if it names one. A name that no longer
    /// resolves is an error (the schedule must not silently run every day).
    pub async fn schedule_calendar(&self, s: &ScheduleRow) -> Result<Option<sluice_shared::calendar::Calendar>> {
        if s.calendar.is_empty() {
            return Ok(None);
        }
        match self.calendar(&s.calendar).await? {
            Some(c) => Ok(Some(c)),
            None => Err(invalid(format!("schedule {} names calendar `{}`, which does not exist", s.id, s.calendar))),
        }
    }

    /// The business dates a backfill of `from..=to` runs, oldest first: every
    /// day, or with a calendar its business days (a date it has no data for is
    /// an error naming the year).
    pub async fn backfill_dates(&self, s: &ScheduleRow, from: &str, to: &str) -> Result<Vec<String>> {
        let dates = calendar::date_range(from, to).map_err(invalid)?;
        match self.schedule_calendar(s).await? {
            None => Ok(dates),
            Some(cal) => calendar::business_dates(&cal, dates).map_err(invalid),
        }
    }

    /// One pass: fire due schedules, check SLAs, start what may start.
    pub async fn tick(self: &Arc<Self>) -> Result<()> {
        let now = self.clock.now_ms();
        let schedules = self.schedules().await?;
        for s in schedules.iter().filter(|s| s.enabled != 0) {
            self.fire(s, now).await?;
        }
        for s in schedules.iter().filter(|s| s.sla.is_some()) {
            self.check_sla(s, now).await?;
        }
        for s in schedules.iter().filter(|s| s.enabled != 0 && !s.calendar.is_empty()) {
            self.check_calendar_gap(s, now).await?;
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
        if !self.store.advance_schedule(&s.id, s.last_fire_at, last).await? {
            return Ok(());
        }
        let cal = match self.schedule_calendar(s).await {
            Ok(c) => c,
            Err(e) => return self.alert(Some(&s.id), None, "", "calendar", e.to_string()).await,
        };
        for f in fires {
            let date = match &cal {
                None => calendar::biz_date(tz, f, s.biz_date_offset),
                // Fires on business days only; the business date counts business days.
                Some(cal) => match calendar::business_biz_date(cal, tz, f, s.biz_date_offset) {
                    Ok(Some(d)) => d,
                    Ok(None) => continue,
                    Err(e) => {
                        let message = format!("schedule {} did not fire: calendar `{}`: {e}", s.id, s.calendar);
                        self.alert(Some(&s.id), None, "", "calendar", message).await?;
                        continue;
                    }
                },
            };
            self.enqueue(s, &date, RunKind::Scheduled, "scheduler").await?;
        }
        Ok(())
    }

    /// Queues a run of schedule `s` for `date` unless a production run of it
    /// is queued, running or (except for backfills) done. Drafts never count.
    pub async fn enqueue(&self, s: &ScheduleRow, date: &str, kind: RunKind, who: &str) -> Result<Option<RunRow>> {
        let busy: &[RunStatus] = if kind == RunKind::Backfill {
            &RunStatus::ACTIVE
        } else {
            &[RunStatus::Queued, RunStatus::Running, RunStatus::Succeeded]
        };
        if self.store.production_run_exists(&s.graph_id, date, busy).await? {
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
            params: &crate::store::NO_PARAMS,
        };
        self.queue(run).await.map(Some)
    }

    /// Creates a run, announces it, and audits which version it runs.
    async fn queue(&self, run: NewRun<'_>) -> Result<RunRow> {
        let row = self.store.create_run(run).await?;
        self.emit(&row.id, RunStatus::Queued, None);
        let detail = format!(
            "run {} ({}, attempt {}) for {} runs version {}",
            row.id, row.kind, row.attempt, row.biz_date, row.hash
        );
        self.store.audit(&row.requested_by, "run_queue", &row.graph_id, &detail).await?;
        Ok(row)
    }

    /// Tells the run's followers that it changed state.
    pub fn emit(&self, run: &str, status: RunStatus, error: Option<&str>) {
        let _ = self.events.send(RunEvent::Run { run_id: run.to_string(), status, error: error.map(str::to_string) });
    }

    /// Ticks every `period` until the process ends.
    pub fn spawn_loop(self: Arc<Self>, period: std::time::Duration) {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(period);
            loop {
                every.tick().await;
                if let Err(e) = self.tick().await {
                    tracing::error!("scheduler: {e}");
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

/// The first characters of a content hash, for messages.
fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
