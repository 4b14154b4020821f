use super::*;
use crate::engine::root::DataRoot;
use crate::engine::{Mode, execute, planned_schemas, prepare};
use calamine::{Reader, open_workbook_auto};
use sluice_shared::config::NodeConfig;
use sluice_shared::{Context, DataType, Field, Schema};
use std::collections::{BTreeMap, HashMap};

/// The columns and types of every demo file, as the engine reads them.
fn file_schema(path: &str) -> Schema {
    use DataType::{Date, Float64 as F, Int64 as I, String as S};
    let cols: &[(&str, DataType)] = match path {
        "demo/transactions.csv" => &[
            ("txn_id", I),
            ("account_id", S),
            ("txn_date", Date),
            ("amount", F),
            ("currency", S),
            ("channel", S),
            ("branch", S),
            ("memo", S),
        ],
        "demo/accounts.csv" => {
            &[("account_id", S), ("customer_id", S), ("product", S), ("open_date", Date), ("status", S)]
        }
        "demo/customers.csv" => {
            &[("customer_id", S), ("name", S), ("segment", S), ("city", S), ("risk_rating", I), ("kyc_date", Date)]
        }
        "demo/branches.csv" => &[("branch", S), ("branch_name", S), ("city", S), ("region", S), ("manager", S)],
        "demo/branch_limits.xlsx" => &[("branch", S), ("daily_limit", I), ("currency", S), ("effective_from", Date)],
        other => panic!("no demo file {other}"),
    };
    Schema(cols.iter().map(|(n, t)| Field::new(*n, Some(*t))).collect())
}

/// The schema of every source node of `graph`, by node id.
fn source_schemas(graph: &sluice_shared::Graph) -> HashMap<String, Schema> {
    let report = sluice_shared::validate(graph, &Context::default());
    report
        .configs
        .iter()
        .filter_map(|(id, cfg)| match cfg {
            NodeConfig::SourceCsv(c) => Some((id.clone(), file_schema(&c.path))),
            NodeConfig::SourceExcel(c) => Some((id.clone(), file_schema(&c.path))),
            _ => None,
        })
        .collect()
}

#[test]
fn graphs_parse_and_validate_against_the_demo_schemas() {
    let graphs = graphs();
    let names: Vec<&str> = graphs.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["daily_branch_summary", "large_txn_watchlist", "branch_limit_check"]);
    for g in &graphs {
        let schemas = source_schemas(g);
        assert!(!schemas.is_empty(), "{}: no sources", g.name);
        let report =
            sluice_shared::validate(g, &Context { source_schemas: Some(&schemas), params: None, ..Default::default() });
        assert!(report.is_valid(), "{}: {:?}", g.name, report.problems);
        for n in &g.nodes {
            assert!(n.pos.is_some(), "{}: node {} has no pos", g.name, n.id);
            let schema = report.schemas.get(&n.id).cloned().flatten();
            let sink = n.kind.starts_with("sink.");
            assert!(sink || schema.is_some(), "{}: node {} has no schema", g.name, n.id);
        }
        // The document round-trips through the serde form unchanged.
        let text = serde_json::to_string(g).expect("serializes");
        assert_eq!(&sluice_shared::parse_graph(&text).expect("parses"), g);
    }
}

#[test]
fn generation_is_deterministic() {
    let (a, b) = (data::generate(), data::generate());
    assert_eq!(a.transactions, b.transactions);
    assert_eq!(a.customers, b.customers);
    assert_eq!(a.limits, b.limits);
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).expect("opens");
    r.records().map(|rec| rec.expect("a CSV record").iter().map(str::to_string).collect()).collect()
}

#[tokio::test]
async fn files_are_written_and_every_graph_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_files(dir.path()).expect("writes the demo files");
    let demo = dir.path().join("demo");

    let txns = csv_rows(&demo.join("transactions.csv"));
    assert_eq!(txns.len(), data::N_TRANSACTIONS);
    assert_eq!(csv_rows(&demo.join("accounts.csv")).len(), data::N_ACCOUNTS);
    assert_eq!(csv_rows(&demo.join("customers.csv")).len(), data::N_CUSTOMERS);
    assert_eq!(csv_rows(&demo.join("branches.csv")).len(), 12);
    let last = data::days(data::END_DATE);
    let first = last - (data::DAYS - 1);
    for t in &txns {
        let d = data::days(&t[2]);
        assert!((first..=last).contains(&d), "date {} out of range", t[2]);
    }
    assert!(txns.iter().any(|t| t[3].starts_with('-')), "some refunds");
    assert!(txns.iter().any(|t| t[7].is_empty()), "some empty memos");
    for cur in ["CNY", "USD", "HKD", "EUR"] {
        assert!(txns.iter().any(|t| t[4] == cur), "no {cur} transactions");
    }

    let mut wb = open_workbook_auto(demo.join("branch_limits.xlsx")).expect("opens the workbook");
    let sheet = wb.worksheet_range("limits").expect("sheet `limits`");
    assert_eq!(sheet.height(), 13);

    let root = DataRoot::new(dir.path());
    let mut outputs = BTreeMap::new();
    for g in graphs() {
        let prepared = prepare(&g, &BTreeMap::new(), &root, Mode::Run)
            .await
            .unwrap_or_else(|e| panic!("{}: prepare failed: {e:?}", g.name));
        // What the engine reads from the files is what the schemas above say.
        let planned = planned_schemas(&prepared);
        for (id, schema) in source_schemas(&g) {
            assert_eq!(planned[&id], schema, "{}: source {id}", g.name);
        }
        let written = execute(&prepared, &root).await.unwrap_or_else(|e| panic!("{}: execute failed: {e:?}", g.name));
        for w in written {
            assert!(w.rows > 0, "{}: {} wrote no rows", g.name, w.node);
            outputs.insert(w.node, (w.path, w.rows));
        }
    }
    // Every branch is busy on the business date; some branch days break their limit.
    assert_eq!(outputs["summary_csv"].1, 12);
    let over = outputs["over_limit_report"].1;
    assert_eq!(outputs["over_limit_parquet"].1, over);
    assert!(over < 12 * data::DAYS as u64 / 4, "{over} branch days over the limit");
    for file in
        ["out/daily_branch_summary_2026-11-24.csv", "out/large_txn_watchlist.xlsx", "out/branch_limit_check.parquet"]
    {
        assert!(dir.path().join(file).is_file(), "{file} missing");
    }

    // A second call leaves existing (possibly edited) files alone.
    std::fs::write(demo.join("branches.csv"), "branch\nB999\n").expect("edits");
    write_files(dir.path()).expect("writes again");
    assert_eq!(std::fs::read_to_string(demo.join("branches.csv")).expect("reads"), "branch\nB999\n");
}
