//! A Ballista cluster on 127.0.0.1 made of `sluice` child processes: one
//! scheduler and N executors on free ports, stopped when dropped.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct LocalCluster {
    pub url: String,
    scheduler: Child,
    pub executors: Vec<Child>,
    _work: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A port whose next port is free too (an executor uses both).
fn free_pair() -> u16 {
    loop {
        let p = free_port();
        if p < u16::MAX && TcpListener::bind(("127.0.0.1", p + 1)).is_ok() {
            return p;
        }
    }
}

/// A process's stderr, kept in the cluster's folder (see [`LocalCluster::logs`]).
fn log(work: &tempfile::TempDir, name: &str) -> Stdio {
    Stdio::from(std::fs::File::create(work.path().join(format!("{name}.log"))).unwrap())
}

fn wait_for(port: u16, child: &mut Child, what: &str) {
    let until = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before listening: {status}");
        }
        assert!(Instant::now() < until, "{what} is not listening on {port} after 60 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl LocalCluster {
    /// A scheduler and `executors` executors of `slots` task slots each.
    pub fn start(executors: usize, slots: usize) -> LocalCluster {
        let work = tempfile::tempdir().unwrap();
        let port = free_port();
        let bind = format!("127.0.0.1:{port}");
        let mut scheduler = Command::new(env!("CARGO_BIN_EXE_sluice"))
            .args(["cluster", "scheduler", "--bind", &bind])
            .stdout(Stdio::null())
            .stderr(log(&work, "scheduler"))
            .spawn()
            .expect("spawn the scheduler");
        wait_for(port, &mut scheduler, "the scheduler");
        let mut cluster = LocalCluster { url: format!("df://{bind}"), scheduler, executors: Vec::new(), _work: work };
        for i in 0..executors {
            let p = free_pair();
            let dir = cluster._work.path().join(format!("executor-{i}"));
            let mut child = Command::new(env!("CARGO_BIN_EXE_sluice"))
                .args(["cluster", "executor", "--scheduler", &bind, "--bind", &format!("127.0.0.1:{p}")])
                .args(["--slots", &slots.to_string(), "--work-dir", dir.to_str().unwrap()])
                .stdout(Stdio::null())
                .stderr(log(&cluster._work, &format!("executor-{i}")))
                .spawn()
                .expect("spawn an executor");
            wait_for(p, &mut child, "an executor");
            wait_for(p + 1, &mut child, "an executor's task service");
            cluster.executors.push(child);
        }
        // Registration with the scheduler follows the listening ports closely.
        std::thread::sleep(Duration::from_secs(1));
        cluster
    }

    /// What the scheduler and executors said so far (for a failing test's message).
    pub fn logs(&self) -> String {
        let mut all = String::new();
        for e in std::fs::read_dir(self._work.path()).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "log") {
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                let tail: String = text.chars().rev().take(4000).collect::<Vec<_>>().into_iter().rev().collect();
                all.push_str(&format!("--- {}\n{tail}\n", e.file_name().to_string_lossy()));
            }
        }
        all
    }

    /// Kills executor `i` at once (SIGKILL), as a machine failing would.
    pub fn kill_executor(&mut self, i: usize) {
        let _ = self.executors[i].kill();
        let _ = self.executors[i].wait();
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        for c in self.executors.iter_mut().chain(std::iter::once(&mut self.scheduler)) {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
