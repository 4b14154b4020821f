//! Bounds on what one run or preview may take from the machine: memory (a
//! DataFusion pool per session), spill space (the disk manager's cap), time (a
//! task that is really stopped, not detached, when it runs out), and the async
//! workers (validation runs on a bounded blocking pool).

use datafusion::common::DataFusionError;
use datafusion::execution::disk_manager::DiskManagerBuilder;
use datafusion::execution::memory_pool::{FairSpillPool, MemoryLimit, MemoryPool, MemoryReservation};
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use sluice_shared::limits::bytes;
use sluice_shared::{Context, Graph, Report, Schema};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::{Arc, LazyLock, RwLock};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::AbortHandle;

/// Memory one run may use (sized for a 24 GiB machine running a few at once).
pub const RUN_MEMORY: usize = 4 << 30;
/// Memory one preview may use.
pub const PREVIEW_MEMORY: usize = 512 << 20;
/// Temporary files one run or preview may spill to disk.
pub const SPILL: u64 = 16 << 30;
/// How long a preview may take before it is stopped.
pub const PREVIEW_TIMEOUT: Duration = Duration::from_secs(20);

/// What one DataFusion session may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of memory; past it the plan stops with "memory limit of N exceeded".
    pub memory: usize,
    /// Bytes of spill files.
    pub spill: u64,
}

impl Limits {
    pub const RUN: Limits = Limits { memory: RUN_MEMORY, spill: SPILL };
    pub const PREVIEW: Limits = Limits { memory: PREVIEW_MEMORY, spill: SPILL };
}

static RUN_LIMITS: RwLock<Limits> = RwLock::new(Limits::RUN);

/// Sets the limits of every run in this process (`sluice serve` and `sluice run` flags).
pub fn set_run_limits(l: Limits) {
    *RUN_LIMITS.write().unwrap_or_else(|e| e.into_inner()) = l;
}

/// The limits a run gets unless planned with others.
pub fn run_limits() -> Limits {
    *RUN_LIMITS.read().unwrap_or_else(|e| e.into_inner())
}

/// What each sort partition sets aside for merging its spilled runs: at most
/// DataFusion's 10 MiB, and no more than a quarter of the limit over all
/// partitions, so that on a many-core machine a small limit (a preview's)
/// is not taken by the set-asides alone, failing a sort that could spill.
pub fn sort_reservation(l: Limits, partitions: usize) -> usize {
    (l.memory / (4 * partitions.max(1))).min(10 << 20)
}

/// A runtime whose memory pool and spill space are bounded by `l`.
pub fn runtime(l: Limits) -> Result<Arc<RuntimeEnv>, DataFusionError> {
    RuntimeEnvBuilder::new()
        .with_memory_pool(Arc::new(Bounded { inner: FairSpillPool::new(l.memory), limit: l.memory }))
        .with_disk_manager_builder(DiskManagerBuilder::default().with_max_temp_directory_size(l.spill))
        .build_arc()
}

/// A fair spill pool whose refusal says which limit was hit, in words a user reads.
#[derive(Debug)]
struct Bounded {
    inner: FairSpillPool,
    limit: usize,
}

impl std::fmt::Display for Bounded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "memory limit of {}", bytes(self.limit))
    }
}

impl MemoryPool for Bounded {
    fn name(&self) -> &str {
        "sluice"
    }
    fn register(&self, c: &datafusion::execution::memory_pool::MemoryConsumer) {
        self.inner.register(c)
    }
    fn unregister(&self, c: &datafusion::execution::memory_pool::MemoryConsumer) {
        self.inner.unregister(c)
    }
    fn grow(&self, r: &MemoryReservation, additional: usize) {
        self.inner.grow(r, additional)
    }
    fn shrink(&self, r: &MemoryReservation, n: usize) {
        self.inner.shrink(r, n)
    }
    fn try_grow(&self, r: &MemoryReservation, additional: usize) -> datafusion::common::Result<()> {
        self.inner.try_grow(r, additional).map_err(|_| {
            DataFusionError::ResourcesExhausted(format!(
                "memory limit of {} exceeded ({} needed {} more); filter or aggregate earlier, or raise the limit",
                bytes(self.limit),
                r.consumer().name(),
                bytes(additional)
            ))
        })
    }
    fn reserved(&self) -> usize {
        self.inner.reserved()
    }
    fn memory_limit(&self) -> MemoryLimit {
        self.inner.memory_limit()
    }
}

/// DataFusion's refusal when spill files would pass the cap ("The used disk
/// space during the spilling process has exceeded the allowable limit of 64.0
/// KB. Please try increasing the config: ...") names a setting users cannot
/// change; this says which limit was hit, like the memory pool's refusal.
pub fn spill_refusal(text: &str) -> Option<String> {
    let rest = text.split_once("exceeded the allowable limit of ")?.1;
    let size = rest.split_once(". ").map_or(rest, |(s, _)| s).trim_end_matches('.');
    Some(format!(
        "spill limit of {} exceeded (the temporary files of a sort, join or aggregate would not fit); \
         filter or aggregate earlier, or raise the limit",
        size_words(size)
    ))
}

/// DataFusion's size ("64.0 KB", binary units) as [`bytes`] writes it ("64 KiB").
fn size_words(size: &str) -> String {
    const UNITS: [(&str, &str, u32); 5] =
        [("B", "bytes", 0), ("KB", "KiB", 10), ("MB", "MiB", 20), ("GB", "GiB", 30), ("TB", "TiB", 40)];
    let Some((number, unit)) = size.split_once(' ') else { return size.to_string() };
    let Some(&(_, name, shift)) = UNITS.iter().find(|(u, _, _)| *u == unit) else { return size.to_string() };
    match number.strip_suffix(".0").and_then(|n| n.parse::<usize>().ok()).and_then(|n| n.checked_mul(1 << shift)) {
        Some(n) => bytes(n),
        None => format!("{number} {name}"),
    }
}

/// At most this many validations run at once, each on a blocking thread, so a
/// burst of large graphs neither stalls the async workers nor spawns hundreds of threads.
static CPU_SLOTS: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))));

/// Runs CPU-heavy `f` off the async workers, on a bounded number of blocking threads.
/// The slot travels with the blocking work: a caller that gives up (a preview
/// timed out or replaced) does not free it while the work still runs.
pub async fn off_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let slot = CPU_SLOTS.clone().acquire_owned().await.expect("the semaphore is never closed");
    let work = move || {
        let _slot = slot;
        f()
    };
    match tokio::task::spawn_blocking(work).await {
        Ok(v) => v,
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("validation task: {e}"),
        },
    }
}

/// Business calendars by name, as derived parameters name them.
pub type Calendars = BTreeMap<String, sluice_shared::calendar::Calendar>;

/// [`sluice_shared::validate`] off the async workers.
pub async fn validate(
    graph: &Graph,
    schemas: Option<&HashMap<String, Schema>>,
    params: Option<&BTreeMap<String, String>>,
    connections: Option<&sluice_shared::connections::Known>,
    calendars: Option<&Arc<Calendars>>,
) -> Report {
    let (graph, schemas, params, known) = (graph.clone(), schemas.cloned(), params.cloned(), connections.cloned());
    let calendars = calendars.cloned();
    off_thread(move || {
        let ctx = Context {
            source_schemas: schemas.as_ref(),
            params: params.as_ref(),
            connections: known.as_ref(),
            calendars: calendars.as_deref(),
        };
        sluice_shared::validate(&graph, &ctx)
    })
    .await
}

/// Why a bounded task gave no answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Stopped {
    /// It ran past its time and was stopped.
    TimedOut(Duration),
    /// Its abort handle was used (e.g. a newer preview replaced it).
    Cancelled,
    /// It panicked; the message.
    Panicked(String),
}

/// Aborts the task when dropped: a caller that goes away (a closed connection)
/// takes its work with it.
struct AbortOnDrop(AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `fut` as a task of its own for at most `timeout`. `started` receives its
/// abort handle (to cancel it from elsewhere). When time runs out the task is
/// aborted and awaited, so on return its plan has been dropped, not detached.
/// Work that finished but only after its deadline (a task that never yielded,
/// so the timer could not fire in time) counts as timed out too: the bound does
/// not depend on how the runtime happened to interleave.
pub async fn bounded<T: Send + 'static>(
    fut: impl Future<Output = T> + Send + 'static,
    timeout: Duration,
    started: impl FnOnce(AbortHandle),
) -> Result<T, Stopped> {
    let start = std::time::Instant::now();
    let mut task = tokio::spawn(fut);
    let _guard = AbortOnDrop(task.abort_handle());
    started(task.abort_handle());
    let outcome = match tokio::time::timeout(timeout, &mut task).await {
        Ok(_) if start.elapsed() > timeout => return Err(Stopped::TimedOut(timeout)),
        Ok(joined) => joined,
        Err(_) => {
            task.abort();
            let _ = (&mut task).await;
            return Err(Stopped::TimedOut(timeout));
        }
    };
    outcome.map_err(|e| if e.is_cancelled() { Stopped::Cancelled } else { Stopped::Panicked(e.to_string()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A future that never finishes and holds `token` until it is dropped.
    async fn forever(token: Arc<()>) {
        let _held = token;
        std::future::pending::<()>().await
    }

    #[tokio::test]
    async fn a_timed_out_task_is_dropped_before_the_caller_hears() {
        let token = Arc::new(());
        let r = bounded(forever(token.clone()), Duration::from_millis(20), |_| {}).await;
        assert_eq!(r, Err(Stopped::TimedOut(Duration::from_millis(20))));
        assert_eq!(Arc::strong_count(&token), 1, "the task still holds its work");
    }

    /// On a one-thread runtime a task that never yields finishes before the
    /// timer is looked at; it still counts as late.
    #[tokio::test]
    async fn work_that_blocks_past_its_deadline_is_timed_out() {
        let busy = async { std::thread::sleep(Duration::from_millis(30)) };
        let r = bounded(busy, Duration::from_millis(1), |_| {}).await;
        assert_eq!(r, Err(Stopped::TimedOut(Duration::from_millis(1))));
    }

    #[tokio::test]
    async fn a_cancelled_task_is_dropped() {
        let token = Arc::new(());
        let r = bounded(forever(token.clone()), Duration::from_secs(30), |h| h.abort()).await;
        assert_eq!(r, Err(Stopped::Cancelled));
        assert_eq!(Arc::strong_count(&token), 1);
    }

    #[tokio::test]
    async fn a_caller_that_goes_away_stops_the_task() {
        let token = Arc::new(());
        let call = bounded(forever(token.clone()), Duration::from_secs(30), |_| {});
        assert!(tokio::time::timeout(Duration::from_millis(20), call).await.is_err());
        for _ in 0..100 {
            if Arc::strong_count(&token) == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(Arc::strong_count(&token), 1);
    }

    #[test]
    fn the_spill_refusal_names_the_limit_in_our_units() {
        let df = "Io error: The used disk space during the spilling process has exceeded the allowable limit \
                  of 1024.0 KB. Please try increasing the config: `datafusion.runtime.max_temp_directory_size`.";
        let text = spill_refusal(df).unwrap();
        assert!(text.starts_with("spill limit of 1 MiB exceeded ("), "{text}");
        assert!(!text.contains("datafusion"), "{text}");
        assert_eq!(size_words("64.0 KB"), "64 KiB");
        assert_eq!(size_words("16.0 GB"), "16 GiB");
        assert_eq!(size_words("2.9 MB"), "2.9 MiB");
        assert_eq!(spill_refusal("memory limit of 64 KiB exceeded"), None);
    }

    #[tokio::test]
    async fn validation_runs_off_the_async_thread() {
        let here = std::thread::current().id();
        assert_ne!(off_thread(move || std::thread::current().id()).await, here);
        assert_eq!(off_thread(|| 2 + 2).await, 4);
    }

    /// A caller that gives up does not free its slot while the blocking work
    /// still runs (found in review: replaced previews ran unbounded): with
    /// every slot taken by abandoned work, new work waits until that work ends.
    #[tokio::test]
    async fn abandoned_validations_keep_their_slots_until_they_end() {
        let n = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let mut releases = Vec::new();
        let mut tasks = Vec::new();
        for _ in 0..n {
            let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
            let started = started_tx.clone();
            releases.push(release_tx);
            tasks.push(tokio::spawn(off_thread(move || {
                started.send(()).unwrap();
                release_rx.recv().ok();
            })));
        }
        let wait = move || (0..n).for_each(|_| started_rx.recv_timeout(Duration::from_secs(30)).unwrap());
        tokio::task::spawn_blocking(wait).await.unwrap();
        for t in &tasks {
            t.abort();
        }
        let probe = tokio::time::timeout(Duration::from_millis(300), off_thread(|| ())).await;
        assert!(probe.is_err(), "new work started while abandoned work still held every slot");
        drop(releases);
        tokio::time::timeout(Duration::from_secs(30), off_thread(|| ())).await.expect("slots come back");
    }
}
