//! `/api/graphs`: the graph library. Analysts see and change their own graphs,
//! admins everyone's. Every save is kept as a version; a stale save gets 409.
//! Deleting a graph that was ever approved archives it instead: hidden from
//! the default listing (`?archived=true` lists them), read-only, its history,
//! approvals and schedules (disabled) kept; an admin can unarchive it.

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult};
use crate::store::{GraphRow, GraphSummary, Listing, Removal, StoreError, VersionRow};
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
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
        .route("/api/graphs/{id}/unarchive", post(unarchive))
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
    /// Set when the graph is archived (read-only).
    pub archived_at: Option<i64>,
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
    crate::engine::limits::validate(graph, None, None, None, None).await.problems
}

/// Loads a graph the user may see, or answers 404 (not 403: no probing by id).
pub(super) async fn visible(state: &AppState, user: &CurrentUser, id: &str) -> ApiResult<GraphRow> {
    let row = state.store.get_graph(id).await.map_err(|_| ApiError::NotFound(format!("no graph `{id}`")))?;
    if user.role == Role::Admin || row.owner_id == user.id {
        Ok(row)
    } else {
        Err(ApiError::NotFound(format!("no graph `{id}`")))
    }
}

async fn doc(state: &AppState, row: GraphRow) -> ApiResult<GraphDoc> {
    let graph: Graph = serde_json::from_str(&row.doc).map_err(|e| ApiError::Internal(format!("stored graph: {e}")))?;
    let hash = crate::store::content_hash(&row.doc);
    let problems = match state.problem_cache.get(&hash) {
        Some(p) => p.as_ref().clone(),
        None => state.problem_cache.put(hash, problems(&graph).await).as_ref().clone(),
    };
    Ok(GraphDoc {
        id: row.id,
        version: row.version,
        graph,
        updated_at: row.updated_at,
        owner: row.owner,
        archived_at: row.archived_at,
        problems,
    })
}

fn archived_error(id: &str) -> ApiError {
    ApiError::Conflict(format!(
        "graph `{id}` is archived and read-only: it had an approved version, so deleting it archived it; \
         an admin can unarchive it (POST /api/graphs/{id}/unarchive)"
    ))
}

#[derive(Deserialize)]
pub struct ListFilter {
    /// `false` (default): graphs in use; `true`: archived ones only; `all`: both.
    pub archived: Option<String>,
}

impl ListFilter {
    fn listing(&self) -> ApiResult<Listing> {
        match self.archived.as_deref() {
            None | Some("false") => Ok(Listing::Active),
            Some("true") => Ok(Listing::Archived),
            Some("all") => Ok(Listing::All),
            Some(other) => Err(ApiError::BadRequest(format!("archived: expected true, false or all, got `{other}`"))),
        }
    }
}

#[utoipa::path(get, path = "/api/graphs",
    params(("archived" = Option<String>, Query, pattern = "^(true|false|all)$", description = "`false` (default), `true` (archived only) or `all`")),
    responses((status = 200, body = GraphList), (status = 400), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<ListFilter>,
) -> ApiResult<Json<GraphList>> {
    let listing = f.listing()?;
    let graphs = match user.role {
        Role::Admin => state.store.list_graphs(None, listing).await?,
        Role::Analyst => state.store.list_graphs(Some(&user.id), listing).await?,
        Role::Viewer => state.store.list_approved_graphs(listing).await?,
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
    Ok((StatusCode::CREATED, Json(doc(&state, row).await?)))
}

#[utoipa::path(get, path = "/api/graphs/{id}", responses((status = 200, body = GraphDoc), (status = 401), (status = 404)))]
pub async fn fetch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<GraphDoc>> {
    Ok(Json(doc(&state, visible(&state, &user, &id).await?).await?))
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
    if visible(&state, &user, &id).await?.archived_at.is_some() {
        return Err(archived_error(&id));
    }
    let (graph, canonical) = parse(req.graph)?;
    let saved = state
        .store
        .save_graph(&id, req.base_version, &user.username, &graph.name, &graph.description, &canonical)
        .await;
    let version = match saved {
        Ok(v) => v,
        // Archived between the check above and the save.
        Err(StoreError::Conflict { .. }) if state.store.get_graph(&id).await?.archived_at.is_some() => {
            return Err(archived_error(&id));
        }
        Err(e) => return Err(e.into()),
    };
    state.store.audit(&user.username, "graph_save", &id, &format!("version {version}")).await?;
    Ok(Json(Saved { id, version, problems: problems(&graph).await }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Archived {
    pub id: String,
    pub archived: bool,
    pub message: String,
}

/// Deletes a graph never approved (204); archives one that was (200): its
/// schedules are disabled and everything else is kept.
#[utoipa::path(delete, path = "/api/graphs/{id}",
    responses((status = 200, body = Archived), (status = 204), (status = 401), (status = 404)))]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    user.require(&[Role::Admin, Role::Analyst])?;
    let row = visible(&state, &user, &id).await?;
    if row.archived_at.is_some() {
        return Err(ApiError::Conflict(format!("graph `{id}` is already archived")));
    }
    // Archiving an approved graph stops what runs in production: an admin decides that.
    if user.role != Role::Admin && state.store.approved(&id).await?.is_some() {
        return Err(ApiError::Forbidden(format!(
            "graph `{id}` has an approved version that runs in production: ask an admin to archive it"
        )));
    }
    Ok(match state.store.remove_graph(&id, &user.username).await? {
        Removal::Deleted => {
            state.store.audit(&user.username, "graph_delete", &id, &format!("version {}", row.version)).await?;
            StatusCode::NO_CONTENT.into_response()
        }
        Removal::Archived => {
            let detail = "had an approved version: archived instead of deleted, schedules disabled";
            state.store.audit(&user.username, "graph_archive", &id, detail).await?;
            let message = "this graph had an approved version, so it was archived instead of deleted: \
                its history, approvals and schedules (now disabled) are kept; an admin can unarchive it";
            Json(Archived { id, archived: true, message: message.into() }).into_response()
        }
    })
}

/// Brings an archived graph back (admins). Its schedules stay disabled until enabled again.
#[utoipa::path(post, path = "/api/graphs/{id}/unarchive",
    responses((status = 200, body = GraphDoc), (status = 401), (status = 403), (status = 404), (status = 409)))]
pub async fn unarchive(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<GraphDoc>> {
    user.require(&[Role::Admin])?;
    visible(&state, &user, &id).await?;
    state.store.unarchive_graph(&id).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::Conflict(format!("graph `{id}` is not archived")),
        e => e.into(),
    })?;
    state.store.audit(&user.username, "graph_unarchive", &id, "schedules stay disabled").await?;
    Ok(Json(doc(&state, visible(&state, &user, &id).await?).await?))
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
    Ok((StatusCode::CREATED, Json(doc(&state, new).await?)))
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
    Ok(Json(doc(&state, row).await?))
}
