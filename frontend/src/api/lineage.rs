//! Column lineage and "View as SQL": the shared request and answer types of
//! `shared::api::lineage` and `shared::api::sql`, used as they are.

use super::{ApiError, call_as};
use serde_json::Value;
use sluice_shared::api::lineage::GraphLineage;
use sluice_shared::api::sql::{Dialect, LineageRequest, SqlExport, SqlRequest};

/// `POST /api/lineage`: the lineage of the graph being edited.
pub async fn lineage(graph: Value) -> Result<GraphLineage, ApiError> {
    let body = serde_json::to_value(LineageRequest { graph, params: Default::default() }).unwrap_or_default();
    call_as("POST", "/api/lineage", Some(&body)).await
}

/// `POST /api/lineage/trace`: a column followed back through the library's other graphs.
pub async fn trace(
    graph: Value,
    graph_id: Option<String>,
    node: String,
    column: String,
) -> Result<sluice_shared::api::lineage_trace::ColumnTrace, ApiError> {
    let req =
        sluice_shared::api::lineage_trace::TraceRequest { graph, graph_id, node, column, params: Default::default() };
    let body = serde_json::to_value(req).unwrap_or_default();
    call_as("POST", "/api/lineage/trace", Some(&body)).await
}

/// `POST /api/sql`: one statement per sink, as `sluice sql` prints them.
pub async fn export_sql(graph: Value, dialect: Dialect) -> Result<SqlExport, ApiError> {
    let body = serde_json::to_value(SqlRequest { graph, params: Default::default(), dialect }).unwrap_or_default();
    call_as("POST", "/api/sql", Some(&body)).await
}

/// `GET /api/dataflow`: the library's graphs and the datasets between them.
pub async fn dataflow() -> Result<sluice_shared::api::dataflow::DataflowMap, ApiError> {
    call_as("GET", "/api/dataflow", None).await
}

/// `GET /api/dataflow/schedules`: dependencies the schedules should have.
pub async fn schedule_suggestions() -> Result<sluice_shared::api::dataflow::ScheduleSuggestions, ApiError> {
    call_as("GET", "/api/dataflow/schedules", None).await
}

/// `POST /api/model/keys`: the model wizard's proposed join keys, measured on a sample.
pub async fn model_keys(
    graph: Value,
    fact: String,
    dimensions: Vec<String>,
) -> Result<sluice_shared::api::model::KeysResponse, ApiError> {
    let req = sluice_shared::api::model::KeysRequest { graph, fact, dimensions, params: Default::default() };
    let body = serde_json::to_value(req).unwrap_or_default();
    call_as("POST", "/api/model/keys", Some(&body)).await
}
