//! Business calendars: admins keep them (create, import a calendar file, copy
//! a built-in such as `cn`, replace, delete; every change audited); anyone
//! signed in reads them (schedules and derived parameters name them). The
//! built-in calendars are listed read-only and cannot be shadowed.

use super::AppState;
use super::auth::{CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult};
use crate::store::{CalendarRow, weekly_from_text, weekly_text};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sluice_shared::calendar::{self, Calendar, MON_TO_FRI, format_date};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/calendars", get(list).post(create))
        .route("/api/calendars/{name}", get(show).put(replace).delete(remove))
        .route("/api/calendars/{name}/csv", get(export))
        .route("/api/calendars/{name}/ics", get(export_ics))
        .route("/api/schedules/{id}/next", get(next_firings))
}

/// One coming firing of a schedule and the business date it will run.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Firing {
    /// ms since 1970.
    pub at: i64,
    pub biz_date: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FiringList {
    pub firings: Vec<Firing>,
}

/// The next 10 firings of a schedule with their business dates (by its calendar,
/// if it names one: closed days do not fire; the list ends where the calendar's
/// data ends).
#[utoipa::path(get, path = "/api/schedules/{id}/next", responses((status = 200, body = FiringList), (status = 404)))]
pub async fn next_firings(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<FiringList>> {
    use crate::scheduler::calendar as sc;
    let s = state.store.schedule(&id).await.map_err(ApiError::missing(format!("no schedule `{id}`")))?;
    let cron = sc::parse_cron(&s.cron).map_err(ApiError::Internal)?;
    let tz = sc::parse_tz(&s.timezone).map_err(ApiError::Internal)?;
    let cal = state.scheduler.schedule_calendar(&s).await?;
    let now = state.scheduler.clock.now_ms();
    let firings = sc::next_firings(&cron, tz, cal.as_ref(), s.biz_date_offset, now, 10)
        .into_iter()
        .map(|(at, biz_date)| Firing { at, biz_date })
        .collect();
    Ok(Json(FiringList { firings }))
}

/// A calendar in lists.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CalendarInfo {
    pub name: String,
    /// Shipped with Sluice (read-only; copy it to change it).
    pub builtin: bool,
    /// Seven `0`/`1`, Monday first (`1111100`: Monday to Friday open).
    pub weekly: String,
    /// The years the calendar covers (first to last exception).
    pub first_year: i32,
    pub last_year: i32,
    pub holidays: usize,
    pub workdays: usize,
    /// Who changed it last and when (ms since 1970); empty / 0 for built-ins.
    pub updated_by: String,
    pub updated_at: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CalendarList {
    pub calendars: Vec<CalendarInfo>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ExceptionInfo {
    pub date: String,
    /// `holiday` or `workday`.
    pub kind: String,
    pub note: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CalendarDetail {
    #[serde(flatten)]
    pub info: CalendarInfo,
    pub exceptions: Vec<ExceptionInfo>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCalendar {
    /// 1 to 64 letters, digits, `_` or `-`.
    pub name: String,
    /// The calendar file (`date,kind,note`, header required); or give `ics` or `copy_from`.
    #[serde(default)]
    pub csv: Option<String>,
    /// The calendar as iCalendar (all-day events; docs/calendars.md); or give `csv` or `copy_from`.
    #[serde(default)]
    pub ics: Option<String>,
    /// Start from this calendar (a built-in such as `cn`, or a stored one).
    #[serde(default)]
    pub copy_from: Option<String>,
    /// Seven `0`/`1`, Monday first; default `1111100`, or the copied calendar's.
    #[serde(default)]
    pub weekly: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarUpdate {
    /// The new calendar file; its rows replace every exception. Give `csv` or `ics`.
    #[serde(default)]
    pub csv: Option<String>,
    /// The new calendar as iCalendar; its events replace every exception.
    #[serde(default)]
    pub ics: Option<String>,
    /// Seven `0`/`1`, Monday first; default: unchanged.
    #[serde(default)]
    pub weekly: Option<String>,
}

fn info(name: &str, cal: &Calendar, row: Option<&CalendarRow>) -> CalendarInfo {
    let (first_year, last_year) = cal.years();
    let count = |k| cal.exceptions().values().filter(|e| e.kind == k).count();
    CalendarInfo {
        name: name.to_string(),
        builtin: row.is_none(),
        weekly: weekly_text(cal.weekly()),
        first_year,
        last_year,
        holidays: count(calendar::DayKind::Holiday),
        workdays: count(calendar::DayKind::Workday),
        updated_by: row.map(|r| r.updated_by.clone()).unwrap_or_default(),
        updated_at: row.map_or(0, |r| r.updated_at),
    }
}

/// A calendar by name: built-in first (they cannot be shadowed), then the store.
async fn find(state: &AppState, name: &str) -> ApiResult<(Calendar, Option<CalendarRow>)> {
    if let Some(cal) = crate::calendars::builtin(name) {
        return Ok((cal, None));
    }
    let row = state.store.calendar(name).await?.ok_or_else(|| ApiError::NotFound(format!("no calendar `{name}`")))?;
    let cal = row.calendar().ok_or_else(|| ApiError::Internal(format!("stored calendar `{name}` does not read")))?;
    Ok((cal, Some(row)))
}

/// Every calendar a graph run by this server may name: the stored ones and the built-ins.
pub async fn known(state: &AppState) -> ApiResult<std::sync::Arc<crate::engine::limits::Calendars>> {
    let mut all = state.store.calendars_by_name().await?;
    all.extend(crate::calendars::builtins().iter().map(|(k, v)| (k.clone(), v.clone())));
    Ok(std::sync::Arc::new(all))
}

fn check_name(name: &str) -> ApiResult<()> {
    let ok =
        !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !ok {
        return Err(ApiError::Unprocessable("a calendar name is 1 to 64 letters, digits, `_` or `-`".into()));
    }
    if crate::calendars::builtin(name).is_some() {
        return Err(ApiError::Conflict(format!("`{name}` is a built-in calendar; choose another name")));
    }
    Ok(())
}

fn weekly(text: Option<&str>, default: [bool; 7]) -> ApiResult<[bool; 7]> {
    match text {
        None => Ok(default),
        Some(t) => weekly_from_text(t.trim()).ok_or_else(|| {
            ApiError::Unprocessable(format!("weekly `{t}` is not seven 0/1 characters, Monday first (e.g. 1111100)"))
        }),
    }
}

fn read(csv: &str, open: [bool; 7]) -> ApiResult<Calendar> {
    calendar::parse_csv_with(csv, open).map_err(|e| ApiError::Unprocessable(format!("calendar file: {e}")))
}

/// The calendar from whichever file a request gives (exactly one of `csv`, `ics`),
/// and the word the audit log keeps for it.
fn read_file(csv: Option<&str>, ics: Option<&str>, open: [bool; 7]) -> ApiResult<(Calendar, &'static str)> {
    match (csv, ics) {
        (Some(csv), None) => Ok((read(csv, open)?, "csv")),
        (None, Some(ics)) => calendar::parse_ics_with(ics, open)
            .map(|c| (c, "ics"))
            .map_err(|e| ApiError::Unprocessable(format!("iCalendar file: {e}"))),
        _ => Err(ApiError::Unprocessable("give the calendar as `csv` or as `ics`, one of them".into())),
    }
}

#[utoipa::path(get, path = "/api/calendars", responses((status = 200, body = CalendarList)))]
pub async fn list(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<Json<CalendarList>> {
    let mut calendars: Vec<CalendarInfo> = crate::calendars::builtins().iter().map(|(n, c)| info(n, c, None)).collect();
    for row in state.store.list_calendars().await? {
        if let Some(cal) = row.calendar() {
            calendars.push(info(&row.name, &cal, Some(&row)));
        }
    }
    Ok(Json(CalendarList { calendars }))
}

#[utoipa::path(get, path = "/api/calendars/{name}", responses((status = 200, body = CalendarDetail), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(name): Path<String>,
) -> ApiResult<Json<CalendarDetail>> {
    let (cal, row) = find(&state, &name).await?;
    let exceptions = cal
        .exceptions()
        .iter()
        .map(|(d, e)| ExceptionInfo { date: format_date(*d), kind: e.kind.as_str().into(), note: e.note.clone() })
        .collect();
    Ok(Json(CalendarDetail { info: info(&name, &cal, row.as_ref()), exceptions }))
}

/// The calendar as iCalendar: one all-day event per run of days of one kind and
/// note (`X-SLUICE-KIND` holiday or workday); importing it gives the same calendar.
#[utoipa::path(get, path = "/api/calendars/{name}/ics",
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404)))]
pub async fn export_ics(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(name): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let (cal, _) = find(&state, &name).await?;
    let disposition = format!("attachment; filename=\"{name}.ics\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        cal.to_ics(&name),
    ))
}

/// The calendar file (`date,kind,note`), as `sluice bizdate --calendar` reads it.
#[utoipa::path(get, path = "/api/calendars/{name}/csv",
    responses((status = 200, content_type = "text/csv", body = String), (status = 404)))]
pub async fn export(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(name): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let (cal, _) = find(&state, &name).await?;
    let disposition = format!("attachment; filename=\"{name}.csv\"");
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        cal.to_csv(),
    ))
}

#[utoipa::path(post, path = "/api/calendars", request_body = NewCalendar,
    responses((status = 201, body = CalendarInfo), (status = 400), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NewCalendar>,
) -> ApiResult<(StatusCode, Json<CalendarInfo>)> {
    user.require(&[Role::Admin])?;
    let name = req.name.trim();
    check_name(name)?;
    let (cal, detail) = match (&req.csv, &req.ics, &req.copy_from) {
        (_, _, None) => {
            let open = weekly(req.weekly.as_deref(), MON_TO_FRI)?;
            let (cal, form) = read_file(req.csv.as_deref(), req.ics.as_deref(), open)?;
            (cal, format!("imported ({form})"))
        }
        (None, None, Some(from)) => {
            let (base, _) = find(&state, from).await?;
            let open = weekly(req.weekly.as_deref(), base.weekly())?;
            (read(&base.to_csv(), open)?, format!("copied from {from}"))
        }
        _ => {
            return Err(ApiError::Unprocessable(
                "give one of `csv` (a calendar file), `ics` (iCalendar) or `copy_from`".into(),
            ));
        }
    };
    let row = state.store.create_calendar(name, &cal, &user.username).await?;
    let summary = format!("{detail}; {} exceptions; weekly {}", cal.exceptions().len(), row.weekly);
    state.store.audit(&user.username, "calendar_create", name, &summary).await?;
    Ok((StatusCode::CREATED, Json(info(name, &cal, Some(&row)))))
}

#[utoipa::path(put, path = "/api/calendars/{name}", request_body = CalendarUpdate,
    responses((status = 200, body = CalendarInfo), (status = 400), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn replace(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<CalendarUpdate>,
) -> ApiResult<Json<CalendarInfo>> {
    user.require(&[Role::Admin])?;
    check_name(&name)?;
    let (old, _) = find(&state, &name).await?;
    let open = weekly(req.weekly.as_deref(), old.weekly())?;
    let (cal, form) = read_file(req.csv.as_deref(), req.ics.as_deref(), open)?;
    let row = state.store.replace_calendar(&name, &cal, &user.username).await?;
    let (now, was) = (cal.exceptions().len(), old.exceptions().len());
    let summary = format!("{now} exceptions (was {was}) from {form}; weekly {}", row.weekly);
    state.store.audit(&user.username, "calendar_update", &name, &summary).await?;
    Ok(Json(info(&name, &cal, Some(&row))))
}

#[utoipa::path(delete, path = "/api/calendars/{name}",
    responses((status = 204), (status = 403), (status = 404), (status = 409)))]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    user.require(&[Role::Admin])?;
    check_name(&name)?;
    state.store.delete_calendar(&name).await?;
    state.store.audit(&user.username, "calendar_delete", &name, "").await?;
    Ok(StatusCode::NO_CONTENT)
}
