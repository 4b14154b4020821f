//! Running graphs on an Apache DataFusion Ballista cluster (cargo feature
//! `cluster`): `sluice cluster scheduler`, `sluice cluster executor` and the
//! remote session `sluice run --cluster df://HOST:PORT` and the server's
//! scheduled runs of an environment with a `cluster` setting use.
//!
//! The engine builds the same logical plan; only the session differs (see
//! `docs/cluster.md`). Without the feature every entry point answers
//! [`NO_SUPPORT`], and the command line exits 2.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

#[cfg(feature = "cluster")]
mod ballista_impl;
#[cfg(feature = "cluster")]
pub use ballista_impl::{remote_session, udfs};

/// What a build without the feature says to every cluster command.
pub const NO_SUPPORT: &str = "this build of sluice has no cluster support; build with --features cluster";

/// The scheduler's default address (`sluice cluster scheduler`).
pub const DEFAULT_SCHEDULER: &str = "127.0.0.1:50050";

/// How long `sluice run --cluster` waits to reach the scheduler before it fails.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether this build can talk to a cluster.
pub const fn available() -> bool {
    cfg!(feature = "cluster")
}

/// A scheduler's address, `df://HOST:PORT` (`HOST:PORT` alone is accepted too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterUrl {
    pub host: String,
    pub port: u16,
}

impl FromStr for ClusterUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a cluster address; write df://HOST:PORT, e.g. df://127.0.0.1:50050");
        let rest = text.trim().strip_prefix("df://").unwrap_or(text.trim());
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let (host, port) = rest.rsplit_once(':').ok_or_else(bad)?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:".contains(c));
        let port: u16 = port.parse().ok().filter(|p| *p > 0).ok_or_else(bad)?;
        if !host_ok {
            return Err(bad());
        }
        Ok(ClusterUrl { host: host.to_string(), port })
    }
}

impl fmt::Display for ClusterUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "df://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "df://{}:{}", self.host, self.port)
        }
    }
}

impl ClusterUrl {
    /// `HOST:PORT`, as a socket address is written.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Checks that the scheduler accepts connections within `timeout`, so an
/// unreachable cluster is one clear sentence instead of a gRPC error later.
pub async fn reach(url: &ClusterUrl, timeout: Duration) -> Result<(), String> {
    let addr = url.authority();
    let why = match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(&addr)).await {
        Ok(Ok(_)) => return Ok(()),
        Ok(Err(e)) => e.to_string(),
        Err(_) => format!("no answer within {}s", timeout.as_secs()),
    };
    Err(format!("cannot reach the cluster scheduler at {url}: {why}"))
}

/// `sluice cluster executor`'s settings.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// The scheduler, `HOST:PORT` (or `df://HOST:PORT`).
    pub scheduler: ClusterUrl,
    /// Where the executor serves shuffle data (Arrow Flight); its task service
    /// listens on the next port.
    pub bind: SocketAddr,
    /// Tasks run at once (0: one per CPU).
    pub slots: usize,
    /// Shuffle files and spills (default: a temporary folder).
    pub work_dir: Option<PathBuf>,
}

/// Runs a scheduler on `bind` until the process is stopped.
#[cfg(feature = "cluster")]
pub async fn run_scheduler(bind: SocketAddr) -> Result<(), String> {
    ballista_impl::scheduler(bind).await
}

/// Runs an executor until the process is stopped.
#[cfg(feature = "cluster")]
pub async fn run_executor(opts: ExecutorOptions) -> Result<(), String> {
    ballista_impl::executor(opts).await
}

/// Without the feature: [`NO_SUPPORT`].
#[cfg(not(feature = "cluster"))]
pub async fn run_scheduler(_bind: SocketAddr) -> Result<(), String> {
    Err(NO_SUPPORT.to_string())
}

/// Without the feature: [`NO_SUPPORT`].
#[cfg(not(feature = "cluster"))]
pub async fn run_executor(_opts: ExecutorOptions) -> Result<(), String> {
    Err(NO_SUPPORT.to_string())
}

#[cfg(test)]
mod tests {
    use super::ClusterUrl;

    #[test]
    fn cluster_addresses_read_with_or_without_the_scheme() {
        let u: ClusterUrl = "df://10.0.0.5:50050".parse().unwrap();
        assert_eq!((u.host.as_str(), u.port), ("10.0.0.5", 50050));
        assert_eq!(u.to_string(), "df://10.0.0.5:50050");
        assert_eq!("sched.bank.local:7000".parse::<ClusterUrl>().unwrap().authority(), "sched.bank.local:7000");
        for bad in ["df://host", "df://:50050", "df://host:0", "df://host:99999", "http://host:1/x", "df://a b:1"] {
            let e = bad.parse::<ClusterUrl>().unwrap_err();
            assert!(e.contains("df://HOST:PORT"), "{bad}: {e}");
        }
    }
}
