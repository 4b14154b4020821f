//! The engine over HTTP: server-side validation with real source schemas, the
//! data root's file list, and live previews of any node.

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult};
use crate::engine::{self, Mode, error::EngineError};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType as Arrow, Float64Type, Int64Type};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sluice_shared::{Field, Graph, Problem, Schema};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// A preview that runs longer than this is stopped and says so.
const PREVIEW_TIMEOUT: Duration = Duration::from_secs(20);
const MAX_PREVIEW_ROWS: usize = 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/validate", post(validate))
        .route("/api/files", get(files))
        .route("/api/preview", post(preview))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ValidateRequest {
    #[schema(value_type = Object)]
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
    match engine::prepare(&graph, &req.params, &state.root, Mode::Check).await {
        Ok(p) => {
            let planned = engine::planned_schemas(&p);
            let schemas = p
                .report
                .order
                .iter()
                .map(|id| {
                    (id.clone(), planned.get(id).cloned().or_else(|| p.report.schemas.get(id).cloned().flatten()))
                })
                .collect();
            Ok(Json(ValidateResponse { problems: vec![], schemas }))
        }
        Err(EngineError::Invalid(problems)) => {
            let report = sluice_shared::validate(&graph, &sluice_shared::Context::default());
            Ok(Json(ValidateResponse { problems, schemas: report.schemas }))
        }
        Err(e) => Ok(Json(ValidateResponse { problems: vec![failed_problem(e)], schemas: BTreeMap::new() })),
    }
}

fn failed_problem(e: EngineError) -> Problem {
    match e {
        EngineError::Failed { node, message } => Problem { node, field: None, message },
        EngineError::Invalid(mut p) => p.remove(0),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FileList {
    pub files: Vec<FileEntry>,
}

/// Files in the data root that a source can read (for the path pickers).
#[utoipa::path(get, path = "/api/files", responses((status = 200, body = FileList), (status = 401)))]
pub async fn files(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<FileList>> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let root = state.root.path().to_path_buf();
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
            out.push(FileEntry { path: rel.to_string_lossy().replace('\\', "/"), size: meta.len() });
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PreviewRequest {
    #[schema(value_type = Object)]
    pub graph: Value,
    pub node: String,
    #[serde(default = "default_limit")]
    pub limit: usize,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

fn default_limit() -> usize {
    100
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PreviewResponse {
    #[schema(value_type = Vec<Object>)]
    pub columns: Vec<Field>,
    #[schema(value_type = Vec<Vec<Object>>)]
    pub rows: Vec<Vec<Value>>,
    pub sample: bool,
    pub elapsed_ms: u64,
}

/// The first rows of one node's output. The limit is pushed into the plan, so a
/// filter over a large file stops reading as soon as it has enough rows.
#[utoipa::path(post, path = "/api/preview", request_body = PreviewRequest,
    responses((status = 200, body = PreviewResponse), (status = 401), (status = 404), (status = 422)))]
pub async fn preview(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<PreviewRequest>,
) -> ApiResult<Json<PreviewResponse>> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let started = Instant::now();
    let graph = parse(req.graph)?;
    let node =
        graph.node(&req.node).ok_or_else(|| ApiError::NotFound(format!("the graph has no node `{}`", req.node)))?;
    let limit = req.limit.clamp(1, MAX_PREVIEW_ROWS);
    let prepared = engine::prepare(&graph, &req.params, &state.root, Mode::Preview).await.map_err(engine_error)?;
    // A sink previews what it would write: its input.
    let target = match sluice_shared::NodeKind::parse(&node.kind).map(|k| k.category()) {
        Some(sluice_shared::Category::Distribution) => {
            prepared.report.inputs.get(&node.id).and_then(|p| p.get("in")).and_then(|f| f.first()).cloned()
        }
        _ => Some(node.id.clone()),
    };
    let df = target
        .and_then(|t| prepared.frames.get(&t).cloned())
        .ok_or_else(|| ApiError::BadRequest(format!("`{}` cannot be previewed yet", req.node)))?;
    let df = df.limit(0, Some(limit)).map_err(|e| engine_error(EngineError::plan(&req.node, e)))?;
    let schema = df.schema().as_arrow().clone();
    let batches = tokio::time::timeout(PREVIEW_TIMEOUT, df.collect())
        .await
        .map_err(|_| {
            ApiError::Timeout(format!(
                "the preview of `{}` took longer than {} s; add a filter or run the graph",
                req.node,
                PREVIEW_TIMEOUT.as_secs()
            ))
        })?
        .map_err(|e| engine_error(EngineError::exec(&req.node, e)))?;
    let columns = crate::engine::types::schema_from_arrow(&schema).0;
    let rows = rows_json(&batches);
    Ok(Json(PreviewResponse { columns, rows, sample: false, elapsed_ms: started.elapsed().as_millis() as u64 }))
}

/// An invalid graph is a 422 with its problems; a failing read is a 422 too,
/// tied to the node, since the graph (a path, a type) is what must change.
fn engine_error(e: EngineError) -> ApiError {
    match e {
        EngineError::Invalid(problems) => ApiError::InvalidGraph(problems),
        EngineError::Failed { node, message } => ApiError::InvalidGraph(vec![Problem { node, field: None, message }]),
    }
}

/// Rows as JSON arrays: numbers and booleans as JSON values, the rest as text.
pub fn rows_json(batches: &[RecordBatch]) -> Vec<Vec<Value>> {
    let opts = FormatOptions::default();
    let mut rows = Vec::new();
    for b in batches {
        let cols: Vec<(&ArrayRef, Option<ArrayFormatter>)> =
            b.columns().iter().map(|c| (c, ArrayFormatter::try_new(c.as_ref(), &opts).ok())).collect();
        let ints: HashMap<usize, _> = cols
            .iter()
            .enumerate()
            .filter_map(|(i, (c, _))| {
                matches!(
                    c.data_type(),
                    Arrow::Int8
                        | Arrow::Int16
                        | Arrow::Int32
                        | Arrow::Int64
                        | Arrow::UInt8
                        | Arrow::UInt16
                        | Arrow::UInt32
                )
                .then(|| datafusion::arrow::compute::cast(c, &Arrow::Int64).ok().map(|a| (i, a)))
                .flatten()
            })
            .collect();
        let floats: HashMap<usize, _> = cols
            .iter()
            .enumerate()
            .filter_map(|(i, (c, _))| {
                matches!(c.data_type(), Arrow::Float16 | Arrow::Float32 | Arrow::Float64)
                    .then(|| datafusion::arrow::compute::cast(c, &Arrow::Float64).ok().map(|a| (i, a)))
                    .flatten()
            })
            .collect();
        for r in 0..b.num_rows() {
            let row = cols
                .iter()
                .enumerate()
                .map(|(i, (c, fmt))| {
                    if c.is_null(r) {
                        return Value::Null;
                    }
                    if let Some(a) = ints.get(&i) {
                        return Value::from(a.as_primitive::<Int64Type>().value(r));
                    }
                    if let Some(a) = floats.get(&i) {
                        return serde_json::Number::from_f64(a.as_primitive::<Float64Type>().value(r))
                            .map(Value::Number)
                            .unwrap_or(Value::Null);
                    }
                    if let Arrow::Boolean = c.data_type() {
                        return Value::Bool(c.as_boolean().value(r));
                    }
                    fmt.as_ref().map(|f| Value::String(f.value(r).to_string())).unwrap_or(Value::Null)
                })
                .collect();
            rows.push(row);
        }
    }
    rows
}
