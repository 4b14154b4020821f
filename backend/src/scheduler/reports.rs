//! A run's report sinks: before the run, each gets its stable name and its
//! file `reports/<name>/<biz date>.parquet` in the run's write root (the data
//! root for scheduled and backfill runs, the requester's sandbox for drafts),
//! which the engine publishes with the run's other outputs, all or nothing.
//! After the run succeeded, one index row per report says where the rows are.
//!
//! Residual window, honestly: the index row is written after the files are
//! published; a crash between the two leaves the new file under the old index
//! row (same path, so the page shows the new rows with the old run's label)
//! until the date is run again.

use crate::engine::Written;
use crate::engine::root::DataRoot;
use crate::store::{ReportDateRow, Store};
use sluice_shared::config::NodeConfig;
use sluice_shared::{Graph, NodeKind};
use std::collections::HashMap;

/// One report sink of a run: node id, name, its config as JSON, its file.
pub struct Planned {
    pub node: String,
    pub name: String,
    pub config: String,
    pub path: String,
}

/// Whether `d` can stand in a file name as a business date (`YYYY-MM-DD`).
fn plain_date(d: &str) -> bool {
    d.len() == 10 && d.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
}

/// Which run published a report's rows.
pub struct Publication<'a> {
    pub graph_id: &'a str,
    pub hash: &'a str,
    pub run_id: &'a str,
    pub biz_date: &'a str,
    /// '' for scheduled and backfill runs; the requester's user id for a draft.
    pub scope: &'a str,
}

/// Claims the names of `graph`'s report sinks and chooses their files.
pub async fn plan(store: &Store, graph_id: &str, biz_date: &str, graph: &Graph) -> Result<Vec<Planned>, String> {
    let mut out = Vec::new();
    if !plain_date(biz_date) {
        return Ok(out); // nothing to file it under; the engine only counts the rows
    }
    for n in &graph.nodes {
        if NodeKind::parse(&n.kind) != Some(NodeKind::SinkReport) {
            continue;
        }
        let Ok(NodeConfig::SinkReport(cfg)) = NodeConfig::parse(NodeKind::SinkReport, &n.config) else {
            continue; // invalid: the engine names the problem
        };
        let base = sluice_shared::report::name_from(&n.id);
        let name = store
            .claim_report_name(graph_id, &n.id, &base, cfg.title.trim())
            .await
            .map_err(|e| format!("naming report `{}`: {e}", n.id))?;
        let config = serde_json::to_string(&cfg).map_err(|e| e.to_string())?;
        let path = format!("reports/{name}/{biz_date}.parquet");
        out.push(Planned { node: n.id.clone(), name, config, path });
    }
    Ok(out)
}

/// The node id → file map the engine takes.
pub fn paths(planned: &[Planned]) -> HashMap<String, String> {
    planned.iter().map(|p| (p.node.clone(), p.path.clone())).collect()
}

/// Records where each report's rows went, once the run has published them.
pub async fn record(
    store: &Store,
    by: &Publication<'_>,
    planned: &[Planned],
    written: &[Written],
    root: &DataRoot,
    now: i64,
) -> Result<(), String> {
    if planned.is_empty() {
        return Ok(());
    }
    let version = store.version_of_hash(by.graph_id, by.hash).await.map_err(|e| e.to_string())?;
    for p in planned {
        let Some(w) = written.iter().find(|w| w.node == p.node && w.path == p.path) else { continue };
        let row = ReportDateRow {
            report_name: p.name.clone(),
            biz_date: by.biz_date.to_string(),
            scope: by.scope.to_string(),
            run_id: by.run_id.to_string(),
            graph_id: by.graph_id.to_string(),
            version,
            hash: by.hash.to_string(),
            config: p.config.clone(),
            root: root.path().to_string_lossy().into_owned(),
            path: p.path.clone(),
            row_count: w.rows as i64,
            created_at: now,
        };
        store.record_report_date(&row).await.map_err(|e| format!("indexing report `{}`: {e}", p.name))?;
    }
    Ok(())
}
