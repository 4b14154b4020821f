//! The Ballista 55 side of the cluster (feature `cluster`): a scheduler and an
//! executor embedded in the `sluice` binary, and the remote session a run
//! plans with. Every part knows sluice's own functions (the capped string
//! functions and `sluice_matches`) under the names the plans use, so a plan
//! shipped by name means the same thing on every machine.

use super::{ClusterUrl, ExecutorOptions};
use crate::engine::limits::{self, Limits};
use ballista::prelude::{SessionConfigExt, SessionContextExt};
use ballista_core::registry::BallistaFunctionRegistry;
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::registry::FunctionRegistry;
use datafusion::logical_expr::ScalarUDF;
use datafusion::prelude::{SessionConfig, SessionContext};
use std::net::SocketAddr;
use std::sync::Arc;

/// Seconds between an executor's heartbeats, and after which the scheduler
/// counts a silent executor as lost and runs its tasks elsewhere.
const HEARTBEAT_SECS: u64 = 5;
const EXECUTOR_TIMEOUT_SECS: u64 = 20;

/// Ballista's own `log` records at INFO and above, as lines on standard error:
/// an executor names every task it runs (`Execute task  : [TID job/stage.attempt/task.attempt]`,
/// then `Finished task : [TID ...] in 12ms`), the scheduler every job and how it
/// ended (`Job finished successfully: [job]`). Other crates' records are left out.
struct BallistaLog;

impl log::Log for BallistaLog {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.level() <= log::Level::Info && m.target().starts_with("ballista")
    }

    fn log(&self, r: &log::Record) {
        if self.enabled(r.metadata()) {
            eprintln!("{} {}: {}", r.level(), r.target(), r.args());
        }
    }

    fn flush(&self) {}
}

/// Installs [`BallistaLog`] (once per process; a second call changes nothing).
fn log_ballista() {
    if log::set_logger(&BallistaLog).is_ok() {
        log::set_max_level(log::LevelFilter::Info);
    }
}

/// sluice's functions that plans name: the capped `repeat`, `lpad`, `rpad`,
/// `replace` (in place of DataFusion's) and `sluice_matches`.
pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    let mut all = crate::engine::capped::udfs();
    all.push(crate::engine::regex_match::udf());
    all.into_iter().map(Arc::new).collect()
}

/// A session whose plans run on the cluster at `url`; sluice's settings as
/// [`crate::engine::session`] makes them, memory bounded by `l` on this side
/// (what the client collects), the executors' by their own pools.
pub async fn remote_session(url: &ClusterUrl, l: Limits) -> Result<SessionContext, String> {
    let mut cfg = SessionConfig::new_with_ballista().with_information_schema(false);
    cfg.options_mut().sql_parser.enable_ident_normalization = false;
    let rt = limits::runtime(l).map_err(|e| e.to_string())?;
    let state = SessionStateBuilder::new().with_config(cfg).with_runtime_env(rt).with_default_features().build();
    let ctx = SessionContext::remote_with_state(&url.to_string(), state)
        .await
        .map_err(|e| format!("cannot open a session on the cluster at {url}: {e}"))?;
    for f in udfs() {
        ctx.register_udf(f.as_ref().clone());
    }
    Ok(ctx)
}

/// Runs a scheduler on `bind` until the process is stopped.
pub async fn scheduler(bind: SocketAddr) -> Result<(), String> {
    log_ballista();
    let session_builder: ballista_scheduler::SessionBuilder = Arc::new(|config: SessionConfig| {
        let mut state = ballista_core::utils::default_session_builder(config)?;
        for f in udfs() {
            state.register_udf(f)?;
        }
        Ok(state)
    });
    let config = SchedulerConfig {
        bind_host: bind.ip().to_string(),
        bind_port: bind.port(),
        external_host: bind.ip().to_string(),
        override_session_builder: Some(session_builder),
        executor_timeout_seconds: EXECUTOR_TIMEOUT_SECS,
        expire_dead_executor_interval_seconds: HEARTBEAT_SECS,
        no_executors_grace_period_seconds: EXECUTOR_TIMEOUT_SECS,
        ..Default::default()
    };
    let cluster = BallistaCluster::new_from_config(&config).await.map_err(|e| e.to_string())?;
    eprintln!("sluice cluster scheduler listening on {bind}");
    ballista_scheduler::scheduler_process::start_server(cluster, bind, Arc::new(config))
        .await
        .map_err(|e| format!("the scheduler stopped: {e}"))
}

/// Runs an executor until the process is stopped (or the scheduler tells it to).
pub async fn executor(opts: ExecutorOptions) -> Result<(), String> {
    log_ballista();
    let mut registry = BallistaFunctionRegistry::default();
    for f in udfs() {
        registry.scalar_functions.insert(f.name().to_string(), f);
    }
    let grpc_port = opts.bind.port().checked_add(1).ok_or_else(|| {
        format!("--bind {}: the task service needs the next port free; choose a lower one", opts.bind)
    })?;
    let host = opts.bind.ip().to_string();
    let work_dir = match &opts.work_dir {
        Some(d) => {
            std::fs::create_dir_all(d).map_err(|e| format!("--work-dir {}: {e}", d.display()))?;
            Some(d.to_str().ok_or_else(|| format!("--work-dir {}: not UTF-8", d.display()))?.to_string())
        }
        None => None,
    };
    let config = ExecutorProcessConfig {
        bind_host: host.clone(),
        external_host: Some(host),
        port: opts.bind.port(),
        grpc_port,
        scheduler_host: opts.scheduler.host.clone(),
        scheduler_port: opts.scheduler.port,
        vcores: opts.slots,
        work_dir,
        executor_heartbeat_interval_seconds: HEARTBEAT_SECS,
        override_function_registry: Some(Arc::new(registry)),
        ..Default::default()
    };
    eprintln!("sluice cluster executor on {} (tasks on port {grpc_port}), scheduler {}", opts.bind, opts.scheduler);
    start_executor_process(Arc::new(config)).await.map_err(|e| format!("the executor stopped: {e}"))
}
