//! Incremental `source.table` reads through the scheduler, on SQLite,
//! PostgreSQL and MariaDB (SLUICE_TEST_PG / SLUICE_TEST_MYSQL required):
//! successive runs over a table that grows and updates read each new row
//! version once; a run that fails after reading moves no watermark, so the
//! next run reads the same rows; backfills read everything and move nothing;
//! drafts keep their own (`dev`) watermark.

mod common;
mod tables_support;

use common::world::World;
use serde_json::{Value, json};
use sluice_backend::secrets::{Keyring, Secret};
use sluice_backend::store::{ConnectionRow, RunKind, RunRow, ScheduleRow, SecretChange};
use sluice_shared::api::RunStatus;
use sqlx::{AssertSqlSafe, Connection as _, Row};
use std::sync::Arc;
use tables_support::{Kind, TestDb};

/// A database the world's `dw` connection leads to, and how the test reaches it.
struct Db {
    kind: Kind,
    /// The URL the test connects with directly.
    direct: String,
    /// The server database (dropped at the end), for PostgreSQL and MariaDB.
    server: Option<TestDb>,
}

impl Db {
    async fn new(w: &World, kind: Kind) -> Db {
        sqlx::any::install_default_drivers();
        let keys = Arc::new(Keyring::generate());
        w.sched.set_keyring(keys.clone());
        let (row, secret, direct, server) = match kind {
            Kind::Lite => {
                let direct = format!("sqlite://{}?mode=rwc", w.files().join("dw.db").display());
                (conn_row("sqlite", None, None, "dw.db", None), None, direct, None)
            }
            _ => {
                let db = TestDb::new(kind).await;
                let (scheme, user, pass, host, port, name) = split_url(&db.url);
                let kind_name = if scheme == "postgres" { "postgres" } else { "mysql" };
                (conn_row(kind_name, Some(host), Some(port), &name, Some(user)), pass, db.url.clone(), Some(db))
            }
        };
        let sealed = secret.map(|p| keys.seal("dw", &Secret::new(p)).unwrap());
        w.store.put_connection(&row, SecretChange::Set(sealed)).await.unwrap();
        Db { kind, direct, server }
    }

    async fn exec(&self, sql: &str) {
        let mut c = sqlx::AnyConnection::connect(&self.direct).await.unwrap();
        sqlx::raw_sql(AssertSqlSafe(sql.to_string())).execute(&mut c).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// `id|amount` of every row of `table`, sorted.
    async fn rows(&self, table: &str) -> Vec<String> {
        let (id, amount) = match self.kind {
            Kind::Pg => ("CAST(id AS TEXT)", "CAST(CAST(amount AS NUMERIC(12,2)) AS TEXT)"),
            Kind::My => ("CAST(id AS CHAR)", "CAST(CAST(amount AS DECIMAL(12,2)) AS CHAR)"),
            Kind::Lite => ("CAST(id AS TEXT)", "printf('%.2f', amount)"),
        };
        let sql = format!("SELECT {id}, {amount} FROM {table}");
        let mut c = sqlx::AnyConnection::connect(&self.direct).await.unwrap();
        let rows =
            sqlx::query(AssertSqlSafe(sql.clone())).fetch_all(&mut c).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        let mut out: Vec<String> =
            rows.iter().map(|r| format!("{}|{}", r.get::<String, _>(0), r.get::<String, _>(1))).collect();
        out.sort();
        out
    }

    async fn drop(self) {
        if let Some(s) = self.server {
            s.drop().await;
        }
    }
}

fn conn_row(kind: &str, host: Option<String>, port: Option<i64>, db: &str, user: Option<String>) -> ConnectionRow {
    ConnectionRow {
        name: "dw".into(),
        kind: kind.into(),
        host,
        port,
        db_name: db.into(),
        username: user,
        tls: "disable".into(),
        connect_timeout_secs: 10,
        read_only: 0,
        secret: None,
        updated_at: 0,
        updated_by: "admin".into(),
    }
}

/// scheme, user, password, host, port, database of `scheme://user[:pass]@host:port/db`.
fn split_url(url: &str) -> (String, String, Option<String>, String, i64, String) {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (auth, at) = rest.rsplit_once('@').unwrap();
    let (hostport, db) = at.split_once('/').unwrap();
    let (host, port) = hostport.rsplit_once(':').unwrap();
    let (user, pass) = match auth.split_once(':') {
        Some((u, p)) => (u.to_string(), Some(p.to_string())),
        None => (auth.to_string(), None),
    };
    (scheme.into(), user, pass, host.into(), port.parse().unwrap(), db.into())
}

/// `tx` (incremental on `updated_at`) → `day` (the day of `updated_at`) → check (`amount` within
/// ±1000, error) → `tx_copy` (append, partitioned by `day`: what a backfill replaces).
fn graph(name: &str) -> Value {
    json!({
        "format": "sluice.graph/v1", "name": name,
        "params": {"biz_date": {"type": "date"}},
        "nodes": [
            {"id": "src", "kind": "source.table",
             "config": {"connection": "dw", "table": "tx", "incremental": {"column": "updated_at"}}},
            {"id": "day", "kind": "transform.derive", "config": {"columns": [
                {"name": "day", "expr": "CAST(updated_at AS DATE)"}]}},
            {"id": "chk", "kind": "transform.check", "config": {"rules": [
                {"name": "sane", "kind": "between", "column": "amount", "min": -1000, "max": 1000}]}},
            {"id": "out", "kind": "sink.table",
             "config": {"connection": "dw", "table": "tx_copy", "mode": "append", "partition_by": ["day"]}}
        ],
        "edges": [{"from": "src", "to": "day"}, {"from": "day", "to": "chk"}, {"from": "chk", "to": "out"}]
    })
}

/// Queues a run of `kind` for `date` and runs it to the end.
async fn run(w: &World, s: &ScheduleRow, date: &str, kind: RunKind) -> RunRow {
    let run = w.sched.enqueue(s, date, kind, "admin").await.unwrap().expect("a run is queued");
    w.sched.drain().await.unwrap();
    w.store.run(&run.id).await.unwrap()
}

/// The `prod` watermark of node `src`, if any.
async fn mark(w: &World, graph: &str, env: &str) -> Option<String> {
    let all = w.store.watermarks(graph).await.unwrap();
    all.into_iter().find(|m| m.environment == env && m.node_id == "src").map(|m| m.value)
}

async fn rows_read(w: &World, run: &RunRow) -> Option<i64> {
    let nodes = w.store.run_nodes(&run.id).await.unwrap();
    nodes.iter().find(|n| n.node_id == "out").and_then(|n| n.rows_out)
}

async fn three_runs_a_failure_and_a_backfill(kind: Kind) {
    let w = World::new(None).await;
    let db = Db::new(&w, kind).await;
    db.exec("CREATE TABLE tx (id INTEGER, amount DECIMAL(12,2), updated_at TIMESTAMP)").await;
    if kind == Kind::My {
        db.exec("ALTER TABLE tx MODIFY updated_at DATETIME").await;
    }
    db.exec("INSERT INTO tx VALUES (1, 10.00, '2026-11-01 10:00:00'), (2, 20.00, '2026-11-01 11:00:00')").await;
    let g = w.graph_doc(graph("incr")).await;
    let s = w.schedule(&g, &[], 0, None).await;
    let ctx = format!("{kind:?}");

    // 1: everything so far.
    let r = run(&w, &s, "2026-11-20", RunKind::Scheduled).await;
    assert_eq!(r.status, RunStatus::Succeeded, "{ctx}: {:?}", r.error);
    assert_eq!(db.rows("tx_copy").await, ["1|10.00", "2|20.00"], "{ctx}");
    assert_eq!(mark(&w, &g.0, "prod").await.as_deref(), Some("2026-11-01T11:00:00"), "{ctx}");

    // 2: a new row and an updated one; only they are read.
    db.exec("INSERT INTO tx VALUES (3, 30.00, '2026-11-02 09:00:00')").await;
    db.exec("UPDATE tx SET amount = 11.00, updated_at = '2026-11-02 10:00:00' WHERE id = 1").await;
    let r = run(&w, &s, "2026-11-21", RunKind::Scheduled).await;
    assert_eq!(r.status, RunStatus::Succeeded, "{ctx}: {:?}", r.error);
    assert_eq!(rows_read(&w, &r).await, Some(2), "{ctx}");
    assert_eq!(db.rows("tx_copy").await, ["1|10.00", "1|11.00", "2|20.00", "3|30.00"], "{ctx}");
    assert_eq!(mark(&w, &g.0, "prod").await.as_deref(), Some("2026-11-02T10:00:00"), "{ctx}");
    if kind == Kind::Pg {
        // Both bounds go to PostgreSQL in the SELECT (no full read).
        let q = sluice_backend::engine::tables::read::recent_queries();
        let bounded =
            |s: &&String| s.contains("\"tx\"") && s.contains("\"updated_at\" >") && s.contains("\"updated_at\" <=");
        assert!(q.iter().any(|s| bounded(&s)), "{q:#?}");
    }

    // 3: a bad row breaks the error check after reading: nothing published, the watermark stays.
    db.exec("INSERT INTO tx VALUES (4, 40.00, '2026-11-03 09:00:00'), (5, 99999.00, '2026-11-03 10:00:00')").await;
    let r = run(&w, &s, "2026-11-22", RunKind::Scheduled).await;
    assert_eq!(r.status, RunStatus::Failed, "{ctx}");
    assert_eq!(r.error.as_deref(), Some("chk: check sane failed: 1 of 2 rows"), "{ctx}");
    assert_eq!(db.rows("tx_copy").await.len(), 4, "{ctx}");
    assert_eq!(mark(&w, &g.0, "prod").await.as_deref(), Some("2026-11-02T10:00:00"), "{ctx}");

    // The row is fixed in place (same updated_at): the rerun reads the same two rows.
    db.exec("UPDATE tx SET amount = 50.00 WHERE id = 5").await;
    let r = run(&w, &s, "2026-11-22", RunKind::Scheduled).await;
    assert_eq!(r.status, RunStatus::Succeeded, "{ctx}: {:?}", r.error);
    assert_eq!(rows_read(&w, &r).await, Some(2), "{ctx}");
    let all = ["1|10.00", "1|11.00", "2|20.00", "3|30.00", "4|40.00", "5|50.00"];
    assert_eq!(db.rows("tx_copy").await, all, "{ctx}: no row lost or doubled");
    assert_eq!(mark(&w, &g.0, "prod").await.as_deref(), Some("2026-11-03T10:00:00"), "{ctx}");

    // Nothing new: nothing read, the watermark stays.
    let r = run(&w, &s, "2026-11-23", RunKind::Scheduled).await;
    assert_eq!(r.status, RunStatus::Succeeded, "{ctx}: {:?}", r.error);
    assert_eq!(db.rows("tx_copy").await, all, "{ctx}");
    assert_eq!(mark(&w, &g.0, "prod").await.as_deref(), Some("2026-11-03T10:00:00"), "{ctx}");

    // A backfill of a past date reads every row, moves nothing, and replaces the days it read
    // with the rows as the source has them now (row 1's old version of 11-01 is gone); run twice,
    // the table is the same.
    let now = ["1|11.00", "2|20.00", "3|30.00", "4|40.00", "5|50.00"];
    for attempt in ["first", "rerun"] {
        let r = run(&w, &s, "2026-11-10", RunKind::Backfill).await;
        assert_eq!(r.status, RunStatus::Succeeded, "{ctx} {attempt}: {:?}", r.error);
        assert_eq!(rows_read(&w, &r).await, Some(5), "{ctx} {attempt}");
        assert_eq!(db.rows("tx_copy").await, now, "{ctx} {attempt}: no row doubled");
        assert_eq!(mark(&w, &g.0, "prod").await.as_deref(), Some("2026-11-03T10:00:00"), "{ctx} {attempt}");
    }
    assert_eq!(mark(&w, &g.0, "dev").await, None, "{ctx}: scheduled runs keep `prod`'s");

    // The next scheduled run appends only what is above the watermark again.
    db.exec("INSERT INTO tx VALUES (6, 60.00, '2026-11-04 09:00:00')").await;
    let r = run(&w, &s, "2026-11-24", RunKind::Scheduled).await;
    assert_eq!(r.status, RunStatus::Succeeded, "{ctx}: {:?}", r.error);
    assert_eq!(rows_read(&w, &r).await, Some(1), "{ctx}");
    assert_eq!(db.rows("tx_copy").await, [&now[..], &["6|60.00"]].concat(), "{ctx}");
    db.drop().await;
}

/// An `append` sink after an incremental source without `partition_by` is a
/// valid graph (scheduled runs append), but a backfill of it is refused: it
/// would add every row again.
#[tokio::test]
async fn a_backfill_of_an_append_sink_without_partitions_is_refused() {
    let w = World::new(None).await;
    let db = Db::new(&w, Kind::Lite).await;
    db.exec("CREATE TABLE tx (id INTEGER, amount DECIMAL(12,2), updated_at TIMESTAMP)").await;
    db.exec("INSERT INTO tx VALUES (1, 10.00, '2026-11-01 10:00:00')").await;
    let mut doc = graph("plain_append");
    doc["nodes"][3]["config"].as_object_mut().unwrap().remove("partition_by");
    let g = w.graph_doc(doc).await;
    let s = w.schedule(&g, &[], 0, None).await;
    let r = run(&w, &s, "2026-11-20", RunKind::Scheduled).await;
    assert_eq!(r.status, RunStatus::Succeeded, "{:?}", r.error);
    let r = run(&w, &s, "2026-11-10", RunKind::Backfill).await;
    assert_eq!(r.status, RunStatus::Failed);
    let why = r.error.unwrap_or_default();
    assert!(why.contains("out") && why.contains("needs `partition_by` (what a backfill replaces)"), "{why}");
    assert_eq!(db.rows("tx_copy").await, ["1|10.00"], "nothing added by the refused backfill");
    db.drop().await;
}

#[tokio::test]
async fn incremental_on_sqlite() {
    three_runs_a_failure_and_a_backfill(Kind::Lite).await;
}

#[tokio::test]
async fn incremental_on_postgres() {
    three_runs_a_failure_and_a_backfill(Kind::Pg).await;
}

#[tokio::test]
async fn incremental_on_mariadb() {
    three_runs_a_failure_and_a_backfill(Kind::My).await;
}

#[tokio::test]
async fn initial_bounds_the_first_run_and_drafts_keep_the_dev_watermark() {
    let w = World::new(None).await;
    let db = Db::new(&w, Kind::Lite).await;
    db.exec("CREATE TABLE tx (id INTEGER, amount DECIMAL(12,2), seq INTEGER)").await;
    db.exec("INSERT INTO tx VALUES (1, 1.00, 5), (2, 2.00, 10), (3, 3.00, 15)").await;
    let mut doc = graph("drafted");
    doc["nodes"][0]["config"]["incremental"] = json!({"column": "seq", "initial": 7});
    doc["nodes"][1]["config"]["columns"][0]["expr"] = json!("seq");
    let g = w.graph_doc(doc).await;
    let draft = w.draft(&g.0, &g.1, "2026-11-20").await;
    w.sched.drain().await.unwrap();
    let r = w.store.run(&draft.id).await.unwrap();
    assert_eq!(r.status, RunStatus::Succeeded, "{:?}", r.error);
    assert_eq!(db.rows("tx_copy").await, ["2|2.00", "3|3.00"], "above `initial` only");
    assert_eq!(mark(&w, &g.0, "dev").await.as_deref(), Some("15"));
    assert_eq!(mark(&w, &g.0, "prod").await, None, "a draft leaves production's watermark alone");

    // An admin's reset: the next draft starts from `initial` again.
    assert!(w.store.delete_watermark(&g.0, "dev", "src").await.unwrap().is_some());
    let again = w.draft(&g.0, &g.1, "2026-11-20").await;
    w.sched.drain().await.unwrap();
    assert_eq!(w.store.run(&again.id).await.unwrap().status, RunStatus::Succeeded);
    assert_eq!(db.rows("tx_copy").await, ["2|2.00", "2|2.00", "3|3.00", "3|3.00"]);

    // An `initial` that does not read as the column's type names the node and field.
    let mut doc = graph("badinit");
    doc["nodes"][0]["config"]["incremental"] = json!({"column": "seq", "initial": "soon"});
    doc["nodes"][1]["config"]["columns"][0]["expr"] = json!("seq");
    let g = w.graph_doc(doc).await;
    let draft = w.draft(&g.0, &g.1, "2026-11-20").await;
    w.sched.drain().await.unwrap();
    let r = w.store.run(&draft.id).await.unwrap();
    assert_eq!(r.status, RunStatus::Failed);
    let err = r.error.unwrap();
    assert!(err.contains("src") && err.contains("`initial` `soon` does not read as"), "{err}");
}

#[tokio::test]
async fn the_command_line_engine_reads_every_row() {
    // Without the server's watermarks (`sluice run`), `incremental` (and its `initial`) is ignored.
    let db = TestDb::new(Kind::Lite).await;
    db.exec("CREATE TABLE tx (id INTEGER, seq INTEGER)").await;
    db.exec("INSERT INTO tx VALUES (1, 5), (2, 10), (3, 15)").await;
    let g = json!({
        "format": "sluice.graph/v1", "name": "cli",
        "nodes": [
            {"id": "src", "kind": "source.table",
             "config": {"connection": "dw", "table": "tx", "incremental": {"column": "seq", "initial": 7}}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out.csv"}}
        ],
        "edges": [{"from": "src", "to": "out"}]
    });
    let written = db.run(&g, &[]).await.unwrap();
    assert_eq!(written[0].rows, 3);
}
