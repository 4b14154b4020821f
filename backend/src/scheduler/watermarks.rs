//! Watermarks for a run's incremental `source.table` reads (see
//! `engine::incremental`): which ones a run starts from, and what it moves.
//!
//! - Scheduled runs use and move the `prod` watermarks of their graph.
//! - Draft runs use and move the `dev` ones (so an analyst can try an
//!   incremental graph without touching production's).
//! - Backfills of past business dates ignore watermarks (every row is read, or
//!   what the graph's own filters keep) and move none.
//!
//! The moves are committed with the run's success ([`crate::store::Store::succeed_run`]).

use super::Scheduler;
use crate::engine::incremental::{Advance, Mark, Watermarks};
use crate::store::{MarkMove, RunKind, RunRow};
use std::sync::Arc;

/// What a succeeded attempt leaves to commit with its success.
#[derive(Debug, Default)]
pub(super) struct Commit {
    /// The environment the run resolved in (`prod`, `dev`).
    pub environment: String,
    pub moves: Vec<MarkMove>,
}

impl Scheduler {
    /// The watermarks `run` starts from in `environment`; `None` for a backfill.
    pub(super) async fn start_marks(&self, run: &RunRow, environment: &str) -> Result<Option<Arc<Watermarks>>, String> {
        if run.kind == RunKind::Backfill {
            return Ok(None);
        }
        let rows = self.store.watermarks(&run.graph_id).await.map_err(|e| format!("reading the watermarks: {e}"))?;
        let marks = rows
            .into_iter()
            .filter(|r| r.environment == environment)
            .map(|r| (r.node_id, Mark { column: r.column_name, value: r.value }))
            .collect();
        Ok(Some(Arc::new(Watermarks(marks))))
    }
}

/// The watermarks a run moves: every incremental source that read a row.
pub(super) fn moves(advances: &[Advance]) -> Vec<MarkMove> {
    advances
        .iter()
        .filter_map(|a| {
            Some(MarkMove {
                node_id: a.node.clone(),
                column: a.column.clone(),
                before: a.before.clone(),
                after: a.after.clone()?,
            })
        })
        .collect()
}
