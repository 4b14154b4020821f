//! Column lineage and SQL over HTTP: the lineage of a stored version
//! (`GET /api/graphs/{id}/lineage`, owner or admin), of the graph being edited
//! (`POST /api/lineage`), and the editor's "View as SQL" (`POST /api/sql`). All
//! plan against `dev` (its files give the sources' columns; nothing is read),
//! within the preview's time bound.

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult};
use crate::engine::{self, limits};
use crate::environments::DEV;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use sluice_shared::Graph;
use sluice_shared::api::lineage::GraphLineage;
use sluice_shared::api::sql::{LineageRequest, SinkSql, SqlExport, SqlRequest};
use std::collections::BTreeMap;

/// Longest statement `POST /api/sql` answers with; `sluice sql` prints any length.
pub const MAX_STATEMENT: usize = 256 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/graphs/{id}/lineage", get(stored_latest))
        .route("/api/graphs/{id}/versions/{version}/lineage", get(stored_version))
        .route("/api/lineage", post(draft))
        .route("/api/lineage/trace", post(super::lineage_trace::column_trace))
        .route("/api/sql", post(sql))
}

/// The lineage of `graph` in `dev`, bounded in time like a preview.
pub async fn compute(state: &AppState, graph: Graph, given: BTreeMap<String, String>) -> ApiResult<GraphLineage> {
    let env = state.environment(DEV).await?;
    let calendars = super::calendars::known(state).await?;
    let opts = engine::Options {
        connections: Some(env.connections),
        calendars: Some(calendars),
        limits: Some(state.previews.limits),
        ..Default::default()
    };
    let root = env.root;
    let work = async move { engine::lineage::lineage(&graph, &given, &root, opts).await };
    match limits::bounded(work, state.previews.timeout, |_| {}).await {
        Ok(answer) => answer.map_err(ApiError::from),
        Err(limits::Stopped::TimedOut(after)) => {
            Err(ApiError::Timeout(format!("lineage took longer than {} s and was stopped", after.as_secs())))
        }
        Err(other) => Err(ApiError::Internal(format!("lineage: {other:?}"))),
    }
}

async fn stored(state: &AppState, user: &CurrentUser, id: &str, version: Option<i64>) -> ApiResult<GraphLineage> {
    let row = super::access::graph_for(state, user, id).await?;
    let doc = match version {
        None => row.doc,
        Some(v) => state.store.get_version(id, v).await.map_err(|_| ApiError::NotFound(format!("no version {v}")))?,
    };
    let graph: Graph = serde_json::from_str(&doc).map_err(|e| ApiError::Internal(format!("stored graph: {e}")))?;
    compute(state, graph, BTreeMap::new()).await
}

/// Where every column of every node of the graph's latest version comes from.
/// An invalid graph answers 422 with its problems.
#[utoipa::path(get, path = "/api/graphs/{id}/lineage",
    responses((status = 200, body = GraphLineage), (status = 404), (status = 422), (status = 504)))]
pub async fn stored_latest(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<GraphLineage>> {
    Ok(Json(stored(&state, &user, &id, None).await?))
}

/// [`stored_latest`] for one version.
#[utoipa::path(get, path = "/api/graphs/{id}/versions/{version}/lineage",
    responses((status = 200, body = GraphLineage), (status = 404), (status = 422), (status = 504)))]
pub async fn stored_version(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, version)): Path<(String, i64)>,
) -> ApiResult<Json<GraphLineage>> {
    Ok(Json(stored(&state, &user, &id, Some(version)).await?))
}

/// The lineage of the graph being edited (not saved yet).
#[utoipa::path(post, path = "/api/lineage", request_body = LineageRequest,
    responses((status = 200, body = GraphLineage), (status = 422), (status = 504)))]
pub async fn draft(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<LineageRequest>,
) -> ApiResult<Json<GraphLineage>> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let graph = sluice_shared::parse_graph_value(req.graph).map_err(ApiError::InvalidGraph)?;
    Ok(Json(compute(&state, graph, req.params).await?))
}

/// What `sluice sql` prints for the posted graph: one statement per sink over
/// tables named by the source ids, planned against `dev`'s files.
#[utoipa::path(post, path = "/api/sql", request_body = SqlRequest,
    responses((status = 200, body = SqlExport), (status = 422), (status = 504)))]
pub async fn sql(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<SqlRequest>,
) -> ApiResult<Json<SqlExport>> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let graph = sluice_shared::parse_graph_value(req.graph).map_err(ApiError::InvalidGraph)?;
    let env = state.environment(DEV).await?;
    let calendars = super::calendars::known(&state).await?;
    let opts = engine::Options {
        connections: Some(env.connections),
        calendars: Some(calendars),
        limits: Some(state.previews.limits),
        ..Default::default()
    };
    let (root, given, dialect) = (env.root, req.params, req.dialect);
    let work = async move { engine::sql_export::export(&graph, &given, &root, dialect.into(), opts).await };
    let exported = match limits::bounded(work, state.previews.timeout, |_| {}).await {
        Ok(answer) => answer.map_err(ApiError::from)?,
        Err(limits::Stopped::TimedOut(after)) => {
            return Err(ApiError::Timeout(format!(
                "the export took longer than {} s and was stopped",
                after.as_secs()
            )));
        }
        Err(other) => return Err(ApiError::Internal(format!("sql export: {other:?}"))),
    };
    let statements = exported
        .into_iter()
        .map(|e| match e.sql {
            Ok(sql) if sql.len() > MAX_STATEMENT => SinkSql {
                sink: e.sink,
                sql: None,
                reason: Some(format!(
                    "the statement is {} KiB, more than this page shows ({} KiB); run `sluice sql` for it",
                    sql.len() / 1024,
                    MAX_STATEMENT / 1024
                )),
            },
            Ok(sql) => SinkSql { sink: e.sink, sql: Some(sql), reason: None },
            Err(why) => SinkSql { sink: e.sink, sql: None, reason: Some(format!("not expressible: {why}")) },
        })
        .collect();
    Ok(Json(SqlExport { dialect, statements }))
}
