//! Check results per run and check node (`transform.check`), kept as JSON.

use super::{Result, Store, StoreError};
use sluice_shared::check::CheckResult;

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
}
