//! For the lineage tests: a conformance case's lineage, and checking a sink's
//! columns against origins written as `node.column=how`.

use sluice_backend::engine::{self, root::DataRoot};
use sluice_shared::api::lineage::{GraphLineage, NodeLineage, Via};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn case_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/cases").join(name)
}

async fn lineage_of(name: &str) -> GraphLineage {
    let dir = case_dir(name);
    let text = std::fs::read_to_string(dir.join("graph.json")).unwrap();
    let graph = sluice_shared::parse_graph(&text).unwrap();
    engine::lineage::lineage(&graph, &BTreeMap::new(), &DataRoot::new(&dir), Default::default())
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

fn via(s: &str) -> Via {
    match s {
        "copied" => Via::Copied,
        "renamed" => Via::Renamed,
        "computed" => Via::Computed,
        "aggregated" => Via::Aggregated,
        "group_key" => Via::GroupKey,
        "filter" => Via::Filter,
        "join_key" => Via::JoinKey,
        other => panic!("unknown via {other}"),
    }
}

/// `"a.x=copied b.y=join_key"` as sorted (node, column, via) triples.
pub fn parse(list: &str) -> Vec<(String, String, Via)> {
    let mut out: Vec<_> = list
        .split_whitespace()
        .map(|item| {
            let (col, how) = item.split_once('=').unwrap();
            let (node, column) = col.split_once('.').unwrap();
            (node.to_string(), column.to_string(), via(how))
        })
        .collect();
    out.sort();
    out
}

pub fn triples(n: &NodeLineage, column: &str) -> Vec<(String, String, Via)> {
    let c = n.column(column).unwrap_or_else(|| panic!("{}: no column {column}", n.node));
    let mut out: Vec<_> = c.origins.iter().map(|o| (o.node.clone(), o.column.clone(), o.via)).collect();
    out.sort();
    out
}

/// Checks sink `sink` of case `name`: its columns in order with their origins, and its rows.
pub async fn check(name: &str, sink: &str, columns: &[(&str, &str)], rows: &str) -> GraphLineage {
    let all = lineage_of(name).await;
    let n = all.node(sink).unwrap_or_else(|| panic!("{name}: no node {sink}"));
    assert_eq!(n.unknown, None, "{name}");
    let names: Vec<&str> = n.columns.iter().map(|c| c.name.as_str()).collect();
    let expected: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
    assert_eq!(names, expected, "{name}: the sink's columns");
    for (column, origins) in columns {
        assert_eq!(triples(n, column), parse(origins), "{name}: {sink}.{column}");
    }
    let mut got: Vec<_> = n.rows.iter().map(|o| (o.node.clone(), o.column.clone(), o.via)).collect();
    got.sort();
    assert_eq!(got, parse(rows), "{name}: rows of {sink}");
    all
}

/// Every column of `node` copied, same name.
pub fn copied<'a>(node: &str, cols: &[&'a str]) -> Vec<(&'a str, String)> {
    cols.iter().map(|c| (*c, format!("{node}.{c}=copied"))).collect()
}

pub fn cols(list: &[(&str, String)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.clone())).collect()
}

pub async fn check_owned(name: &str, sink: &str, columns: Vec<(String, String)>, rows: &str) -> GraphLineage {
    let refs: Vec<(&str, &str)> = columns.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    check(name, sink, &refs, rows).await
}

pub const TXNS: [&str; 8] = ["txn_id", "acct", "branch", "amount", "qty", "txn_date", "channel", "note"];
pub const TX: [&str; 4] = ["txn_id", "acct", "branch", "amount"];
