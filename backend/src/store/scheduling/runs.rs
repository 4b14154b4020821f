//! Runs (one row per attempt): creating, listing, claiming and finishing them;
//! their per-node results; and the alerts raised about them.

use super::{AlertRow, NewRun, RUN_COLS, RunFilter, RunNodeRow, RunRow};
use crate::store::{Result, Store, now_ms};
use sluice_shared::api::{NodeStatus, RunKind, RunStatus};

impl Store {
    pub async fn create_run(&self, r: NewRun<'_>) -> Result<RunRow> {
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO runs ({RUN_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $12, $7, $8, $9, NULL, NULL, NULL, $10, $11)"
        )))
        .bind(&id)
        .bind(r.schedule_id)
        .bind(r.graph_id)
        .bind(r.hash)
        .bind(r.biz_date)
        .bind(r.kind.as_str())
        .bind(r.attempt)
        .bind(r.not_before)
        .bind(now_ms())
        .bind(r.requested_by)
        .bind(r.params.to_json())
        .bind(RunStatus::Queued.as_str())
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

    /// Runs, newest first, that pass `filter`.
    pub async fn runs(&self, filter: &RunFilter, limit: i64) -> Result<Vec<RunRow>> {
        let (graph, status, date) = filter.binds();
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLS} FROM runs WHERE ($1 IS NULL OR graph_id = $1) AND ($2 IS NULL OR status = $2) \
             AND ($3 IS NULL OR biz_date = $3) ORDER BY created_at DESC, attempt DESC LIMIT $4"
        )))
        .bind(graph)
        .bind(status)
        .bind(date)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Queued runs that may start now: scheduled and backfill runs before
    /// drafts, then oldest business date first.
    pub async fn due_runs(&self, now: i64) -> Result<Vec<RunRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLS} FROM runs WHERE status = $2 AND not_before <= $1 \
             ORDER BY CASE WHEN kind = $3 THEN 1 ELSE 0 END, biz_date, created_at"
        )))
        .bind(now)
        .bind(RunStatus::Queued.as_str())
        .bind(RunKind::Draft.as_str())
        .fetch_all(self.pool())
        .await?)
    }

    /// Claims a queued run at `now`: only one dispatcher can move it to `running`.
    pub async fn claim_run(&self, id: &str, now: i64) -> Result<bool> {
        let n = sqlx::query("UPDATE runs SET status = $3, started_at = $1 WHERE id = $2 AND status = $4")
            .bind(now)
            .bind(id)
            .bind(RunStatus::Running.as_str())
            .bind(RunStatus::Queued.as_str())
            .execute(self.pool())
            .await?;
        Ok(n.rows_affected() == 1)
    }

    /// Ends a run, unless it has already ended (e.g. cancelled meanwhile).
    pub async fn finish_run(&self, id: &str, status: RunStatus, error: Option<&str>, at: i64) -> Result<bool> {
        let [queued, running] = RunStatus::ACTIVE;
        let n = sqlx::query(
            "UPDATE runs SET status = $1, error = $2, finished_at = $3 WHERE id = $4 AND status IN ($5, $6)",
        )
        .bind(status.as_str())
        .bind(error)
        .bind(at)
        .bind(id)
        .bind(queued.as_str())
        .bind(running.as_str())
        .execute(self.pool())
        .await?;
        Ok(n.rows_affected() == 1)
    }

    /// Runs left `running` by a previous process: they are interrupted.
    pub async fn interrupt_running(&self, now: i64) -> Result<Vec<RunRow>> {
        let filter = RunFilter { status: Some(RunStatus::Running), ..RunFilter::default() };
        let running = self.runs(&filter, 100_000).await?;
        for r in &running {
            let why = "the server stopped while this run was going";
            self.finish_run(&r.id, RunStatus::Interrupted, Some(why), now).await?;
            self.end_open_run_nodes(&r.id, NodeStatus::Interrupted).await?;
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
        .bind(n.status.as_str())
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
}
