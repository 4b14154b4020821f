//! Submissions and reviews: draft → submitted → approved | rejected. Rows are
//! never deleted or rewritten except the one transition from `submitted`.

use super::{Result, Store, StoreError, now_ms};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct SubmissionRow {
    pub id: String,
    pub graph_id: String,
    pub graph_name: String,
    pub version: i64,
    pub hash: String,
    pub message: String,
    pub status: String,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<i64>,
    pub comment: Option<String>,
}

const SELECT: &str = "SELECT s.id, s.graph_id, g.name AS graph_name, s.version, s.hash, s.message, s.status, \
    s.submitted_by, s.submitted_at, s.reviewed_by, s.reviewed_at, s.comment \
    FROM submissions s JOIN graphs g ON g.id = s.graph_id";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    /// The target's name for people: the graph a graph, schedule or run id belongs to (empty otherwise).
    #[sqlx(default)]
    pub target_name: String,
    pub detail: String,
}

impl Store {
    /// Records a submission; refused while another one of the graph awaits review.
    pub async fn submit(
        &self,
        graph_id: &str,
        version: i64,
        hash: &str,
        message: &str,
        actor: &str,
    ) -> Result<SubmissionRow> {
        let pending: Option<String> =
            sqlx::query_scalar("SELECT id FROM submissions WHERE graph_id = $1 AND status = 'submitted'")
                .bind(graph_id)
                .fetch_optional(self.pool())
                .await?;
        if pending.is_some() {
            return Err(StoreError::Duplicate("a submission of this graph awaiting review".into()));
        }
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO submissions (id, graph_id, version, hash, message, status, submitted_by, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $7)",
        )
        .bind(&id)
        .bind(graph_id)
        .bind(version)
        .bind(hash)
        .bind(message)
        .bind(actor)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        self.submission(&id).await
    }

    pub async fn submission(&self, id: &str) -> Result<SubmissionRow> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE s.id = $1")))
            .bind(id)
            .fetch_one(self.pool())
            .await?)
    }

    /// Submissions, newest first, optionally of one status and/or one graph.
    pub async fn submissions(&self, status: Option<&str>, graph_id: Option<&str>) -> Result<Vec<SubmissionRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE ($1 = '' OR s.status = $1) AND ($2 = '' OR s.graph_id = $2) ORDER BY s.submitted_at DESC"
        )))
        .bind(status.unwrap_or(""))
        .bind(graph_id.unwrap_or(""))
        .fetch_all(self.pool())
        .await?)
    }

    /// Moves a submission from `submitted` to `approved` or `rejected`, once,
    /// and only while its graph is not archived (`Conflict` otherwise). The
    /// graph row is written first, so a decision and `remove_graph` of the same
    /// graph never interleave.
    pub async fn decide(&self, id: &str, status: &str, reviewer: &str, comment: &str) -> Result<SubmissionRow> {
        let mut tx = self.pool().begin().await?;
        let live = sqlx::query(
            "UPDATE graphs SET updated_at = updated_at \
             WHERE id = (SELECT graph_id FROM submissions WHERE id = $1) AND archived_at IS NULL",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let n = if live == 0 {
            0
        } else {
            sqlx::query(
                "UPDATE submissions SET status = $1, reviewed_by = $2, reviewed_at = $3, comment = $4 \
                 WHERE id = $5 AND status = 'submitted'",
            )
            .bind(status)
            .bind(reviewer)
            .bind(now_ms())
            .bind(comment)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        };
        tx.commit().await?;
        let row = self.submission(id).await?;
        if n == 0 {
            return Err(StoreError::Conflict { current: row.version });
        }
        Ok(row)
    }

    /// Who saved each version of a graph that the last approval before
    /// `version` did not cover: versions after the latest approved one at or
    /// below `version`, up to `version` (all of them if none was approved), as
    /// (version, username), oldest first. Whoever wrote any of them may not
    /// approve `version`.
    pub async fn unreviewed_authors(&self, graph_id: &str, version: i64) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT v.version, v.saved_by FROM graph_versions v WHERE v.graph_id = $1 AND v.version <= $2 \
             AND v.version > COALESCE((SELECT MAX(s.version) FROM submissions s \
                 WHERE s.graph_id = $1 AND s.status = 'approved' AND s.version <= $2), 0) \
             ORDER BY v.version",
        )
        .bind(graph_id)
        .bind(version)
        .fetch_all(self.pool())
        .await?)
    }

    /// The version that runs today: the latest approved submission.
    pub async fn approved(&self, graph_id: &str) -> Result<Option<SubmissionRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE s.graph_id = $1 AND s.status = 'approved' ORDER BY s.reviewed_at DESC LIMIT 1"
        )))
        .bind(graph_id)
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn count_admins(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'").fetch_one(self.pool()).await?)
    }

    /// Audit entries, newest first, filtered by actor and action (empty = any) and time.
    pub async fn audit_log(
        &self,
        actor: &str,
        action: &str,
        since: i64,
        until: i64,
        limit: i64,
    ) -> Result<Vec<AuditRow>> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.at, a.actor, a.action, a.target, a.detail, \
             COALESCE(g.name, gs.name, gr.name, '') AS target_name FROM audit_log a \
             LEFT JOIN graphs g ON g.id = a.target \
             LEFT JOIN schedules s ON s.id = a.target LEFT JOIN graphs gs ON gs.id = s.graph_id \
             LEFT JOIN runs r ON r.id = a.target LEFT JOIN graphs gr ON gr.id = r.graph_id \
             WHERE ($1 = '' OR a.actor = $1) AND ($2 = '' OR a.action = $2) AND a.at >= $3 AND a.at <= $4 \
             ORDER BY a.id DESC LIMIT $5",
        )
        .bind(actor)
        .bind(action)
        .bind(since)
        .bind(until)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}
