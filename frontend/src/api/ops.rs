//! Review, runs and administration calls: submissions and decisions, run
//! history and progress, schedules, alerts, users and the audit log.

use super::{ApiError, GraphDoc, call, call_as, get_graph, graph_url};
use serde::Deserialize;
use serde_json::{Value, json};
use sluice_shared::Graph;
use sluice_shared::diff::GraphDiff;
use std::collections::BTreeMap;

/// `s` made safe for a query string value.
fn q(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Submission {
    pub id: String,
    pub graph_id: String,
    #[serde(default)]
    pub graph_name: String,
    pub version: i64,
    #[serde(default)]
    pub hash: String,
    #[serde(default)]
    pub message: String,
    /// submitted | approved | rejected
    pub status: String,
    #[serde(default)]
    pub submitted_by: String,
    #[serde(default)]
    pub submitted_at: i64,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<i64>,
    pub comment: Option<String>,
}

#[derive(Deserialize)]
struct Submissions {
    submissions: Vec<Submission>,
}

/// Submits saved `version` of graph `id` for review.
pub async fn submit(id: &str, version: i64, message: &str) -> Result<Submission, ApiError> {
    let body = json!({ "version": version, "message": message });
    call_as("POST", &format!("{}/submit", graph_url(id)), Some(&body)).await
}

/// Every submission of one graph, newest first.
pub async fn graph_submissions(id: &str) -> Result<Vec<Submission>, ApiError> {
    call_as::<Submissions>("GET", &format!("{}/submissions", graph_url(id)), None).await.map(|s| s.submissions)
}

/// Submissions awaiting review (admins see everyone's).
pub async fn review_queue() -> Result<Vec<Submission>, ApiError> {
    submissions_with_status("submitted").await
}

/// Submissions in one state (`submitted`, `approved`, `rejected` or `all`).
pub async fn submissions_with_status(status: &str) -> Result<Vec<Submission>, ApiError> {
    call_as::<Submissions>("GET", &format!("/api/reviews?status={}", q(status)), None).await.map(|s| s.submissions)
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SchemaDiff {
    pub node: String,
    #[serde(default)]
    pub before: Value,
    #[serde(default)]
    pub after: Value,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SampleDiff {
    pub node: String,
    /// Column names of the rows.
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default)]
    pub rows_added: Vec<Vec<Value>>,
    #[serde(default)]
    pub rows_removed: Vec<Vec<Value>>,
    pub error: Option<String>,
}

/// What a reviewer reads: the submitted graph, the one approved before, and
/// the differences between them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReviewDetail {
    pub submission: Submission,
    pub graph: Graph,
    pub base: Option<Graph>,
    pub base_version: Option<i64>,
    pub diff: GraphDiff,
    #[serde(default)]
    pub schemas: Vec<SchemaDiff>,
    #[serde(default)]
    pub samples: Vec<SampleDiff>,
    /// Check rules this version adds, removes, loosens or changes.
    #[serde(default)]
    pub check_changes: Vec<sluice_shared::check_diff::RuleChange>,
    /// What the checks found in the graph's last production run.
    #[serde(default)]
    pub last_checks: Vec<sluice_shared::check::CheckResult>,
    /// What the version reads and writes, resolved in `prod`.
    #[serde(default)]
    pub connections: Vec<super::connections::ConnectionUse>,
}

pub async fn review(sid: &str) -> Result<ReviewDetail, ApiError> {
    call_as("GET", &format!("/api/reviews/{}", q(sid)), None).await
}

/// Approves (`approve`) or rejects a submission with a comment.
pub async fn decide(sid: &str, approve: bool, comment: &str) -> Result<Submission, ApiError> {
    let verb = if approve { "approve" } else { "reject" };
    call_as("POST", &format!("/api/reviews/{}/{verb}", q(sid)), Some(&json!({ "comment": comment }))).await
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Run {
    pub id: String,
    /// Broken check rules (from the run list; not part of the run itself).
    #[serde(default)]
    pub checks: Option<sluice_shared::check::CheckSummary>,
    pub schedule_id: Option<String>,
    pub graph_id: String,
    /// Content hash of the graph version the run executes.
    #[serde(default)]
    pub hash: String,
    #[serde(default)]
    pub biz_date: String,
    /// scheduled | backfill | manual | draft
    #[serde(default)]
    pub kind: String,
    /// queued | running | succeeded | failed | interrupted | cancelled
    pub status: String,
    #[serde(default)]
    pub attempt: i64,
    #[serde(default)]
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
    #[serde(default)]
    pub requested_by: String,
    /// Parameter values the run was started with, besides its business date.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

impl Run {
    pub fn active(&self) -> bool {
        matches!(self.status.as_str(), "queued" | "running")
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunNode {
    pub node_id: String,
    #[serde(default)]
    pub kind: String,
    pub status: String,
    pub rows_in: Option<i64>,
    pub rows_out: Option<i64>,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
    /// A sink's output: a file path (downloadable) or `<connection>.<table>`.
    #[serde(default)]
    pub output: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunDetail {
    pub run: Run,
    #[serde(default)]
    pub nodes: Vec<RunNode>,
    /// What each check node found.
    #[serde(default)]
    pub checks: Vec<sluice_shared::check::CheckResult>,
}

/// Runs the latest saved version of graph `id` now, marked `draft`, for
/// `biz_date` (the server's default when `None`) with these parameter values.
pub async fn run_draft(id: &str, biz_date: Option<String>, params: &BTreeMap<String, String>) -> Result<Run, ApiError> {
    let body = json!({ "biz_date": biz_date, "params": params });
    call_as("POST", &format!("{}/run", graph_url(id)), Some(&body)).await
}

pub async fn runs(graph: &str, status: &str, date: &str) -> Result<Vec<Run>, ApiError> {
    #[derive(Deserialize)]
    struct List {
        runs: Vec<Run>,
        #[serde(default)]
        checks: std::collections::BTreeMap<String, sluice_shared::check::CheckSummary>,
    }
    let url = format!("/api/runs?graph={}&status={}&date={}", q(graph), q(status), q(date));
    call_as::<List>("GET", &url, None).await.map(|mut l| {
        for r in &mut l.runs {
            r.checks = l.checks.remove(&r.id);
        }
        l.runs
    })
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
    #[derive(Deserialize)]
    struct VersionRow {
        version: i64,
        #[serde(default)]
        hash: String,
    }
    #[derive(Deserialize)]
    struct List {
        versions: Vec<VersionRow>,
    }
    let list = call_as::<List>("GET", &format!("{}/versions", graph_url(graph_id)), None).await?;
    let doc: GraphDoc = match list.versions.iter().find(|v| v.hash == hash) {
        Some(v) => call_as("GET", &format!("{}/versions/{}", graph_url(graph_id), v.version), None).await?,
        None => get_graph(graph_id).await?,
    };
    serde_json::from_value(doc.graph).map_err(|e| ApiError::local(format!("unexpected graph: {e}")))
}

/// The server-sent events stream of one run.
pub fn run_events_url(id: &str) -> String {
    format!("/api/runs/{}/events", q(id))
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Schedule {
    pub id: String,
    pub graph_id: String,
    #[serde(default)]
    pub hash: String,
    pub cron: String,
    #[serde(default)]
    pub timezone: String,
    #[serde(default)]
    pub enabled: i64,
    #[serde(default)]
    pub retries: i64,
    pub sla: Option<String>,
    /// JSON array of graph ids, as text.
    #[serde(default)]
    pub depends_on: String,
    /// The business calendar it follows (`""`: every day).
    #[serde(default)]
    pub calendar: String,
}

impl Schedule {
    pub fn dependencies(&self) -> Vec<String> {
        serde_json::from_str(&self.depends_on).unwrap_or_default()
    }
}

pub async fn schedules() -> Result<Vec<Schedule>, ApiError> {
    #[derive(Deserialize)]
    struct List {
        schedules: Vec<Schedule>,
    }
    call_as::<List>("GET", "/api/schedules", None).await.map(|l| l.schedules)
}

/// `POST /api/schedules` with the fields of the create form.
pub async fn create_schedule(body: &Value) -> Result<Schedule, ApiError> {
    call_as("POST", "/api/schedules", Some(body)).await
}

pub async fn set_schedule_enabled(id: &str, enabled: bool) -> Result<(), ApiError> {
    call("PATCH", &format!("/api/schedules/{}", q(id)), Some(&json!({ "enabled": enabled }))).await.map(drop)
}

/// Queues one run per business date from `from` to `to`; answers how many.
pub async fn backfill(id: &str, from: &str, to: &str) -> Result<usize, ApiError> {
    let v =
        call("POST", &format!("/api/schedules/{}/backfill", q(id)), Some(&json!({ "from": from, "to": to }))).await?;
    Ok(v.get("runs").and_then(Value::as_array).map_or(0, Vec::len))
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Alert {
    pub id: String,
    pub run_id: Option<String>,
    #[serde(default)]
    pub biz_date: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub at: i64,
}

pub async fn alerts() -> Result<Vec<Alert>, ApiError> {
    #[derive(Deserialize)]
    struct List {
        alerts: Vec<Alert>,
    }
    call_as::<List>("GET", "/api/alerts", None).await.map(|l| l.alerts)
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UserInfo {
    pub username: String,
    pub role: String,
    #[serde(default)]
    pub created_at: i64,
    #[serde(default)]
    pub disabled: bool,
}

pub async fn users() -> Result<Vec<UserInfo>, ApiError> {
    #[derive(Deserialize)]
    struct List {
        users: Vec<UserInfo>,
    }
    call_as::<List>("GET", "/api/users", None).await.map(|l| l.users)
}

/// `current_password` (the acting admin's own) is required by the server to create an admin.
pub async fn create_user(
    username: &str,
    password: &str,
    role: &str,
    current_password: &str,
) -> Result<UserInfo, ApiError> {
    let body =
        json!({ "username": username, "password": password, "role": role, "current_password": current_password });
    call_as("POST", "/api/users", Some(&body)).await
}

/// `current_password` (the acting admin's own) is required by the server to make someone admin.
pub async fn set_role(username: &str, role: &str, current_password: &str) -> Result<(), ApiError> {
    let body = json!({ "role": role, "current_password": current_password });
    call("PATCH", &format!("/api/users/{}", q(username)), Some(&body)).await.map(drop)
}

/// Disables (ending the user's sessions) or re-enables an account.
pub async fn set_disabled(username: &str, disabled: bool) -> Result<(), ApiError> {
    call("PATCH", &format!("/api/users/{}", q(username)), Some(&json!({ "disabled": disabled }))).await.map(drop)
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    #[serde(default)]
    pub target: String,
    /// The graph the target belongs to, when it is a graph, schedule or run.
    #[serde(default)]
    pub target_name: String,
    #[serde(default)]
    pub detail: String,
}

pub async fn audit(actor: &str, action: &str) -> Result<Vec<AuditEntry>, ApiError> {
    #[derive(Deserialize)]
    struct List {
        entries: Vec<AuditEntry>,
    }
    let url = format!("/api/audit?actor={}&action={}", q(actor), q(action));
    call_as::<List>("GET", &url, None).await.map(|l| l.entries)
}
