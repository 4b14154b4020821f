//! Check results per run and check node (`transform.check`), kept as JSON.

use super::{Result, Store, StoreError};
use sluice_shared::check::{CheckResult, CheckSummary};
use std::collections::BTreeMap;

impl Store {
    /// Records what a run's checks found (again on a retry: the last attempt wins).
    pub async fn save_checks(&self, run_id: &str, results: &[CheckResult]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM run_checks WHERE run_id = $1").bind(run_id).execute(&mut *tx).await?;
        for r in results {
            let json = serde_json::to_string(r).map_err(|e| StoreError::Db(sqlx::Error::Protocol(e.to_string())))?;
            sqlx::query("INSERT INTO run_checks (run_id, node_id, result) VALUES ($1, $2, $3)")
                .bind(run_id)
                .bind(&r.node)
                .bind(json)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The check results of one run, by node id.
    pub async fn run_checks(&self, run_id: &str) -> Result<Vec<CheckResult>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT result FROM run_checks WHERE run_id = $1 ORDER BY node_id")
            .bind(run_id)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().filter_map(|(json,)| serde_json::from_str(&json).ok()).collect())
    }

    /// The check results of the graph's latest production run that has any
    /// (what the version under review would be compared with), and that run's id.
    pub async fn last_production_checks(&self, graph_id: &str) -> Result<Option<(String, Vec<CheckResult>)>> {
        let id: Option<(String,)> = sqlx::query_as(
            "SELECT r.id FROM runs r WHERE r.graph_id = $1 AND r.kind <> 'draft' \
             AND EXISTS (SELECT 1 FROM run_checks c WHERE c.run_id = r.id) \
             ORDER BY r.created_at DESC, r.attempt DESC LIMIT 1",
        )
        .bind(graph_id)
        .fetch_optional(self.pool())
        .await?;
        match id {
            Some((id,)) => {
                let checks = self.run_checks(&id).await?;
                Ok(Some((id, checks)))
            }
            None => Ok(None),
        }
    }

    /// Broken rules per run, for the runs listed (runs without checks are left out).
    pub async fn check_summaries(&self, run_ids: &[&str]) -> Result<BTreeMap<String, CheckSummary>> {
        let mut out: BTreeMap<String, CheckSummary> = BTreeMap::new();
        for chunk in run_ids.chunks(100) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT run_id, result FROM run_checks WHERE run_id IN ({})", marks.join(", "));
            let mut q = sqlx::query_as::<_, (String, String)>(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            for (run, json) in q.fetch_all(self.pool()).await? {
                if let Ok(r) = serde_json::from_str::<CheckResult>(&json) {
                    out.entry(run).or_default().add(&r);
                }
            }
        }
        Ok(out)
    }
}
