//! The rules a schedule must keep, for a new one and for an edit: a cron that
//! reads (its mistakes in words, `shared::cron_words`), a known time zone and
//! calendar, an `HH:MM` SLA, dependencies on other scheduled graphs only (never
//! its own) without a cycle, and no second schedule of the same graph, cron
//! and calendar (409). `PATCH /api/schedules/{id}` edits any of its settings.

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult};
use crate::scheduler::calendar;
use crate::store::ScheduleRow;
use axum::extract::{Path, State};
use sluice_shared::api::runs::{Schedule, ScheduleUpdate};
use std::collections::{BTreeMap, BTreeSet};

/// A graph's name for messages (its id when it is gone).
pub(super) async fn graph_name(state: &AppState, id: &str) -> String {
    state.store.graph_name(id).await.ok().flatten().unwrap_or_else(|| id.to_string())
}

/// Checks `row` (new or edited) against the rules above and the other schedules.
pub(super) async fn check(state: &AppState, row: &ScheduleRow) -> ApiResult<()> {
    calendar::parse_cron(&row.cron).map_err(ApiError::BadRequest)?;
    calendar::parse_tz(&row.timezone).map_err(ApiError::BadRequest)?;
    if let Some(sla) = &row.sla {
        calendar::parse_sla(sla).map_err(ApiError::BadRequest)?;
    }
    if !row.calendar.is_empty() && state.scheduler.calendar(&row.calendar).await?.is_none() {
        return Err(ApiError::BadRequest(format!("no calendar `{}` (see GET /api/calendars)", row.calendar)));
    }
    let others: Vec<ScheduleRow> = state.store.schedules().await?.into_iter().filter(|s| s.id != row.id).collect();
    if let Some(same) =
        others.iter().find(|s| s.graph_id == row.graph_id && s.cron == row.cron && s.calendar == row.calendar)
    {
        let by = if row.calendar.is_empty() { String::new() } else { format!(" by calendar `{}`", row.calendar) };
        return Err(ApiError::Conflict(format!(
            "graph `{}` already has a schedule `{}`{by} (schedule {}): edit or delete that one instead",
            graph_name(state, &row.graph_id).await,
            row.cron,
            same.id
        )));
    }
    let deps = row.dependencies();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in &others {
        edges.entry(s.graph_id.clone()).or_default().extend(s.dependencies());
    }
    for dep in &deps {
        if dep == &row.graph_id {
            return Err(ApiError::BadRequest(format!(
                "graph `{}` cannot depend on itself",
                graph_name(state, dep).await
            )));
        }
        if !others.iter().any(|s| &s.graph_id == dep) {
            return Err(ApiError::BadRequest(format!(
                "graph `{}` has no schedule to depend on",
                graph_name(state, dep).await
            )));
        }
    }
    edges.entry(row.graph_id.clone()).or_default().extend(deps);
    if let Some(cycle) = sluice_shared::structure::find_cycle_in(&edges) {
        let mut names = Vec::new();
        for id in &cycle {
            names.push(graph_name(state, id).await);
        }
        return Err(ApiError::Conflict(format!(
            "these schedules would wait for each other forever: {}",
            names.join(" → ")
        )));
    }
    Ok(())
}

/// Writes the fields `u` sets into `s`.
fn apply(u: ScheduleUpdate, s: &mut ScheduleRow) {
    if let Some(e) = u.enabled {
        s.enabled = i64::from(e);
    }
    if let Some(c) = u.cron {
        s.cron = c.trim().to_string();
    }
    if let Some(t) = u.timezone {
        s.timezone = t.trim().to_string();
    }
    if let Some(o) = u.biz_date_offset {
        s.biz_date_offset = o.clamp(-366, 366);
    }
    if let Some(r) = u.retries {
        s.retries = r.clamp(0, 20);
    }
    if let Some(sla) = u.sla {
        s.sla = Some(sla.trim().to_string()).filter(|x| !x.is_empty());
    }
    if let Some(d) = u.depends_on {
        s.depends_on = serde_json::to_string(&d).unwrap_or_else(|_| "[]".into());
    }
    if let Some(c) = u.calendar {
        s.calendar = c.trim().to_string();
    }
}

#[utoipa::path(patch, path = "/api/schedules/{id}", request_body = ScheduleUpdate,
    responses((status = 200, body = Schedule), (status = 400), (status = 404), (status = 409)))]
pub async fn update_schedule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ScheduleUpdate>,
) -> ApiResult<axum::Json<Schedule>> {
    user.require(&[Role::Admin])?;
    let mut row = state.store.schedule(&id).await.map_err(ApiError::missing(format!("no schedule `{id}`")))?;
    let before = row.clone();
    let only_pause = req.only_pause();
    apply(req, &mut row);
    if row.enabled != 0 {
        super::runs::not_archived(&state, &row.graph_id).await?;
    }
    if !only_pause {
        check(&state, &row).await?;
    }
    state.store.update_schedule(&row).await?;
    let name = graph_name(&state, &row.graph_id).await;
    let action = match (only_pause, row.enabled != 0) {
        (true, true) => "schedule_resume",
        (true, false) => "schedule_pause",
        (false, _) => "schedule_edit",
    };
    let detail = if only_pause {
        format!("graph {name}")
    } else {
        format!(
            "graph {name}: cron `{}` → `{}`, calendar `{}` → `{}`",
            before.cron, row.cron, before.calendar, row.calendar
        )
    };
    state.store.audit(&user.username, action, &id, &detail).await?;
    Ok(axum::Json(row.into()))
}
