//! A Ballista cluster on 127.0.0.1 made of `sluice` child processes: one
//! scheduler and N executors on free ports, stopped when dropped.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A task an executor ran, as its log names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Task {
    /// Which executor (the index in [`LocalCluster::executors`]).
    pub executor: usize,
    pub job: String,
    /// `job/stage.attempt/task.attempt`.
    pub tid: String,
}

/// The distinct jobs of `tasks`.
pub fn jobs(tasks: &BTreeSet<Task>) -> BTreeSet<&str> {
    tasks.iter().map(|t| t.job.as_str()).collect()
}

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

    /// Executor `i`'s log so far.
    fn executor_log(&self, i: usize) -> String {
        std::fs::read_to_string(self._work.path().join(format!("executor-{i}.log"))).unwrap_or_default()
    }

    /// The tasks named after `prefix` (`Execute task  : [`, `Finished task : [`)
    /// in every executor's log: Ballista's executor logs
    /// `... [TID job/stage.attempt/task.attempt]` as it starts and as it ends each task.
    fn tasks(&self, prefix: &str) -> BTreeSet<Task> {
        let mut all = BTreeSet::new();
        for executor in 0..self.executors.len() {
            for line in self.executor_log(executor).lines() {
                let Some(rest) = line.split_once(prefix).map(|(_, r)| r) else { continue };
                let Some(tid) = rest.split(']').next().and_then(|t| t.strip_prefix("TID ")) else { continue };
                let job = tid.split('/').next().unwrap_or_default().to_string();
                all.insert(Task { executor, job, tid: tid.to_string() });
            }
        }
        all
    }

    /// Every task the executors have finished so far.
    pub fn finished_tasks(&self) -> BTreeSet<Task> {
        self.tasks("Finished task : [")
    }

    /// Tasks an executor has started and not finished (yet).
    pub fn running_tasks(&self) -> BTreeSet<Task> {
        let done = self.finished_tasks();
        // `Execute task` when the scheduler pushes tasks, `Received task` when executors poll.
        let started = self.tasks("Execute task  : [").into_iter().chain(self.tasks("Received task: ["));
        started.filter(|t| !done.contains(t)).collect()
    }

    /// The jobs the scheduler has seen finish successfully.
    pub fn jobs_succeeded(&self) -> BTreeSet<String> {
        let log = std::fs::read_to_string(self._work.path().join("scheduler.log")).unwrap_or_default();
        log.lines()
            .filter_map(|l| l.split_once("Job finished successfully: [").map(|(_, r)| r))
            .map(|r| r.trim_end_matches(']').to_string())
            .collect()
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
