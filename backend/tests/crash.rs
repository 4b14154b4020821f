//! Crash safety with a real process: start `sluice serve`, start a long
//! scheduled run, `kill -9` the server mid-run, start it again, and watch the
//! run be marked interrupted, retried, and succeed with complete output.

mod http_client;

use http_client::{Client, login};
use serde_json::{Value, json};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn start(dir: &std::path::Path, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(dir)
        .env("SLUICE_ADMIN_PASSWORD", "admin-pass-1")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    child
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The graph `long` (a big sort), made by `ana`, approved by `admin`, scheduled
/// with two retries, and one backfill run queued for 2026-11-20; returns its id.
fn approved_backfill(admin: &Client, ana: &Client) -> String {
    let graph = json!({
        "format": "sluice.graph/v1", "name": "long",
        "params": {"biz_date": {"type": "date"}},
        "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": "big_{biz_date}.csv"}},
            {"id": "sorted", "kind": "transform.sort", "config": {"by": [{"column": "key"}, {"column": "amount", "desc": true}]}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/long_{biz_date}.csv"}}],
        "edges": [{"from": "src", "to": "sorted"}, {"from": "sorted", "to": "out"}]
    });
    let (s, g) = ana.call("POST", "/api/graphs", Some(json!({"graph": graph})));
    assert_eq!(s, 201, "{g}");
    let gid = g["id"].as_str().unwrap().to_string();
    let (s, sub) = ana.call("POST", &format!("/api/graphs/{gid}/submit"), Some(json!({"message": "long job"})));
    assert_eq!(s, 201, "{sub}");
    let (s, _) = admin.call(
        "POST",
        &format!("/api/reviews/{}/approve", sub["id"].as_str().unwrap()),
        Some(json!({"comment": "ok"})),
    );
    assert_eq!(s, 200);
    let (s, sched) = admin.call(
        "POST",
        "/api/schedules",
        Some(json!({"graph_id": gid, "cron": "0 0 1 1 *", "retries": 2, "backoff_secs": 0})),
    );
    assert_eq!(s, 201, "{sched}");
    let (s, _) = admin.call(
        "POST",
        &format!("/api/schedules/{}/backfill", sched["id"].as_str().unwrap()),
        Some(json!({"from": "2026-11-20", "to": "2026-11-20"})),
    );
    assert_eq!(s, 201);
    gid
}

#[test]
fn kill_9_mid_run_then_restart_retries_and_completes() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    // Enough rows that sorting them takes a while in a debug build.
    let rows = 1_500_000;
    let mut csv = String::with_capacity(rows * 24);
    csv.push_str("id,key,amount\n");
    for i in 0..rows {
        csv.push_str(&format!("{i},{},{}.{}\n", (i * 7919) % 100_003, i % 977, i % 100));
    }
    std::fs::write(files.join("big_2026-11-20.csv"), csv).unwrap();

    let port = free_port();
    let mut server = start(dir.path(), port);
    let admin = login(port, "admin", "admin-pass-1");
    assert_eq!(
        admin
            .call(
                "POST",
                "/api/users",
                Some(json!({"username": "ana", "password": "analyst-pass-1", "role": "analyst"}))
            )
            .0,
        201
    );
    let ana = login(port, "ana", "analyst-pass-1");
    let gid = approved_backfill(&admin, &ana);
    let runs = |c: &Client| {
        c.call("GET", &format!("/api/runs?graph={gid}"), None).1["runs"].as_array().cloned().unwrap_or_default()
    };
    wait_for("the run to start", 30, || runs(&admin).iter().any(|r| r["status"] == "running"));
    std::thread::sleep(Duration::from_millis(300));
    let out = files.join("out/long_2026-11-20.csv");
    assert!(!out.exists(), "the run must still be going when the server is killed (make the input bigger)");

    // kill -9: no shutdown code runs.
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(!out.exists(), "no output may appear half-written");

    let mut server = start(dir.path(), port);
    let admin = login(port, "admin", "admin-pass-1");
    wait_for("the retry to succeed", 300, || runs(&admin).iter().any(|r| r["status"] == "succeeded"));
    let all = runs(&admin);
    let first = all.iter().find(|r| r["attempt"] == 1).unwrap();
    let second = all.iter().find(|r| r["attempt"] == 2).unwrap();
    assert_eq!(first["status"], "interrupted");
    assert_eq!(second["status"], "succeeded");
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), rows + 1, "the output is complete");
    let leftovers: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".sluice-"))
        .collect();
    assert!(leftovers.is_empty(), "stale temporaries are cleaned on restart");
    server.kill().unwrap();
    let _ = server.wait();
}

/// `sluice run GRAPH --data-root DIR`, optionally made to abort (as if killed)
/// right after the k-th output was renamed into place.
fn sluice_run(dir: &std::path::Path, graph: &str, crash_after: Option<usize>) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sluice"));
    cmd.arg("run").arg(dir.join(graph)).arg("--data-root").arg(dir);
    if let Some(k) = crash_after {
        cmd.env("SLUICE_TEST_CRASH_AFTER_RENAMES", k.to_string());
    }
    cmd.output().unwrap()
}

fn three_outputs(dir: &std::path::Path) {
    let nodes: Vec<Value> =
        std::iter::once(json!({"id": "src", "kind": "source.csv", "config": {"path": "in.csv"}}))
            .chain((0..3).map(
                |i| json!({"id": format!("s{i}"), "kind": "sink.csv", "config": {"path": format!("out/t{i}.csv")}}),
            ))
            .collect();
    let edges: Vec<Value> = (0..3).map(|i| json!({"from": "src", "to": format!("s{i}")})).collect();
    let g = json!({"format": "sluice.graph/v1", "name": "three", "nodes": nodes, "edges": edges});
    std::fs::write(dir.join("three.json"), g.to_string()).unwrap();
    let other = json!({"format": "sluice.graph/v1", "name": "other",
        "nodes": [{"id": "src", "kind": "source.csv", "config": {"path": "in.csv"}},
                  {"id": "o", "kind": "sink.csv", "config": {"path": "elsewhere/o.csv"}}],
        "edges": [{"from": "src", "to": "o"}]});
    std::fs::write(dir.join("other.json"), other.to_string()).unwrap();
    std::fs::write(dir.join("in.csv"), "v\nnew\n").unwrap();
    std::fs::create_dir_all(dir.join("out")).unwrap();
    for i in 0..3 {
        std::fs::write(dir.join(format!("out/t{i}.csv")), "old").unwrap();
    }
}

fn outputs(dir: &std::path::Path) -> Vec<String> {
    (0..3).map(|i| std::fs::read_to_string(dir.join(format!("out/t{i}.csv"))).unwrap()).collect()
}

fn sluice_files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .chain(std::fs::read_dir(dir.join(".sluice/publish")).unwrap())
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('t'))
        .collect();
    names.sort();
    names
}

#[test]
fn a_crash_between_renames_is_rolled_back_on_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    three_outputs(dir.path());
    let crashed = sluice_run(dir.path(), "three.json", Some(1));
    assert!(!crashed.status.success(), "the run must have been aborted mid-publish");
    let mixed = outputs(dir.path());
    assert_eq!(mixed.iter().filter(|t| *t == "v\nnew\n").count(), 1, "crashed after one rename: {mixed:?}");
    assert!(sluice_files(dir.path()).iter().any(|n| n.ends_with(".json")), "the journal is left");

    // The next `sluice run` (of another graph) settles the journal first.
    let next = sluice_run(dir.path(), "other.json", None);
    assert!(next.status.success(), "{}", String::from_utf8_lossy(&next.stderr));
    assert!(String::from_utf8_lossy(&next.stderr).contains("rolled back"), "{}", String::from_utf8_lossy(&next.stderr));
    assert_eq!(outputs(dir.path()), ["old", "old", "old"], "all old again");
    assert_eq!(sluice_files(dir.path()), Vec::<String>::new(), "no temporaries, backups or journal left");
}

#[test]
fn a_crash_after_the_last_rename_is_completed_on_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    three_outputs(dir.path());
    let crashed = sluice_run(dir.path(), "three.json", Some(3));
    assert!(!crashed.status.success(), "the run must have been aborted before cleaning up");
    assert!(sluice_files(dir.path()).iter().any(|n| n.ends_with(".bak")), "backups are left");
    let next = sluice_run(dir.path(), "other.json", None);
    assert!(String::from_utf8_lossy(&next.stderr).contains("completed"), "{}", String::from_utf8_lossy(&next.stderr));
    assert_eq!(outputs(dir.path()), ["v\nnew\n", "v\nnew\n", "v\nnew\n"], "the committed publish is kept");
    assert_eq!(sluice_files(dir.path()), Vec::<String>::new());
}

#[test]
fn the_server_settles_an_interrupted_publish_when_it_starts() {
    let data = tempfile::tempdir().unwrap();
    let files = data.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    three_outputs(&files);
    assert!(!sluice_run(&files, "three.json", Some(2)).status.success());
    let port = free_port();
    let mut server = start(data.path(), port);
    assert_eq!(outputs(&files), ["old", "old", "old"]);
    assert_eq!(sluice_files(&files), Vec::<String>::new());
    server.kill().unwrap();
    let _ = server.wait();
}

/// Parsers recurse: a deeply nested expression must get an answer, not
/// overflow a server thread's stack and abort the whole process (an
/// unoptimised build needs far more stack per level than the 2 MiB default).
#[test]
fn a_deeply_nested_expression_gets_an_answer_not_a_crashed_server() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("files")).unwrap();
    std::fs::write(dir.path().join("files/t.csv"), "x\n1\n").unwrap();
    let port = free_port();
    let mut server = start(dir.path(), port);
    let admin = login(port, "admin", "admin-pass-1");
    let nested = format!("{}x > 0", "NOT ".repeat(60));
    let graph = json!({
        "format": "sluice.graph/v1", "name": "deep",
        "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": "t.csv"}},
            {"id": "f", "kind": "transform.filter", "config": {"predicate": nested}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/deep.csv"}}
        ],
        "edges": [{"from": "src", "to": "f"}, {"from": "f", "to": "out"}]
    });
    let (status, body) = admin.call("POST", "/api/validate", Some(json!({ "graph": graph })));
    assert_ne!(status, 0, "no answer: the server died validating a nested expression");
    assert!(status == 200 || status == 422, "{status}: {body}");
    assert!(server.try_wait().unwrap().is_none(), "the server is still running");
    let (status, _) = admin.call("GET", "/api/graphs", None);
    assert_eq!(status, 200, "the server still answers");
    server.kill().unwrap();
    server.wait().unwrap();
}
