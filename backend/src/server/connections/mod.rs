//! `/api/connections` (admins): named database connections, their secrets
//! encrypted at rest (`secrets`) and write-only: no answer, log line, audit
//! entry or error carries one. `environments.rs` binds graph connection names
//! per environment; `catalog.rs` is what analysts see in the editor. Routes as
//! `shared::api::connections` lists them; `doc.rs` documents them in OpenAPI.

pub(super) mod catalog;
pub(super) mod doc;
pub(super) mod environments;

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult};
use crate::engine::connect::{Connection, Parts};
use crate::engine::dbmeta;
use crate::engine::root::DataRoot;
use crate::environments::{DEV, target};
use crate::secrets::Secret;
use crate::store::{ConnectionRow, SecretChange};
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use sluice_shared::api::connections::{ConnectionSpec, ConnectionView, TestOutcome, TlsMode};
use sluice_shared::connections::{DbKind, check_name, named_by};
use std::time::{Duration, Instant};

/// Longest connect timeout an admin may set, in seconds.
pub const MAX_CONNECT_TIMEOUT_SECS: u32 = 300;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/connections", get(list))
        .route("/api/connections/{name}", put(save).delete(remove))
        .route("/api/connections/{name}/test", post(test))
        .route("/api/environments", get(environments::list))
        .route("/api/environments/{name}", put(environments::save))
        .route("/api/catalog/connections", get(catalog::list))
        .route("/api/catalog/connections/{name}/tables", get(catalog::tables))
        .route("/api/catalog/connections/{name}/columns", get(catalog::columns))
}

fn view(r: ConnectionRow) -> ConnectionView {
    ConnectionView {
        kind: DbKind::ALL.into_iter().find(|k| k.as_str() == r.kind).unwrap_or(DbKind::Postgres),
        host: r.host,
        port: r.port.and_then(|p| u16::try_from(p).ok()),
        database: r.db_name,
        user: r.username,
        tls: TlsMode::ALL.into_iter().find(|t| t.as_str() == r.tls).unwrap_or_default(),
        connect_timeout_secs: r.connect_timeout_secs.clamp(0, i64::from(u32::MAX)) as u32,
        read_only: r.read_only != 0,
        has_secret: r.secret.is_some(),
        updated_at: rfc3339(r.updated_at),
        updated_by: r.updated_by,
        name: r.name,
    }
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.to_rfc3339()).unwrap_or_default()
}

pub(super) fn bad_name(name: &str) -> ApiResult<()> {
    check_name(name).map_err(ApiError::BadRequest)
}

/// Checks a spec and builds the connection it describes (with `secret`), so a
/// spec that saves is one that opens (SQLite files resolve in `root`). Errors
/// name the field, never the secret.
fn connection(spec: &ConnectionSpec, secret: Option<&Secret>, root: &DataRoot) -> ApiResult<Connection> {
    if !(1..=MAX_CONNECT_TIMEOUT_SECS).contains(&spec.connect_timeout_secs) {
        return Err(ApiError::BadRequest(format!(
            "`connect_timeout_secs` is 1 to {MAX_CONNECT_TIMEOUT_SECS} seconds, not {}",
            spec.connect_timeout_secs
        )));
    }
    if spec.port == Some(0) {
        return Err(ApiError::BadRequest("`port` is 1 to 65535".into()));
    }
    if spec.kind == DbKind::Sqlite && !is_file_name(&spec.database) {
        return Err(ApiError::BadRequest(
            "`database`: a SQLite file is a relative path of names made of letters, digits, `.`, `_` and `-` \
             (not starting with `.`)"
                .into(),
        ));
    }
    let parts = Parts {
        kind: spec.kind,
        host: spec.host.as_deref(),
        port: spec.port,
        database: &spec.database,
        user: spec.user.as_deref(),
        password: secret.map(Secret::expose),
        tls: spec.tls,
        connect_timeout: Duration::from_secs(spec.connect_timeout_secs.into()),
        read_only: spec.read_only,
    };
    Connection::from_parts(&parts, root).map_err(|e| {
        let field = if e.contains("host") { "host" } else { "database" };
        ApiError::BadRequest(format!("`{field}`: {e}"))
    })
}

/// A relative path as `doc::FILE_PATTERN` says: 1 to 16 names of 1 to 128
/// letters, digits, `.`, `_`, `-`, none starting with `.`.
pub(super) fn is_file_name(path: &str) -> bool {
    crate::environments::relative_names(path, 16, 128)
}

/// A row from a spec; a SQLite connection keeps no host, port, user or TLS.
fn row(name: &str, spec: &ConnectionSpec, actor: &str) -> ConnectionRow {
    let net = spec.kind != DbKind::Sqlite;
    ConnectionRow {
        name: name.to_string(),
        kind: spec.kind.as_str().to_string(),
        host: spec.host.clone().filter(|_| net).map(|h| h.trim().to_string()),
        port: spec.port.filter(|_| net).map(i64::from),
        db_name: spec.database.trim().to_string(),
        username: spec.user.clone().filter(|u| net && !u.is_empty()),
        tls: if net { spec.tls } else { TlsMode::Disable }.as_str().to_string(),
        connect_timeout_secs: spec.connect_timeout_secs.into(),
        read_only: spec.read_only.into(),
        secret: None,
        updated_at: 0,
        updated_by: actor.to_string(),
    }
}

/// What an audit entry says about a connection: everything but the secret.
fn audit_detail(r: &ConnectionRow, secret: &str) -> String {
    let at = match (&r.host, r.port) {
        (Some(h), Some(p)) => format!("{h}:{p}/"),
        (Some(h), None) => format!("{h}/"),
        _ => String::new(),
    };
    let user = r.username.as_deref().map(|u| format!(" user {u}")).unwrap_or_default();
    let ro = if r.read_only != 0 { "read-only" } else { "read-write" };
    format!("{} {at}{}{user} tls {} {ro}; secret {secret}", r.kind, r.db_name, r.tls)
}

#[utoipa::path(get, path = "/api/connections", responses((status = 200, description = "Every connection (`ConnectionView`, no secret)")))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<ConnectionView>>> {
    user.require(&[Role::Admin])?;
    Ok(Json(state.store.list_connections().await?.into_iter().map(view).collect()))
}

/// Creates or replaces a connection. `secret` absent keeps the stored one, `""` removes it.
#[utoipa::path(put, path = "/api/connections/{name}", responses((status = 200, description = "The connection as saved (`ConnectionView`)")))]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    ApiJson(spec): ApiJson<ConnectionSpec>,
) -> ApiResult<Json<ConnectionView>> {
    user.require(&[Role::Admin])?;
    bad_name(&name)?;
    let secret = spec.secret.as_deref().filter(|s| !s.is_empty()).map(Secret::new);
    connection(&spec, secret.as_ref(), &state.root)?;
    let mut r = row(&name, &spec, &user.username);
    let (change, said) = match (&spec.secret, &secret) {
        (None, _) => (SecretChange::Keep, "kept"),
        (Some(_), None) => (SecretChange::Set(None), "removed"),
        (Some(_), Some(s)) => {
            let sealed = state.keys.seal(&name, s).map_err(ApiError::Internal)?;
            (SecretChange::Set(Some(sealed)), "set")
        }
    };
    let created = state.store.put_connection(&r, change).await?;
    r = state.store.connection(&name).await?.ok_or_else(|| ApiError::NotFound(format!("no connection `{name}`")))?;
    let said = if created && said == "kept" { "none" } else { said };
    let action = if created { "connection_create" } else { "connection_update" };
    state.store.audit(&user.username, action, &name, &audit_detail(&r, said)).await?;
    Ok(Json(view(r)))
}

/// Deletes a connection that nothing uses; one still bound in an environment
/// or used by an approved graph is refused (409) with their names.
#[utoipa::path(delete, path = "/api/connections/{name}", responses((status = 204, description = "Deleted")))]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    user.require(&[Role::Admin])?;
    if state.store.connection(&name).await?.is_none() {
        return Err(ApiError::NotFound(format!("no connection `{name}`")));
    }
    let envs = state.store.environments().await?;
    let bound: Vec<String> = envs
        .iter()
        .flat_map(|e| e.bindings.iter().filter(|(_, c)| **c == name).map(move |(g, _)| format!("{}: {g}", e.name)))
        .collect();
    if !bound.is_empty() {
        return Err(ApiError::Conflict(format!(
            "connection `{name}` is bound in environments ({}); change those bindings first",
            bound.join(", ")
        )));
    }
    let graphs = approved_users(&state, &name, &envs).await?;
    if !graphs.is_empty() {
        return Err(ApiError::Conflict(format!(
            "connection `{name}` is used by approved graphs: {}; they would fail without it",
            graphs.join(", ")
        )));
    }
    state.store.delete_connection(&name).await?;
    state.store.audit(&user.username, "connection_delete", &name, "").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Names of active graphs whose approved version reaches connection `name` in any environment.
async fn approved_users(state: &AppState, name: &str, envs: &[crate::store::EnvironmentRow]) -> ApiResult<Vec<String>> {
    let mut out = Vec::new();
    for g in state.store.list_approved_graphs(crate::store::Listing::Active).await? {
        let Some(sub) = state.store.approved(&g.id).await? else { continue };
        let Ok(graph) =
            serde_json::from_str::<sluice_shared::Graph>(&state.store.get_version(&g.id, sub.version).await?)
        else {
            continue;
        };
        let uses = graph.nodes.iter().any(|n| {
            let Some(kind) = sluice_shared::NodeKind::parse(&n.kind) else { return false };
            let Ok(cfg) = sluice_shared::config::NodeConfig::parse(kind, &n.config) else { return false };
            named_by(&cfg).is_some_and(|(used, _)| envs.iter().any(|e| target(e, used) == name))
        });
        if uses {
            out.push(g.name);
        }
    }
    Ok(out)
}

/// Tests a connection: the stored one, or the spec in the body (before saving;
/// without `secret` it uses the stored secret of this name). Answers within
/// the connect timeout; `ok: false` with a sentence saying why.
#[utoipa::path(post, path = "/api/connections/{name}/test", responses((status = 200, description = "Reached or not (`TestOutcome`)")))]
pub async fn test(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    req: Request,
) -> ApiResult<Json<TestOutcome>> {
    user.require(&[Role::Admin])?;
    bad_name(&name)?;
    let empty = req.headers().get(axum::http::header::CONTENT_LENGTH).is_some_and(|v| v == "0")
        || (req.headers().get(axum::http::header::CONTENT_TYPE).is_none());
    let spec = if empty { None } else { Some(ApiJson::<ConnectionSpec>::from_request(req, &state).await?.0) };
    let stored = state.store.connection(&name).await?;
    let dev = state.environment(DEV).await?;
    let conn = match (spec, &stored) {
        (None, None) => return Err(ApiError::NotFound(format!("no connection `{name}`"))),
        (None, Some(r)) => crate::environments::build(r, Some(&state.keys), &dev.root).map_err(ApiError::BadRequest)?,
        (Some(spec), _) => {
            let kept = match (&spec.secret, stored.as_ref().and_then(|r| r.secret.as_ref())) {
                (Some(s), _) => Some(Secret::new(s.clone())).filter(|s| !s.expose().is_empty()),
                (None, Some(sealed)) => Some(state.keys.open(&name, sealed).map_err(ApiError::BadRequest)?),
                (None, None) => None,
            };
            connection(&spec, kept.as_ref(), &dev.root)?
        }
    };
    let started = Instant::now();
    let outcome = dbmeta::test(&conn).await;
    let elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(Json(match outcome {
        Ok(version) => TestOutcome { ok: true, message: format!("connected ({version})"), elapsed_ms },
        Err(message) => TestOutcome { ok: false, message, elapsed_ms },
    }))
}
