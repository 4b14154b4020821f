//! `GET /api/watermarks` (every graph's), `GET /api/graphs/{id}/watermarks` and
//! `DELETE /api/graphs/{id}/watermarks/{environment}/{node}` (admins): the
//! high-water marks of incremental `source.table` reads.

use super::Timestamp;
use serde::{Deserialize, Serialize};

/// One watermark: the highest value of `column` the last successful run of
/// the graph in `environment` read at source node `node`; the next run reads
/// the rows above it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatermarkView {
    pub graph_id: String,
    /// The graph's current name (empty if the graph is gone).
    pub graph_name: String,
    /// `prod` (scheduled runs) or `dev` (draft runs).
    pub environment: String,
    pub node: String,
    pub column: String,
    /// The value as text (`2024-01-02`, `2024-01-02T10:00:00`, `42`, `12.50`).
    pub value: String,
    /// The run that moved it last.
    pub run_id: String,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatermarkList {
    pub watermarks: Vec<WatermarkView>,
}

/// The longest environment name or node id a watermark path accepts.
pub const MAX_KEY_LEN: usize = 200;
