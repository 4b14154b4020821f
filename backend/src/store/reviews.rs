//! Submissions and reviews: draft → submitted → approved | rejected. Rows are
//! never deleted or rewritten except the one transition from `submitted`.

use super::{Result, Store, StoreError, now_ms};
use sluice_shared::api::reviews::Submission;
use sluice_shared::api::users::AuditEntry;
use sluice_shared::api::{Role, SubmissionStatus, Timestamp};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubmissionRow {
    pub id: String,
    pub graph_id: String,
    pub graph_name: String,
    pub version: i64,
    pub hash: String,
    pub message: String,
    #[sqlx(try_from = "String")]
    pub status: SubmissionStatus,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<i64>,
    pub comment: Option<String>,
}

const SELECT: &str = "SELECT s.id, s.graph_id, g.name AS graph_name, s.version, s.hash, s.message, s.status, \
    s.submitted_by, s.submitted_at, s.reviewed_by, s.reviewed_at, s.comment \
    FROM submissions s JOIN graphs g ON g.id = s.graph_id";

impl From<SubmissionRow> for Submission {
    fn from(s: SubmissionRow) -> Self {
        Submission {
            id: s.id,
            graph_id: s.graph_id,
            graph_name: s.graph_name,
            version: s.version,
            hash: s.hash,
            message: s.message,
            status: s.status,
            submitted_by: s.submitted_by,
            submitted_at: Timestamp(s.submitted_at),
            reviewed_by: s.reviewed_by,
            reviewed_at: s.reviewed_at.map(Timestamp),
            comment: s.comment,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
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

impl From<AuditRow> for AuditEntry {
    fn from(a: AuditRow) -> Self {
        AuditEntry {
            id: a.id,
            at: Timestamp(a.at),
            actor: a.actor,
            action: a.action,
            target: a.target,
            target_name: a.target_name,
            detail: a.detail,
        }
    }
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
            sqlx::query_scalar("SELECT id FROM submissions WHERE graph_id = $1 AND status = $2")
                .bind(graph_id)
                .bind(SubmissionStatus::Submitted.as_str())
                .fetch_optional(self.pool())
                .await?;
        if pending.is_some() {
            return Err(StoreError::Duplicate("a submission of this graph awaiting review".into()));
        }
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO submissions (id, graph_id, version, hash, message, status, submitted_by, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, $8, $6, $7)",
        )
        .bind(&id)
        .bind(graph_id)
        .bind(version)
        .bind(hash)
        .bind(message)
        .bind(actor)
        .bind(now_ms())
        .bind(SubmissionStatus::Submitted.as_str())
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
    pub async fn submissions(
        &self,
        status: Option<SubmissionStatus>,
        graph_id: Option<&str>,
    ) -> Result<Vec<SubmissionRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE ($1 IS NULL OR s.status = $1) AND ($2 IS NULL OR s.graph_id = $2) ORDER BY s.submitted_at DESC"
        )))
        .bind(status.map(SubmissionStatus::as_str))
        .bind(graph_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Moves a submission from `submitted` to `approved` or `rejected`, once,
    /// and only while its graph is not archived (`Conflict` otherwise). The
    /// graph row is written first, so a decision and `remove_graph` of the same
    /// graph never interleave.
    pub async fn decide(
        &self,
        id: &str,
        status: SubmissionStatus,
        reviewer: &str,
        comment: &str,
    ) -> Result<SubmissionRow> {
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
                 WHERE id = $5 AND status = $6",
            )
            .bind(status.as_str())
            .bind(reviewer)
            .bind(now_ms())
            .bind(comment)
            .bind(id)
            .bind(SubmissionStatus::Submitted.as_str())
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
                 WHERE s.graph_id = $1 AND s.status = $3 AND s.version <= $2), 0) \
             ORDER BY v.version",
        )
        .bind(graph_id)
        .bind(version)
        .bind(SubmissionStatus::Approved.as_str())
        .fetch_all(self.pool())
        .await?)
    }

    /// The version that runs today: the latest approved submission.
    pub async fn approved(&self, graph_id: &str) -> Result<Option<SubmissionRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE s.graph_id = $1 AND s.status = $2 ORDER BY s.reviewed_at DESC LIMIT 1"
        )))
        .bind(graph_id)
        .bind(SubmissionStatus::Approved.as_str())
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn count_admins(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1")
            .bind(Role::Admin.as_str())
            .fetch_one(self.pool())
            .await?)
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
