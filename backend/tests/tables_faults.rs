//! `sink.table` failures: each must fail the run with a clear message, leave
//! every target table as it was and leave no staging table behind; names are
//! never pasted into SQL; a password never reaches any output.

mod tables_support;

use serde_json::json;
use sluice_backend::engine::connect::Connection;
use sluice_backend::engine::error::EngineError;
use sluice_backend::engine::{self, Mode, Options, root::DataRoot};
use std::time::{Duration, Instant};
use tables_support::{Kind, TestDb, failure, graph};

fn schema() -> serde_json::Value {
    json!([{"name": "id", "type": "int64"}, {"name": "name", "type": "string"}])
}

async fn ids(db: &TestDb, table: &str) -> Vec<String> {
    db.lines(&format!("SELECT {}, name FROM {table} ORDER BY id", db.text("id"))).await
}

async fn duplicate_keys(kind: Kind) {
    let db = TestDb::new(kind).await;
    db.write("in.csv", "id,name\n1,a\n2,b\n");
    let g = graph("in.csv", schema(), json!({"connection": "dw", "table": "t", "mode": "merge", "keys": ["id"]}));
    db.run(&g, &[("biz_date", "2024-01-01")]).await.unwrap();
    db.write("in.csv", "id,name\n2,x\n2,y\n3,c\n");
    let (node, msg) = failure(db.run(&g, &[("biz_date", "2024-01-01")]).await);
    assert_eq!(node.as_deref(), Some("out"));
    assert!(msg.contains("duplicate keys") && msg.contains("id"), "{msg}");
    assert_eq!(ids(&db, "t").await, ["1|a", "2|b"], "unchanged");
    db.drop().await;
}

async fn type_does_not_fit(kind: Kind) {
    let db = TestDb::new(kind).await;
    db.exec("CREATE TABLE t (id BIGINT, name BIGINT)").await;
    db.exec("INSERT INTO t VALUES (7, 7)").await;
    db.write("in.csv", "id,name\n1,a\n");
    let g = graph("in.csv", schema(), json!({"connection": "dw", "table": "t", "mode": "append"}));
    let (node, msg) = failure(db.run(&g, &[("biz_date", "2024-01-01")]).await);
    assert_eq!(node.as_deref(), Some("out"));
    assert!(msg.contains("column `name`") && msg.contains("does not fit"), "{msg}");
    // A column the table lacks is named too.
    db.exec("CREATE TABLE u (id BIGINT)").await;
    let g = graph("in.csv", schema(), json!({"connection": "dw", "table": "u", "mode": "replace"}));
    let (_, msg) = failure(db.run(&g, &[("biz_date", "2024-01-01")]).await);
    assert!(msg.contains("column `name` is not a column of table `dw.u`"), "{msg}");
    assert_eq!(db.lines(&format!("SELECT {}, {} FROM t", db.text("id"), db.text("name"))).await, ["7|7"]);
    db.drop().await;
}

/// Two table sinks and a file sink; the second table sink fails at staging.
async fn second_sink_fails(kind: Kind) {
    let db = TestDb::new(kind).await;
    db.write("in.csv", "id,name\n9,z\n");
    let first = graph("in.csv", schema(), json!({"connection": "dw", "table": "a", "mode": "replace"}));
    db.run(&first, &[("biz_date", "2024-01-01")]).await.unwrap();
    db.write("in.csv", "id,name\n1,x\n1,y\n");
    let mut g = first.clone();
    let nodes = g["nodes"].as_array_mut().unwrap();
    nodes.push(json!({"id": "out2", "kind": "sink.table", "config": {"connection": "dw", "table": "b", "mode": "merge", "keys": ["id"]}}));
    nodes.push(json!({"id": "file", "kind": "sink.csv", "config": {"path": "o.csv"}}));
    // Wires first stage last (the topological order): `out` stages before `out2` fails.
    let edges = g["edges"].as_array_mut().unwrap();
    edges.insert(0, json!({"from": "src", "to": "out2"}));
    edges.push(json!({"from": "src", "to": "file"}));
    let (node, _) = failure(db.run(&g, &[("biz_date", "2024-01-01")]).await);
    assert_eq!(node.as_deref(), Some("out2"));
    assert_eq!(ids(&db, "a").await, ["9|z"], "the first table is unchanged");
    assert!(!db.dir.path().join("o.csv").exists(), "the file sink did not publish");
    db.drop().await;
}

/// Both sinks stage; the second one's statements fail while publishing (its
/// table has a NOT NULL column the output lacks): the first table's open
/// transaction is rolled back too.
async fn publish_fails(kind: Kind) {
    let db = TestDb::new(kind).await;
    db.write("in.csv", "id,name\n9,z\n");
    let first = graph("in.csv", schema(), json!({"connection": "dw", "table": "a", "mode": "replace"}));
    db.run(&first, &[("biz_date", "2024-01-01")]).await.unwrap();
    db.exec("CREATE TABLE b (id BIGINT, name TEXT, must TEXT NOT NULL)").await;
    db.exec("INSERT INTO b VALUES (5, 'e', 'm')").await;
    db.write("in.csv", "id,name\n1,x\n");
    let mut g = first.clone();
    g["nodes"].as_array_mut().unwrap().push(
        json!({"id": "out2", "kind": "sink.table", "config": {"connection": "dw", "table": "b", "mode": "append"}}),
    );
    // Wired first, `out2` publishes last (the topological order): after `out` applied.
    g["edges"].as_array_mut().unwrap().insert(0, json!({"from": "src", "to": "out2"}));
    let (node, msg) = failure(db.run(&g, &[("biz_date", "2024-01-01")]).await);
    assert_eq!(node.as_deref(), Some("out2"), "{msg}");
    assert!(msg.contains("publishing") && msg.contains("must"), "{msg}");
    assert_eq!(ids(&db, "a").await, ["9|z"], "the first table's transaction was rolled back");
    assert_eq!(ids(&db, "b").await, ["5|e"]);
    db.drop().await;
}

#[tokio::test]
async fn a_publish_failure_rolls_back_every_table_on_postgres() {
    publish_fails(Kind::Pg).await;
}
#[tokio::test]
async fn a_publish_failure_rolls_back_every_table_on_mariadb() {
    publish_fails(Kind::My).await;
}
#[tokio::test]
async fn a_publish_failure_rolls_back_every_table_on_sqlite() {
    publish_fails(Kind::Lite).await;
}

#[tokio::test]
async fn duplicate_merge_keys_fail_and_change_nothing_on_postgres() {
    duplicate_keys(Kind::Pg).await;
}
#[tokio::test]
async fn duplicate_merge_keys_fail_and_change_nothing_on_mariadb() {
    duplicate_keys(Kind::My).await;
}
#[tokio::test]
async fn duplicate_merge_keys_fail_and_change_nothing_on_sqlite() {
    duplicate_keys(Kind::Lite).await;
}
#[tokio::test]
async fn a_type_that_does_not_fit_is_named_on_postgres() {
    type_does_not_fit(Kind::Pg).await;
}
#[tokio::test]
async fn a_type_that_does_not_fit_is_named_on_mariadb() {
    type_does_not_fit(Kind::My).await;
}
#[tokio::test]
async fn a_type_that_does_not_fit_is_named_on_sqlite() {
    type_does_not_fit(Kind::Lite).await;
}
#[tokio::test]
async fn a_failing_second_sink_leaves_the_first_table_on_postgres() {
    second_sink_fails(Kind::Pg).await;
}
#[tokio::test]
async fn a_failing_second_sink_leaves_the_first_table_on_mariadb() {
    second_sink_fails(Kind::My).await;
}
#[tokio::test]
async fn a_failing_second_sink_leaves_the_first_table_on_sqlite() {
    second_sink_fails(Kind::Lite).await;
}

/// A big input, the target pre-filled; the staging connection is killed from
/// another connection while its rows stream in.
async fn killed_mid_write(kind: Kind) {
    let db = TestDb::new(kind).await;
    db.exec("CREATE TABLE big (id BIGINT, name TEXT)").await;
    db.exec("INSERT INTO big VALUES (1, 'kept')").await;
    let mut csv = String::from("id,name\n");
    for i in 0..1_500_000 {
        csv.push_str(&format!("{i},row number {i} with some text to make it longer\n"));
    }
    db.write("in.csv", &csv);
    let g = graph("in.csv", schema(), json!({"connection": "dw", "table": "big", "mode": "replace"}));
    let run = {
        let conns = db.connections();
        let dir = db.dir.path().to_path_buf();
        tokio::spawn(async move { run_in(&dir, conns, &g).await })
    };
    // Only a COPY still running: an idle backend keeps showing its last query.
    let (find, kill) = match kind {
        Kind::Pg => (
            "SELECT CAST(pid AS TEXT) FROM pg_stat_activity WHERE query LIKE 'COPY \"sluice_stage_%' AND state = 'active' AND pid <> pg_backend_pid()",
            "SELECT CAST(pg_terminate_backend({}) AS TEXT)",
        ),
        _ => (
            "SELECT CAST(id AS CHAR) FROM information_schema.processlist WHERE info LIKE 'INSERT INTO `sluice_stage_%'",
            "KILL {}",
        ),
    };
    let started = Instant::now();
    let pid = loop {
        assert!(started.elapsed() < Duration::from_secs(120), "the staging never showed up");
        if let Some(row) = db.rows(find).await.into_iter().next() {
            break row[0].clone().unwrap();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    db.exec(&kill.replace("{}", &pid)).await;
    let r = run.await.unwrap();
    let (node, msg) = failure(r);
    assert_eq!(node.as_deref(), Some("out"), "{msg}");
    assert_eq!(ids(&db, "big").await, ["1|kept"], "the target is unchanged");
    let left = match kind {
        Kind::Pg => "SELECT relname FROM pg_class WHERE relname LIKE 'sluice_stage_%'",
        _ => "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'sluice_stage_%'",
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(db.rows(left).await.is_empty(), "no staging table is left");
    db.drop().await;
}

async fn run_in(
    dir: &std::path::Path,
    conns: sluice_backend::engine::connect::Connections,
    g: &serde_json::Value,
) -> Result<(), EngineError> {
    use sluice_backend::engine::{self, Mode, Options, root::DataRoot};
    let g = sluice_shared::parse_graph_value(g.clone()).unwrap();
    let root = DataRoot::new(dir);
    let given = [("biz_date".to_string(), "2024-01-01".to_string())].into();
    let opts = Options { connections: Some(std::sync::Arc::new(conns)), ..Default::default() };
    let p = engine::prepare_with(&g, &given, &root, Mode::Run, opts).await?;
    engine::execute(&p, &root).await.map(drop)
}

#[tokio::test]
async fn a_connection_killed_mid_copy_leaves_the_table_on_postgres() {
    killed_mid_write(Kind::Pg).await;
}
#[tokio::test]
async fn a_connection_killed_mid_insert_leaves_the_table_on_mariadb() {
    killed_mid_write(Kind::My).await;
}

#[tokio::test]
async fn table_names_are_identifiers_never_sql() {
    let db = TestDb::new(Kind::Lite).await;
    db.exec("CREATE TABLE victim (id BIGINT)").await;
    db.write("in.csv", "id,name\n1,a\n");
    for bad in ["t; DROP TABLE victim", "t\" (id int); DROP TABLE victim; --", "a.b.c", "x y"] {
        let g = graph("in.csv", schema(), json!({"connection": "dw", "table": bad}));
        match db.run(&g, &[("biz_date", "2024-01-01")]).await {
            Err(EngineError::Invalid(p)) => {
                assert_eq!((p[0].node.as_deref(), p[0].field.as_deref()), (Some("out"), Some("table")), "{p:?}")
            }
            other => panic!("{bad}: expected invalid, got {other:?}"),
        }
    }
    // A parameter is substituted as text, then checked as a name.
    let mut g = graph("in.csv", schema(), json!({"connection": "dw", "table": "t_{suffix}"}));
    g["params"]["suffix"] = json!({"type": "string"});
    let r = db.run(&g, &[("biz_date", "2024-01-01"), ("suffix", "x; DROP TABLE victim")]).await;
    assert!(matches!(r, Err(EngineError::Invalid(ref p)) if p[0].message.contains("after substituting")), "{r:?}");
    db.run(&g, &[("biz_date", "2024-01-01"), ("suffix", "2024")]).await.unwrap();
    assert_eq!(db.lines("SELECT CAST(id AS TEXT) FROM t_2024").await, ["1"]);
    assert_eq!(db.lines("SELECT name FROM sqlite_master WHERE name = 'victim'").await, ["victim"]);
    db.drop().await;
}

#[tokio::test]
async fn the_command_line_names_the_table_and_never_the_password() {
    let db = TestDb::new(Kind::Pg).await;
    db.write("in.csv", "id,name\n1,a\n2,b\n");
    let g = graph("in.csv", schema(), json!({"connection": "dw", "table": "cli_t"}));
    std::fs::write(db.dir.path().join("g.json"), g.to_string()).unwrap();
    // Trust authentication accepts any password; the URL still carries one.
    let with_pw = db.url.replacen("://postgres", "://postgres:Sekr1t-pw", 1).replacen(":postgres@", "@", 1);
    let with_pw =
        if with_pw.contains("Sekr1t-pw") { with_pw } else { db.url.replacen("://", "://postgres:Sekr1t-pw@", 1) };
    let out = sluice(&db, &with_pw);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("out: wrote 2 rows to table dw.cli_t"), "{text}");
    assert!(!text.contains("Sekr1t-pw"), "{text}");
    // A wrong password at MariaDB: the run fails, the password is not shown.
    let bad = tables_support::my_admin().replacen("://root@", "://root:Sekr1t-pw@", 1);
    let out = sluice(&db, &bad);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("out: connection `dw`") && !text.contains("Sekr1t-pw"), "{text}");
    db.drop().await;
}

fn sluice(db: &TestDb, url: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["run", "g.json", "--param", "biz_date=2024-01-01", "--connection"])
        .arg(format!("dw={url}"))
        .current_dir(db.dir.path())
        .output()
        .unwrap()
}

/// Sinks into MariaDB (`a`, `c`: a new table) around a PostgreSQL sink (`b`)
/// whose commit fails (a deferred unique constraint): MariaDB committed `a`
/// and `c` together before, so both stay, and the error says so.
#[tokio::test]
async fn a_failed_commit_keeps_and_names_every_table_its_database_committed() {
    let (my, pg) = (TestDb::new(Kind::My).await, TestDb::new(Kind::Pg).await);
    pg.exec("CREATE TABLE b (id BIGINT, name TEXT, CONSTRAINT b_once UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)").await;
    pg.exec("INSERT INTO b VALUES (1, 'old')").await;
    my.write("in.csv", "id,name\n1,a\n");
    let mut g = graph("in.csv", schema(), json!({"connection": "dw", "table": "a", "mode": "replace"}));
    let nodes = g["nodes"].as_array_mut().unwrap();
    nodes
        .push(json!({"id": "b", "kind": "sink.table", "config": {"connection": "pg", "table": "b", "mode": "append"}}));
    nodes.push(
        json!({"id": "c", "kind": "sink.table", "config": {"connection": "dw", "table": "c", "mode": "replace"}}),
    );
    let edges = g["edges"].as_array_mut().unwrap();
    edges.push(json!({"from": "src", "to": "b"}));
    edges.push(json!({"from": "src", "to": "c"}));
    let root = DataRoot::new(my.dir.path());
    let mut conns = my.connections();
    conns.insert("pg", Connection::parse(&pg.url, &root).unwrap());
    let g = sluice_shared::parse_graph_value(g).expect("graph parses");
    let given = [("biz_date".to_string(), "2024-01-01".to_string())].into_iter().collect();
    let opts = Options { connections: Some(std::sync::Arc::new(conns)), ..Default::default() };
    let p = engine::prepare_with(&g, &given, &root, Mode::Run, opts).await.expect("prepared");
    let (node, msg) = failure(engine::execute(&p, &root).await);
    assert_eq!(node.as_deref(), Some("b"), "{msg}");
    assert!(msg.contains("committing") && msg.contains("tables already committed before the failure: "), "{msg}");
    let committed = msg.rsplit_once("before the failure: ").map(|(_, t)| t).unwrap_or("");
    let mut named: Vec<&str> = committed.split(", ").collect();
    named.sort_unstable();
    assert_eq!(named, ["dw.a", "dw.c"], "both tables of the database that committed: {msg}");
    assert_eq!(ids(&my, "a").await, ["1|a"]);
    assert_eq!(ids(&my, "c").await, ["1|a"], "the committed new table is kept");
    assert_eq!(ids(&pg, "b").await, ["1|old"]);
    my.drop().await;
    pg.drop().await;
}
