//! `GET /api/graphs/status` (types from `shared::api::graph_status`).

use super::{ApiError, call_as};
use sluice_shared::api::graph_status::{GraphStatus, GraphStatusList};

pub async fn graph_statuses() -> Result<Vec<GraphStatus>, ApiError> {
    call_as::<GraphStatusList>("GET", "/api/graphs/status", None).await.map(|l| l.graphs)
}
