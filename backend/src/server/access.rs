//! Who may work on which graph: one rule for every handler.

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiResult};
use crate::store::GraphRow;

/// The graph `id` if `user` may work on it: admins any graph, everyone else
/// their own. Any other graph is a 404 (not 403: ids cannot be probed); a
/// store failure is a 500.
pub async fn graph_for(state: &AppState, user: &CurrentUser, id: &str) -> ApiResult<GraphRow> {
    let row = state.store.get_graph(id).await.map_err(ApiError::missing(format!("no graph `{id}`")))?;
    if user.role == Role::Admin || row.owner_id == user.id {
        Ok(row)
    } else {
        Err(ApiError::NotFound(format!("no graph `{id}`")))
    }
}
