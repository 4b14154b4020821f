//! Property tests for the validator: random graphs never panic it, and a graph
//! that validates survives a serialize → parse round trip unchanged.

use proptest::prelude::*;
use serde_json::{Value, json};
use sluice_shared::types::{DataType, Field, Schema};
use sluice_shared::{Context, Graph, NodeKind, parse_graph, validate};
use std::collections::{BTreeMap, HashMap};

const COLUMNS: &[&str] = &["amount", "branch", "txn_date", "id", "nope"];
const EXPRS: &[&str] = &[
    "amount > 100",
    "amount > 100 AND txn_date = $biz_date",
    "upper(branch) = 'B1'",
    "nope > 1",
    "amount >",
    "CASE WHEN amount > 0 THEN 1 ELSE 0 END",
    "$missing = 1",
    "",
];

fn kind() -> impl Strategy<Value = NodeKind> {
    prop::sample::select(NodeKind::ALL.to_vec())
}

fn column() -> impl Strategy<Value = String> {
    prop::sample::select(COLUMNS).prop_map(str::to_string)
}

fn expr() -> impl Strategy<Value = String> {
    prop::sample::select(EXPRS).prop_map(str::to_string)
}

/// A plausible (often valid, sometimes broken) config for `kind`.
fn config(kind: NodeKind) -> BoxedStrategy<Value> {
    let path =
        prop::sample::select(vec!["data/t.csv", "../x.csv", "/etc/passwd", "out/{biz_date}.csv", "out/{nope}.csv"]);
    match kind {
        NodeKind::SourceCsv | NodeKind::SourceParquet | NodeKind::SourceJson | NodeKind::SourceExcel => {
            path.prop_map(|p| json!({ "path": p })).boxed()
        }
        NodeKind::SourceTable => Just(json!({ "connection": "dw", "table": "t" })).boxed(),
        NodeKind::SourceDates => prop::sample::select(vec!["2024-01-01", "$biz_date", "$nope", "soon"])
            .prop_map(|f| json!({ "from": f, "to": "2024-12-31", "calendar": "cn" }))
            .boxed(),
        NodeKind::Filter => expr().prop_map(|e| json!({ "predicate": e })).boxed(),
        NodeKind::Select => prop::collection::vec(column(), 0..3).prop_map(|c| json!({ "columns": c })).boxed(),
        NodeKind::Derive => {
            (column(), expr()).prop_map(|(n, e)| json!({ "columns": [{ "name": n, "expr": e }] })).boxed()
        }
        NodeKind::Join => (column(), column(), prop::sample::select(vec!["inner", "left", "semi", "bogus"]))
            .prop_map(|(l, r, h)| json!({ "how": h, "on": [{ "left": l, "right": r }] }))
            .boxed(),
        NodeKind::Union => any::<bool>().prop_map(|d| json!({ "distinct": d })).boxed(),
        NodeKind::Aggregate => (column(), column(), prop::sample::select(vec!["sum", "count", "avg", "median"]))
            .prop_map(|(g, c, f)| json!({ "group_by": [g], "aggregates": [{ "fn": f, "column": c, "as": "x" }] }))
            .boxed(),
        NodeKind::Sort => column().prop_map(|c| json!({ "by": [{ "column": c, "desc": true }] })).boxed(),
        NodeKind::Distinct => Just(json!({})).boxed(),
        NodeKind::Limit => (0u64..10).prop_map(|n| json!({ "n": n })).boxed(),
        NodeKind::Sql => {
            prop::sample::select(vec!["SELECT * FROM n0", "DROP TABLE n0", "SELECT * FROM 'x.csv'", "SELECT"])
                .prop_map(|q| json!({ "query": q }))
                .boxed()
        }
        NodeKind::TransformCheck => (column(), expr(), path, prop::sample::select(vec!["not_null", "unique", "bogus"]))
            .prop_map(|(c, e, p, k)| {
                json!({ "rules": [{ "name": "a", "kind": k, "columns": [c] }, { "name": "b", "kind": "expr", "expr": e }],
                        "quarantine": { "path": p } })
            })
            .boxed(),
        NodeKind::SinkCsv | NodeKind::SinkParquet | NodeKind::SinkExcel => {
            path.prop_map(|p| json!({ "path": p })).boxed()
        }
        NodeKind::SinkTable => Just(json!({ "connection": "dw", "table": "t" })).boxed(),
        NodeKind::SinkReport => Just(json!({ "title": "r", "chart": "bar" })).boxed(),
    }
}

fn graph() -> impl Strategy<Value = Graph> {
    prop::collection::vec(kind(), 1..8)
        .prop_flat_map(|kinds| {
            let n = kinds.len();
            let configs: Vec<BoxedStrategy<Value>> = kinds.iter().map(|k| config(*k)).collect();
            let edges = prop::collection::vec((0..n, 0..n, prop::sample::select(vec!["in", "left", "right", "bad"])), 0..n * 2);
            (Just(kinds), configs, edges, any::<bool>())
        })
        .prop_map(|(kinds, configs, edges, with_param)| {
            let nodes: Vec<Value> = kinds
                .iter()
                .zip(configs)
                .enumerate()
                .map(|(i, (k, c))| json!({ "id": format!("n{i}"), "kind": k.as_str(), "config": c, "pos": [i as f64 * 10.0, 5.0] }))
                .collect();
            let edges: Vec<Value> = edges
                .into_iter()
                .map(|(a, b, p)| if p == "in" { json!({ "from": format!("n{a}"), "to": format!("n{b}") }) } else { json!({ "from": format!("n{a}"), "to": format!("n{b}"), "port": p }) })
                .collect();
            let mut doc = json!({ "format": "sluice.graph/v1", "name": "g", "nodes": nodes, "edges": edges });
            if with_param {
                doc["params"] = json!({ "biz_date": { "type": "date", "default": "2026-11-24" } });
            }
            serde_json::from_value(doc).expect("generated documents are well-formed")
        })
}

fn source_schemas(g: &Graph) -> HashMap<String, Schema> {
    let s = Schema(vec![
        Field::new("amount", Some(DataType::Float64)),
        Field::new("branch", Some(DataType::String)),
        Field::new("txn_date", Some(DataType::Date)),
        Field::new("id", Some(DataType::Int64)),
    ]);
    g.nodes.iter().map(|n| (n.id.clone(), s.clone())).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_graphs_never_panic_and_valid_ones_round_trip(g in graph()) {
        let schemas = source_schemas(&g);
        let report = validate(&g, &Context { source_schemas: Some(&schemas), params: None, ..Default::default() });
        for p in &report.problems {
            prop_assert!(!p.message.is_empty());
        }
        if report.is_valid() {
            let text = serde_json::to_string_pretty(&g).unwrap();
            let back = parse_graph(&text).expect("a valid graph parses back");
            prop_assert_eq!(&back, &g);
            let again = validate(&back, &Context { source_schemas: Some(&schemas), params: None, ..Default::default() });
            prop_assert!(again.is_valid());
        }
        // With given parameter values too.
        let given: BTreeMap<String, String> = [("biz_date".to_string(), "2026-02-30".to_string())].into();
        let _ = validate(&g, &Context { source_schemas: None, params: Some(&given), ..Default::default() });
    }

    #[test]
    fn arbitrary_text_never_panics_the_parser(text in ".{0,200}") {
        let _ = parse_graph(&text);
        let _ = sluice_shared::expr::check(&text, &sluice_shared::expr::Scope { schema: None, params: &BTreeMap::new() });
        let _ = sluice_shared::sqlcheck::check(&text, &["a"], &|_| true);
    }

    #[test]
    fn arbitrary_json_never_panics_the_parser(v in arb_json()) {
        let _ = sluice_shared::parse_graph_value(v);
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|i| json!(i)),
        prop::sample::select(vec!["sluice.graph/v1", "n0", "source.csv", "in", "x"]).prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "format", "nodes", "edges", "id", "kind", "config", "from", "to", "params", "type", "default",
                    "port"
                ])
                .prop_map(str::to_string),
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn the_contract_example_is_valid() {
    let text = r#"{
      "format": "sluice.graph/v1",
      "name": "daily_branch_summary",
      "params": { "biz_date": { "type": "date", "default": "2026-11-24" } },
      "nodes": [
        { "id": "txns",  "kind": "source.csv", "config": { "path": "txns.csv" }, "pos": [80, 120] },
        { "id": "big",   "kind": "transform.filter", "config": { "predicate": "amount > 100 AND txn_date = $biz_date" } },
        { "id": "by_br", "kind": "transform.aggregate","config": { "group_by": ["branch"],
            "aggregates": [ { "fn": "sum", "column": "amount", "as": "total" }, { "fn": "count", "as": "n" } ] } },
        { "id": "out",   "kind": "sink.csv", "config": { "path": "out/summary_{biz_date}.csv" } }
      ],
      "edges": [ { "from": "txns", "to": "big" }, { "from": "big", "to": "by_br" }, { "from": "by_br","to": "out" } ]
    }"#;
    let g = parse_graph(text).unwrap();
    let schemas: HashMap<String, Schema> = [(
        "txns".to_string(),
        Schema(vec![
            Field::new("amount", Some(DataType::Float64)),
            Field::new("branch", Some(DataType::String)),
            Field::new("txn_date", Some(DataType::Date)),
        ]),
    )]
    .into();
    let r = validate(&g, &Context { source_schemas: Some(&schemas), params: None, ..Default::default() });
    assert!(r.is_valid(), "{:?}", r.problems);
    let out = r.schemas["out"].as_ref().unwrap();
    assert_eq!(out.names().collect::<Vec<_>>(), ["branch", "total", "n"]);
    assert_eq!(out.field("total").unwrap().ty, Some(DataType::Float64));
    assert_eq!(out.field("n").unwrap().ty, Some(DataType::Int64));
}
