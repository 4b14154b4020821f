//! `/api/graphs`: the graph library. Analysts see and change their own graphs,
//! admins everyone's. Every save is kept as a version; a stale save gets 409.

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult};
use crate::store::{GraphRow, GraphSummary, VersionRow};
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sluice_shared::{Graph, Problem};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/graphs", get(list).post(create))
        .route("/api/graphs/{id}", get(fetch).put(save).delete(remove))
        .route("/api/graphs/{id}/duplicate", post(duplicate))
        .route("/api/graphs/{id}/versions", get(versions))
        .route("/api/graphs/{id}/versions/{version}", get(version))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct GraphList {
    pub graphs: Vec<GraphSummary>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CreateGraph {
    /// A `sluice.graph/v1` document.
    #[schema(value_type = Object)]
    pub graph: Value,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SaveGraph {
    #[schema(value_type = Object)]
    pub graph: Value,
    /// The version the editor started from.
    pub base_version: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct GraphDoc {
    pub id: String,
    pub version: i64,
    #[schema(value_type = Object)]
    pub graph: Graph,
    pub updated_at: i64,
    pub owner: String,
    /// What the validator says of this version (drafts may be incomplete).
    #[schema(value_type = Vec<Object>)]
    pub problems: Vec<Problem>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub id: String,
    pub version: i64,
    #[schema(value_type = Vec<Object>)]
    pub problems: Vec<Problem>,
}

/// Parses a document; one that does not even parse is refused with its problems.
fn parse(v: Value) -> ApiResult<(Graph, String)> {
    let graph = sluice_shared::parse_graph_value(v).map_err(ApiError::InvalidGraph)?;
    let canonical = serde_json::to_string_pretty(&graph).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((graph, canonical))
}

/// Validation runs off the async workers (see `engine::limits`).
async fn problems(graph: &Graph) -> Vec<Problem> {
    crate::engine::limits::validate(graph, None, None).await.problems
}

/// Loads a graph the user may see, or answers 404 (not 403: no probing by id).
async fn visible(state: &AppState, user: &CurrentUser, id: &str) -> ApiResult<GraphRow> {
    let row = state.store.get_graph(id).await.map_err(|_| ApiError::NotFound(format!("no graph `{id}`")))?;
    if user.role == Role::Admin || row.owner_id == user.id {
        Ok(row)
    } else {
        Err(ApiError::NotFound(format!("no graph `{id}`")))
    }
}

async fn doc(row: GraphRow) -> ApiResult<GraphDoc> {
    let graph: Graph = serde_json::from_str(&row.doc).map_err(|e| ApiError::Internal(format!("stored graph: {e}")))?;
    let problems = problems(&graph).await;
    Ok(GraphDoc { id: row.id, version: row.version, graph, updated_at: row.updated_at, owner: row.owner, problems })
}

#[utoipa::path(get, path = "/api/graphs", responses((status = 200, body = GraphList), (status = 401)))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<GraphList>> {
    let graphs = match user.role {
        Role::Admin => state.store.list_graphs(None).await?,
        Role::Analyst => state.store.list_graphs(Some(&user.id)).await?,
        Role::Viewer => state.store.list_approved_graphs().await?,
    };
    Ok(Json(GraphList { graphs }))
}

#[utoipa::path(post, path = "/api/graphs", request_body = CreateGraph,
    responses((status = 201, body = GraphDoc), (status = 401), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CreateGraph>,
) -> ApiResult<(StatusCode, Json<GraphDoc>)> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let (graph, canonical) = parse(req.graph)?;
    let row = state.store.create_graph(&user.id, &user.username, &graph.name, &graph.description, &canonical).await?;
    state.store.audit(&user.username, "graph_create", &row.id, &graph.name).await?;
    Ok((StatusCode::CREATED, Json(doc(row).await?)))
}

#[utoipa::path(get, path = "/api/graphs/{id}", responses((status = 200, body = GraphDoc), (status = 401), (status = 404)))]
pub async fn fetch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<GraphDoc>> {
    Ok(Json(doc(visible(&state, &user, &id).await?).await?))
}

#[utoipa::path(put, path = "/api/graphs/{id}", request_body = SaveGraph,
    responses((status = 200, body = Saved), (status = 401), (status = 404), (status = 409), (status = 422)))]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SaveGraph>,
) -> ApiResult<Json<Saved>> {
    user.require(&[Role::Admin, Role::Analyst])?;
    visible(&state, &user, &id).await?;
    let (graph, canonical) = parse(req.graph)?;
    let version = state
        .store
        .save_graph(&id, req.base_version, &user.username, &graph.name, &graph.description, &canonical)
        .await?;
    state.store.audit(&user.username, "graph_save", &id, &format!("version {version}")).await?;
    Ok(Json(Saved { id, version, problems: problems(&graph).await }))
}

#[utoipa::path(delete, path = "/api/graphs/{id}", responses((status = 204), (status = 401), (status = 404)))]
pub async fn remove(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> ApiResult<StatusCode> {
    user.require(&[Role::Admin, Role::Analyst])?;
    visible(&state, &user, &id).await?;
    state.store.delete_graph(&id).await?;
    state.store.audit(&user.username, "graph_delete", &id, "").await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/graphs/{id}/duplicate", responses((status = 201, body = GraphDoc), (status = 404)))]
pub async fn duplicate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<GraphDoc>)> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let row = visible(&state, &user, &id).await?;
    let mut graph: Graph = serde_json::from_str(&row.doc).map_err(|e| ApiError::Internal(e.to_string()))?;
    graph.name = format!("{} (copy)", graph.name);
    let canonical = serde_json::to_string_pretty(&graph).map_err(|e| ApiError::Internal(e.to_string()))?;
    let new = state.store.create_graph(&user.id, &user.username, &graph.name, &graph.description, &canonical).await?;
    state.store.audit(&user.username, "graph_duplicate", &new.id, &format!("from {id}")).await?;
    Ok((StatusCode::CREATED, Json(doc(new).await?)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct VersionList {
    pub versions: Vec<VersionRow>,
}

#[utoipa::path(get, path = "/api/graphs/{id}/versions", responses((status = 200, body = VersionList), (status = 404)))]
pub async fn versions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<VersionList>> {
    visible(&state, &user, &id).await?;
    Ok(Json(VersionList { versions: state.store.list_versions(&id).await? }))
}

#[utoipa::path(get, path = "/api/graphs/{id}/versions/{version}", responses((status = 200, body = GraphDoc), (status = 404)))]
pub async fn version(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, version)): Path<(String, i64)>,
) -> ApiResult<Json<GraphDoc>> {
    let mut row = visible(&state, &user, &id).await?;
    row.doc =
        state.store.get_version(&id, version).await.map_err(|_| ApiError::NotFound(format!("no version {version}")))?;
    row.version = version;
    Ok(Json(doc(row).await?))
}
