//! Reports (migration 0012): stable names per graph and report node, one index
//! row per published business date (and per draft requester), and grants.

use super::{Result, Store, StoreError, now_ms};

/// A report's identity and owner.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    pub name: String,
    pub graph_id: String,
    pub node_id: String,
    pub title: String,
    pub owner_id: String,
    pub owner: String,
    pub graph_name: String,
}

/// One business date of a report (see `report_dates` in 0012).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportDateRow {
    pub report_name: String,
    pub biz_date: String,
    /// '' published; a user id: that user's draft.
    pub scope: String,
    pub run_id: String,
    pub graph_id: String,
    pub version: i64,
    pub hash: String,
    pub config: String,
    pub root: String,
    pub path: String,
    pub row_count: i64,
    pub created_at: i64,
}

const REPORT_COLS: &str = "r.name, r.graph_id, r.node_id, r.title, g.owner_id, u.username AS owner, g.name AS graph_name \
     FROM reports r JOIN graphs g ON g.id = r.graph_id JOIN users u ON u.id = g.owner_id";
const DATE_COLS: &str = "report_name, biz_date, scope, run_id, graph_id, version, hash, config, root, path, \
     row_count, created_at FROM report_dates";

impl Store {
    /// The report name of `graph_id`'s node `node_id`, claimed on first use:
    /// `base`, or `base-<8 hex of the graph id>` when another graph has `base`.
    pub async fn claim_report_name(&self, graph_id: &str, node_id: &str, base: &str, title: &str) -> Result<String> {
        let mine: Option<(String,)> = sqlx::query_as("SELECT name FROM reports WHERE graph_id = $1 AND node_id = $2")
            .bind(graph_id)
            .bind(node_id)
            .fetch_optional(self.pool())
            .await?;
        if let Some((name,)) = mine {
            sqlx::query("UPDATE reports SET title = $1 WHERE name = $2")
                .bind(title)
                .bind(&name)
                .execute(self.pool())
                .await?;
            return Ok(name);
        }
        let short: String = graph_id.chars().filter(char::is_ascii_hexdigit).take(8).collect();
        for name in [
            base.to_string(),
            format!("{base}-{short}"),
            format!("{base}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]),
        ] {
            let done = sqlx::query(
                "INSERT INTO reports (name, graph_id, node_id, title, created_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(&name)
            .bind(graph_id)
            .bind(node_id)
            .bind(title)
            .bind(now_ms())
            .execute(self.pool())
            .await?;
            if done.rows_affected() == 1 {
                return Ok(name);
            }
            // Lost a race for this graph and node: the winner's name holds.
            let again: Option<(String,)> =
                sqlx::query_as("SELECT name FROM reports WHERE graph_id = $1 AND node_id = $2")
                    .bind(graph_id)
                    .bind(node_id)
                    .fetch_optional(self.pool())
                    .await?;
            if let Some((name,)) = again {
                return Ok(name);
            }
        }
        Err(StoreError::Duplicate(format!("report name `{base}`")))
    }

    /// Records (or replaces) the rows a run published for a business date.
    pub async fn record_report_date(&self, d: &ReportDateRow) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM report_dates WHERE report_name = $1 AND biz_date = $2 AND scope = $3")
            .bind(&d.report_name)
            .bind(&d.biz_date)
            .bind(&d.scope)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO report_dates (report_name, biz_date, scope, run_id, graph_id, version, hash, config, root, \
             path, row_count, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&d.report_name)
        .bind(&d.biz_date)
        .bind(&d.scope)
        .bind(&d.run_id)
        .bind(&d.graph_id)
        .bind(d.version)
        .bind(&d.hash)
        .bind(&d.config)
        .bind(&d.root)
        .bind(&d.path)
        .bind(d.row_count)
        .bind(d.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every report (for admins) or those `user_id` owns or was granted.
    pub async fn readable_reports(&self, user_id: Option<&str>) -> Result<Vec<ReportRow>> {
        let rows = match user_id {
            None => {
                let sql = format!("SELECT {REPORT_COLS} ORDER BY r.title, r.name");
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(self.pool()).await?
            }
            Some(uid) => {
                let sql = format!(
                    "SELECT {REPORT_COLS} WHERE g.owner_id = $1 OR EXISTS (SELECT 1 FROM report_grants x \
                     WHERE x.report_name = r.name AND x.user_id = $1) ORDER BY r.title, r.name"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(uid).fetch_all(self.pool()).await?
            }
        };
        Ok(rows)
    }

    pub async fn report(&self, name: &str) -> Result<ReportRow> {
        let sql = format!("SELECT {REPORT_COLS} WHERE r.name = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(name).fetch_one(self.pool()).await?)
    }

    /// Published dates (scope '') and `draft_of`'s drafts, newest first, at most `limit`.
    pub async fn report_dates(&self, name: &str, draft_of: Option<&str>, limit: i64) -> Result<Vec<ReportDateRow>> {
        let sql = format!(
            "SELECT {DATE_COLS} WHERE report_name = $1 AND (scope = '' OR scope = $2) \
             ORDER BY biz_date DESC, scope ASC LIMIT $3"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(name)
            .bind(draft_of.unwrap_or(""))
            .bind(limit)
            .fetch_all(self.pool())
            .await?)
    }

    pub async fn has_grant(&self, name: &str, user_id: &str) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM report_grants WHERE report_name = $1 AND user_id = $2")
            .bind(name)
            .bind(user_id)
            .fetch_one(self.pool())
            .await?;
        Ok(n > 0)
    }

    pub async fn grant_report(&self, name: &str, user_id: &str, by: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO report_grants (report_name, user_id, granted_by, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(name)
        .bind(user_id)
        .bind(by)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn revoke_report(&self, name: &str, user_id: &str) -> Result<()> {
        sqlx::query("DELETE FROM report_grants WHERE report_name = $1 AND user_id = $2")
            .bind(name)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The usernames granted `name`, sorted.
    pub async fn report_viewers(&self, name: &str) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT u.username FROM report_grants x JOIN users u ON u.id = x.user_id \
             WHERE x.report_name = $1 ORDER BY u.username",
        )
        .bind(name)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(u,)| u).collect())
    }

    /// The version number of a graph's content hash (the newest with it).
    pub async fn version_of_hash(&self, graph_id: &str, hash: &str) -> Result<i64> {
        let v: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM graph_versions WHERE graph_id = $1 AND hash = $2")
                .bind(graph_id)
                .bind(hash)
                .fetch_one(self.pool())
                .await?;
        v.ok_or(StoreError::NotFound)
    }
}

impl Store {
    /// Per report: the latest published business date and how many there are.
    pub async fn report_date_stats(&self) -> Result<std::collections::HashMap<String, (String, i64)>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT report_name, MAX(biz_date), COUNT(*) FROM report_dates WHERE scope = '' GROUP BY report_name",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(n, d, c)| (n, (d, c))).collect())
    }
}
