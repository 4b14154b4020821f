//! `transform.check` validation: problems name the node and the rule's field.

use serde_json::{Value, json};
use sluice_shared::check::{CheckRule, RuleKind};

fn problems(rules: Value, extra: Value) -> Vec<(String, String, String)> {
    let mut config = json!({ "rules": rules });
    if let Some(q) = extra.get("quarantine") {
        config["quarantine"] = q.clone();
    }
    let mut nodes = vec![
        json!({"id": "src", "kind": "source.csv", "config": {"path": "in.csv",
            "schema": [{"name": "id", "type": "int64"}, {"name": "acct", "type": "string"},
                       {"name": "amount", "type": "decimal(18,2)"}, {"name": "opened", "type": "date"}]}}),
        json!({"id": "chk", "kind": "transform.check", "config": config}),
        json!({"id": "out", "kind": "sink.csv", "config": {"path": "out.csv"}}),
    ];
    let mut edges = vec![json!({"from": "src", "to": "chk"}), json!({"from": "chk", "to": "out"})];
    if extra.get("against").is_some() {
        nodes.push(json!({"id": "led", "kind": "source.csv", "config": {"path": "led.csv",
            "schema": [{"name": "total", "type": "float64"}, {"name": "name", "type": "string"}]}}));
        edges.push(json!({"from": "led", "to": "chk", "port": "against"}));
    }
    let g = sluice_shared::parse_graph_value(
        json!({"format": "sluice.graph/v1", "name": "t", "nodes": nodes, "edges": edges}),
    )
    .unwrap();
    let r = sluice_shared::validate(&g, &Default::default());
    r.problems.into_iter().map(|p| (p.node.unwrap_or_default(), p.field.unwrap_or_default(), p.message)).collect()
}

fn one(rules: Value, extra: Value) -> (String, String) {
    let p = problems(rules.clone(), extra);
    assert_eq!(p.len(), 1, "{rules}: {p:?}");
    assert_eq!(p[0].0, "chk");
    (p[0].1.clone(), p[0].2.clone())
}

#[test]
fn a_valid_check_has_no_problems_and_keeps_its_input_columns() {
    let rules = json!([
        {"name": "a", "kind": "not_null", "columns": ["id", "acct"]},
        {"name": "b", "kind": "unique", "columns": ["id"], "level": "warn"},
        {"name": "c", "kind": "in", "column": "acct", "values": ["A", "B"], "max_failures": 2},
        {"name": "d", "kind": "between", "column": "amount", "min": 0, "max": "1000.50", "max_ratio": 0.1},
        {"name": "e", "kind": "between", "column": "opened", "min": "2026-01-01"},
        {"name": "f", "kind": "matches", "column": "acct", "pattern": "^A\\d+$"},
        {"name": "g", "kind": "expr", "expr": "amount > 0 OR acct IS NULL"},
        {"name": "h", "kind": "row_count", "min": 1},
        {"name": "i", "kind": "reconcile", "fn": "sum", "column": "amount", "against_column": "total", "tolerance": 0.5},
        {"name": "j", "kind": "reconcile", "fn": "count"}
    ]);
    assert_eq!(
        problems(rules, json!({"against": true, "quarantine": {"path": "bad/{x}.csv"}})).len(),
        1,
        "only the undeclared {{x}} placeholder"
    );
    let rules = json!([{"name": "a", "kind": "not_null", "columns": ["id"]}]);
    assert!(problems(rules, json!({"quarantine": {"path": "bad.csv"}})).is_empty());
}

#[test]
fn each_mistake_names_its_rule_field() {
    let cases = [
        (json!([{"name": "a", "kind": "not_null", "columns": ["acount"]}]), "rules[0].columns", "acount"),
        (json!([{"name": "a", "kind": "in", "column": "id", "values": [1, "x"]}]), "rules[0].values", "\"x\""),
        (json!([{"name": "a", "kind": "in", "column": "opened", "values": ["2026-02-30"]}]), "rules[0].values", "date"),
        (json!([{"name": "a", "kind": "between", "column": "id"}]), "rules[0].min", "min"),
        (json!([{"name": "a", "kind": "between", "column": "id", "min": 5, "max": 1}]), "rules[0].min", "above"),
        (json!([{"name": "a", "kind": "matches", "column": "acct", "pattern": "(a"}]), "rules[0].pattern", "(a"),
        (json!([{"name": "a", "kind": "matches", "column": "id", "pattern": "1"}]), "rules[0].column", "string"),
        (json!([{"name": "a", "kind": "expr", "expr": "acct"}]), "rules[0].expr", "true/false"),
        (json!([{"name": "a", "kind": "row_count", "min": -1}]), "rules[0].min", "whole number"),
        (json!([{"name": "a", "kind": "row_count", "max": 3, "max_ratio": 0.5}]), "rules[0].max_ratio", "row_count"),
        (json!([{"name": "a", "kind": "reconcile", "fn": "sum", "column": "amount"}]), "rules[0].kind", "against"),
        (json!([{"name": "a", "kind": "unique", "columns": ["id"], "max_ratio": 2}]), "rules[0].max_ratio", "0 to 1"),
        (json!([{"name": "a,b", "kind": "unique", "columns": ["id"]}]), "rules[0].name", ","),
        (json!([{"name": "a", "kind": "unique", "columns": []}]), "rules[0].columns", "at least one"),
        (json!([]), "rules", "at least one rule"),
    ];
    for (rules, field, needle) in cases {
        let (f, m) = one(rules.clone(), json!({}));
        assert_eq!(f, field, "{rules}: {m}");
        assert!(m.contains(needle), "{rules}: `{m}` lacks `{needle}`");
    }
}

#[test]
fn reconcile_checks_the_against_side() {
    let (f, m) = one(
        json!([{"name": "r", "kind": "reconcile", "fn": "sum", "column": "amount", "against_column": "totl"}]),
        json!({"against": true}),
    );
    assert_eq!(f, "rules[0].against_column");
    assert!(m.contains("totl"), "{m}");
    let (f, m) = one(
        json!([{"name": "r", "kind": "reconcile", "fn": "max", "column": "acct", "against_column": "name", "tolerance": 1}]),
        json!({"against": true}),
    );
    assert_eq!(f, "rules[0].tolerance", "{m}");
}

#[test]
fn quarantine_paths_follow_the_output_rules() {
    let rules = json!([{"name": "a", "kind": "not_null", "columns": ["id"]}]);
    let (f, m) = one(rules.clone(), json!({"quarantine": {"path": "/etc/bad.csv"}}));
    assert_eq!(f, "quarantine.path");
    assert!(m.contains("absolute"), "{m}");
    let p = problems(rules.clone(), json!({"quarantine": {"path": "out.csv"}}));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!((p[0].0.as_str(), p[0].1.as_str()), ("out", "path"), "the sink after the check clashes: {p:?}");
    let (f, _) = one(rules, json!({"quarantine": {"path": "q.csv", "table": "t"}}));
    assert_eq!(f, "quarantine");
}

#[test]
fn thresholds_count_or_ratio() {
    let rule = |v: Value| -> CheckRule { serde_json::from_value(v).unwrap() };
    let r = rule(json!({"name": "a", "kind": "not_null", "columns": ["x"]}));
    assert_eq!(r.kind, RuleKind::NotNull);
    assert!(!r.breaks(0, 10) && r.breaks(1, 10));
    let r = rule(json!({"name": "a", "kind": "not_null", "columns": ["x"], "max_failures": 2}));
    assert!(!r.breaks(2, 10) && r.breaks(3, 10));
    let r = rule(json!({"name": "a", "kind": "not_null", "columns": ["x"], "max_ratio": 0.2}));
    assert!(!r.breaks(2, 10) && r.breaks(3, 10) && !r.breaks(0, 0));
    let r = rule(json!({"name": "a", "kind": "not_null", "columns": ["x"], "max_ratio": 0.5, "max_failures": 1}));
    assert!(r.breaks(2, 10), "either threshold breaks it");
}

#[test]
fn review_lists_rules_added_removed_and_loosened() {
    use sluice_shared::check_diff::{Change, rule_changes};
    let doc = |rules: Value| {
        sluice_shared::parse_graph_value(json!({"format": "sluice.graph/v1", "name": "t", "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": "in.csv"}},
            {"id": "chk", "kind": "transform.check", "config": {"rules": rules}}],
            "edges": [{"from": "src", "to": "chk"}]}))
        .unwrap()
    };
    let before = doc(json!([
        {"name": "ids", "kind": "not_null", "columns": ["id"]},
        {"name": "range", "kind": "between", "column": "d", "min": "2026-01-01", "max": 10},
        {"name": "ccy", "kind": "in", "column": "c", "values": ["CNY"]},
        {"name": "gone", "kind": "unique", "columns": ["id"]},
        {"name": "same", "kind": "row_count", "min": 1}
    ]));
    let after = doc(json!([
        {"name": "ids", "kind": "not_null", "columns": ["id"], "level": "warn", "max_failures": 3},
        {"name": "range", "kind": "between", "column": "d", "min": "2025-06-01"},
        {"name": "ccy", "kind": "in", "column": "c", "values": ["USD"]},
        {"name": "same", "kind": "row_count", "min": 1},
        {"name": "new", "kind": "expr", "expr": "id > 0"}
    ]));
    let got: Vec<(String, Change)> = rule_changes(&before, &after).into_iter().map(|c| (c.rule, c.change)).collect();
    assert_eq!(
        got,
        [
            ("ids".to_string(), Change::Loosened),
            ("range".to_string(), Change::Loosened),
            ("ccy".to_string(), Change::Changed),
            ("new".to_string(), Change::Added),
            ("gone".to_string(), Change::Removed),
        ]
    );
    let tightened = rule_changes(&after, &before);
    assert!(
        tightened
            .iter()
            .any(|c| c.rule == "ids" && c.change == Change::Changed && c.detail.contains("level warn → error"))
    );
}
