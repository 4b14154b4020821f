//! The engine over HTTP: server-side validation with real source schemas, the
//! data root's file list, and live previews of any node.

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult};
use super::previews::Failure;
use crate::engine::{self, preview};
use crate::environments::DEV;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sluice_shared::{Field, Graph, Problem, Schema};
use std::collections::BTreeMap;
use std::time::Instant;

const MAX_PREVIEW_ROWS: usize = 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/validate", post(validate))
        .route("/api/files", get(files))
        .route("/api/preview", post(preview))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ValidateRequest {
    /// Any JSON: what does not parse as a graph comes back as problems.
    #[schema(value_type = Value)]
    pub graph: Value,
    /// Optional parameter values, as text.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ValidateResponse {
    #[schema(value_type = Vec<Object>)]
    pub problems: Vec<Problem>,
    /// Output columns of every node, as the engine plans them (`null` where unknown).
    #[schema(value_type = Object)]
    pub schemas: BTreeMap<String, Option<Schema>>,
}

fn parse(v: Value) -> ApiResult<Graph> {
    sluice_shared::parse_graph_value(v).map_err(ApiError::InvalidGraph)
}

/// Validates with the server's view of the data: sources are opened, so column
/// references are checked against real files. Problems are an answer, not an error.
#[utoipa::path(post, path = "/api/validate", request_body = ValidateRequest,
    responses((status = 200, body = ValidateResponse), (status = 401)))]
pub async fn validate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<ValidateRequest>,
) -> ApiResult<Json<ValidateResponse>> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let graph = match sluice_shared::parse_graph_value(req.graph) {
        Ok(g) => g,
        Err(problems) => return Ok(Json(ValidateResponse { problems, schemas: BTreeMap::new() })),
    };
    // The editor checks against `dev`: its files and its connections, and the calendars.
    let env = state.environment(DEV).await?;
    let calendars = super::calendars::known(&state).await?;
    let opts = engine::Options { connections: Some(env.connections), calendars: Some(calendars), ..Default::default() };
    let (problems, schemas) = engine::check_with(&graph, &req.params, &env.root, opts).await;
    Ok(Json(ValidateResponse { problems, schemas }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    /// Last modified, ms since 1970 (0 when the file system does not say).
    pub modified: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FileList {
    pub files: Vec<FileEntry>,
}

/// Files in `dev`'s data root that a source can read (for the path pickers).
#[utoipa::path(get, path = "/api/files", responses((status = 200, body = FileList), (status = 401)))]
pub async fn files(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<FileList>> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let dirs = state.dirs();
    let dev = state.store.environment(DEV).await?;
    let root = dirs.root(dev.and_then(|e| e.data_root).as_deref()).map_err(ApiError::Internal)?;
    let root = root.path().to_path_buf();
    let files = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        walk(&root, &root, 0, &mut out);
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Json(FileList { files }))
}

fn walk(root: &std::path::Path, dir: &std::path::Path, depth: usize, out: &mut Vec<FileEntry>) {
    if depth > 4 || out.len() >= 2000 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue; // temporary outputs and hidden files
        }
        let Ok(meta) = e.metadata() else { continue };
        let path = e.path();
        if meta.is_dir() {
            walk(root, &path, depth + 1, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_millis() as i64);
            out.push(FileEntry { path: rel.to_string_lossy().replace('\\', "/"), size: meta.len(), modified });
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PreviewRequest {
    #[schema(value_type = Object)]
    pub graph: Value,
    pub node: String,
    /// Rows to return, 1 to 1000 (default 100).
    #[serde(default = "default_limit")]
    #[schema(minimum = 1, maximum = 1000)]
    pub limit: usize,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Run blocking steps over all rows instead of a sample of each source.
    #[serde(default)]
    pub full: bool,
    /// Identifies one editor tab: a newer preview from it cancels the older one.
    #[serde(default)]
    pub editor: Option<String>,
}

fn default_limit() -> usize {
    100
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct PreviewResponse {
    #[schema(value_type = Vec<Object>)]
    pub columns: Vec<Field>,
    /// Cells as JSON values (numbers, strings, booleans, null).
    #[schema(value_type = Vec<Vec<Value>>)]
    pub rows: Vec<Vec<Value>>,
    pub sample: bool,
    pub elapsed_ms: u64,
    /// Whether the answer came from the preview cache.
    pub cached: bool,
    /// For a check node: rows checked, failures per rule and failing rows, on the previewed input.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub check: Option<sluice_shared::check::CheckResult>,
}

/// The first rows of one node's output (see `engine::preview`). Answers are
/// cached by everything they depend on, so clicking back and forth is free.
#[utoipa::path(post, path = "/api/preview", request_body = PreviewRequest,
    responses((status = 200, body = PreviewResponse), (status = 401), (status = 404), (status = 409), (status = 422), (status = 504)))]
pub async fn preview(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<PreviewRequest>,
) -> ApiResult<Json<PreviewResponse>> {
    user.require(&[Role::Admin, Role::Analyst])?;
    if !(1..=MAX_PREVIEW_ROWS).contains(&req.limit) {
        return Err(ApiError::BadRequest(format!("`limit` is 1 to {MAX_PREVIEW_ROWS} rows, not {}", req.limit)));
    }
    let started = Instant::now();
    let graph = parse(req.graph)?;
    if graph.node(&req.node).is_none() {
        return Err(ApiError::NotFound(format!("the graph has no node `{}`", req.node)));
    }
    let limit = req.limit;
    let env = state.environment(DEV).await?;
    let key = preview::cache_key(&graph, &req.node, &req.params, &env.root, limit, req.full);
    // Connections change answers too (never the secret: their Debug leaves it out).
    let key = format!("{key}:{}", hex::encode(Sha256::digest(format!("{:?}", env.connections))));
    if let Some(mut hit) = state.previews.get(&key) {
        hit.elapsed_ms = started.elapsed().as_millis() as u64;
        hit.cached = true;
        return Ok(Json(hit));
    }
    // In a task of its own, within the preview limits; a newer preview from the
    // same editor aborts it, and so does running out of time.
    let slot = req.editor.map(|e| format!("{}:{e}", user.id));
    let calendars = super::calendars::known(&state).await?;
    let result = state
        .previews
        .run(graph, &req.node, &req.params, &env, limit, req.full, slot.as_deref(), Some(calendars))
        .await
        .map_err(|f| match f {
            Failure::Engine(e) => e.into(),
            Failure::TimedOut { .. } => ApiError::Timeout(f.to_string()),
            Failure::Replaced => ApiError::Conflict(f.to_string()),
            Failure::Panicked(m) => ApiError::Internal(m),
        })?;
    let answer = PreviewResponse {
        columns: result.columns,
        rows: result.rows,
        sample: result.sample,
        elapsed_ms: started.elapsed().as_millis() as u64,
        cached: false,
        check: result.check,
    };
    state.previews.put(key, answer.clone());
    Ok(Json(answer))
}
