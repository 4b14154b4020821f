//! The derived date parameters of a run, resolved before anything runs: the run
//! dialog asks with the business date it is about to send
//! (`POST /api/graphs/{id}/resolve-params`, body as `POST /api/graphs/{id}/run`),
//! the run page asks for a run (`GET /api/runs/{id}/resolved-params`: recomputed
//! from the run's version, business date and values by the calendars as they are
//! now). A value the calendar cannot give (a year it has no data for) comes back
//! as that parameter's `error`, not as a failed request.

use super::AppState;
use super::access::graph_for;
use super::auth::CurrentUser;
use super::error::{ApiError, ApiJson, ApiResult};
use super::runs::visible_run;
use crate::scheduler::calendar;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use sluice_shared::api::runs::{ResolvedParams, RunNow};
use std::collections::BTreeMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/graphs/{id}/resolve-params", post(for_graph))
        .route("/api/runs/{id}/resolved-params", get(for_run))
}

async fn resolve(
    state: &AppState,
    doc: &str,
    date: String,
    mut given: BTreeMap<String, String>,
) -> ApiResult<ResolvedParams> {
    let graph: sluice_shared::Graph =
        serde_json::from_str(doc).map_err(|e| ApiError::Internal(format!("stored graph: {e}")))?;
    given.insert("biz_date".into(), date.clone());
    let calendars = super::calendars::known(state).await?;
    let resolved = sluice_shared::derived::resolve(&graph.params, &given, Some(&calendars));
    Ok(ResolvedParams::build(date, &graph.params, resolved))
}

/// The derived parameters of the caller's latest saved version for the business
/// date (and values) the run dialog would send.
#[utoipa::path(post, path = "/api/graphs/{id}/resolve-params", request_body = RunNow,
    responses((status = 200, body = ResolvedParams), (status = 400), (status = 404)))]
pub async fn for_graph(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RunNow>,
) -> ApiResult<Json<ResolvedParams>> {
    let g = graph_for(&state, &user, &id).await?;
    let today = calendar::biz_date(
        calendar::parse_tz(calendar::DEFAULT_TZ).map_err(ApiError::Internal)?,
        state.scheduler.clock.now_ms(),
        -1,
    );
    let date = super::run_now::draft_date(&req, today)?;
    Ok(Json(resolve(&state, &g.doc, date, req.params).await?))
}

/// The derived parameters of a run: its version's declarations, its business
/// date and values, resolved by the calendars.
#[utoipa::path(get, path = "/api/runs/{id}/resolved-params",
    responses((status = 200, body = ResolvedParams), (status = 404)))]
pub async fn for_run(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ResolvedParams>> {
    let run = visible_run(&state, &user, &id).await?;
    let doc = state
        .store
        .doc_by_hash(&run.graph_id, &run.hash)
        .await
        .map_err(ApiError::missing(format!("the version run {id} ran is not stored")))?;
    Ok(Json(resolve(&state, &doc, run.biz_date.clone(), run.params.0.clone()).await?))
}
