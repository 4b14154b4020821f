//! `/api/reports`: what scheduled runs published for each business date.
//!
//! Who reads a report: admins, the owner of its graph, and users an admin or
//! the owner granted it to (viewers, or analysts). Anyone else gets 404, as if
//! it did not exist. A reader sees the rows, the chart and the version that
//! produced them, never the graph. Published dates come from scheduled and
//! backfill runs of approved versions; a draft run's rows (in the requester's
//! sandbox) are listed only to that requester, marked `draft`.

pub mod chart;
pub mod chart_grid;
pub mod chart_shapes;
pub mod doc;
pub mod download;
pub mod explore;
pub mod png;
pub mod published;

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult};
use crate::engine::report_store::{self, Query as ReadQuery, ReadError};
use crate::engine::root::DataRoot;
use crate::store::{ReportDateRow, ReportRow};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use sluice_shared::api::reports::{
    Grant, MAX_PAGE, ReportDate, ReportDates, ReportList, ReportRows, ReportSummary, RowsQuery, Viewers,
};
use sluice_shared::config::{ReportSink, SortKey};
use std::path::PathBuf;

/// Dates a date list shows at most.
const MAX_DATES: i64 = 1000;
/// The longest filter text.
const MAX_FILTER: usize = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/reports", get(list))
        .route("/api/reports/{name}/dates", get(dates))
        .route("/api/reports/{name}/rows", get(rows))
        .route("/api/reports/{name}/csv", get(download::csv))
        .route("/api/reports/{name}/xlsx", get(download::xlsx))
        .route("/api/reports/{name}/svg", get(download::svg))
        .route("/api/reports/{name}/png", get(download::png))
        .route("/api/reports/{name}/viewers", get(viewers).post(grant))
        .route("/api/reports/{name}/viewers/{username}", delete(revoke))
        .route("/api/reports/{name}/pivot", post(explore::pivot))
        .route("/api/reports/{name}/save", post(explore::save))
        .merge(published::router())
}

fn not_found(name: &str) -> ApiError {
    ApiError::NotFound(format!("no report `{name}`"))
}

/// The report, if `user` may read it; 404 otherwise (also for a bad name).
pub(crate) async fn readable(state: &AppState, user: &CurrentUser, name: &str) -> ApiResult<ReportRow> {
    if !sluice_shared::report::is_name(name) {
        return Err(not_found(name));
    }
    let r = state.store.report(name).await.map_err(|_| not_found(name))?;
    if user.role == Role::Admin || r.owner_id == user.id || state.store.has_grant(name, &user.id).await? {
        Ok(r)
    } else {
        Err(not_found(name))
    }
}

fn manages(user: &CurrentUser, r: &ReportRow) -> bool {
    user.role == Role::Admin || r.owner_id == user.id
}

/// Reports the caller may read, with their latest published date.
#[utoipa::path(get, path = "/api/reports", responses((status = 200, description = "ReportList")))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<ReportList>> {
    let rows = state.store.readable_reports((user.role != Role::Admin).then_some(user.id.as_str())).await?;
    let stats = state.store.report_date_stats().await?;
    let reports = rows
        .into_iter()
        .map(|r| {
            let (latest, dates) = stats.get(&r.name).map(|(d, n)| (Some(d.clone()), *n as u64)).unwrap_or((None, 0));
            let can_manage = manages(&user, &r);
            let chart = sluice_shared::config::ChartKind::Table;
            ReportSummary {
                name: r.name,
                title: r.title,
                chart,
                owner: r.owner,
                graph_name: r.graph_name,
                latest,
                dates,
                can_manage,
            }
        })
        .collect();
    let mut list = ReportList { reports };
    fill_charts(&state, &mut list).await;
    Ok(Json(list))
}

/// Each report's chart as its latest published config has it.
async fn fill_charts(state: &AppState, list: &mut ReportList) {
    for r in &mut list.reports {
        if let Ok(d) = state.store.report_dates(&r.name, None, 1).await
            && let Some(cfg) = d.first().and_then(|d| serde_json::from_str::<ReportSink>(&d.config).ok())
        {
            r.chart = cfg.chart;
        }
    }
}

fn date_view(d: &ReportDateRow) -> ReportDate {
    ReportDate {
        biz_date: d.biz_date.clone(),
        run_id: d.run_id.clone(),
        version: d.version,
        hash: d.hash.clone(),
        row_count: d.row_count.max(0) as u64,
        created_at: d.created_at,
        draft: !d.scope.is_empty(),
    }
}

/// The dates a report has: published ones, then the caller's own drafts.
#[utoipa::path(get, path = "/api/reports/{name}/dates", responses((status = 200, description = "ReportDates")))]
pub async fn dates(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
) -> ApiResult<Json<ReportDates>> {
    let r = readable(&state, &user, &name).await?;
    let rows = state.store.report_dates(&name, Some(&user.id), MAX_DATES).await?;
    Ok(Json(ReportDates { name: r.name, title: r.title, dates: rows.iter().map(date_view).collect() }))
}

pub(crate) fn is_date(d: &str) -> bool {
    d.len() == 10 && d.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
}

/// The index row for `date` (latest published when absent); `draft`: the caller's draft.
pub(crate) async fn pick(
    state: &AppState,
    user: &CurrentUser,
    name: &str,
    date: Option<&str>,
    draft: bool,
) -> ApiResult<ReportDateRow> {
    if let Some(d) = date
        && !is_date(d)
    {
        return Err(ApiError::BadRequest(format!("date: `{d}` is not a date (YYYY-MM-DD)")));
    }
    let rows = state.store.report_dates(name, draft.then_some(user.id.as_str()), MAX_DATES).await?;
    rows.into_iter().filter(|r| r.scope.is_empty() != draft).find(|r| date.is_none_or(|d| r.biz_date == d)).ok_or_else(
        || match date {
            Some(d) => ApiError::NotFound(format!("report `{name}` has no rows for {d}")),
            None => ApiError::NotFound(format!("report `{name}` has not been published yet")),
        },
    )
}

/// The published file of an index row, checked to be inside its data root.
pub(crate) fn file_of(d: &ReportDateRow) -> ApiResult<PathBuf> {
    DataRoot::new(&d.root).resolve_existing(&d.path).map_err(|e| ApiError::NotFound(format!("report rows: {e}")))
}

pub(crate) fn config_of(d: &ReportDateRow) -> ApiResult<ReportSink> {
    serde_json::from_str(&d.config).map_err(|e| ApiError::Internal(format!("stored report config: {e}")))
}

pub(crate) fn read_error(e: ReadError) -> ApiError {
    match e {
        ReadError::Bad(m) => ApiError::BadRequest(m),
        ReadError::Failed(m) => ApiError::Internal(m),
    }
}

/// The sort of a request, else the report's own.
pub(crate) fn sort_of(q: &RowsQuery, cfg: &ReportSink) -> Vec<SortKey> {
    match &q.sort {
        Some(c) => vec![SortKey { column: c.clone(), desc: q.desc }],
        None => cfg.sort.clone(),
    }
}

pub(crate) fn read_query(q: &RowsQuery, cfg: &ReportSink, limit: u64) -> ApiResult<ReadQuery> {
    // Rows and every download: the document's bound, so no query slips past it.
    if q.offset > 1 << 40 {
        return Err(ApiError::BadRequest("offset: too large".into()));
    }
    if q.limit.is_some_and(|l| l == 0 || l > MAX_PAGE) {
        return Err(ApiError::BadRequest(format!("limit: 1 to {MAX_PAGE}")));
    }
    for (field, text, max) in
        [("sort", &q.sort, 256), ("filter_column", &q.filter_column, 256), ("filter", &q.filter, MAX_FILTER)]
    {
        if text.as_ref().is_some_and(|t| t.chars().count() > max) {
            return Err(ApiError::BadRequest(format!("{field}: at most {max} characters")));
        }
    }
    let filter = match (&q.filter_column, &q.filter) {
        (Some(c), Some(t)) if !t.is_empty() => Some((c.clone(), t.clone())),
        _ => None,
    };
    Ok(ReadQuery { sort: sort_of(q, cfg), filter, offset: q.offset, limit })
}

/// One page of a report's rows for a business date (sorted, filtered).
#[utoipa::path(get, path = "/api/reports/{name}/rows", responses((status = 200, description = "ReportRows")))]
pub async fn rows(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    Query(q): Query<RowsQuery>,
) -> ApiResult<Json<ReportRows>> {
    let r = readable(&state, &user, &name).await?;
    let limit = q.limit.unwrap_or(100);
    let d = pick(&state, &user, &name, q.date.as_deref(), q.draft).await?;
    let cfg = config_of(&d)?;
    let rq = read_query(&q, &cfg, limit)?;
    let read = report_store::read(file_of(&d)?, rq).await.map_err(read_error)?;
    Ok(Json(ReportRows {
        name: r.name,
        title: cfg.title.clone(),
        config: cfg,
        date: date_view(&d),
        columns: read.columns,
        rows: read.rows,
        total: read.total,
        offset: q.offset,
    }))
}

/// Who was granted the report (its owner and admins only).
#[utoipa::path(get, path = "/api/reports/{name}/viewers", responses((status = 200, description = "Viewers")))]
pub async fn viewers(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
) -> ApiResult<Json<Viewers>> {
    let r = readable(&state, &user, &name).await?;
    if !manages(&user, &r) {
        return Err(ApiError::Forbidden("only the report's owner or an admin sees its viewers".into()));
    }
    Ok(Json(Viewers { viewers: state.store.report_viewers(&name).await? }))
}

/// Lets a user read the report (its owner or an admin may).
#[utoipa::path(post, path = "/api/reports/{name}/viewers", responses((status = 200, description = "Viewers")))]
pub async fn grant(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    ApiJson(g): ApiJson<Grant>,
) -> ApiResult<Json<Viewers>> {
    let r = readable(&state, &user, &name).await?;
    if !manages(&user, &r) {
        return Err(ApiError::Forbidden("only the report's owner or an admin grants it".into()));
    }
    let target = state
        .store
        .user_by_name(&g.username)
        .await?
        .ok_or_else(|| ApiError::BadRequest(format!("username: no user `{}`", g.username)))?;
    state.store.grant_report(&name, &target.id, &user.username).await?;
    state.store.audit(&user.username, "report_grant", &name, &g.username).await?;
    Ok(Json(Viewers { viewers: state.store.report_viewers(&name).await? }))
}

/// Takes a user's grant away.
#[utoipa::path(delete, path = "/api/reports/{name}/viewers/{username}", responses((status = 204, description = "Revoked")))]
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((name, username)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let r = readable(&state, &user, &name).await?;
    if !manages(&user, &r) {
        return Err(ApiError::Forbidden("only the report's owner or an admin revokes it".into()));
    }
    let target = state
        .store
        .user_by_name(&username)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no user `{username}`")))?;
    state.store.revoke_report(&name, &target.id).await?;
    state.store.audit(&user.username, "report_revoke", &name, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}
