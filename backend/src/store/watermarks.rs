//! Watermarks of incremental `source.table` reads (migration 0015): per graph,
//! environment and source node. A watermark moves only in the transaction that
//! records its run as succeeded ([`Store::succeed_run`]); an admin's reset
//! deletes it (the next run reads from the source's `initial`, or every row).

use super::{Result, Store};
use sluice_shared::api::RunStatus;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WatermarkRow {
    pub graph_id: String,
    /// The graph's name (empty if it is gone).
    pub graph_name: String,
    pub environment: String,
    pub node_id: String,
    pub column_name: String,
    pub value: String,
    pub run_id: String,
    pub updated_at: i64,
}

/// One watermark a succeeded run moves: from `before` (what the run read
/// above; `None`: no watermark, or one over another column) to `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkMove {
    pub node_id: String,
    pub column: String,
    pub before: Option<String>,
    pub after: String,
}

const COLUMNS: &str = "w.graph_id, COALESCE(g.name, '') AS graph_name, w.environment, w.node_id, w.column_name, \
                       w.value, w.run_id, w.updated_at";
const FROM: &str = "watermarks w LEFT JOIN graphs g ON g.id = w.graph_id";

impl Store {
    /// A graph's watermarks in every environment, by environment and node.
    pub async fn watermarks(&self, graph_id: &str) -> Result<Vec<WatermarkRow>> {
        let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE w.graph_id = $1 ORDER BY w.environment, w.node_id");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(graph_id).fetch_all(self.pool()).await?)
    }

    /// Every graph's watermarks (at most `limit`), by graph name, environment and node.
    pub async fn all_watermarks(&self, limit: i64) -> Result<Vec<WatermarkRow>> {
        let sql =
            format!("SELECT {COLUMNS} FROM {FROM} ORDER BY graph_name, w.graph_id, w.environment, w.node_id LIMIT $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(limit).fetch_all(self.pool()).await?)
    }

    /// Deletes one watermark; whether there was one.
    pub async fn delete_watermark(
        &self,
        graph_id: &str,
        environment: &str,
        node_id: &str,
    ) -> Result<Option<WatermarkRow>> {
        let mut tx = self.pool().begin().await?;
        let sql =
            format!("SELECT {COLUMNS} FROM {FROM} WHERE w.graph_id = $1 AND w.environment = $2 AND w.node_id = $3");
        let row: Option<WatermarkRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(graph_id)
            .bind(environment)
            .bind(node_id)
            .fetch_optional(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM watermarks WHERE graph_id = $1 AND environment = $2 AND node_id = $3")
            .bind(graph_id)
            .bind(environment)
            .bind(node_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Records a run as succeeded and, in the same transaction, moves the
    /// graph's watermarks in `environment` (unless the run had already ended,
    /// e.g. cancelled meanwhile: then nothing changes and the answer is false).
    /// A watermark moves only from the value the run started from: if an admin
    /// reset it or another run moved it meanwhile, theirs stays.
    pub async fn succeed_run(
        &self,
        run_id: &str,
        graph_id: &str,
        environment: &str,
        moves: &[MarkMove],
        at: i64,
    ) -> Result<bool> {
        let [queued, running] = RunStatus::ACTIVE;
        let mut tx = self.pool().begin().await?;
        let n = sqlx::query(
            "UPDATE runs SET status = $1, error = NULL, finished_at = $2 WHERE id = $3 AND status IN ($4, $5)",
        )
        .bind(RunStatus::Succeeded.as_str())
        .bind(at)
        .bind(run_id)
        .bind(queued.as_str())
        .bind(running.as_str())
        .execute(&mut *tx)
        .await?;
        if n.rows_affected() != 1 {
            return Ok(false); // dropping the transaction rolls it back
        }
        for m in moves {
            let key = (graph_id, environment, m.node_id.as_str());
            let moved = match &m.before {
                Some(before) => sqlx::query(
                    "UPDATE watermarks SET value = $1, run_id = $2, updated_at = $3 \
                     WHERE graph_id = $4 AND environment = $5 AND node_id = $6 AND column_name = $7 AND value = $8",
                )
                .bind(&m.after)
                .bind(run_id)
                .bind(at)
                .bind(key.0)
                .bind(key.1)
                .bind(key.2)
                .bind(&m.column)
                .bind(before)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                None => {
                    // A watermark over another column is the old config's: replaced.
                    sqlx::query(
                        "DELETE FROM watermarks WHERE graph_id = $1 AND environment = $2 AND node_id = $3 \
                         AND column_name <> $4",
                    )
                    .bind(key.0)
                    .bind(key.1)
                    .bind(key.2)
                    .bind(&m.column)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO watermarks (graph_id, environment, node_id, column_name, value, run_id, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (graph_id, environment, node_id) DO NOTHING",
                    )
                    .bind(key.0)
                    .bind(key.1)
                    .bind(key.2)
                    .bind(&m.column)
                    .bind(&m.after)
                    .bind(run_id)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                }
            };
            if moved != 1 {
                tracing::warn!(run = run_id, node = %m.node_id, "watermark changed while the run went; kept as it is");
            }
        }
        tx.commit().await?;
        Ok(true)
    }
}
