//! Schedules, runs (one row per attempt), per-node results and alerts.

mod runs;

use super::{Result, Store, StoreError};
use serde::{Deserialize, Serialize};
use sluice_shared::api::runs as api;
use sluice_shared::api::{NodeStatus, RunKind, RunStatus, Timestamp};
use std::collections::BTreeMap;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, Deserialize)]
pub struct ScheduleRow {
    pub id: String,
    pub graph_id: String,
    /// The approved version this schedule runs next, by content hash: it
    /// follows the latest approved version of the graph (each move is audited
    /// as `schedule_follow`).
    pub hash: String,
    /// Five-field cron expression, in `timezone`.
    pub cron: String,
    pub timezone: String,
    /// Business date = the firing day plus this many days (default -1: the previous day).
    pub biz_date_offset: i64,
    pub enabled: i64,
    pub retries: i64,
    pub backoff_secs: i64,
    pub timeout_secs: i64,
    /// `HH:MM` in `timezone` on the day after the business date by which its run must have succeeded.
    pub sla: Option<String>,
    /// JSON array of graph ids whose run for the same business date must succeed first.
    pub depends_on: String,
    /// The business calendar it follows (`""`: every day is a business day).
    pub calendar: String,
    pub last_fire_at: i64,
    pub created_by: String,
    pub created_at: i64,
}

impl ScheduleRow {
    pub fn dependencies(&self) -> Vec<String> {
        serde_json::from_str(&self.depends_on).unwrap_or_default()
    }
}

/// The API's view: `enabled` a bool, `depends_on` an array (the store keeps 0/1 and JSON text).
impl From<ScheduleRow> for api::Schedule {
    fn from(s: ScheduleRow) -> Self {
        api::Schedule {
            depends_on: s.dependencies(),
            id: s.id,
            graph_id: s.graph_id,
            hash: s.hash,
            cron: s.cron,
            timezone: s.timezone,
            biz_date_offset: s.biz_date_offset,
            enabled: s.enabled != 0,
            retries: s.retries,
            backoff_secs: s.backoff_secs,
            timeout_secs: s.timeout_secs,
            sla: s.sla,
            calendar: s.calendar,
            last_fire_at: Timestamp(s.last_fire_at),
            created_by: s.created_by,
            created_at: Timestamp(s.created_at),
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RunRow {
    pub id: String,
    pub schedule_id: Option<String>,
    pub graph_id: String,
    pub hash: String,
    pub biz_date: String,
    #[sqlx(try_from = "String")]
    pub kind: RunKind,
    #[sqlx(try_from = "String")]
    pub status: RunStatus,
    pub attempt: i64,
    pub not_before: i64,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
    pub requested_by: String,
    /// Parameter values the run was started with, besides `biz_date`.
    #[sqlx(try_from = "String")]
    pub params: RunParams,
}

fn stamp(t: Option<i64>) -> Option<Timestamp> {
    t.map(Timestamp)
}

impl From<RunRow> for api::Run {
    fn from(r: RunRow) -> Self {
        api::Run {
            id: r.id,
            schedule_id: r.schedule_id,
            graph_id: r.graph_id,
            hash: r.hash,
            biz_date: r.biz_date,
            kind: r.kind,
            status: r.status,
            attempt: r.attempt,
            not_before: Timestamp(r.not_before),
            created_at: Timestamp(r.created_at),
            started_at: stamp(r.started_at),
            finished_at: stamp(r.finished_at),
            error: r.error,
            requested_by: r.requested_by,
            params: r.params.0,
        }
    }
}

/// Parameter values of a run (name → text, as `--param` takes them), kept in
/// the store as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct RunParams(pub BTreeMap<String, String>);

impl TryFrom<String> for RunParams {
    type Error = serde_json::Error;
    fn try_from(text: String) -> std::result::Result<Self, Self::Error> {
        serde_json::from_str(&text).map(RunParams)
    }
}

/// No parameter values (scheduled runs: their business date is all they get).
pub static NO_PARAMS: RunParams = RunParams(BTreeMap::new());

impl RunParams {
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "{}".into())
    }
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RunNodeRow {
    pub run_id: String,
    pub node_id: String,
    pub kind: String,
    #[sqlx(try_from = "String")]
    pub status: NodeStatus,
    pub rows_in: Option<i64>,
    pub rows_out: Option<i64>,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
    /// A sink's output: a file path from the run's write root, or `<connection>.<table>`.
    #[sqlx(default)]
    pub output: Option<String>,
}

impl From<RunNodeRow> for api::RunNode {
    fn from(n: RunNodeRow) -> Self {
        api::RunNode {
            run_id: n.run_id,
            node_id: n.node_id,
            kind: n.kind,
            status: n.status,
            rows_in: n.rows_in,
            rows_out: n.rows_out,
            started_at: stamp(n.started_at),
            finished_at: stamp(n.finished_at),
            error: n.error,
            output: n.output,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AlertRow {
    pub id: String,
    pub run_id: Option<String>,
    pub schedule_id: Option<String>,
    pub biz_date: String,
    pub kind: String,
    pub message: String,
    pub at: i64,
    pub delivered: i64,
}

impl From<AlertRow> for api::Alert {
    fn from(a: AlertRow) -> Self {
        api::Alert {
            id: a.id,
            run_id: a.run_id,
            schedule_id: a.schedule_id,
            biz_date: a.biz_date,
            kind: a.kind,
            message: a.message,
            at: Timestamp(a.at),
            delivered: a.delivered != 0,
        }
    }
}

const RUN_COLS: &str = "id, schedule_id, graph_id, hash, biz_date, kind, status, attempt, not_before, created_at, started_at, finished_at, error, requested_by, params";
const SCHEDULE_COLS: &str = "id, graph_id, hash, cron, timezone, biz_date_offset, enabled, retries, backoff_secs, timeout_secs, sla, depends_on, last_fire_at, created_by, created_at, calendar";

/// Which runs a listing shows; `None` matches any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFilter {
    pub graph_id: Option<String>,
    pub status: Option<RunStatus>,
    pub biz_date: Option<String>,
}

impl RunFilter {
    pub fn graph(mut self, id: impl Into<String>) -> Self {
        self.graph_id = Some(id.into());
        self
    }

    pub fn status(mut self, status: RunStatus) -> Self {
        self.status = Some(status);
        self
    }

    pub fn date(mut self, biz_date: impl Into<String>) -> Self {
        self.biz_date = Some(biz_date.into());
        self
    }

    /// The three values bound into a query (NULL: any).
    pub(super) fn binds(&self) -> (Option<&str>, Option<&'static str>, Option<&str>) {
        (self.graph_id.as_deref(), self.status.map(RunStatus::as_str), self.biz_date.as_deref())
    }
}

/// A run to create.
pub struct NewRun<'a> {
    pub schedule_id: Option<&'a str>,
    pub graph_id: &'a str,
    pub hash: &'a str,
    pub biz_date: &'a str,
    pub kind: RunKind,
    pub attempt: i64,
    pub not_before: i64,
    pub requested_by: &'a str,
    pub params: &'a RunParams,
}

impl Store {
    pub async fn create_schedule(&self, s: &ScheduleRow) -> Result<()> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO schedules ({SCHEDULE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        )))
        .bind(&s.id)
        .bind(&s.graph_id)
        .bind(&s.hash)
        .bind(&s.cron)
        .bind(&s.timezone)
        .bind(s.biz_date_offset)
        .bind(s.enabled)
        .bind(s.retries)
        .bind(s.backoff_secs)
        .bind(s.timeout_secs)
        .bind(&s.sla)
        .bind(&s.depends_on)
        .bind(s.last_fire_at)
        .bind(&s.created_by)
        .bind(s.created_at)
        .bind(&s.calendar)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn schedules(&self) -> Result<Vec<ScheduleRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {SCHEDULE_COLS} FROM schedules ORDER BY created_at")))
            .fetch_all(self.pool())
            .await?)
    }

    pub async fn schedule(&self, id: &str) -> Result<ScheduleRow> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {SCHEDULE_COLS} FROM schedules WHERE id = $1")))
            .bind(id)
            .fetch_one(self.pool())
            .await?)
    }

    pub async fn set_schedule_enabled(&self, id: &str, enabled: bool) -> Result<()> {
        let n = sqlx::query("UPDATE schedules SET enabled = $1 WHERE id = $2")
            .bind(i64::from(enabled))
            .bind(id)
            .execute(self.pool())
            .await?;
        if n.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    pub async fn delete_schedule(&self, id: &str) -> Result<()> {
        let n = sqlx::query("DELETE FROM schedules WHERE id = $1").bind(id).execute(self.pool()).await?;
        if n.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    /// Moves a schedule's high-water mark forward; only one caller can move it
    /// from `from`, so a fire time is never processed twice.
    pub async fn advance_schedule(&self, id: &str, from: i64, to: i64) -> Result<bool> {
        let n = sqlx::query("UPDATE schedules SET last_fire_at = $1 WHERE id = $2 AND last_fire_at = $3")
            .bind(to)
            .bind(id)
            .bind(from)
            .execute(self.pool())
            .await?;
        Ok(n.rows_affected() == 1)
    }

    /// The stored document of a graph version, found by its content hash.
    pub async fn doc_by_hash(&self, graph_id: &str, hash: &str) -> Result<String> {
        Ok(sqlx::query_scalar(
            "SELECT doc FROM graph_versions WHERE graph_id = $1 AND hash = $2 ORDER BY version DESC LIMIT 1",
        )
        .bind(graph_id)
        .bind(hash)
        .fetch_one(self.pool())
        .await?)
    }
}
