//! Schedules, runs and alerts over HTTP (live run progress is in
//! `run_events`). Admins manage schedules and backfills; analysts may "run
//! now" their own saved draft (marked `draft`, never scheduled), which writes
//! only into their sandbox and is limited to `draft_quota` at a time.
//!
//! Who sees a run ([`RunScope`]): admins every run and alert; analysts their
//! own drafts plus the scheduled and backfill runs (and alerts) of graphs they
//! own; viewers the scheduled and backfill runs and their alerts, never a draft.

use super::AppState;
use super::access::graph_for;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult, empty_as_none};
use super::run_events::{self, Streams};
use super::run_now::draft_values;
use crate::scheduler::calendar;
use crate::store::{RunFilter, RunKind, RunRow, RunScope, ScheduleRow, content_hash};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use sluice_shared::api::RunStatus;
pub use sluice_shared::api::runs::{
    Alert, AlertList, Backfill, NewSchedule, Run, RunDetail, RunList, RunNode, RunNow, Schedule, ScheduleList,
};

/// Limits on what users may start or hold open.
pub struct RunSettings {
    /// Draft runs one user may have queued or running.
    pub draft_quota: i64,
    pub streams: Streams,
}

impl RunSettings {
    pub fn new(opts: &super::ServeOptions) -> Self {
        RunSettings {
            draft_quota: opts.draft_quota,
            streams: Streams::new(opts.max_event_streams, opts.stream_session_check),
        }
    }
}

/// The runs and alerts `user` may see.
pub(super) fn scope(user: &CurrentUser) -> RunScope<'_> {
    match user.role {
        Role::Admin => RunScope::All,
        Role::Analyst => RunScope::Owner { username: &user.username, user_id: &user.id },
        Role::Viewer => RunScope::Production,
    }
}

/// A run `user` may see; 404 otherwise, so run ids of others are not revealed.
pub(super) async fn visible_run(state: &AppState, user: &CurrentUser, id: &str) -> ApiResult<RunRow> {
    state.store.run_in_scope(scope(user), id).await?.ok_or_else(|| ApiError::NotFound(format!("no run `{id}`")))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/schedules", get(list_schedules).post(create_schedule))
        .route(
            "/api/schedules/{id}",
            axum::routing::patch(super::schedule_edit::update_schedule).delete(delete_schedule),
        )
        .route("/api/schedules/{id}/backfill", post(backfill))
        .route("/api/graphs/{id}/run", post(run_draft))
        .route("/api/runs", get(list_runs))
        .route("/api/runs/{id}", get(run_detail))
        .route("/api/runs/{id}/cancel", post(cancel))
        .route("/api/runs/{id}/events", get(run_events::events))
        .route("/api/alerts", get(alerts))
}

#[utoipa::path(get, path = "/api/schedules", responses((status = 200, body = ScheduleList)))]
pub async fn list_schedules(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<Json<ScheduleList>> {
    // Each schedule's `hash` is what it runs next: the latest approved version.
    let schedules = state.scheduler.schedules().await?;
    Ok(Json(ScheduleList { schedules: schedules.into_iter().map(Schedule::from).collect() }))
}

/// Refuses work on an archived graph: it is read-only until an admin unarchives it.
pub(super) async fn not_archived(state: &AppState, graph_id: &str) -> ApiResult<crate::store::GraphRow> {
    let g = state.store.get_graph(graph_id).await.map_err(ApiError::missing(format!("no graph `{graph_id}`")))?;
    if g.archived_at.is_some() {
        return Err(ApiError::Conflict(format!(
            "graph `{graph_id}` is archived: it cannot be scheduled or run until an admin unarchives it"
        )));
    }
    Ok(g)
}

/// Attaches a schedule to a graph's approved version; refuses a dependency cycle.
#[utoipa::path(post, path = "/api/schedules", request_body = NewSchedule,
    responses((status = 201, body = Schedule), (status = 400), (status = 403), (status = 404), (status = 409)))]
pub async fn create_schedule(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NewSchedule>,
) -> ApiResult<(StatusCode, Json<Schedule>)> {
    user.require(&[Role::Admin])?;
    not_archived(&state, &req.graph_id).await?;
    let approved = state
        .store
        .approved(&req.graph_id)
        .await?
        .ok_or_else(|| ApiError::Conflict("only an approved graph can be scheduled".into()))?;
    let timezone = req.timezone.unwrap_or_else(|| calendar::DEFAULT_TZ.into());
    let calendar = req.calendar.as_deref().map(str::trim).unwrap_or_default().to_string();
    let now = state.scheduler.clock.now_ms();
    let row = ScheduleRow {
        id: uuid::Uuid::new_v4().to_string(),
        graph_id: req.graph_id.clone(),
        hash: approved.hash,
        cron: req.cron.trim().to_string(),
        timezone,
        biz_date_offset: req.biz_date_offset.unwrap_or(-1),
        enabled: i64::from(req.enabled.unwrap_or(true)),
        retries: req.retries.unwrap_or(2).clamp(0, 20),
        backoff_secs: req.backoff_secs.unwrap_or(300).clamp(0, 86_400),
        timeout_secs: req.timeout_secs.unwrap_or(3600).clamp(1, 86_400),
        sla: req.sla.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
        depends_on: serde_json::to_string(&req.depends_on).unwrap_or_else(|_| "[]".into()),
        calendar,
        last_fire_at: now,
        created_by: user.username.clone(),
        created_at: now,
    };
    super::schedule_edit::check(&state, &row).await?;
    state.store.create_schedule(&row).await?;
    let name = super::schedule_edit::graph_name(&state, &row.graph_id).await;
    state.store.audit(&user.username, "schedule_create", &row.graph_id, &format!("graph {name}: {}", row.cron)).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

#[utoipa::path(delete, path = "/api/schedules/{id}", responses((status = 204), (status = 404)))]
pub async fn delete_schedule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    user.require(&[Role::Admin])?;
    let s = state.store.schedule(&id).await.map_err(|_| ApiError::NotFound(format!("no schedule `{id}`")))?;
    state.store.delete_schedule(&id).await?;
    let name = super::schedule_edit::graph_name(&state, &s.graph_id).await;
    state.store.audit(&user.username, "schedule_delete", &id, &format!("graph {name}: {}", s.cron)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Queues one run per business date, oldest first; dependencies still hold.
#[utoipa::path(post, path = "/api/schedules/{id}/backfill", request_body = Backfill,
    responses((status = 201, body = RunList), (status = 400), (status = 404), (status = 409)))]
pub async fn backfill(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<Backfill>,
) -> ApiResult<(StatusCode, Json<RunList>)> {
    user.require(&[Role::Admin])?;
    // The schedule as it runs now: following the latest approved version.
    let schedule = state
        .scheduler
        .schedules()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| ApiError::NotFound(format!("no schedule `{id}`")))?;
    not_archived(&state, &schedule.graph_id).await?;
    backfill_ready(&state, &schedule).await?;
    let dates = state.scheduler.backfill_dates(&schedule, &req.from, &req.to).await?;
    let mut runs = Vec::new();
    for d in &dates {
        if let Some(r) = state.scheduler.enqueue(&schedule, d, RunKind::Backfill, &user.username).await? {
            runs.push(Run::from(r));
        }
    }
    state.store.audit(&user.username, "backfill", &schedule.graph_id, &format!("{} to {}", req.from, req.to)).await?;
    Ok((StatusCode::CREATED, Json(RunList { runs, checks: Default::default() })))
}

/// Refuses a backfill whose `append` sinks after an incremental source name no
/// `partition_by` (it would add the rows again: `sluice_shared::backfill`).
async fn backfill_ready(state: &AppState, schedule: &ScheduleRow) -> ApiResult<()> {
    let doc = state.store.doc_by_hash(&schedule.graph_id, &schedule.hash).await?;
    let graph: sluice_shared::Graph =
        serde_json::from_str(&doc).map_err(|e| ApiError::Internal(format!("stored graph: {e}")))?;
    let problems = sluice_shared::backfill::problems(&graph);
    if problems.is_empty() { Ok(()) } else { Err(ApiError::InvalidGraph(problems)) }
}

/// Runs the caller's latest saved version now, marked `draft`, in the
/// caller's sandbox: it reads the production inputs and writes no production output.
#[utoipa::path(post, path = "/api/graphs/{id}/run", request_body = RunNow,
    responses((status = 201, body = Run), (status = 400), (status = 404), (status = 409), (status = 422), (status = 429)))]
pub async fn run_draft(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RunNow>,
) -> ApiResult<(StatusCode, Json<Run>)> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let g = graph_for(&state, &user, &id).await?;
    not_archived(&state, &id).await?;
    let today = calendar::biz_date(
        calendar::parse_tz(calendar::DEFAULT_TZ).map_err(ApiError::Internal)?,
        state.scheduler.clock.now_ms(),
        -1,
    );
    let calendars = super::calendars::known(&state).await?;
    let (date, params) = draft_values(&g.doc, req, today, &calendars)?;
    let run = crate::store::NewRun {
        schedule_id: None,
        graph_id: &id,
        hash: &content_hash(&g.doc),
        biz_date: &date,
        kind: RunKind::Draft,
        attempt: 1,
        not_before: 0,
        requested_by: &user.username,
        params: &params,
    };
    let quota = state.runs.draft_quota;
    let row = state.store.create_draft_run(run, quota).await?.ok_or_else(|| {
        ApiError::TooManyRequests(format!(
            "you already have {quota} draft run(s) queued or running; wait for one to finish or cancel one"
        ))
    })?;
    let detail = format!("draft run {} for {date} runs version {} in the sandbox", row.id, row.hash);
    state.store.audit(&user.username, "run_request", &id, &detail).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// `GET /api/runs`' query: each filter optional (a graph or date absent or
/// empty: any). A status must be one of `RunStatus` (anything else is a 400).
#[derive(Deserialize, utoipa::IntoParams)]
pub struct RunQuery {
    /// A graph id.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub graph: Option<String>,
    #[serde(default)]
    pub status: Option<RunStatus>,
    /// A business date (`YYYY-MM-DD`).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub date: Option<String>,
}

impl From<RunQuery> for RunFilter {
    fn from(q: RunQuery) -> Self {
        RunFilter { graph_id: q.graph, status: q.status, biz_date: q.date }
    }
}

#[utoipa::path(get, path = "/api/runs", responses((status = 200, body = RunList)))]
pub async fn list_runs(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RunQuery>,
) -> ApiResult<Json<RunList>> {
    let runs = state.store.runs_in_scope(scope(&user), &q.into(), 500).await?;
    let ids: Vec<&str> = runs.iter().map(|r| r.id.as_str()).collect();
    let mut checks = state.store.check_summaries(&ids).await?;
    checks.retain(|_, c| c.errors + c.warnings > 0);
    Ok(Json(RunList { runs: runs.into_iter().map(Run::from).collect(), checks }))
}

#[utoipa::path(get, path = "/api/runs/{id}", responses((status = 200, body = RunDetail), (status = 404)))]
pub async fn run_detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<RunDetail>> {
    let run = visible_run(&state, &user, &id).await?;
    let checks = state.store.run_checks(&id).await?;
    let nodes = state.store.run_nodes(&id).await?.into_iter().map(RunNode::from).collect();
    Ok(Json(RunDetail { nodes, checks, run: run.into() }))
}

#[utoipa::path(post, path = "/api/runs/{id}/cancel", responses((status = 204), (status = 404), (status = 409)))]
pub async fn cancel(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> ApiResult<StatusCode> {
    user.require(&[Role::Admin, Role::Analyst])?;
    let run = visible_run(&state, &user, &id).await?;
    // Analysts cancel their own drafts; a production run is an admin's call
    // (whatever an account is named, `requested_by` of a scheduled run is not a person).
    let own_draft = run.kind == RunKind::Draft && run.requested_by == user.username;
    if user.role != Role::Admin && !own_draft {
        return Err(ApiError::Forbidden("only admins cancel scheduled runs and other people's runs".into()));
    }
    if !state.scheduler.cancel(&id).await? {
        return Err(ApiError::Conflict(format!("the run already ended ({})", run.status)));
    }
    state.store.audit(&user.username, "run_cancel", &id, "").await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/alerts", responses((status = 200, body = AlertList)))]
pub async fn alerts(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<AlertList>> {
    let alerts = state.store.alerts_in_scope(scope(&user), 200).await?;
    Ok(Json(AlertList { alerts: alerts.into_iter().map(Alert::from).collect() }))
}
