//! `/api/published`: Explore over what file sinks (`sink.csv`, `sink.parquet`)
//! of approved graphs published in successful production runs.
//!
//! Who may: admins, the graph's owner, and whoever was granted a report of the
//! same graph (a report's readers may explore what its graph publishes).
//! Anyone else gets 404, as if there were nothing. Drafts never count: their
//! outputs are in a sandbox. The file of a business date is the one the
//! latest successful production run of that date recorded, found under the
//! environment's data root and resolved inside it (symlinks included); a
//! later run may have rewritten a path without `{biz_date}` since, and then
//! what is there now is what is read.

use super::explore::{self, Source};
use super::{is_date, read_error};
use crate::engine::report_store;
use crate::server::AppState;
use crate::server::auth::{CurrentUser, Role};
use crate::server::error::{ApiError, ApiJson, ApiResult};
use crate::store::PublishedRow;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use sluice_shared::api::published::{
    MAX_PUBLISHED_DATES, PublishedFormat, PublishedList, PublishedOutput, PublishedSample, SAMPLE_ROWS,
};
use sluice_shared::api::reports::{PivotRequest, PivotResult, SaveAsReport, SavedReport};
use std::collections::HashSet;
use std::path::PathBuf;

const KINDS: [&str; 2] = ["sink.csv", "sink.parquet"];
/// Published files a listing looks at.
const MAX_LISTED: i64 = 20_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/published", get(list))
        .route("/api/published/{graph}/{node}", get(sample))
        .route("/api/published/{graph}/{node}/pivot", post(pivot))
        .route("/api/published/{graph}/{node}/save", post(save))
}

/// Graphs whose outputs `user` may read besides their own (`None`: all, an admin).
async fn granted_graphs(state: &AppState, user: &CurrentUser) -> ApiResult<Option<HashSet<String>>> {
    if user.role == Role::Admin {
        return Ok(None);
    }
    let reports = state.store.readable_reports(Some(&user.id)).await?;
    Ok(Some(reports.into_iter().map(|r| r.graph_id).collect()))
}

fn may_read(user: &CurrentUser, granted: &Option<HashSet<String>>, row: &PublishedRow) -> bool {
    row.owner_id == user.id || granted.as_ref().is_none_or(|g| g.contains(&row.graph_id))
}

/// File sinks the caller may explore, with their published dates.
#[utoipa::path(get, path = "/api/published", responses((status = 200, description = "PublishedList")))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<PublishedList>> {
    let granted = granted_graphs(&state, &user).await?;
    let rows = state.store.published_outputs(&KINDS, None, MAX_LISTED).await?;
    let mut outputs: Vec<PublishedOutput> = Vec::new();
    for r in rows.into_iter().filter(|r| may_read(&user, &granted, r)) {
        let Some(format) = PublishedFormat::of_kind(&r.kind) else { continue };
        match outputs.iter_mut().find(|o| o.graph_id == r.graph_id && o.node == r.node_id) {
            Some(o) if o.dates.len() < MAX_PUBLISHED_DATES && !o.dates.contains(&r.biz_date) => {
                o.dates.push(r.biz_date)
            }
            Some(_) => {}
            None => outputs.push(PublishedOutput {
                graph_id: r.graph_id,
                graph_name: r.graph_name,
                node: r.node_id,
                format,
                dates: vec![r.biz_date],
            }),
        }
    }
    outputs.sort_by(|a, b| (&a.graph_name, &a.node).cmp(&(&b.graph_name, &b.node)));
    Ok(Json(PublishedList { outputs }))
}

fn nothing(graph: &str, node: &str) -> ApiError {
    ApiError::NotFound(format!("nothing published by `{node}` of graph `{graph}`"))
}

/// The published row and file of a date (latest when absent), if the caller may read it.
async fn locate(
    state: &AppState,
    user: &CurrentUser,
    graph: &str,
    node: &str,
    date: Option<&str>,
) -> ApiResult<(PublishedRow, PathBuf)> {
    if let Some(d) = date
        && !is_date(d)
    {
        return Err(ApiError::BadRequest(format!("date: `{d}` is not a date (YYYY-MM-DD)")));
    }
    let rows = state.store.published_outputs(&KINDS, Some((graph, node)), MAX_LISTED).await?;
    let granted = granted_graphs(state, user).await?;
    if rows.first().is_none_or(|r| !may_read(user, &granted, r)) {
        return Err(nothing(graph, node));
    }
    let row = rows
        .into_iter()
        .find(|r| date.is_none_or(|d| r.biz_date == d))
        .ok_or_else(|| ApiError::NotFound(format!("`{node}` of graph `{graph}` published nothing for that date")))?;
    let run = state.store.run(&row.run_id).await.map_err(|_| nothing(graph, node))?;
    let root = state.scheduler.output_root(&run).await.map_err(ApiError::Internal)?;
    let file = root.resolve_existing(&row.output).map_err(ApiError::NotFound)?;
    Ok((row, file))
}

/// `?date=YYYY-MM-DD`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateQuery {
    #[serde(default)]
    pub date: Option<String>,
}

/// The columns and first rows of a published output.
#[utoipa::path(get, path = "/api/published/{graph}/{node}", responses((status = 200, description = "PublishedSample")))]
pub async fn sample(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((graph, node)): Path<(String, String)>,
    Query(q): Query<DateQuery>,
) -> ApiResult<Json<PublishedSample>> {
    let (row, file) = locate(&state, &user, &graph, &node, q.date.as_deref()).await?;
    let query = report_store::Query { limit: SAMPLE_ROWS, ..Default::default() };
    let read = report_store::read(file, query).await.map_err(read_error)?;
    Ok(Json(PublishedSample {
        format: PublishedFormat::of_kind(&row.kind).unwrap_or(PublishedFormat::Parquet),
        graph_id: row.graph_id,
        graph_name: row.graph_name,
        node: row.node_id,
        biz_date: row.biz_date,
        run_id: row.run_id,
        columns: read.columns,
        rows: read.rows,
        total: read.total,
    }))
}

/// A pivot over a published output of one date (latest when absent).
#[utoipa::path(post, path = "/api/published/{graph}/{node}/pivot", responses((status = 200, description = "PivotResult")))]
pub async fn pivot(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((graph, node)): Path<(String, String)>,
    ApiJson(p): ApiJson<PivotRequest>,
) -> ApiResult<Json<PivotResult>> {
    let (_, file) = locate(&state, &user, &graph, &node, p.date.as_deref()).await?;
    explore::answer(file, p).await.map(Json)
}

/// Saves a pivot over a published output as a new graph with a `sink.report`:
/// it reads the sink's file of each run's business date.
#[utoipa::path(post, path = "/api/published/{graph}/{node}/save", responses((status = 201, description = "SavedReport")))]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((graph, node)): Path<(String, String)>,
    ApiJson(req): ApiJson<SaveAsReport>,
) -> ApiResult<(StatusCode, Json<SavedReport>)> {
    explore::check_names(&state, &req).await?;
    let (row, file) = locate(&state, &user, &graph, &node, req.pivot.date.as_deref()).await?;
    let kind = if row.kind == "sink.csv" { "source.csv" } else { "source.parquet" };
    // The date in the recorded path becomes the parameter again.
    let path = row.output.replace(&row.biz_date, "{biz_date}");
    let what = format!("output `{node}` of graph `{}`", row.graph_name);
    let source = Source { kind, path, what, date: row.biz_date.clone() };
    explore::save_pivot(&state, &user, file, source, req).await
}
