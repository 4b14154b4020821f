//! The demo's two reports, approved and published for the last week of
//! business dates at install, so a new user opens `#/reports` and sees them:
//! daily deposits per branch (a bar chart, amounts in 万) and the daily trend
//! of the month so far (a line). Published exactly as a backfill would: the
//! engine writes `reports/<name>/<date>.parquet`, the store indexes each date
//! (run id `demo-<date>`).

use crate::engine::{self, Mode, root::DataRoot};
use crate::scheduler::reports::{self as publish, Publication};
use crate::store::{Store, UserRow, content_hash, now_ms};
use serde_json::{Value, json};
use sluice_shared::Graph;
use std::collections::{BTreeMap, HashMap};

/// Business dates published at install, ending on the sample's last day.
pub const REPORT_DAYS: i64 = 7;

fn parse(doc: Value) -> Graph {
    sluice_shared::parse_graph_value(doc).expect("the demo graphs are constants that parse")
}

/// Deposits (positive amounts) of the business date per branch.
pub fn daily_branch_deposits() -> Graph {
    parse(json!({
        "format": "sluice.graph/v1",
        "name": "daily_branch_deposits",
        "description": "Deposits of the business date per branch, as a bar chart in 万",
        "params": { "biz_date": { "type": "date", "default": super::data::END_DATE } },
        "nodes": [
            { "id": "transactions", "kind": "source.csv", "config": { "path": "demo/transactions.csv" }, "pos": [80, 80] },
            { "id": "on_date", "kind": "transform.filter",
              "config": { "predicate": "amount > 0 AND txn_date = $biz_date" }, "pos": [300, 80] },
            { "id": "per_branch", "kind": "transform.aggregate",
              "config": { "group_by": ["branch"], "aggregates": [
                  { "fn": "sum", "column": "amount", "as": "deposits" }, { "fn": "count", "as": "n" } ] },
              "pos": [520, 80] },
            { "id": "branch_deposits", "kind": "sink.report",
              "config": { "title": "Daily branch deposits", "chart": "bar", "x": "branch", "y": "deposits",
                  "sort": [ { "column": "deposits", "desc": true } ],
                  "format": { "deposits": { "scale": "wan", "decimals": 2, "thousands": true } } },
              "pos": [740, 80] }
        ],
        "edges": [
            { "from": "transactions", "to": "on_date" },
            { "from": "on_date", "to": "per_branch" },
            { "from": "per_branch", "to": "branch_deposits" }
        ]
    }))
}

/// Daily totals of the month up to the business date.
pub fn monthly_trend() -> Graph {
    parse(json!({
        "format": "sluice.graph/v1",
        "name": "monthly_trend",
        "description": "Daily deposit totals of the month up to the business date, as a line",
        "params": { "biz_date": { "type": "date", "default": super::data::END_DATE } },
        "nodes": [
            { "id": "transactions", "kind": "source.csv", "config": { "path": "demo/transactions.csv" }, "pos": [80, 80] },
            { "id": "month_to_date", "kind": "transform.filter",
              "config": { "predicate": "amount > 0 AND txn_date <= $biz_date AND date_part('month', txn_date) = date_part('month', $biz_date) AND date_part('year', txn_date) = date_part('year', $biz_date)" },
              "pos": [300, 80] },
            { "id": "per_day", "kind": "transform.aggregate",
              "config": { "group_by": ["txn_date"], "aggregates": [ { "fn": "sum", "column": "amount", "as": "deposits" } ] },
              "pos": [520, 80] },
            { "id": "deposit_trend", "kind": "sink.report",
              "config": { "title": "Deposits this month", "chart": "line", "x": "txn_date", "y": "deposits",
                  "sort": [ { "column": "txn_date" } ],
                  "format": { "deposits": { "scale": "wan", "decimals": 1, "thousands": true } } },
              "pos": [740, 80] }
        ],
        "edges": [
            { "from": "transactions", "to": "month_to_date" },
            { "from": "month_to_date", "to": "per_day" },
            { "from": "per_day", "to": "deposit_trend" }
        ]
    }))
}

pub fn report_graphs() -> Vec<Graph> {
    vec![daily_branch_deposits(), monthly_trend()]
}

/// Adds the report graphs (owned by `owner`, approved by `admin`) and
/// publishes them for the last [`REPORT_DAYS`] dates; a graph that exists is left alone.
pub async fn install(store: &Store, files: &std::path::Path, owner: &UserRow) -> Result<(), String> {
    let root = DataRoot::new(files);
    for graph in report_graphs() {
        if store.graph_named(&graph.name).await.map_err(|e| e.to_string())?.is_some() {
            continue;
        }
        let doc = serde_json::to_string_pretty(&graph).map_err(|e| e.to_string())?;
        let g = store
            .create_graph(&owner.id, &owner.username, &graph.name, &graph.description, &doc)
            .await
            .map_err(|e| e.to_string())?;
        let hash = content_hash(&doc);
        let sub = store.submit(&g.id, 1, &hash, "demo report", &owner.username).await.map_err(|e| e.to_string())?;
        store
            .decide(&sub.id, sluice_shared::api::SubmissionStatus::Approved, "admin", "demo")
            .await
            .map_err(|e| e.to_string())?;
        let end = super::data::days(super::data::END_DATE);
        for day in (end - REPORT_DAYS + 1)..=end {
            let date = super::data::date(day);
            publish_date(store, &root, &graph, &g.id, &hash, &date).await?;
        }
    }
    Ok(())
}

async fn publish_date(
    store: &Store,
    root: &DataRoot,
    graph: &Graph,
    graph_id: &str,
    hash: &str,
    date: &str,
) -> Result<(), String> {
    let planned = publish::plan(store, graph_id, date, graph).await?;
    let params = BTreeMap::from([("biz_date".to_string(), date.to_string())]);
    let prepared = engine::prepare(graph, &params, root, Mode::Run).await.map_err(|e| e.to_string())?;
    let paths: HashMap<String, String> = publish::paths(&planned);
    let outcome = engine::run::execute_with(&prepared, root, &Default::default(), &paths).await;
    let written = outcome.result.map_err(|e| format!("demo report {}: {e}", graph.name))?;
    let run_id = format!("demo-{date}");
    let by = Publication { graph_id, hash, run_id: &run_id, biz_date: date, scope: "" };
    publish::record(store, &by, &planned, &written, root, now_ms()).await
}
