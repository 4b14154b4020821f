//! The model wizard over HTTP: `POST /api/model/keys` proposes join keys from a
//! fact source to candidate dimension sources (see `engine::keys`), within the
//! preview's memory and time bounds, in `dev`.

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult};
use crate::engine::{keys, limits};
use crate::environments::DEV;
use axum::routing::post;
use axum::{Json, Router, extract::State};
use sluice_shared::api::model::{KeysRequest, KeysResponse, MAX_DIMENSIONS};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/model/keys", post(discover_keys))
}

/// Join keys from `fact` to each of `dimensions` (source nodes of `graph`),
/// ranked by names, types and value overlap on a sample of each source: match
/// rate (fact rows finding a dimension row), orphans, uniqueness.
#[utoipa::path(post, path = "/api/model/keys", request_body = KeysRequest,
    responses((status = 200, body = KeysResponse), (status = 400), (status = 401), (status = 404), (status = 422), (status = 504)))]
pub async fn discover_keys(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<KeysRequest>,
) -> ApiResult<Json<KeysResponse>> {
    user.require(&[Role::Admin, Role::Analyst])?;
    if req.dimensions.is_empty() || req.dimensions.len() > MAX_DIMENSIONS {
        return Err(ApiError::BadRequest(format!(
            "`dimensions` names 1 to {MAX_DIMENSIONS} source nodes, not {}",
            req.dimensions.len()
        )));
    }
    let graph = sluice_shared::parse_graph_value(req.graph).map_err(ApiError::InvalidGraph)?;
    for id in std::iter::once(&req.fact).chain(&req.dimensions) {
        if graph.node(id).is_none() {
            return Err(ApiError::NotFound(format!("the graph has no node `{id}`")));
        }
        keys::source_node(&graph, id).map_err(ApiError::BadRequest)?;
    }
    if req.dimensions.contains(&req.fact) {
        return Err(ApiError::BadRequest(format!("`{}` is the fact; it cannot be its own dimension", req.fact)));
    }
    let env = state.environment(DEV).await?;
    let calendars = super::calendars::known(&state).await?;
    let kenv = keys::Env {
        root: env.root,
        limits: state.previews.limits,
        connections: Some(env.connections),
        calendars: Some(calendars),
    };
    let (fact, dims, given) = (req.fact, req.dimensions, req.params);
    let work = async move { keys::discover(&graph, &fact, &dims, &given, kenv).await };
    match limits::bounded(work, state.previews.timeout, |_| {}).await {
        Ok(answer) => Ok(Json(answer.map_err(ApiError::from)?)),
        Err(limits::Stopped::TimedOut(after)) => Err(ApiError::Timeout(format!(
            "key discovery took longer than {} s and was stopped; filter the sources first",
            after.as_secs()
        ))),
        Err(other) => Err(ApiError::Internal(format!("key discovery: {other:?}"))),
    }
}
