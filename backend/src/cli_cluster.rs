//! `sluice cluster scheduler|executor` and `sluice run --cluster`'s argument:
//! exit 2 for a bad address or a build without the `cluster` feature (saying
//! so), 1 when the scheduler or executor stops with an error.

use crate::cli::{EXIT_FAILED, EXIT_INVALID};
use crate::cluster::{self, ClusterUrl, ExecutorOptions, NO_SUPPORT};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

fn no_support(command: &str) -> ExitCode {
    eprintln!("sluice {command}: {NO_SUPPORT}");
    ExitCode::from(EXIT_INVALID)
}

/// `--cluster`'s value read, or the exit code after saying what is wrong.
pub fn cluster_arg(given: Option<&str>) -> Result<Option<ClusterUrl>, ExitCode> {
    let Some(text) = given else { return Ok(None) };
    if !cluster::available() {
        return Err(no_support("run --cluster"));
    }
    text.parse().map(Some).map_err(|e| {
        eprintln!("sluice run: --cluster: {e}");
        ExitCode::from(EXIT_INVALID)
    })
}

/// `sluice cluster scheduler`.
pub async fn scheduler(bind: SocketAddr) -> ExitCode {
    if !cluster::available() {
        return no_support("cluster scheduler");
    }
    match cluster::run_scheduler(bind).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sluice cluster scheduler: {e}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// `sluice cluster executor`.
pub async fn executor(scheduler: &str, bind: SocketAddr, slots: usize, work_dir: Option<PathBuf>) -> ExitCode {
    if !cluster::available() {
        return no_support("cluster executor");
    }
    let scheduler: ClusterUrl = match scheduler.parse() {
        Ok(u) => u,
        Err(e) => {
            eprintln!("sluice cluster executor: --scheduler: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let opts = ExecutorOptions { scheduler, bind, slots, work_dir };
    match cluster::run_executor(opts).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sluice cluster executor: {e}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}
