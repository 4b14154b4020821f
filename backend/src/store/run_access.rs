//! Which runs count and who sees them.
//!
//! A *production* run is a `scheduled` or `backfill` run of a version that was
//! approved for its graph; only those count for skipping a business date,
//! for dependencies and for SLAs. Drafts run in a sandbox and count for none.
//! Who sees a run (and an alert) is one rule, [`RunScope`], used both for
//! listings and for single runs.

use super::scheduling::{AlertRow, NewRun, RunFilter, RunRow};
use super::{Result, Store, now_ms};
use sluice_shared::api::{NodeStatus, RunStatus, SubmissionStatus};
use std::collections::HashMap;

pub use sluice_shared::api::RunKind;

/// Which runs and alerts a user may see.
#[derive(Debug, Clone, Copy)]
pub enum RunScope<'a> {
    /// Admins: everything.
    All,
    /// Analysts: their own drafts, and production runs (and alerts) of the graphs they own.
    Owner { username: &'a str, user_id: &'a str },
    /// Viewers: production runs and their alerts (what the approved graphs did); no drafts.
    Production,
}

impl RunScope<'_> {
    fn binds(&self) -> (&'static str, &str, &str) {
        match *self {
            RunScope::All => ("all", "", ""),
            RunScope::Owner { username, user_id } => ("owner", username, user_id),
            RunScope::Production => ("production", "", ""),
        }
    }
}

/// `kind IN (...) AND hash approved`, for runs aliased `r`.
/// `kind IN (...) AND hash approved`, for runs aliased `r`, with the two
/// production kinds and the approved status bound at `$k`, `$k+1`, `$k+2`
/// (see [`bind_production`]).
pub(super) fn production(k: usize) -> String {
    format!(
        "r.kind IN (${k}, ${}) AND r.hash IN \
         (SELECT p.hash FROM submissions p WHERE p.graph_id = r.graph_id AND p.status = ${})",
        k + 1,
        k + 2
    )
}

/// The values of [`production`]'s three placeholders, in order.
pub(super) const PRODUCTION_BINDS: [&str; 3] =
    [RunKind::Scheduled.as_str(), RunKind::Backfill.as_str(), SubmissionStatus::Approved.as_str()];

/// `$from, $from+1, ...` for `n` values.
fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// The scope rule over runs aliased `r`, with the scope bound at `$1..$3`.
const RUN_SCOPE: &str = "($1 = 'all' \
    OR ($1 = 'production' AND r.kind <> 'draft') \
    OR ($1 = 'owner' AND ((r.kind = 'draft' AND r.requested_by = $2) \
        OR (r.kind <> 'draft' AND r.graph_id IN (SELECT o.id FROM graphs o WHERE o.owner_id = $3)))))";

const RUN_COLS: &str = "r.id, r.schedule_id, r.graph_id, r.hash, r.biz_date, r.kind, r.status, r.attempt, \
    r.not_before, r.created_at, r.started_at, r.finished_at, r.error, r.requested_by, r.params";

impl Store {
    /// Whether a production run of this graph and date has one of `statuses`.
    /// The statuses are bound parameters, never text in the SQL.
    pub async fn production_run_exists(&self, graph_id: &str, biz_date: &str, statuses: &[RunStatus]) -> Result<bool> {
        if statuses.is_empty() {
            return Ok(false);
        }
        let sql = format!(
            "SELECT COUNT(*) FROM runs r WHERE r.graph_id = $1 AND r.biz_date = $2 AND r.status IN ({}) AND {}",
            placeholders(3, statuses.len()),
            production(3 + statuses.len())
        );
        let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(graph_id).bind(biz_date);
        for s in statuses {
            q = q.bind(s.as_str());
        }
        for v in PRODUCTION_BINDS {
            q = q.bind(v);
        }
        let n: i64 = q.fetch_one(self.pool()).await?;
        Ok(n > 0)
    }

    /// Production runs of a graph that succeeded for a date.
    pub async fn production_successes(&self, graph_id: &str, biz_date: &str) -> Result<Vec<RunRow>> {
        let sql = format!(
            "SELECT {RUN_COLS} FROM runs r WHERE r.graph_id = $1 AND r.biz_date = $2 AND r.status = $3 AND {}",
            production(4)
        );
        let mut q =
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(graph_id).bind(biz_date).bind(RunStatus::Succeeded.as_str());
        for v in PRODUCTION_BINDS {
            q = q.bind(v);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// Whether a draft of this user for this graph and date is running.
    pub async fn draft_running(&self, graph_id: &str, biz_date: &str, username: &str) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM runs WHERE graph_id = $1 AND biz_date = $2 AND requested_by = $3 \
             AND kind = $4 AND status = $5",
        )
        .bind(graph_id)
        .bind(biz_date)
        .bind(username)
        .bind(RunKind::Draft.as_str())
        .bind(RunStatus::Running.as_str())
        .fetch_one(self.pool())
        .await?;
        Ok(n > 0)
    }

    /// The latest approved version of every graph that has one: graph id → (hash, version).
    pub async fn latest_approved(&self) -> Result<HashMap<String, (String, i64)>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT graph_id, hash, version FROM submissions WHERE status = $1 ORDER BY reviewed_at, version",
        )
        .bind(SubmissionStatus::Approved.as_str())
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(g, h, v)| (g, (h, v))).collect())
    }

    /// Moves a schedule to another approved hash; false if someone else moved it first.
    pub async fn set_schedule_hash(&self, id: &str, from: &str, to: &str) -> Result<bool> {
        let n = sqlx::query("UPDATE schedules SET hash = $1 WHERE id = $2 AND hash = $3")
            .bind(to)
            .bind(id)
            .bind(from)
            .execute(self.pool())
            .await?;
        Ok(n.rows_affected() == 1)
    }

    /// Queues a draft run unless its requester already has `quota` drafts
    /// queued or running (checked in the same statement); `None` when over.
    pub async fn create_draft_run(&self, r: NewRun<'_>, quota: i64) -> Result<Option<RunRow>> {
        let id = uuid::Uuid::new_v4().to_string();
        let n = sqlx::query(
            "INSERT INTO runs (id, graph_id, hash, biz_date, kind, status, attempt, not_before, created_at, requested_by, params) \
             SELECT $1, $2, $3, $4, $11, $12, $5, $6, $7, $8, $10 \
             WHERE (SELECT COUNT(*) FROM runs WHERE kind = $11 AND requested_by = $8 \
                    AND status IN ($12, $13)) < $9",
        )
        .bind(&id)
        .bind(r.graph_id)
        .bind(r.hash)
        .bind(r.biz_date)
        .bind(r.attempt)
        .bind(r.not_before)
        .bind(now_ms())
        .bind(r.requested_by)
        .bind(quota)
        .bind(r.params.to_json())
        .bind(RunKind::Draft.as_str())
        .bind(RunStatus::Queued.as_str())
        .bind(RunStatus::Running.as_str())
        .execute(self.pool())
        .await?;
        if n.rows_affected() == 0 { Ok(None) } else { self.run(&id).await.map(Some) }
    }

    /// Runs `scope` may see, newest first, that pass `filter`.
    pub async fn runs_in_scope(&self, scope: RunScope<'_>, filter: &RunFilter, limit: i64) -> Result<Vec<RunRow>> {
        let (s, u, o) = scope.binds();
        let (graph, status, date) = filter.binds();
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLS} FROM runs r WHERE {RUN_SCOPE} AND ($4 IS NULL OR r.graph_id = $4) \
             AND ($5 IS NULL OR r.status = $5) AND ($6 IS NULL OR r.biz_date = $6) \
             ORDER BY r.created_at DESC, r.attempt DESC LIMIT $7"
        )))
        .bind(s)
        .bind(u)
        .bind(o)
        .bind(graph)
        .bind(status)
        .bind(date)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// One run, if `scope` may see it.
    pub async fn run_in_scope(&self, scope: RunScope<'_>, id: &str) -> Result<Option<RunRow>> {
        let (s, u, o) = scope.binds();
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLS} FROM runs r WHERE {RUN_SCOPE} AND r.id = $4"
        )))
        .bind(s)
        .bind(u)
        .bind(o)
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Alerts `scope` may see, newest first: analysts those of schedules of
    /// their graphs, viewers those of schedules (production), admins all.
    pub async fn alerts_in_scope(&self, scope: RunScope<'_>, limit: i64) -> Result<Vec<AlertRow>> {
        let (s, _, o) = scope.binds();
        Ok(sqlx::query_as(
            "SELECT a.id, a.run_id, a.schedule_id, a.biz_date, a.kind, a.message, a.at, a.delivered FROM alerts a \
             WHERE $1 = 'all' OR ($1 = 'production' AND a.schedule_id IS NOT NULL) \
             OR ($1 = 'owner' AND a.schedule_id IN (SELECT s.id FROM schedules s JOIN graphs g ON g.id = s.graph_id \
                 WHERE g.owner_id = $2)) \
             ORDER BY a.at DESC LIMIT $3",
        )
        .bind(s)
        .bind(o)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Ends the nodes of a run still pending or running (after a panic or a crash).
    pub async fn end_open_run_nodes(&self, run_id: &str, status: NodeStatus) -> Result<()> {
        let [pending, running] = NodeStatus::OPEN;
        sqlx::query("UPDATE run_nodes SET status = $1 WHERE run_id = $2 AND status IN ($3, $4)")
            .bind(status.as_str())
            .bind(run_id)
            .bind(pending.as_str())
            .bind(running.as_str())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
