//! Watermarks of a graph's incremental `source.table` reads: admins list them
//! and reset one (audited as `watermark_reset`); the next run of the graph in
//! that environment then reads from the source's `initial` (or every row).

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiResult};
use crate::store::WatermarkRow;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use sluice_shared::api::Timestamp;
use sluice_shared::api::watermarks::{MAX_KEY_LEN, WatermarkList, WatermarkView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/watermarks", get(list_all))
        .route("/api/graphs/{id}/watermarks", get(list))
        .route("/api/graphs/{id}/watermarks/{environment}/{node}", delete(reset))
}

/// The graph's watermarks in every environment (admins only).
#[utoipa::path(get, path = "/api/graphs/{id}/watermarks",
    responses((status = 200, body = WatermarkList), (status = 403), (status = 404)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<WatermarkList>> {
    user.require(&[Role::Admin])?;
    super::access::graph_for(&state, &user, &id).await?;
    let watermarks = state.store.watermarks(&id).await?.into_iter().map(view).collect();
    Ok(Json(WatermarkList { watermarks }))
}

/// Every graph's watermarks, at most [`MAX_LISTED`] (admins only).
#[utoipa::path(get, path = "/api/watermarks", responses((status = 200, body = WatermarkList), (status = 403)))]
pub async fn list_all(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<WatermarkList>> {
    user.require(&[Role::Admin])?;
    let watermarks = state.store.all_watermarks(MAX_LISTED).await?.into_iter().map(view).collect();
    Ok(Json(WatermarkList { watermarks }))
}

/// The most watermarks `GET /api/watermarks` lists.
pub const MAX_LISTED: i64 = 5000;

fn view(r: WatermarkRow) -> WatermarkView {
    WatermarkView {
        graph_id: r.graph_id,
        graph_name: r.graph_name,
        environment: r.environment,
        node: r.node_id,
        column: r.column_name,
        value: r.value,
        run_id: r.run_id,
        updated_at: Timestamp(r.updated_at),
    }
}

/// Resets one watermark (admins only, audited): the next run of the graph in
/// that environment reads from the source's `initial`, or every row.
#[utoipa::path(delete, path = "/api/graphs/{id}/watermarks/{environment}/{node}",
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
pub async fn reset(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, environment, node)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    user.require(&[Role::Admin])?;
    if environment.len() > MAX_KEY_LEN || node.len() > MAX_KEY_LEN {
        return Err(ApiError::Unprocessable(format!("an environment or node is at most {MAX_KEY_LEN} bytes")));
    }
    super::access::graph_for(&state, &user, &id).await?;
    let Some(old) = state.store.delete_watermark(&id, &environment, &node).await? else {
        return Err(ApiError::NotFound(format!("graph `{id}` has no watermark for node `{node}` in `{environment}`")));
    };
    let detail = format!("{environment} node {node}: {} was {}", old.column_name, old.value);
    state.store.audit(&user.username, "watermark_reset", &id, &detail).await?;
    Ok(StatusCode::NO_CONTENT)
}
