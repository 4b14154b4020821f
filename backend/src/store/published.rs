//! What file sinks of approved graphs published: the output each file sink
//! recorded (migration 0014) in successful production runs (see
//! `run_access`: scheduled or backfill runs of an approved version).

use super::run_access::{PRODUCTION_BINDS, production};
use super::{Result, Store};
use sluice_shared::api::RunStatus;

/// One file a sink wrote in a successful production run.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublishedRow {
    pub run_id: String,
    pub graph_id: String,
    pub graph_name: String,
    pub owner_id: String,
    pub node_id: String,
    pub kind: String,
    pub biz_date: String,
    /// The path from the run's write root.
    pub output: String,
}

impl Store {
    /// Files written by the given sink kinds in successful production runs
    /// (of one graph and node when given), newest business date first, the
    /// latest run of a date first; at most `limit`.
    pub async fn published_outputs(
        &self,
        kinds: &[&str],
        graph_node: Option<(&str, &str)>,
        limit: i64,
    ) -> Result<Vec<PublishedRow>> {
        let sql = format!(
            "SELECT r.id AS run_id, r.graph_id, g.name AS graph_name, g.owner_id, n.node_id, n.kind, r.biz_date, \
             n.output FROM runs r JOIN run_nodes n ON n.run_id = r.id JOIN graphs g ON g.id = r.graph_id \
             WHERE r.status = $1 AND {} AND ($5 = '' OR (r.graph_id = $5 AND n.node_id = $6)) \
             AND n.output IS NOT NULL AND n.output <> '' AND n.kind IN ({}) \
             ORDER BY r.biz_date DESC, r.finished_at DESC, r.id DESC LIMIT ${}",
            production(2),
            (0..kinds.len()).map(|i| format!("${}", 7 + i)).collect::<Vec<_>>().join(", "),
            7 + kinds.len()
        );
        let (graph, node) = graph_node.unwrap_or(("", ""));
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(RunStatus::Succeeded.as_str());
        for v in PRODUCTION_BINDS {
            q = q.bind(v);
        }
        q = q.bind(graph).bind(node);
        for k in kinds {
            q = q.bind(*k);
        }
        Ok(q.bind(limit).fetch_all(self.pool()).await?)
    }
}
