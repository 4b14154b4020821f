//! Schedules, runs (one row per attempt), per-node results and alerts.

use super::{Result, Store, StoreError, now_ms};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, Deserialize, utoipa::ToSchema)]
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

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct RunRow {
    pub id: String,
    pub schedule_id: Option<String>,
    pub graph_id: String,
    pub hash: String,
    pub biz_date: String,
    /// scheduled | backfill | draft (see `RunKind`)
    pub kind: String,
    /// queued | running | succeeded | failed | interrupted | cancelled
    pub status: String,
    pub attempt: i64,
    pub not_before: i64,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
    pub requested_by: String,
    /// Parameter values the run was started with, besides `biz_date`.
    #[sqlx(try_from = "String")]
    #[schema(value_type = BTreeMap<String, String>)]
    pub params: RunParams,
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

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct RunNodeRow {
    pub run_id: String,
    pub node_id: String,
    pub kind: String,
    pub status: String,
    pub rows_in: Option<i64>,
    pub rows_out: Option<i64>,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
    /// A sink's output: a file path from the run's write root, or `<connection>.<table>`.
    #[sqlx(default)]
    pub output: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
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

const RUN_COLS: &str = "id, schedule_id, graph_id, hash, biz_date, kind, status, attempt, not_before, created_at, started_at, finished_at, error, requested_by, params";
const SCHEDULE_COLS: &str = "id, graph_id, hash, cron, timezone, biz_date_offset, enabled, retries, backoff_secs, timeout_secs, sla, depends_on, last_fire_at, created_by, created_at, calendar";

/// A run to create.
pub struct NewRun<'a> {
    pub schedule_id: Option<&'a str>,
    pub graph_id: &'a str,
    pub hash: &'a str,
    pub biz_date: &'a str,
    pub kind: &'a str,
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

    pub async fn create_run(&self, r: NewRun<'_>) -> Result<RunRow> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO runs ({RUN_COLS}) VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8, $9, NULL, NULL, NULL, $10, $11)"
        )))
        .bind(&id)
        .bind(r.schedule_id)
        .bind(r.graph_id)
        .bind(r.hash)
        .bind(r.biz_date)
        .bind(r.kind)
        .bind(r.attempt)
        .bind(r.not_before)
        .bind(now_ms())
        .bind(r.requested_by)
        .bind(r.params.to_json())
        .execute(self.pool())
        .await?;
        self.run(&id).await
    }

    pub async fn run(&self, id: &str) -> Result<RunRow> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {RUN_COLS} FROM runs WHERE id = $1")))
            .bind(id)
            .fetch_one(self.pool())
            .await?)
    }

    /// Runs, newest first, filtered by graph, status and business date (empty = any).
    pub async fn runs(&self, graph_id: &str, status: &str, biz_date: &str, limit: i64) -> Result<Vec<RunRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLS} FROM runs WHERE ($1 = '' OR graph_id = $1) AND ($2 = '' OR status = $2) \
             AND ($3 = '' OR biz_date = $3) ORDER BY created_at DESC, attempt DESC LIMIT $4"
        )))
        .bind(graph_id)
        .bind(status)
        .bind(biz_date)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Queued runs that may start now: scheduled and backfill runs before
    /// drafts, then oldest business date first.
    pub async fn due_runs(&self, now: i64) -> Result<Vec<RunRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLS} FROM runs WHERE status = 'queued' AND not_before <= $1 \
             ORDER BY CASE WHEN kind = 'draft' THEN 1 ELSE 0 END, biz_date, created_at"
        )))
        .bind(now)
        .fetch_all(self.pool())
        .await?)
    }

    /// Claims a queued run: only one dispatcher can move it to `running`.
    pub async fn claim_run(&self, id: &str) -> Result<bool> {
        let n = sqlx::query("UPDATE runs SET status = 'running', started_at = $1 WHERE id = $2 AND status = 'queued'")
            .bind(now_ms())
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(n.rows_affected() == 1)
    }

    /// Ends a run, unless it has already ended (e.g. cancelled meanwhile).
    pub async fn finish_run(&self, id: &str, status: &str, error: Option<&str>, at: i64) -> Result<bool> {
        let n = sqlx::query("UPDATE runs SET status = $1, error = $2, finished_at = $3 WHERE id = $4 AND status IN ('queued', 'running')")
            .bind(status)
            .bind(error)
            .bind(at)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(n.rows_affected() == 1)
    }

    /// Runs left `running` by a previous process: they are interrupted.
    pub async fn interrupt_running(&self) -> Result<Vec<RunRow>> {
        let running = self.runs("", "running", "", 100_000).await?;
        for r in &running {
            self.finish_run(&r.id, "interrupted", Some("the server stopped while this run was going"), now_ms())
                .await?;
            sqlx::query(
                "UPDATE run_nodes SET status = 'interrupted' WHERE run_id = $1 AND status IN ('pending', 'running')",
            )
            .bind(&r.id)
            .execute(self.pool())
            .await?;
        }
        Ok(running)
    }

    pub async fn upsert_run_node(&self, n: &RunNodeRow) -> Result<()> {
        sqlx::query("DELETE FROM run_nodes WHERE run_id = $1 AND node_id = $2")
            .bind(&n.run_id)
            .bind(&n.node_id)
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO run_nodes (run_id, node_id, kind, status, rows_in, rows_out, started_at, finished_at, error, output) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&n.run_id)
        .bind(&n.node_id)
        .bind(&n.kind)
        .bind(&n.status)
        .bind(n.rows_in)
        .bind(n.rows_out)
        .bind(n.started_at)
        .bind(n.finished_at)
        .bind(&n.error)
        .bind(&n.output)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn run_nodes(&self, run_id: &str) -> Result<Vec<RunNodeRow>> {
        Ok(sqlx::query_as(
            "SELECT run_id, node_id, kind, status, rows_in, rows_out, started_at, finished_at, error, output FROM run_nodes WHERE run_id = $1 ORDER BY started_at, node_id",
        )
        .bind(run_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Records an alert once per (schedule, business date, kind); false if it existed.
    pub async fn record_alert(&self, a: &AlertRow) -> Result<bool> {
        let res = sqlx::query("INSERT INTO alerts (id, run_id, schedule_id, biz_date, kind, message, at, delivered) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(&a.id)
            .bind(&a.run_id)
            .bind(&a.schedule_id)
            .bind(&a.biz_date)
            .bind(&a.kind)
            .bind(&a.message)
            .bind(a.at)
            .bind(a.delivered)
            .execute(self.pool())
            .await;
        match res {
            Ok(_) => Ok(true),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn mark_alert_delivered(&self, id: &str) -> Result<()> {
        sqlx::query("UPDATE alerts SET delivered = 1 WHERE id = $1").bind(id).execute(self.pool()).await?;
        Ok(())
    }

    pub async fn alerts(&self, limit: i64) -> Result<Vec<AlertRow>> {
        Ok(sqlx::query_as("SELECT id, run_id, schedule_id, biz_date, kind, message, at, delivered FROM alerts ORDER BY at DESC LIMIT $1")
            .bind(limit)
            .fetch_all(self.pool())
            .await?)
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
