//! `transform.check` through the real `sluice run`: the exact lines of broken
//! rules, exit codes, and what is published when an error rule breaks (the
//! quarantine, nothing else).

use serde_json::{Value, json};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const DATA: &str = "id,acct,amount,ccy\n1,A01,10.5,CNY\n2,A02,-3,USD\n3,,7,EUR\n4,A02,12,\n5,A05,,CNY\n";

fn run(dir: &Path, graph: &Value) -> Output {
    fs::write(dir.join("graph.json"), serde_json::to_string_pretty(graph).unwrap()).unwrap();
    Command::new(env!("CARGO_BIN_EXE_sluice")).args(["run", "graph.json"]).current_dir(dir).output().unwrap()
}

fn setup() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("data")).unwrap();
    fs::create_dir_all(tmp.path().join("out")).unwrap();
    fs::write(tmp.path().join("data/accts.csv"), DATA).unwrap();
    tmp
}

/// src -> chk -> out.csv, plus a second sink straight from the source.
fn graph(rules: Value) -> Value {
    json!({
        "format": "sluice.graph/v1", "name": "checks",
        "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": "data/accts.csv"}},
            {"id": "chk", "kind": "transform.check",
             "config": {"rules": rules, "quarantine": {"path": "out/bad.csv"}}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/good.csv"}},
            {"id": "raw", "kind": "sink.parquet", "config": {"path": "out/raw.parquet"}}
        ],
        "edges": [{"from": "src", "to": "chk"}, {"from": "chk", "to": "out"}, {"from": "src", "to": "raw"}]
    })
}

fn lines(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn broken_error_rule_fails_the_run_and_publishes_only_the_quarantine() {
    let tmp = setup();
    let dir = tmp.path();
    fs::write(dir.join("out/good.csv"), "old good\n").unwrap();
    fs::write(dir.join("out/raw.parquet"), "old raw\n").unwrap();
    fs::write(dir.join("out/bad.csv"), "old bad\n").unwrap();
    let rules = json!([
        {"name": "acct_set", "kind": "not_null", "columns": ["acct"]},
        {"name": "ccy_known", "kind": "in", "column": "ccy", "values": ["CNY", "USD"], "level": "warn"},
        {"name": "positive", "kind": "expr", "expr": "amount > 0", "max_failures": 1}
    ]);
    let out = run(dir, &graph(rules));
    let (stdout, stderr) = lines(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let all: Vec<&str> = stderr.lines().collect();
    assert!(all.contains(&"chk: check acct_set failed: 1 of 5 rows"), "{stderr}");
    assert!(all.contains(&"warning: chk: check ccy_known failed: 1 of 5 rows"), "{stderr}");
    assert!(!stderr.contains("check positive"), "1 failure is within max_failures 1: {stderr}");
    // No other sink published; the quarantine was.
    assert_eq!(fs::read_to_string(dir.join("out/good.csv")).unwrap(), "old good\n");
    assert_eq!(fs::read_to_string(dir.join("out/raw.parquet")).unwrap(), "old raw\n");
    let bad = fs::read_to_string(dir.join("out/bad.csv")).unwrap();
    let mut rows: Vec<&str> = bad.lines().collect();
    rows[1..].sort();
    assert_eq!(
        rows,
        ["id,acct,amount,ccy,_failed_rules", "2,A02,-3.0,USD,positive", "3,,7.0,EUR,\"acct_set,ccy_known\""]
    );
    assert!(stdout.contains("chk: wrote 2 rows to out/bad.csv"), "{stdout}");
    let leftovers: Vec<_> = fs::read_dir(dir.join("out")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 3, "no temporaries left: {leftovers:?}");
}

#[test]
fn warnings_only_run_succeeds_and_everything_publishes() {
    let tmp = setup();
    let dir = tmp.path();
    let rules = json!([
        {"name": "acct_set", "kind": "not_null", "columns": ["acct"], "level": "warn"},
        {"name": "dup", "kind": "unique", "columns": ["acct"], "level": "warn", "max_ratio": 0.2},
        {"name": "amount_ok", "kind": "between", "column": "amount", "min": 0, "max_ratio": 0.2}
    ]);
    let out = run(dir, &graph(rules));
    let (stdout, stderr) = lines(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let all: Vec<&str> = stderr.lines().collect();
    assert!(all.contains(&"warning: chk: check acct_set failed: 1 of 5 rows"), "{stderr}");
    // 2 of 5 = 0.4 > 0.2: reported, but only a warning.
    assert!(all.contains(&"warning: chk: check dup failed: 2 of 5 rows"), "{stderr}");
    // 1 of 5 = 0.2 is not above 0.2: not broken, but the row still leaves `out`.
    assert!(!stderr.contains("amount_ok"), "{stderr}");
    let good = fs::read_to_string(dir.join("out/good.csv")).unwrap();
    assert_eq!(good.lines().count(), 1 + 4, "the -3 row fails an error rule: {good}");
    assert!(!good.contains("-3"), "{good}");
    assert!(dir.join("out/raw.parquet").exists());
    let bad = fs::read_to_string(dir.join("out/bad.csv")).unwrap();
    assert!(bad.contains("2,A02,-3.0,USD,\"dup,amount_ok\""), "{bad}");
    assert!(bad.contains("4,A02,12.0,,dup"), "{bad}");
}

#[test]
fn table_rules_break_with_the_same_line() {
    let tmp = setup();
    let dir = tmp.path();
    fs::write(dir.join("data/ledger.csv"), "total\n10\n16.5\n").unwrap();
    let mut g = graph(json!([
        {"name": "enough", "kind": "row_count", "min": 6},
        {"name": "ties", "kind": "reconcile", "fn": "sum", "column": "amount", "against_column": "total",
         "tolerance": 0.5, "level": "warn"}
    ]));
    g["nodes"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "ledger", "kind": "source.csv", "config": {"path": "data/ledger.csv"}}));
    g["edges"].as_array_mut().unwrap().push(json!({"from": "ledger", "to": "chk", "port": "against"}));
    let out = run(dir, &g);
    let (stdout, stderr) = lines(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.lines().any(|l| l == "chk: check enough failed: 5 of 5 rows"), "{stderr}");
    // sum(amount) = 26.5, sum(total) = 26.5: within tolerance, not reported.
    assert!(!stderr.contains("ties"), "{stderr}");
    // With the ledger off by one the reconcile breaks (a warning).
    fs::write(dir.join("data/ledger.csv"), "total\n10\n17.5\n").unwrap();
    let out = run(dir, &g);
    let (_, stderr) = lines(&out);
    assert!(stderr.lines().any(|l| l == "warning: chk: check ties failed: 5 of 5 rows"), "{stderr}");
}

#[test]
fn invalid_rules_exit_2_naming_node_and_field() {
    let tmp = setup();
    let dir = tmp.path();
    let out = run(dir, &graph(json!([{"name": "m", "kind": "matches", "column": "acct", "pattern": "\\p{Nope}"}])));
    let (stdout, stderr) = lines(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(stderr.lines().any(|l| l.starts_with("chk: rules[0].pattern: ")), "{stderr}");
    let mut g = graph(json!([{"name": "n", "kind": "not_null", "columns": ["acct"]}]));
    g["nodes"][1]["config"]["quarantine"] = json!({"connection": "core", "table": "bad rows; drop"});
    fs::write(dir.join("graph.json"), serde_json::to_string(&g).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["run", "graph.json", "--connection", "core=sqlite://core.db"])
        .current_dir(dir)
        .output()
        .unwrap();
    let (stdout, stderr) = lines(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(
        stderr.lines().any(|l| l.starts_with("chk: quarantine.table: ") && l.contains("not a table name")),
        "{stderr}"
    );
}
