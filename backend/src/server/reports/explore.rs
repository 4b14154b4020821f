//! Explore: pivots over a report's published rows (and, through `published`,
//! a file sink's published output) (DataFusion over its Parquet
//! file, columns checked against the file's schema, filter values as typed
//! literals), and "save as report": the pivot written as a new graph (reading
//! the report's file for `{biz_date}`, filter, aggregate, `sink.report`), owned
//! by the caller and submitted for review like any other graph.

use super::{file_of, pick, read_error, readable};
use crate::engine::report_store;
use crate::server::AppState;
use crate::server::auth::CurrentUser;
use crate::server::error::{ApiError, ApiJson, ApiResult};
use crate::store::content_hash;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};
use sluice_shared::api::reports::{FilterOp, PivotRequest, PivotResult, SaveAsReport, SavedReport};
use sluice_shared::config::{ChartKind, ReportSink};
use sluice_shared::report::Measures;
use sluice_shared::{DataType, Field};
use std::time::Instant;

/// Groups the published rows of one date (latest when absent).
#[utoipa::path(post, path = "/api/reports/{name}/pivot", responses((status = 200, description = "PivotResult")))]
pub async fn pivot(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    ApiJson(p): ApiJson<PivotRequest>,
) -> ApiResult<Json<PivotResult>> {
    readable(&state, &user, &name).await?;
    let d = pick(&state, &user, &name, p.date.as_deref(), false).await?;
    answer(file_of(&d)?, p).await.map(Json)
}

/// A pivot over `file`, drawn too when the request asks for a chart.
pub(crate) async fn answer(file: std::path::PathBuf, p: PivotRequest) -> ApiResult<PivotResult> {
    let start = Instant::now();
    let (rows, truncated) = report_store::pivot(file, p.clone()).await.map_err(read_error)?;
    let svg = p.chart.map(|kind| pivot_svg(&p, kind, &rows.columns, rows.rows.clone()));
    Ok(PivotResult {
        columns: rows.columns,
        rows: rows.rows,
        truncated,
        elapsed_ms: start.elapsed().as_millis() as u64,
        svg,
    })
}

/// A pivot's answer as a chart: the row columns joined into one category
/// (`A / loan`), the first across column as the series, the measures as y.
pub fn pivot_svg(p: &PivotRequest, kind: ChartKind, columns: &[Field], mut rows: Vec<Vec<Value>>) -> String {
    let mut columns = columns.to_vec();
    let k = p.rows.len();
    if k > 1 {
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        for r in &mut rows {
            let key: Vec<String> = r.drain(..k).map(|v| text(&v)).collect();
            r.insert(0, Value::String(key.join(" / ")));
        }
        columns.drain(..k);
        columns.insert(0, Field::new(p.rows.join(" / "), Some(DataType::String)));
    }
    let labels: Vec<String> = p.measures.iter().map(|m| m.label()).collect();
    let cfg = ReportSink {
        title: String::new(),
        chart: kind,
        x: columns.first().filter(|_| k > 0).map(|c| c.name.clone()),
        y: Some(Measures::Many(labels)),
        series: p.columns.first().cloned(),
        sort: Vec::new(),
        format: Default::default(),
    };
    super::chart::svg(&super::chart::data(&cfg, &columns, &rows))
}

/// The longest graph name and title.
const NAME_MAX: usize = 200;

/// Saves a pivot as a new graph with a `sink.report` and submits it for review.
#[utoipa::path(post, path = "/api/reports/{name}/save", responses((status = 201, description = "SavedReport")))]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<SaveAsReport>,
) -> ApiResult<(StatusCode, Json<SavedReport>)> {
    readable(&state, &user, &name).await?;
    check_names(&state, &req).await?;
    let d = pick(&state, &user, &name, req.pivot.date.as_deref(), false).await?;
    let source = Source {
        kind: "source.parquet",
        path: format!("reports/{name}/{{biz_date}}.parquet"),
        what: format!("report `{name}`"),
        date: d.biz_date.clone(),
    };
    save_pivot(&state, &user, file_of(&d)?, source, req).await
}

/// What a saved pivot reads: a source node's kind and path (with `{biz_date}`),
/// its description, and the business date it was built on.
pub(crate) struct Source {
    pub kind: &'static str,
    pub path: String,
    pub what: String,
    pub date: String,
}

/// The new graph's name and title: present, not too long, the name unused.
pub(crate) async fn check_names(state: &AppState, req: &SaveAsReport) -> ApiResult<()> {
    let graph_name = req.graph_name.trim();
    if graph_name.is_empty() || graph_name.chars().count() > NAME_MAX {
        return Err(ApiError::BadRequest(format!("graph_name: 1 to {NAME_MAX} characters")));
    }
    if req.title.trim().is_empty() || req.title.chars().count() > NAME_MAX {
        return Err(ApiError::BadRequest(format!("title: 1 to {NAME_MAX} characters")));
    }
    if state.store.graph_named(graph_name).await?.is_some() {
        return Err(ApiError::Conflict(format!("a graph named `{graph_name}` already exists")));
    }
    Ok(())
}

/// Checks the pivot answers over `file`, writes the graph, creates and submits it.
pub(crate) async fn save_pivot(
    state: &AppState,
    user: &CurrentUser,
    file: std::path::PathBuf,
    source: Source,
    req: SaveAsReport,
) -> ApiResult<(StatusCode, Json<SavedReport>)> {
    // The pivot must answer on the date it was built on: its columns exist.
    report_store::pivot(file.clone(), req.pivot.clone()).await.map_err(read_error)?;
    let schema = report_store::read(file, report_store::Query { limit: 0, ..Default::default() })
        .await
        .map_err(read_error)?
        .columns;
    let doc = graph_doc(&source, &req, &schema)?;
    let text = serde_json::to_string_pretty(&doc).map_err(|e| ApiError::Internal(e.to_string()))?;
    check_graph(state, doc).await?;
    let graph_name = req.graph_name.trim();
    let g = state
        .store
        .create_graph(&user.id, &user.username, graph_name, &format!("Explore pivot over {}", source.what), &text)
        .await?;
    state.store.audit(&user.username, "create", &g.id, &format!("saved from {}", source.what)).await?;
    let sub = state.store.submit(&g.id, 1, &content_hash(&text), "Saved from Explore", &user.username).await?;
    state.store.audit(&user.username, "submit", &g.id, "version 1").await?;
    Ok((
        StatusCode::CREATED,
        Json(SavedReport { graph_id: g.id, graph_name: graph_name.to_string(), submission: sub.id }),
    ))
}

fn ident(c: &str) -> String {
    format!("\"{}\"", c.replace('"', "\"\""))
}

fn literal(v: &str, ty: Option<DataType>, what: &str) -> ApiResult<String> {
    match ty {
        Some(DataType::Int64 | DataType::Float64 | DataType::Decimal(..)) => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(|_| v.trim().to_string())
            .ok_or_else(|| ApiError::BadRequest(format!("{what}: `{v}` is not a number"))),
        Some(DataType::Bool) => match v.trim() {
            "true" | "false" => Ok(v.trim().to_string()),
            _ => Err(ApiError::BadRequest(format!("{what}: `{v}` is not true or false"))),
        },
        _ => Ok(format!("'{}'", v.replace('\'', "''"))),
    }
}

/// The filter predicate of a pivot, in the expression language, over known columns.
fn predicate(p: &PivotRequest, schema: &[Field]) -> ApiResult<Option<String>> {
    let mut parts = Vec::new();
    for (i, f) in p.filters.iter().enumerate() {
        let what = format!("pivot.filters[{i}]");
        let col = schema
            .iter()
            .find(|c| c.name == f.column)
            .ok_or_else(|| ApiError::BadRequest(format!("{what}: unknown column `{}`", f.column)))?;
        let c = ident(&col.name);
        let part = match f.op {
            FilterOp::In => {
                let list = f.values.iter().map(|v| literal(v, col.ty, &what)).collect::<ApiResult<Vec<_>>>()?;
                format!("{c} IN ({})", list.join(", "))
            }
            FilterOp::Contains => {
                format!("strpos(lower(CAST({c} AS VARCHAR)), lower({})) > 0", literal(&f.value, None, &what)?)
            }
            op => {
                let sym = match op {
                    FilterOp::Eq => "=",
                    FilterOp::Ne => "<>",
                    FilterOp::Lt => "<",
                    FilterOp::Le => "<=",
                    FilterOp::Gt => ">",
                    _ => ">=",
                };
                format!("{c} {sym} {}", literal(&f.value, col.ty, &what)?)
            }
        };
        parts.push(part);
    }
    Ok((!parts.is_empty()).then(|| parts.join(" AND ")))
}

/// The graph a saved pivot becomes.
fn graph_doc(source: &Source, req: &SaveAsReport, schema: &[Field]) -> ApiResult<Value> {
    let p = &req.pivot;
    let mut nodes = vec![json!({ "id": "published", "kind": source.kind,
        "config": { "path": source.path }, "pos": [80, 120] })];
    let mut edges = Vec::new();
    let mut last = "published";
    if let Some(pred) = predicate(p, schema)? {
        nodes.push(
            json!({ "id": "filtered", "kind": "transform.filter", "config": { "predicate": pred }, "pos": [300, 120] }),
        );
        edges.push(json!({ "from": last, "to": "filtered" }));
        last = "filtered";
    }
    let group_by: Vec<&String> = p.rows.iter().chain(&p.columns).collect();
    let aggregates: Vec<Value> =
        p.measures.iter().map(|m| json!({ "fn": m.agg.as_str(), "column": m.column, "as": m.label() })).collect();
    nodes.push(json!({ "id": "pivot", "kind": "transform.aggregate",
        "config": { "group_by": group_by, "aggregates": aggregates }, "pos": [520, 120] }));
    edges.push(json!({ "from": last, "to": "pivot" }));
    let mut report = json!({ "title": req.title.trim(), "chart": req.chart.as_str() });
    if let Some(x) = p.rows.first() {
        report["x"] = json!(x);
    }
    let labels: Vec<String> = p.measures.iter().map(|m| m.label()).collect();
    report["y"] = if labels.len() == 1 { json!(labels[0]) } else { json!(labels) };
    if let Some(s) = p.columns.first() {
        report["series"] = json!(s);
    }
    // Every grouping column in the order the pivot showed them.
    let sort: Vec<Value> = group_by.iter().map(|c| json!({ "column": c })).collect();
    if !sort.is_empty() {
        report["sort"] = json!(sort);
    }
    nodes.push(json!({ "id": "explore_report", "kind": "sink.report", "config": report, "pos": [740, 120] }));
    edges.push(json!({ "from": "pivot", "to": "explore_report" }));
    Ok(json!({
        "format": sluice_shared::FORMAT_V1,
        "name": req.graph_name.trim(),
        "description": format!("Explore pivot over {}", source.what),
        "params": { "biz_date": { "type": "date", "default": source.date } },
        "nodes": nodes,
        "edges": edges,
    }))
}

/// The new graph must validate against the data in `dev`, as a submission must.
async fn check_graph(state: &AppState, doc: Value) -> ApiResult<()> {
    use crate::engine::{self, Mode, error::EngineError};
    let graph = sluice_shared::parse_graph_value(doc).map_err(ApiError::InvalidGraph)?;
    let dev = state.environment(crate::environments::DEV).await?;
    let opts = engine::Options { connections: Some(dev.connections), ..Default::default() };
    match engine::prepare_with(&graph, &Default::default(), &dev.root, Mode::Check, opts).await {
        Ok(_) => Ok(()),
        Err(EngineError::Invalid(p)) => Err(ApiError::InvalidGraph(p)),
        Err(EngineError::Failed { node, message }) => {
            Err(ApiError::InvalidGraph(vec![sluice_shared::Problem::plain(node.as_deref(), None, message)]))
        }
    }
}
