//! Incremental reads with a real `sluice serve` process killed between reading
//! and publishing: the server aborts (`SLUICE_TEST_CRASH_BEFORE_PUBLISH`, a
//! debug-build fault point right after every sink staged, i.e. after the
//! source was read above its watermark, and before anything publishes). The
//! next run, after a restart, reads the same rows again: no row lost or
//! doubled. Around it, three successive successful runs over a table that
//! grows and updates (SQLite, in the data root).

mod http_client;

use http_client::{Client, login};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection as _, Row};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `sluice serve` on `port`; `crash` sets the fault point.
fn start(dir: &Path, port: u16, crash: bool) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sluice"));
    cmd.args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(dir)
        .env("SLUICE_ADMIN_PASSWORD", "admin-pass-1")
        .env_remove("SLUICE_TEST_CRASH_BEFORE_PUBLISH")
        .stdout(Stdio::null());
    if crash {
        cmd.env("SLUICE_TEST_CRASH_BEFORE_PUBLISH", "1");
    }
    let child = cmd.spawn().unwrap();
    wait_for("the server to listen", 30, || TcpStream::connect(("127.0.0.1", port)).is_ok());
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

async fn exec(db: &str, sql: &str) {
    let mut c = sqlx::AnyConnection::connect(db).await.unwrap();
    sqlx::raw_sql(AssertSqlSafe(sql.to_string())).execute(&mut c).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// `id|amount|seq` of every row of `tx_copy`, sorted.
async fn copied(db: &str) -> Vec<String> {
    let mut c = sqlx::AnyConnection::connect(db).await.unwrap();
    let sql = "SELECT CAST(id AS TEXT), CAST(amount AS TEXT), CAST(seq AS TEXT) FROM tx_copy";
    let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut c).await.unwrap_or_default();
    let mut out: Vec<String> = rows
        .iter()
        .map(|r| format!("{}|{}|{}", r.get::<String, _>(0), r.get::<String, _>(1), r.get::<String, _>(2)))
        .collect();
    out.sort();
    out
}

/// The connection `dw` (the SQLite file `dw.db` in the data root, writable) and the graph
/// `tx` (incremental on `seq`) → `tx_copy` (append, partitioned by `seq`); returns its id.
fn setup(admin: &Client) -> String {
    let spec = json!({"kind": "sqlite", "database": "dw.db", "read_only": false});
    let (s, b) = admin.call("PUT", "/api/connections/dw", Some(spec));
    assert!(s == 200 || s == 201, "{s} {b}");
    let graph = json!({
        "format": "sluice.graph/v1", "name": "incr_kill",
        "nodes": [
            {"id": "src", "kind": "source.table",
             "config": {"connection": "dw", "table": "tx", "incremental": {"column": "seq"}}},
            {"id": "out", "kind": "sink.table",
             "config": {"connection": "dw", "table": "tx_copy", "mode": "append", "partition_by": ["seq"]}}
        ],
        "edges": [{"from": "src", "to": "out"}]
    });
    let (s, g) = admin.call("POST", "/api/graphs", Some(json!({"graph": graph})));
    assert_eq!(s, 201, "{g}");
    g["id"].as_str().unwrap().to_string()
}

fn runs(admin: &Client, gid: &str) -> Vec<Value> {
    admin.call("GET", &format!("/api/runs?graph={gid}"), None).1["runs"].as_array().cloned().unwrap_or_default()
}

/// Starts a draft run ("Run now") and returns its id.
fn run_now(admin: &Client, gid: &str) -> String {
    let (s, r) = admin.call("POST", &format!("/api/graphs/{gid}/run"), Some(json!({"biz_date": "2026-11-20"})));
    assert_eq!(s, 201, "{r}");
    r["id"].as_str().unwrap().to_string()
}

fn status(admin: &Client, gid: &str, id: &str) -> String {
    let all = runs(admin, gid);
    let r = all.iter().find(|r| r["id"] == id);
    r.and_then(|r| r["status"].as_str()).unwrap_or_default().to_string()
}

/// Runs now and waits until the run succeeded.
fn run_to_success(admin: &Client, gid: &str) {
    let id = run_now(admin, gid);
    wait_for("the run to end", 120, || !matches!(status(admin, gid, &id).as_str(), "queued" | "running" | ""));
    let all = runs(admin, gid);
    let r = all.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(r["status"], "succeeded", "{r}");
}

#[tokio::test]
async fn a_run_killed_before_publishing_reads_the_same_rows_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let db = format!("sqlite://{}?mode=rwc", files.join("dw.db").display());
    sqlx::any::install_default_drivers();
    exec(&db, "CREATE TABLE tx (id INTEGER, amount INTEGER, seq INTEGER)").await;
    exec(&db, "INSERT INTO tx VALUES (1, 10, 1), (2, 20, 2)").await;

    let port = free_port();
    let mut server = start(dir.path(), port, false);
    let admin = login(port, "admin", "admin-pass-1");
    let gid = setup(&admin);

    // 1: every row so far.
    run_to_success(&admin, &gid);
    assert_eq!(copied(&db).await, ["1|10|1", "2|20|2"]);

    // The table grows and a row is updated (its `seq` moves up).
    exec(&db, "INSERT INTO tx VALUES (3, 30, 3)").await;
    exec(&db, "UPDATE tx SET amount = 11, seq = 4 WHERE id = 1").await;

    // 2: the server dies after reading those rows and before publishing them.
    server.kill().unwrap();
    server.wait().unwrap();
    let mut server = start(dir.path(), port, true);
    let admin = login(port, "admin", "admin-pass-1");
    let killed = run_now(&admin, &gid);
    let deadline = Instant::now() + Duration::from_secs(120);
    let exit = loop {
        if let Some(s) = server.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "the server did not reach the fault point");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(!exit.success(), "the server was aborted: {exit:?}");
    assert_eq!(copied(&db).await, ["1|10|1", "2|20|2"], "nothing published");

    // After a restart the killed run is interrupted, and the next run reads the same two rows.
    let mut server = start(dir.path(), port, false);
    let admin = login(port, "admin", "admin-pass-1");
    wait_for("the killed run to be interrupted", 30, || status(&admin, &gid, &killed) == "interrupted");
    run_to_success(&admin, &gid);
    let after_two = ["1|10|1", "1|11|4", "2|20|2", "3|30|3"];
    assert_eq!(copied(&db).await, after_two, "no row lost or doubled");

    // 3: grows and updates again; only the new versions are appended.
    exec(&db, "INSERT INTO tx VALUES (4, 40, 5)").await;
    exec(&db, "UPDATE tx SET amount = 21, seq = 6 WHERE id = 2").await;
    run_to_success(&admin, &gid);
    let after_three = ["1|10|1", "1|11|4", "2|20|2", "2|21|6", "3|30|3", "4|40|5"];
    assert_eq!(copied(&db).await, after_three);

    // Nothing new: a run reads and appends nothing.
    run_to_success(&admin, &gid);
    assert_eq!(copied(&db).await, after_three);
    server.kill().unwrap();
    let _ = server.wait();
}
