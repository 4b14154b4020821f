//! Issue 20 (feature `cluster`): runs on a local Ballista cluster of `sluice`
//! processes. The conformance suite on a cluster is in conformance.rs
//! (`valid_cases_on_a_cluster`), a server's scheduled run on one in
//! cluster_setting.rs; here: an unreachable scheduler, the sources a cluster
//! cannot read itself, database tables, and an executor killed in the middle of a run.
#![cfg(feature = "cluster")]

#[path = "local_cluster/mod.rs"]
mod local_cluster;
mod tables_support;

use local_cluster::{LocalCluster, Task};
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use tables_support::{Kind, TestDb};

fn sluice(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sluice")).args(args).output().expect("spawn sluice")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write_graph(dir: &Path, doc: serde_json::Value) -> String {
    let g = dir.join("graph.json");
    std::fs::write(&g, doc.to_string()).unwrap();
    g.to_string_lossy().into_owned()
}

fn copy_graph(dir: &Path) -> String {
    std::fs::write(dir.join("in.csv"), "k,v\na,1\nb,2\na,3\n").unwrap();
    write_graph(
        dir,
        json!({"format": "sluice.graph/v1", "name": "g", "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": "in.csv"}},
            {"id": "agg", "kind": "transform.aggregate", "config": {"group_by": ["k"], "aggregates": [
                {"fn": "sum", "column": "v", "as": "total"}]}},
            {"id": "sort", "kind": "transform.sort", "config": {"by": [{"column": "k"}]}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/sums.csv"}}],
            "edges": [{"from": "src", "to": "agg"}, {"from": "agg", "to": "sort"}, {"from": "sort", "to": "out"}]}),
    )
}

#[test]
fn an_unreachable_scheduler_is_exit_1_with_a_clear_message_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let g = copy_graph(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let started = Instant::now();
    let out = sluice(&["run", &g, "--cluster", &format!("df://127.0.0.1:{port}")]);
    assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("cannot reach the cluster scheduler at df://127.0.0.1:{port}")), "{err}");
    assert!(err.contains("previous outputs were left unchanged"), "{err}");
    assert!(!dir.path().join("out").exists(), "nothing written");
}

/// Excel and GBK CSV sources are read on the client and handed to the
/// executors as Parquet in the data root's scratch folder, gone after the run.
#[test]
fn sources_the_executors_cannot_read_are_handed_over_and_cleaned_up() {
    let cluster = LocalCluster::start(2, 2);
    let dir = tempfile::tempdir().unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode("city,n\n上海,1\n北京,2\n上海,4\n");
    std::fs::write(dir.path().join("in.csv"), &gbk).unwrap();
    let g = write_graph(
        dir.path(),
        json!({"format": "sluice.graph/v1", "name": "g", "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": "in.csv", "encoding": "gbk"}},
            {"id": "agg", "kind": "transform.aggregate", "config": {"group_by": ["city"], "aggregates": [
                {"fn": "sum", "column": "n", "as": "n"}]}},
            {"id": "sort", "kind": "transform.sort", "config": {"by": [{"column": "n"}]}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/cities.csv"}}],
            "edges": [{"from": "src", "to": "agg"}, {"from": "agg", "to": "sort"}, {"from": "sort", "to": "out"}]}),
    );
    let out = sluice(&["run", &g, "--cluster", &cluster.url]);
    assert_eq!(out.status.code(), Some(0), "{}\n{}", stderr(&out), cluster.logs());
    assert_eq!(std::fs::read_to_string(dir.path().join("out/cities.csv")).unwrap(), "city,n\n北京,2\n上海,5\n");
    let scratch = dir.path().join(".sluice/scratch");
    let left: Vec<_> = std::fs::read_dir(&scratch).map(|d| d.flatten().collect()).unwrap_or_default();
    assert!(left.is_empty(), "scratch left behind: {left:?}");
}

/// A graph reading SQLite table `accts` (connection `dw`), keeping amounts of
/// 100 and more, and replacing table `big` with them; `extra` sinks are added.
fn table_graph(dir: &Path, extra: &[serde_json::Value]) -> String {
    let mut nodes = vec![
        json!({"id": "src", "kind": "source.table", "config": {"connection": "dw", "table": "accts"}}),
        json!({"id": "keep", "kind": "transform.filter", "config": {"predicate": "amount >= 100"}}),
        json!({"id": "out", "kind": "sink.table", "config": {"connection": "dw", "table": "big", "mode": "replace"}}),
    ];
    let mut edges = vec![json!({"from": "src", "to": "keep"}), json!({"from": "keep", "to": "out"})];
    for sink in extra {
        edges.push(json!({"from": "src", "to": sink["id"]}));
        nodes.push(sink.clone());
    }
    write_graph(dir, json!({"format": "sluice.graph/v1", "name": "tables", "nodes": nodes, "edges": edges}))
}

fn run_on(cluster: &LocalCluster, graph: &str) -> Output {
    sluice(&["run", graph, "--connection", "dw=sqlite://t.db", "--cluster", &cluster.url])
}

/// `source.table` → filter → `sink.table` on a cluster (SQLite, no server):
/// the client reads the table and hands the rows to the executors, which
/// filter them; the rows come back and the client writes the table, as a
/// local run does. A run that fails after staging leaves every table as it was.
#[tokio::test(flavor = "multi_thread")]
async fn tables_are_read_and_written_by_the_client_of_a_cluster_run() {
    let cluster = LocalCluster::start(2, 2);
    let db = TestDb::new(Kind::Lite).await;
    db.exec("CREATE TABLE accts (id INTEGER, name TEXT, amount INTEGER)").await;
    db.exec("INSERT INTO accts VALUES (1, 'a', 10), (2, 'b', 200), (3, '北京', 300), (4, 'd', 99)").await;
    let g = table_graph(db.dir.path(), &[]);
    let before = cluster.finished_tasks();
    let out = run_on(&cluster, &g);
    assert_eq!(out.status.code(), Some(0), "{}\n{}", stderr(&out), cluster.logs());
    let big = "SELECT CAST(id AS TEXT), name, CAST(amount AS TEXT) FROM big ORDER BY id";
    assert_eq!(db.lines(big).await, ["2|b|200", "3|北京|300"]);
    let ran = cluster.finished_tasks().len() - before.len();
    assert!(ran > 0, "the executors ran no task for the run\n{}", cluster.logs());

    // Second run: `big` stages its three rows, then sink `dup` fails on its
    // duplicate keys; nothing is published and no staging table is left.
    db.exec("INSERT INTO accts VALUES (2, 'e', 500)").await;
    let dup = json!({"id": "dup", "kind": "sink.table",
        "config": {"connection": "dw", "table": "by_id", "mode": "merge", "keys": ["id"]}});
    let g = table_graph(db.dir.path(), &[dup]);
    let out = run_on(&cluster, &g);
    assert_eq!(out.status.code(), Some(1), "{}\n{}", stderr(&out), cluster.logs());
    assert!(stderr(&out).contains("duplicate keys"), "{}", stderr(&out));
    assert_eq!(db.lines(big).await, ["2|b|200", "3|北京|300"], "big unchanged");
    let tables = db.lines("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").await;
    assert_eq!(tables, ["accts", "big"], "no staging table left, by_id not created");
}

/// Rows in the fault test: `SLUICE_FAULT_ROWS`, default 5 million, the issue's
/// size (about 23 s in the debug build on this busy 2-CPU machine, most of it
/// the wait until the scheduler counts the killed executor lost, 20 s).
fn fault_rows() -> u64 {
    std::env::var("SLUICE_FAULT_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000_000)
}

/// Each group's count and sum of `v` for ids `0..rows` (`k = id % 1000`, `v = id % 7`).
fn expected_sums(rows: u64) -> Vec<(u64, u64, u64)> {
    let mut sums = vec![(0u64, 0u64); 1000];
    for i in 0..rows {
        let s = &mut sums[(i % 1000) as usize];
        s.0 += 1;
        s.1 += i % 7;
    }
    sums.into_iter().enumerate().map(|(k, (n, v))| (k as u64, n, v)).collect()
}

/// An executor killed mid-run (SIGKILL while its log shows a task of the run
/// started and not finished, and the run has not ended): the run either
/// succeeds with the right rows (Ballista ran the lost tasks again on the other
/// executor) or fails with nothing published and no temporary file left —
/// never a partial output.
#[test]
fn an_executor_killed_mid_run_never_leaves_a_partial_output() {
    let mut cluster = LocalCluster::start(2, 2);
    let dir = tempfile::tempdir().unwrap();
    let rows = fault_rows();
    // One large file: DataFusion splits its scan into byte ranges, tasks
    // spread over both executors.
    write_rows(&dir.path().join("in.csv"), rows);
    let g = write_graph(
        dir.path(),
        json!({"format": "sluice.graph/v1", "name": "fault", "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": "in.csv"}},
            {"id": "agg", "kind": "transform.aggregate", "config": {"group_by": ["k"], "aggregates": [
                {"fn": "count", "as": "n"}, {"fn": "sum", "column": "v", "as": "v"}]}},
            {"id": "sort", "kind": "transform.sort", "config": {"by": [{"column": "k"}]}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/sums.csv"}}],
            "edges": [{"from": "src", "to": "agg"}, {"from": "agg", "to": "sort"}, {"from": "sort", "to": "out"}]}),
    );
    let started = Instant::now();
    let mut run = Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["run", &g, "--cluster", &cluster.url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Kill an executor in the middle of one of its tasks, the run still going.
    let victim = busy_executor(&cluster, &mut run);
    assert!(run.try_wait().unwrap().is_none(), "the run ended before the kill");
    cluster.kill_executor(victim.executor);
    let killed_at = Instant::now();
    eprintln!(
        "fault test: killed executor {} in task {}, {:?} into the run",
        victim.executor,
        victim.tid,
        started.elapsed()
    );
    assert!(!cluster.finished_tasks().contains(&victim), "task {} finished before its executor was killed", victim.tid);
    let until = Instant::now() + Duration::from_secs(300);
    while run.try_wait().unwrap().is_none() {
        assert!(Instant::now() < until, "the run neither finished nor failed within 5 minutes\n{}", cluster.logs());
        std::thread::sleep(Duration::from_millis(200));
    }
    let out = run.wait_with_output().unwrap();
    let target = dir.path().join("out/sums.csv");
    let temps: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .map(|d| d.flatten().map(|e| e.file_name()).filter(|n| n.to_string_lossy().ends_with(".tmp")).collect())
        .unwrap_or_default();
    assert!(temps.is_empty(), "temporary files left: {temps:?}");
    match out.status.code() {
        Some(0) => {
            let text = std::fs::read_to_string(&target).unwrap();
            let mut lines = text.lines();
            assert_eq!(lines.next(), Some("k,n,v"));
            let got: Vec<(u64, u64, u64)> = lines
                .map(|l| {
                    let c: Vec<u64> = l.split(',').map(|x| x.parse().unwrap()).collect();
                    (c[0], c[1], c[2])
                })
                .collect();
            assert_eq!(got, expected_sums(rows), "wrong rows after the executor was lost");
            let again = cluster.finished_tasks().into_iter().filter(|t| t.executor != victim.executor);
            assert!(again.count() > 0, "the other executor finished no task\n{}", cluster.logs());
            eprintln!(
                "fault test: the run survived the lost executor ({rows} rows, {:?} after the kill)",
                killed_at.elapsed()
            );
        }
        Some(1) => {
            assert!(!target.exists(), "a failed run published {}", target.display());
            eprintln!(
                "fault test: the run failed cleanly ({rows} rows, {:?} after the kill): {}",
                killed_at.elapsed(),
                stderr(&out)
            );
        }
        other => panic!("exit {other:?}: {}\n{}", stderr(&out), cluster.logs()),
    }
}

/// The first task an executor is running (started, not finished) while
/// `run` has not ended; the test fails if the run ends first.
fn busy_executor(cluster: &LocalCluster, run: &mut std::process::Child) -> Task {
    let until = Instant::now() + Duration::from_secs(300);
    loop {
        if let Some(task) = cluster.running_tasks().into_iter().next() {
            return task;
        }
        if let Some(status) = run.try_wait().unwrap() {
            panic!("the run ended ({status}) before an executor started a task\n{}", cluster.logs());
        }
        assert!(Instant::now() < until, "no executor started a task within 5 minutes\n{}", cluster.logs());
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `id,k,v` for ids `0..rows`, `k = id % 1000`, `v = id % 7`.
fn write_rows(path: &Path, rows: u64) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "id,k,v").unwrap();
    for i in 0..rows {
        writeln!(f, "{i},{},{}", i % 1000, i % 7).unwrap();
    }
}
