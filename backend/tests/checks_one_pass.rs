//! A run reads a checked input once: the check's counts are taken as its rows
//! stream to the sinks (`engine::tally`). Seen on a table source, whose SELECTs
//! the engine logs: one per run when the checks pass. The counts agree with the
//! check's own aggregate, also when the stream stops early (a limit after the
//! check), and a broken error rule still publishes only the quarantine.

mod tables_support;

use serde_json::{Value, json};
use sluice_backend::engine::tables::read::recent_queries;
use sluice_backend::engine::{self, Mode, Options, root::DataRoot};
use std::collections::BTreeMap;
use std::sync::Arc;
use tables_support::{Kind, TestDb};

/// src (table) → chk (quarantine bad.csv unless `bare`) → [limit 1] → good.csv.
fn graph(table: &str, rules: Value, limit: bool, bare: bool) -> Value {
    let chk = if bare { json!({"rules": rules}) } else { json!({"rules": rules, "quarantine": {"path": "bad.csv"}}) };
    let mut nodes = vec![
        json!({"id": "src", "kind": "source.table", "config": {"connection": "dw", "table": table}}),
        json!({"id": "chk", "kind": "transform.check", "config": chk}),
        json!({"id": "out", "kind": "sink.csv", "config": {"path": "good.csv"}}),
    ];
    let mut edges = vec![json!({"from": "src", "to": "chk"})];
    if limit {
        nodes.push(json!({"id": "first", "kind": "transform.limit", "config": {"n": 1}}));
        edges.push(json!({"from": "chk", "to": "first"}));
        edges.push(json!({"from": "first", "to": "out"}));
    } else {
        edges.push(json!({"from": "chk", "to": "out"}));
    }
    json!({"format": "sluice.graph/v1", "name": "one_pass", "nodes": nodes, "edges": edges})
}

/// Runs `g`; (check lines, whether it succeeded, SELECTs of `table` sent).
async fn run(db: &TestDb, g: &Value, table: &str) -> (Vec<String>, bool, usize) {
    let before = recent_queries().iter().filter(|q| q.contains(table)).count();
    let g = sluice_shared::parse_graph_value(g.clone()).unwrap();
    let root = DataRoot::new(db.dir.path());
    let opts = Options { connections: Some(Arc::new(db.connections())), ..Default::default() };
    let p = engine::prepare_with(&g, &BTreeMap::new(), &root, Mode::Run, opts).await.unwrap();
    let o = engine::run::execute(&p, &root, &Default::default()).await;
    let after = recent_queries().iter().filter(|q| q.contains(table)).count();
    let lines = o.checks.iter().flat_map(|c| c.lines()).chain(o.checks.iter().map(|c| format!("rows {}", c.rows)));
    (lines.collect(), o.result.is_ok(), after - before)
}

#[tokio::test]
async fn a_passing_check_reads_its_input_once_and_counts_right() {
    let db = TestDb::new(Kind::Lite).await;
    db.exec("CREATE TABLE onepass_a (id INTEGER, ccy TEXT)").await;
    db.exec("INSERT INTO onepass_a VALUES (1, 'CNY'), (2, 'USD'), (3, 'EUR'), (4, NULL), (5, 'CNY')").await;
    let rules = json!([
        {"name": "id_set", "kind": "not_null", "columns": ["id"]},
        {"name": "ccy_known", "kind": "in", "column": "ccy", "values": ["CNY", "USD"], "level": "warn"}
    ]);
    let (lines, ok, selects) = run(&db, &graph("onepass_a", rules.clone(), false, false), "onepass_a").await;
    assert!(ok);
    assert_eq!(lines, ["warning: chk: check ccy_known failed: 1 of 5 rows", "rows 5"]);
    // One SELECT per output (good.csv, bad.csv), one for the failing sample; none for the counts.
    assert_eq!(selects, 3, "{:?}", recent_queries());
    assert_eq!(
        std::fs::read_to_string(db.dir.path().join("bad.csv")).unwrap(),
        "id,ccy,_failed_rules\n3,EUR,ccy_known\n"
    );
    assert_eq!(std::fs::read_to_string(db.dir.path().join("good.csv")).unwrap().lines().count(), 6);

    // No failure at all: exactly one SELECT.
    let clean = json!([{"name": "id_set", "kind": "not_null", "columns": ["id"]}]);
    let (lines, ok, selects) = run(&db, &graph("onepass_a", clean, false, true), "onepass_a").await;
    assert!(ok);
    assert_eq!(lines, ["rows 5"]);
    assert_eq!(selects, 1, "{:?}", recent_queries());

    // A limit after the check stops the stream early: the check counts on its own, still over every row.
    let (lines, ok, _) = run(&db, &graph("onepass_a", rules, true, false), "onepass_a").await;
    assert!(ok);
    assert_eq!(lines, ["warning: chk: check ccy_known failed: 1 of 5 rows", "rows 5"]);
    assert_eq!(std::fs::read_to_string(db.dir.path().join("good.csv")).unwrap().lines().count(), 2);
}

#[tokio::test]
async fn a_broken_error_rule_found_while_staging_publishes_only_the_quarantine() {
    let db = TestDb::new(Kind::Lite).await;
    db.exec("CREATE TABLE onepass_b (id INTEGER, ccy TEXT)").await;
    db.exec("INSERT INTO onepass_b VALUES (1, 'CNY'), (2, 'JPY'), (3, 'EUR')").await;
    db.write("good.csv", "old\n");
    let rules = json!([{"name": "ccy_known", "kind": "in", "column": "ccy", "values": ["CNY"], "max_failures": 1}]);
    let (lines, ok, _) = run(&db, &graph("onepass_b", rules, false, false), "onepass_b").await;
    assert!(!ok);
    assert_eq!(lines, ["chk: check ccy_known failed: 2 of 3 rows", "rows 3"]);
    assert_eq!(std::fs::read_to_string(db.dir.path().join("good.csv")).unwrap(), "old\n");
    let bad = std::fs::read_to_string(db.dir.path().join("bad.csv")).unwrap();
    let mut bad: Vec<&str> = bad.lines().collect();
    bad.sort();
    assert_eq!(bad, ["2,JPY,ccy_known", "3,EUR,ccy_known", "id,ccy,_failed_rules"]);
    let leftovers: Vec<_> = std::fs::read_dir(db.dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.iter().all(|n| !n.contains("good")), "no staged temporary is left: {leftovers:?}");
}
