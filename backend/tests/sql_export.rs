//! `sluice sql`: the statements it prints, run by the databases they are for
//! (PostgreSQL and MariaDB, real servers) over the same input rows, give the
//! rows `sluice run` writes. Expected rows come from the engine's own run; the
//! SQL is checked by the databases, not by us.

use sqlx::{Executor, Row};
use std::path::Path;
use std::process::Command;

const T: &str = "id,branch,amount,txn_date\n1,A,150,2026-11-24\n2,B,200,2026-11-24\n3,A,300,2026-11-23\n4,A,120,2026-11-24\n5,C,50,2026-11-24\n";
const B: &str = "branch,name\nA,Alpha\nB,Beta\n";

fn graph() -> serde_json::Value {
    serde_json::json!({
        "format": "sluice.graph/v1", "name": "export",
        "params": { "biz_date": { "type": "date", "default": "2026-11-24" } },
        "nodes": [
            { "id": "t", "kind": "source.csv", "config": { "path": "t.csv" } },
            { "id": "b", "kind": "source.csv", "config": { "path": "b.csv" } },
            { "id": "f", "kind": "transform.filter", "config": { "predicate": "amount > 100 AND txn_date = $biz_date" } },
            { "id": "j", "kind": "transform.join", "config": { "how": "left", "on": [ { "left": "branch", "right": "branch" } ] } },
            { "id": "a", "kind": "transform.aggregate", "config": { "group_by": ["branch", "name"],
              "aggregates": [ { "fn": "sum", "column": "amount", "as": "total" }, { "fn": "count", "as": "n" } ] } },
            { "id": "s", "kind": "transform.sort", "config": { "by": [ { "column": "total", "desc": true } ] } },
            { "id": "d", "kind": "transform.derive", "config": { "columns": [ { "name": "big", "expr": "CASE WHEN total > 200 THEN 'yes' ELSE 'no' END" } ] } },
            { "id": "q", "kind": "transform.sql", "config": { "query": "SELECT branch, total * 2 AS doubled FROM s WHERE n > 0" } },
            { "id": "out", "kind": "sink.csv", "config": { "path": "out/a.csv" } },
            { "id": "out2", "kind": "sink.csv", "config": { "path": "out/b.csv" } }
        ],
        "edges": [
            { "from": "t", "to": "f" }, { "from": "f", "to": "j", "port": "left" }, { "from": "b", "to": "j", "port": "right" },
            { "from": "j", "to": "a" }, { "from": "a", "to": "s" }, { "from": "s", "to": "d" }, { "from": "d", "to": "out" },
            { "from": "s", "to": "q" }, { "from": "q", "to": "out2" }
        ]
    })
}

fn sluice(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sluice")).args(args).current_dir(dir).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// `-- <sink>` then one statement per sink.
fn statements(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(head) = lines.next() {
        let sink = head.strip_prefix("-- ").expect("a sink header").to_string();
        let sql = lines.next().expect("a statement").trim_end_matches(';').to_string();
        out.push((sink, sql));
    }
    out
}

/// A cell as text, numbers normalised (`500.0` and `500` are the same value).
fn norm(cell: &str) -> String {
    match cell.parse::<f64>() {
        Ok(v) => format!("{v}"),
        Err(_) => cell.to_string(),
    }
}

fn csv_rows(file: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(file).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let mut rows: Vec<Vec<String>> = r.records().map(|rec| rec.unwrap().iter().map(norm).collect()).collect();
    rows.sort();
    (header, rows)
}

/// For one printed statement: the sink's header and sorted rows as `sluice run`
/// wrote them, and the statement wrapped to give every column as text.
fn expect(
    dir: &Path,
    sink: &str,
    sql: &str,
    as_text: impl Fn(&str) -> String,
) -> (Vec<String>, Vec<Vec<String>>, String) {
    let file = dir.join(if sink == "out" { "out/a.csv" } else { "out/b.csv" });
    let (header, expected) = csv_rows(&file);
    let cols: Vec<String> = header.iter().map(|c| as_text(c)).collect();
    let wrapped = format!("SELECT {} FROM ({sql}) AS q", cols.join(", "));
    (header, expected, wrapped)
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.csv"), T).unwrap();
    std::fs::write(dir.path().join("b.csv"), B).unwrap();
    std::fs::write(dir.path().join("g.json"), graph().to_string()).unwrap();
    let (code, _, err) = sluice(dir.path(), &["run", "g.json"]);
    assert_eq!(code, 0, "{err}");
    dir
}

fn load_sql(table: &str, csv_text: &str, types: &[&str], q: char) -> Vec<String> {
    let mut lines = csv_text.lines();
    let cols: Vec<&str> = lines.next().unwrap().split(',').collect();
    let defs: Vec<String> = cols.iter().zip(types).map(|(c, t)| format!("{q}{c}{q} {t}")).collect();
    let mut out = vec![format!("CREATE TABLE {q}{table}{q} ({})", defs.join(", "))];
    for line in lines {
        let vals: Vec<String> = line
            .split(',')
            .zip(types)
            .map(
                |(v, t)| {
                    if t.contains("CHAR") || t.contains("TEXT") || *t == "DATE" { format!("'{v}'") } else { v.into() }
                },
            )
            .collect();
        out.push(format!("INSERT INTO {q}{table}{q} VALUES ({})", vals.join(", ")));
    }
    out
}

const T_TYPES: [&str; 4] = ["BIGINT", "VARCHAR(10)", "DOUBLE PRECISION", "DATE"];
const B_TYPES: [&str; 2] = ["VARCHAR(10)", "VARCHAR(10)"];

#[tokio::test]
async fn postgres_runs_the_postgres_statements_to_the_same_rows() {
    let dir = setup();
    let (code, text, err) = sluice(dir.path(), &["sql", "g.json", "--dialect", "postgres"]);
    assert_eq!(code, 0, "{err}");
    let url = std::env::var("SLUICE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/postgres".into());
    let pool =
        sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(&url).await.expect("PostgreSQL is required");
    let schema = format!("sqlexp_{}", uuid::Uuid::new_v4().simple());
    let mut conn = pool.acquire().await.unwrap();
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}; SET search_path TO {schema}"))).await.unwrap();
    for s in load_sql("t", T, &T_TYPES, '"').into_iter().chain(load_sql("b", B, &B_TYPES, '"')) {
        conn.execute(sqlx::AssertSqlSafe(s)).await.unwrap();
    }
    for (sink, sql) in statements(&text) {
        let (header, expected, wrapped) = expect(dir.path(), &sink, &sql, |c| format!("CAST(\"{c}\" AS TEXT)"));
        let rows = sqlx::query(sqlx::AssertSqlSafe(wrapped))
            .fetch_all(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("{sink}: {e}\n{sql}"));
        let mut got: Vec<Vec<String>> = rows
            .iter()
            .map(|r| (0..header.len()).map(|i| norm(&r.get::<Option<String>, _>(i).unwrap_or_default())).collect())
            .collect();
        got.sort();
        assert_eq!(got, expected, "{sink}: {sql}");
    }
    conn.execute(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE"))).await.unwrap();
}

#[tokio::test]
async fn mariadb_runs_the_mysql_statements_to_the_same_rows() {
    let dir = setup();
    let (code, text, err) = sluice(dir.path(), &["sql", "g.json", "--dialect", "mysql"]);
    assert_eq!(code, 0, "{err}");
    let url = std::env::var("SLUICE_TEST_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
    let pool =
        sqlx::mysql::MySqlPoolOptions::new().max_connections(1).connect(&url).await.expect("MariaDB is required");
    let db = format!("sqlexp_{}", uuid::Uuid::new_v4().simple());
    let mut conn = pool.acquire().await.unwrap();
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).await.unwrap();
    conn.execute(sqlx::AssertSqlSafe(format!("USE {db}"))).await.unwrap();
    for s in load_sql("t", T, &T_TYPES, '`').into_iter().chain(load_sql("b", B, &B_TYPES, '`')) {
        conn.execute(sqlx::AssertSqlSafe(s)).await.unwrap();
    }
    for (sink, sql) in statements(&text) {
        let (header, expected, wrapped) = expect(dir.path(), &sink, &sql, |c| format!("CAST(`{c}` AS CHAR)"));
        let rows = sqlx::query(sqlx::AssertSqlSafe(wrapped))
            .fetch_all(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("{sink}: {e}\n{sql}"));
        let mut got: Vec<Vec<String>> = rows
            .iter()
            .map(|r| (0..header.len()).map(|i| norm(&r.get::<Option<String>, _>(i).unwrap_or_default())).collect())
            .collect();
        got.sort();
        assert_eq!(got, expected, "{sink}: {sql}");
    }
    conn.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE {db}"))).await.unwrap();
}

#[test]
fn an_invalid_graph_is_exit_2_and_a_bad_dialect_too() {
    let dir = setup();
    let mut g = graph();
    g["nodes"][2]["config"]["predicate"] = serde_json::json!("nope > 1");
    std::fs::write(dir.path().join("bad.json"), g.to_string()).unwrap();
    let (code, _, err) = sluice(dir.path(), &["sql", "bad.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("f:") && err.contains("nope"), "{err}");
    let (code, _, err) = sluice(dir.path(), &["sql", "g.json", "--dialect", "oracle"]);
    assert_eq!(code, 2, "{err}");
    let (code, text, _) = sluice(dir.path(), &["sql", "g.json"]);
    assert_eq!(code, 0);
    let heads: Vec<&str> = text.lines().filter(|l| l.starts_with("-- ")).collect();
    assert_eq!(heads, ["-- out", "-- out2"], "{text}");
    assert!(text.lines().filter(|l| !l.starts_with("-- ")).all(|l| l.ends_with(';')), "{text}");
}
