//! `/api/catalog/connections`: what the editor shows analysts about the
//! connections a graph may name in `dev`: names, kinds, read-only flags, the
//! tables and the columns. No host, user or secret.

use super::super::AppState;
use super::super::auth::{CurrentUser, Role};
use super::super::error::{ApiError, ApiResult};
use crate::engine::connect::Connection;
use crate::engine::dbmeta::{self, MAX_TABLES};
use crate::environments::{DEV, target};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use sluice_shared::api::connections::{CatalogConnection, ColumnList, TableList};
use sluice_shared::connections::DbKind;

/// Every graph connection name that leads to a connection in `dev`.
#[utoipa::path(get, path = "/api/catalog/connections",
    responses((status = 200, description = "Connection names a graph may use (`CatalogConnection`)")))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<CatalogConnection>>> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let env = state.store.environment(DEV).await?;
    let stored = state.store.list_connections().await?;
    let mut names: Vec<&str> = stored.iter().map(|c| c.name.as_str()).collect();
    if let Some(e) = &env {
        names.extend(e.bindings.keys().map(String::as_str));
    }
    names.sort_unstable();
    names.dedup();
    let out = names
        .into_iter()
        .filter_map(|n| {
            let to = env.as_ref().map_or(n, |e| target(e, n));
            let c = stored.iter().find(|c| c.name == to)?;
            let kind = DbKind::ALL.into_iter().find(|k| k.as_str() == c.kind)?;
            Some(CatalogConnection { name: n.to_string(), kind, read_only: c.read_only != 0 })
        })
        .collect();
    Ok(Json(out))
}

/// The connection a graph name leads to in `dev`, secret decrypted.
async fn resolve(state: &AppState, name: &str) -> ApiResult<Connection> {
    let dev = state.environment(DEV).await?;
    dev.connections.get(name).cloned().ok_or_else(|| ApiError::NotFound(format!("no connection `{name}` in `dev`")))
}

/// A database that cannot be reached (or refuses): 422 with why, in words.
fn unreachable(name: &str, why: String) -> ApiError {
    ApiError::Unreachable(format!("connection `{name}`: {why}"))
}

#[utoipa::path(get, path = "/api/catalog/connections/{name}/tables",
    responses((status = 200, description = "Tables and views (`TableList`)"), (status = 422, description = "The database cannot be reached, or refuses (the message says why)")))]
pub async fn tables(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
) -> ApiResult<Json<TableList>> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let conn = resolve(&state, &name).await?;
    let (tables, truncated) = dbmeta::tables(&conn, MAX_TABLES).await.map_err(|e| unreachable(&name, e))?;
    Ok(Json(TableList { tables, truncated }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ColumnsQuery {
    /// `name` or `schema.name`.
    #[param(pattern = r"\S", max_length = 512)]
    pub table: String,
}

#[utoipa::path(get, path = "/api/catalog/connections/{name}/columns", params(ColumnsQuery),
    responses((status = 200, description = "Columns in the contract's types (`ColumnList`)"),
        (status = 422, description = "The database cannot be reached, or refuses (the message says why)")))]
pub async fn columns(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    Query(q): Query<ColumnsQuery>,
) -> ApiResult<Json<ColumnList>> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let table = q.table.trim();
    if table.is_empty() || q.table.chars().count() > 512 {
        return Err(ApiError::BadRequest("`table` is `name` or `schema.name`, at most 512 characters".into()));
    }
    let conn = resolve(&state, &name).await?;
    let t = dbmeta::table_ref(table);
    match dbmeta::columns(&conn, &t).await {
        Ok(columns) => Ok(Json(ColumnList { columns })),
        Err(e) if e.starts_with(dbmeta::NO_TABLE) => Err(ApiError::NotFound(e)),
        Err(e) => Err(unreachable(&name, e)),
    }
}
