//! Review, runs and administration calls: submissions and decisions, run
//! history and progress, schedules, alerts, users and the audit log. Every
//! body is a `sluice_shared::api` type, the same the server answers with.

use super::{ApiError, GraphDoc, call, call_as, get_graph, graph_url, to_json};
use sluice_shared::Graph;
use sluice_shared::api::graphs::VersionList;
pub use sluice_shared::api::reviews::{
    Access, ConnectionUse, Decision, NodeSchemaDiff, ProdConnection, ReviewDetail, SinkSampleDiff, Submission,
    SubmissionList, SubmitRequest,
};
pub use sluice_shared::api::runs::{
    Alert, AlertList, Backfill, NewSchedule, ResolvedParam, ResolvedParams, Run, RunDetail, RunList, RunNode, RunNow,
    Schedule, ScheduleList, ScheduleUpdate,
};
pub use sluice_shared::api::users::{AuditEntry, AuditList, NewUser, UserInfo, UserList, UserUpdate};
use sluice_shared::api::{Role, RunStatus, SubmissionFilter};
use sluice_shared::check::CheckSummary;
use std::collections::BTreeMap;

/// `s` made safe for a query string value.
fn q(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// Submits saved `version` of graph `id` for review.
pub async fn submit(id: &str, version: i64, message: &str) -> Result<Submission, ApiError> {
    let body = SubmitRequest { version: Some(version), message: message.into() };
    call_as("POST", &format!("{}/submit", graph_url(id)), Some(&to_json(&body)?)).await
}

/// Every submission of one graph, newest first.
pub async fn graph_submissions(id: &str) -> Result<Vec<Submission>, ApiError> {
    call_as::<SubmissionList>("GET", &format!("{}/submissions", graph_url(id)), None).await.map(|s| s.submissions)
}

/// Submissions awaiting review (admins see everyone's).
pub async fn review_queue() -> Result<Vec<Submission>, ApiError> {
    submissions_with_status(SubmissionFilter::Submitted).await
}

/// Submissions in one state, or all of them.
pub async fn submissions_with_status(filter: SubmissionFilter) -> Result<Vec<Submission>, ApiError> {
    let url = format!("/api/reviews?status={}", filter.as_str());
    call_as::<SubmissionList>("GET", &url, None).await.map(|s| s.submissions)
}

pub async fn review(sid: &str) -> Result<ReviewDetail, ApiError> {
    call_as("GET", &format!("/api/reviews/{}", q(sid)), None).await
}

/// Approves (`approve`) or rejects a submission with a comment; `confirm_impact`
/// accepts breaking approved graphs downstream.
pub async fn decide(sid: &str, approve: bool, comment: &str, confirm_impact: bool) -> Result<Submission, ApiError> {
    let verb = if approve { "approve" } else { "reject" };
    let body = Decision { comment: comment.into(), confirm_impact };
    call_as("POST", &format!("/api/reviews/{}/{verb}", q(sid)), Some(&to_json(&body)?)).await
}

/// `GET /api/reviews/{sid}/impact`.
pub async fn review_impact(sid: &str) -> Result<sluice_shared::api::impact::Impact, ApiError> {
    call_as("GET", &format!("/api/reviews/{}/impact", q(sid)), None).await
}

/// Runs the latest saved version of graph `id` now, marked `draft`, for
/// `biz_date` (the server's default when `None`) with these parameter values.
pub async fn run_draft(id: &str, biz_date: Option<String>, params: &BTreeMap<String, String>) -> Result<Run, ApiError> {
    let body = RunNow { biz_date, params: params.clone() };
    call_as("POST", &format!("{}/run", graph_url(id)), Some(&to_json(&body)?)).await
}

/// Runs newest first, each with its broken check rules (if any), filtered by
/// graph id, status and business date (`None`: any).
pub async fn runs(
    graph: &str,
    status: Option<RunStatus>,
    date: &str,
) -> Result<Vec<(Run, Option<CheckSummary>)>, ApiError> {
    let mut url = format!("/api/runs?graph={}&date={}", q(graph), q(date));
    if let Some(s) = status {
        url.push_str(&format!("&status={}", s.as_str()));
    }
    call_as::<RunList>("GET", &url, None).await.map(|mut l| {
        l.runs
            .into_iter()
            .map(|r| {
                let checks = l.checks.remove(&r.id);
                (r, checks)
            })
            .collect()
    })
}

/// The derived date parameters a draft run of the saved version would bind for
/// this business date and these values.
pub async fn resolve_params(
    id: &str,
    biz_date: Option<String>,
    params: &BTreeMap<String, String>,
) -> Result<ResolvedParams, ApiError> {
    let body = RunNow { biz_date, params: params.clone() };
    call_as("POST", &format!("{}/resolve-params", graph_url(id)), Some(&to_json(&body)?)).await
}

/// The derived date parameters of a run, resolved from its business date.
/// Read from the text, not through `call_as`: the run dialog's chunk decodes the
/// same type from a `Value`, and one decoder both chunks called would land in
/// the first-paint module.
pub async fn run_resolved_params(id: &str) -> Result<ResolvedParams, ApiError> {
    let v = call("GET", &format!("/api/runs/{}/resolved-params", q(id)), None).await?;
    serde_json::from_str(&v.to_string())
        .map_err(|e| ApiError::local(crate::i18n::tf("client.unexpected_answer", &[("why", &e.to_string())])))
}

pub async fn run(id: &str) -> Result<RunDetail, ApiError> {
    call_as("GET", &format!("/api/runs/{}", q(id)), None).await
}

pub async fn cancel_run(id: &str) -> Result<(), ApiError> {
    call("POST", &format!("/api/runs/{}/cancel", q(id)), None).await.map(drop)
}

/// The graph document a run executes: the saved version of `graph_id` whose
/// content hash is `hash`, or the latest version when none matches.
pub async fn run_graph(graph_id: &str, hash: &str) -> Result<Graph, ApiError> {
    let list = call_as::<VersionList>("GET", &format!("{}/versions", graph_url(graph_id)), None).await?;
    let doc: GraphDoc = match list.versions.iter().find(|v| v.hash == hash) {
        Some(v) => call_as("GET", &format!("{}/versions/{}", graph_url(graph_id), v.version), None).await?,
        None => get_graph(graph_id).await?,
    };
    Ok(doc.graph)
}

/// The server-sent events stream of one run.
pub fn run_events_url(id: &str) -> String {
    format!("/api/runs/{}/events", q(id))
}

pub async fn schedules() -> Result<Vec<Schedule>, ApiError> {
    call_as::<ScheduleList>("GET", "/api/schedules", None).await.map(|l| l.schedules)
}

pub async fn create_schedule(body: &NewSchedule) -> Result<Schedule, ApiError> {
    call_as("POST", "/api/schedules", Some(&to_json(body)?)).await
}

pub async fn set_schedule_enabled(id: &str, enabled: bool) -> Result<(), ApiError> {
    let body = ScheduleUpdate { enabled: Some(enabled), ..Default::default() };
    call("PATCH", &format!("/api/schedules/{}", q(id)), Some(&to_json(&body)?)).await.map(drop)
}

/// Queues one run per business date from `from` to `to`; answers how many.
pub async fn backfill(id: &str, from: &str, to: &str) -> Result<usize, ApiError> {
    let body = Backfill { from: from.into(), to: to.into() };
    let list: RunList = call_as("POST", &format!("/api/schedules/{}/backfill", q(id)), Some(&to_json(&body)?)).await?;
    Ok(list.runs.len())
}

pub async fn alerts() -> Result<Vec<Alert>, ApiError> {
    call_as::<AlertList>("GET", "/api/alerts", None).await.map(|l| l.alerts)
}

pub async fn users() -> Result<Vec<UserInfo>, ApiError> {
    call_as::<UserList>("GET", "/api/users", None).await.map(|l| l.users)
}

/// `current_password` (the acting admin's own) is required by the server to create an admin.
pub async fn create_user(
    username: &str,
    password: &str,
    role: Role,
    current_password: &str,
) -> Result<UserInfo, ApiError> {
    let body = NewUser {
        username: username.into(),
        password: password.into(),
        role,
        current_password: Some(current_password.into()),
    };
    call_as("POST", "/api/users", Some(&to_json(&body)?)).await
}

/// `current_password` (the acting admin's own) is required by the server to make someone admin.
pub async fn set_role(username: &str, role: Role, current_password: &str) -> Result<(), ApiError> {
    let body = UserUpdate { role: Some(role), current_password: Some(current_password.into()), ..Default::default() };
    call("PATCH", &format!("/api/users/{}", q(username)), Some(&to_json(&body)?)).await.map(drop)
}

/// Disables (ending the user's sessions) or re-enables an account.
pub async fn set_disabled(username: &str, disabled: bool) -> Result<(), ApiError> {
    let body = UserUpdate { disabled: Some(disabled), ..Default::default() };
    call("PATCH", &format!("/api/users/{}", q(username)), Some(&to_json(&body)?)).await.map(drop)
}

pub async fn audit(actor: &str, action: &str) -> Result<Vec<AuditEntry>, ApiError> {
    let url = format!("/api/audit?actor={}&action={}", q(actor), q(action));
    call_as::<AuditList>("GET", &url, None).await.map(|l| l.entries)
}
