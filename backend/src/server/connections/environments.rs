//! `/api/environments` (admins): each environment's data root and its
//! bindings of graph connection names to connections. `dev` and `prod` always
//! exist; a `PUT` of another name adds one.

use super::super::AppState;
use super::super::auth::{CurrentUser, Role};
use super::super::error::{ApiError, ApiJson, ApiResult};
use super::bad_name;
use crate::environments::check_data_root;
use crate::store::EnvironmentRow;
use axum::Json;
use axum::extract::{Path, State};
use sluice_shared::api::connections::{EnvironmentSpec, EnvironmentView};

/// The most bindings one environment may have.
pub const MAX_BINDINGS: usize = 1000;

fn view(e: EnvironmentRow) -> EnvironmentView {
    EnvironmentView { name: e.name, data_root: e.data_root, bindings: e.bindings, cluster: e.cluster }
}

#[utoipa::path(get, path = "/api/environments", responses((status = 200, description = "Every environment (`EnvironmentView`)")))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<EnvironmentView>>> {
    user.require(&[Role::Admin])?;
    Ok(Json(state.store.environments().await?.into_iter().map(view).collect()))
}

/// Creates or replaces an environment: its data root (a folder relative to the
/// data dir, never outside it; absent: `files`) and all its bindings, each to
/// a connection that exists.
#[utoipa::path(put, path = "/api/environments/{name}", responses((status = 200, description = "The environment as saved (`EnvironmentView`)")))]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    ApiJson(spec): ApiJson<EnvironmentSpec>,
) -> ApiResult<Json<EnvironmentView>> {
    user.require(&[Role::Admin])?;
    bad_name(&name)?;
    let data_root = spec.data_root.filter(|r| !r.is_empty());
    if let Some(r) = &data_root {
        check_data_root(r).map_err(ApiError::BadRequest)?;
        let dir = state.data_dir.join(r);
        std::fs::create_dir_all(&dir)
            .map_err(|e| ApiError::BadRequest(format!("data_root: cannot use `{r}` as a folder: {}", e.kind())))?;
    }
    if spec.bindings.len() > MAX_BINDINGS {
        return Err(ApiError::BadRequest(format!("at most {MAX_BINDINGS} bindings per environment")));
    }
    // A binding may name a connection not created yet: until it exists, the
    // name is unknown in this environment (the review page shows it unresolved).
    for (graph_name, conn) in &spec.bindings {
        bad_name(graph_name).map_err(|e| binding_error(graph_name, e))?;
        bad_name(conn).map_err(|e| binding_error(graph_name, e))?;
    }
    let cluster = cluster_setting(spec.cluster.as_deref())?;
    let row = EnvironmentRow { name: name.clone(), data_root, bindings: spec.bindings, cluster };
    state.store.put_environment(&row, &user.username).await?;
    let detail = format!(
        "data_root {}; cluster {}; bindings {}",
        row.data_root.as_deref().unwrap_or("(default)"),
        row.cluster.as_deref().unwrap_or("(none)"),
        row.bindings.iter().map(|(g, c)| format!("{g}={c}")).collect::<Vec<_>>().join(", ")
    );
    state.store.audit(&user.username, "environment_save", &name, &detail).await?;
    Ok(Json(view(row)))
}

/// An environment's `cluster`: empty is none; otherwise `df://HOST:PORT`,
/// stored as written back by [`ClusterUrl`](crate::cluster::ClusterUrl).
fn cluster_setting(given: Option<&str>) -> ApiResult<Option<String>> {
    match given.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) if c.len() > 300 => Err(ApiError::BadRequest("`cluster`: at most 300 characters".into())),
        Some(c) => c
            .parse::<crate::cluster::ClusterUrl>()
            .map(|u| Some(u.to_string()))
            .map_err(|e| ApiError::BadRequest(format!("`cluster`: {e}"))),
    }
}

fn binding_error(graph_name: &str, e: ApiError) -> ApiError {
    match e {
        ApiError::BadRequest(m) => ApiError::BadRequest(format!("`bindings`: {m}")),
        _ => ApiError::BadRequest(format!("`bindings`: `{graph_name}` is not a connection name")),
    }
}
