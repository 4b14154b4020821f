//! The preview of a check node: its `out` rows, and what its rules find in the
//! previewed input (issue 14: "preview shows the check's result while editing").

use serde_json::json;
use sluice_backend::engine::{limits::Limits, preview, root::DataRoot};
use std::collections::BTreeMap;

#[tokio::test]
async fn previewing_a_check_shows_its_rules_results_and_passing_rows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.csv"), "id,ccy\n1,CNY\n2,XXX\n2,USD\n,CNY\n").unwrap();
    let graph = sluice_shared::parse_graph_value(json!({
        "format": "sluice.graph/v1", "name": "p",
        "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": "in.csv"}},
            {"id": "chk", "kind": "transform.check", "config": {"rules": [
                {"name": "id_set", "kind": "not_null", "columns": ["id"], "level": "warn"},
                {"name": "one_id", "kind": "unique", "columns": ["id"]},
                {"name": "ccy", "kind": "in", "column": "ccy", "values": ["CNY", "USD"], "max_failures": 1}
            ]}}
        ],
        "edges": [{"from": "src", "to": "chk"}]
    }))
    .unwrap();
    let root = DataRoot::new(dir.path());
    let p = preview::run(&graph, "chk", &BTreeMap::new(), &root, 100, false, Limits::PREVIEW, None).await.unwrap();
    assert!(p.sample, "a check sees all its input, so it previews like a blocking step");
    let mut rows: Vec<String> = p.rows.iter().map(|r| format!("{}|{}", r[0], r[1])).collect();
    rows.sort();
    assert_eq!(rows, ["1|\"CNY\"", "null|\"CNY\""], "rows failing error rules are left out");
    let c = p.check.expect("a check preview carries its results");
    let found: Vec<_> = c.rules.iter().map(|r| (r.name.as_str(), r.failures, r.broken)).collect();
    assert_eq!(found, [("id_set", 1, true), ("one_id", 2, true), ("ccy", 1, false)]);
    assert_eq!(c.rows, 4);
}
