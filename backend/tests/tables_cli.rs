//! `source.table` through the real `sluice` binary: connections from flags and
//! the environment, exit codes, and secrets kept out of the output.

mod tables_common;

use serde_json::json;
use std::path::Path;
use std::process::{Command, Output};
use tables_common::*;

fn sluice(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sluice"));
    cmd.args(args).current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("spawn sluice")
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every line the command printed, stdout then stderr.
fn lines(o: &Output) -> Vec<String> {
    let text = format!("{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    text.lines().map(str::to_string).collect()
}

fn write_graph(dir: &Path, doc: &serde_json::Value) {
    std::fs::write(dir.join("g.json"), serde_json::to_string_pretty(doc).unwrap()).unwrap();
}

#[tokio::test]
async fn run_reads_a_postgres_table_into_csv_from_a_flag_or_the_environment() {
    pg("DROP SCHEMA IF EXISTS tsc_run CASCADE; CREATE SCHEMA tsc_run;
        CREATE TABLE tsc_run.accts (id int, amount numeric(18,2), opened date, name text);
        INSERT INTO tsc_run.accts VALUES (1, 1234.50, '2026-01-31', '招商银行'), (2, -0.01, '2000-02-29', 'plain'),
                                         (3, NULL, NULL, NULL);")
    .await;
    let dir = tempfile::tempdir().unwrap();
    write_graph(dir.path(), &table_graph(json!({"connection": "core", "table": "tsc_run.accts"}), json!({})));
    // The database writes the expected CSV lines itself.
    let want: Vec<String> = pg_rows(
        "SELECT concat_ws(',', id::text, coalesce(amount::text, ''), coalesce(opened::text, ''), coalesce(name, ''))
         FROM tsc_run.accts ORDER BY id",
    )
    .await
    .into_iter()
    .map(|r| r[0].clone().unwrap())
    .collect();
    let read = |dir: &Path| {
        let text = std::fs::read_to_string(dir.join("out.csv")).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        assert_eq!(lines.remove(0), "id,amount,opened,name");
        lines.sort();
        lines
    };
    let flag = format!("core={}", pg_url());
    let o = sluice(dir.path(), &["run", "g.json", "--connection", &flag], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert_eq!(read(dir.path()), want);

    std::fs::remove_file(dir.path().join("out.csv")).unwrap();
    let o = sluice(dir.path(), &["run", "g.json"], &[("SLUICE_CONNECTION_CORE", &pg_url())]);
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    assert_eq!(read(dir.path()), want);
}

#[test]
fn a_missing_connection_is_exit_2_naming_node_and_connection() {
    let dir = tempfile::tempdir().unwrap();
    write_graph(dir.path(), &table_graph(json!({"connection": "core", "table": "t"}), json!({})));
    for cmd in ["validate", "run"] {
        let o = sluice(dir.path(), &[cmd, "g.json"], &[]);
        assert_eq!(o.status.code(), Some(2), "{}", show(&o));
        assert!(lines(&o).iter().any(|l| l.starts_with("src: ") && l.contains("connection `core`")), "{}", show(&o));
    }
}

#[test]
fn writing_queries_and_hostile_names_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let flag = format!("core={}", pg_url());
    for config in [
        json!({"connection": "core", "query": "INSERT INTO t VALUES (1)"}),
        json!({"connection": "core", "query": "SELECT 1; SELECT 2"}),
        json!({"connection": "core", "query": "DROP TABLE t"}),
        json!({"connection": "core", "table": "t; DROP TABLE t"}),
    ] {
        write_graph(dir.path(), &table_graph(config.clone(), json!({})));
        for cmd in ["validate", "run"] {
            let o = sluice(dir.path(), &[cmd, "g.json", "--connection", &flag], &[]);
            assert_eq!(o.status.code(), Some(2), "{config}: {}", show(&o));
            assert!(lines(&o).iter().any(|l| l.starts_with("src: ")), "{}", show(&o));
        }
    }
}

#[tokio::test]
async fn a_wrong_password_fails_the_run_without_showing_it() {
    // MariaDB's root has no password here, so any password is wrong.
    my("DROP TABLE IF EXISTS tsc_pw; CREATE TABLE tsc_pw (id INT)").await;
    let dir = tempfile::tempdir().unwrap();
    write_graph(dir.path(), &table_graph(json!({"connection": "core", "table": "tsc_pw"}), json!({})));
    let url = my_url().replacen("://root@", "://root:Sup3rS3cretPw@", 1);
    assert!(url.contains("Sup3rS3cretPw"), "SLUICE_TEST_MYSQL should name user root: {url}");
    let flag = format!("core={url}");
    let o = sluice(dir.path(), &["run", "g.json", "--connection", &flag], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    let text = show(&o);
    assert!(text.contains("src: ") && text.contains("connection `core`"), "{text}");
    assert!(!text.contains("Sup3rS3cretPw"), "{text}");
    // The same through the environment, and against a port nobody listens on.
    let o = sluice(
        dir.path(),
        &["run", "g.json"],
        &[("SLUICE_CONNECTION_CORE", "postgres://u:Sup3rS3cretPw@127.0.0.1:1/db")],
    );
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(!show(&o).contains("Sup3rS3cretPw"), "{}", show(&o));
    assert!(!dir.path().join("out.csv").exists());
}

#[tokio::test]
async fn validate_checks_columns_against_the_table_itself() {
    pg("DROP SCHEMA IF EXISTS tsc_val CASCADE; CREATE SCHEMA tsc_val; CREATE TABLE tsc_val.t (id int, updated_at timestamp);").await;
    let dir = tempfile::tempdir().unwrap();
    let flag = format!("core={}", pg_url());
    let doc = json!({
        "format": "sluice.graph/v1", "name": "t",
        "nodes": [
            {"id": "src", "kind": "source.table", "config": {"connection": "core", "table": "tsc_val.t", "incremental": {"column": "updated_at"}}},
            {"id": "big", "kind": "transform.filter", "config": {"predicate": "nope > 1"}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out.csv"}}
        ],
        "edges": [{"from": "src", "to": "big"}, {"from": "big", "to": "out"}]
    });
    write_graph(dir.path(), &doc);
    let o = sluice(dir.path(), &["validate", "g.json", "--connection", &flag], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(lines(&o).iter().any(|l| l.starts_with("big: ") && l.contains("nope")), "{}", show(&o));
    assert!(!lines(&o).iter().any(|l| l.starts_with("src: ")), "{}", show(&o));

    let mut doc = doc;
    doc["nodes"][0]["config"]["incremental"]["column"] = json!("changed_at");
    doc["nodes"][1]["config"]["predicate"] = json!("id > 1");
    write_graph(dir.path(), &doc);
    let o = sluice(dir.path(), &["validate", "g.json", "--connection", &flag], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", show(&o));
    assert!(lines(&o).iter().any(|l| l.starts_with("src: ") && l.contains("changed_at")), "{}", show(&o));
}
