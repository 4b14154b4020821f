//! `/api/schedules`, `/api/runs`, `/api/alerts` and a draft's "run now".

use super::states::{NodeStatus, RunKind, RunStatus, Timestamp};
use crate::check::{CheckResult, CheckSummary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A schedule attached to a graph's approved version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Schedule {
    pub id: String,
    pub graph_id: String,
    /// The approved version this schedule runs next, by content hash.
    pub hash: String,
    /// Five-field cron expression, in `timezone`.
    pub cron: String,
    pub timezone: String,
    /// Business date = the firing day plus this many (business) days.
    pub biz_date_offset: i64,
    pub enabled: bool,
    pub retries: i64,
    pub backoff_secs: i64,
    pub timeout_secs: i64,
    /// `HH:MM` in `timezone` on the day after the business date by which its run must have succeeded.
    pub sla: Option<String>,
    /// Graph ids whose run for the same business date must succeed first.
    pub depends_on: Vec<String>,
    /// The business calendar it follows (`""`: every day is a business day).
    pub calendar: String,
    pub last_fire_at: Timestamp,
    pub created_by: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleList {
    pub schedules: Vec<Schedule>,
}

/// `POST /api/schedules`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSchedule {
    pub graph_id: String,
    pub cron: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Days added to the firing day to get the business date (default -1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_date_offset: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff_secs: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<i64>,
    /// `HH:MM`: the run for a business date must have succeeded by then, the day after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<String>,
    /// Graph ids whose run of the same business date must succeed first.
    #[serde(default)]
    pub depends_on: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// A business calendar (`GET /api/calendars`): the schedule fires on its business
    /// days only, and `biz_date_offset` counts business days (-1: T-1, 0: T-0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
/// Changes to a schedule (`PATCH /api/schedules/{id}`); absent fields stay as they are.
pub struct ScheduleUpdate {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub cron: Option<String>,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub biz_date_offset: Option<i64>,
    #[serde(default)]
    pub retries: Option<i64>,
    /// `HH:MM`; an empty text removes the SLA.
    #[serde(default)]
    pub sla: Option<String>,
    #[serde(default)]
    pub depends_on: Option<Vec<String>>,
    /// A calendar name; an empty text: every day.
    #[serde(default)]
    pub calendar: Option<String>,
}

impl ScheduleUpdate {
    /// Only pauses or resumes: nothing but `enabled` is set.
    pub fn only_pause(&self) -> bool {
        self.enabled.is_some()
            && self.cron.is_none()
            && self.timezone.is_none()
            && self.sla.is_none()
            && self.depends_on.is_none()
            && self.calendar.is_none()
            && self.retries.is_none()
            && self.biz_date_offset.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Backfill {
    #[cfg_attr(feature = "openapi", schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub from: String,
    #[cfg_attr(feature = "openapi", schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub to: String,
}

/// One attempt of one graph for one business date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Run {
    pub id: String,
    pub schedule_id: Option<String>,
    pub graph_id: String,
    /// Content hash of the graph version the run executes.
    pub hash: String,
    pub biz_date: String,
    pub kind: RunKind,
    pub status: RunStatus,
    pub attempt: i64,
    /// Not started before this moment (retries wait).
    pub not_before: Timestamp,
    pub created_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub error: Option<String>,
    pub requested_by: String,
    /// Parameter values the run was started with, besides `biz_date`.
    pub params: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunList {
    pub runs: Vec<Run>,
    /// Broken check rules per run id (runs whose checks all passed or that have none are absent).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub checks: BTreeMap<String, CheckSummary>,
}

/// One node of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunNode {
    pub run_id: String,
    pub node_id: String,
    pub kind: String,
    pub status: NodeStatus,
    pub rows_in: Option<i64>,
    pub rows_out: Option<i64>,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub error: Option<String>,
    /// A sink's output: a file path from the run's write root, or `<connection>.<table>`.
    #[serde(default)]
    pub output: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunDetail {
    pub run: Run,
    pub nodes: Vec<RunNode>,
    /// What each check node found (`transform.check`): rows, failures per rule, a sample.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub checks: Vec<CheckResult>,
}

/// `POST /api/graphs/{id}/run`: the business date and parameter values of a draft run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunNow {
    #[cfg_attr(feature = "openapi", schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    #[serde(default)]
    pub biz_date: Option<String>,
    /// Values of the graph's parameters, as text (`--param` form); a declared
    /// `biz_date` given here is the run's business date.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

/// One derived date parameter of a run, resolved by its calendar: the value a
/// run binds, or why it cannot (a year the calendar has no data for).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolvedParam {
    pub name: String,
    /// The parameter it is counted from (`biz_date`).
    pub from: String,
    pub calendar: String,
    /// Business days after (> 0) or before (< 0).
    pub offset: i64,
    /// `first_of_month`, `same_day_last_year`, ...
    #[serde(default)]
    pub rule: Option<String>,
    /// The date (`YYYY-MM-DD`), when it resolves.
    #[serde(default)]
    pub value: Option<String>,
    /// Why it does not resolve.
    #[serde(default)]
    pub error: Option<String>,
}

/// `POST /api/graphs/{id}/resolve-params` (the run dialog, body [`RunNow`]) and
/// `GET /api/runs/{id}/resolved-params` (the run page): the business date and
/// every derived date parameter resolved from it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolvedParams {
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub biz_date: String,
    pub derived: Vec<ResolvedParam>,
}

impl ResolvedParams {
    /// The declarations' derived parameters with their values or errors.
    pub fn build(
        biz_date: String,
        params: &BTreeMap<String, crate::model::ParamDecl>,
        resolved: BTreeMap<String, Result<String, String>>,
    ) -> Self {
        let derived = resolved
            .into_iter()
            .filter_map(|(name, got)| {
                let d = params.get(&name)?.derive.as_ref()?;
                let (value, error) = match got {
                    Ok(v) => (Some(v), None),
                    Err(e) => (None, Some(e)),
                };
                let rule = d.rule.map(|r| r.as_str().to_string());
                Some(ResolvedParam {
                    from: d.from.clone(),
                    calendar: d.calendar.clone(),
                    offset: d.offset,
                    rule,
                    value,
                    error,
                    name,
                })
            })
            .collect();
        ResolvedParams { biz_date, derived }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    pub id: String,
    pub run_id: Option<String>,
    pub schedule_id: Option<String>,
    pub biz_date: String,
    pub kind: String,
    pub message: String,
    pub at: Timestamp,
    /// The webhook took it.
    pub delivered: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertList {
    pub alerts: Vec<Alert>,
}
