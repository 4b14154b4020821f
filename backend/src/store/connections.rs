//! Connections and environments. A connection's secret is stored only as the
//! ciphertext `secrets.rs` makes; this module never sees a plaintext.

use super::{Result, Store, StoreError, now_ms};
use std::collections::BTreeMap;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConnectionRow {
    pub name: String,
    pub kind: String,
    pub host: Option<String>,
    pub port: Option<i64>,
    pub db_name: String,
    pub username: Option<String>,
    pub tls: String,
    pub connect_timeout_secs: i64,
    /// 1 or 0.
    pub read_only: i64,
    /// The ciphertext (`secrets::Keyring::seal`), never a plaintext.
    pub secret: Option<String>,
    pub updated_at: i64,
    pub updated_by: String,
}

const COLUMNS: &str = "name, kind, host, port, db_name, username, tls, connect_timeout_secs, read_only, secret, \
                       updated_at, updated_by";

/// What to do with the stored secret when a connection is written.
#[derive(Debug, Clone)]
pub enum SecretChange {
    Keep,
    /// A new ciphertext, or `None` to remove the secret.
    Set(Option<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentRow {
    pub name: String,
    pub data_root: Option<String>,
    /// Graph connection name → connection name.
    pub bindings: BTreeMap<String, String>,
    /// The Ballista cluster runs of this environment use, `df://HOST:PORT`
    /// (migration 0018); `None`: in the server's process.
    pub cluster: Option<String>,
}

impl Store {
    pub async fn list_connections(&self) -> Result<Vec<ConnectionRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM connections ORDER BY name")))
            .fetch_all(self.pool())
            .await?)
    }

    pub async fn connection(&self, name: &str) -> Result<Option<ConnectionRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM connections WHERE name = $1")))
            .bind(name)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Creates or replaces a connection (`row.secret` is used per `secret`);
    /// `updated_at` is set here. Returns whether it was new.
    pub async fn put_connection(&self, row: &ConnectionRow, secret: SecretChange) -> Result<bool> {
        // One statement writes (no read-then-write transaction, which SQLite
        // refuses to upgrade while another connection writes).
        let existed: Option<String> = sqlx::query_scalar("SELECT name FROM connections WHERE name = $1")
            .bind(&row.name)
            .fetch_optional(self.pool())
            .await?;
        let (keep, value) = match secret {
            SecretChange::Keep => (1i64, None),
            SecretChange::Set(v) => (0i64, v),
        };
        sqlx::query(
            "INSERT INTO connections (name, kind, host, port, db_name, username, tls, connect_timeout_secs, \
             read_only, secret, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, host = excluded.host, port = excluded.port, \
             db_name = excluded.db_name, username = excluded.username, tls = excluded.tls, \
             connect_timeout_secs = excluded.connect_timeout_secs, read_only = excluded.read_only, \
             secret = CASE WHEN $13 = 1 THEN connections.secret ELSE excluded.secret END, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(&row.name)
        .bind(&row.kind)
        .bind(&row.host)
        .bind(row.port)
        .bind(&row.db_name)
        .bind(&row.username)
        .bind(&row.tls)
        .bind(row.connect_timeout_secs)
        .bind(row.read_only)
        .bind(value)
        .bind(now_ms())
        .bind(&row.updated_by)
        .bind(keep)
        .execute(self.pool())
        .await?;
        Ok(existed.is_none())
    }

    pub async fn delete_connection(&self, name: &str) -> Result<()> {
        let done = sqlx::query("DELETE FROM connections WHERE name = $1").bind(name).execute(self.pool()).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Re-encrypts every stored secret with `reseal(name, ciphertext)` in one
    /// transaction: all are rewritten or none. Returns how many.
    pub async fn reseal_secrets(
        &self,
        reseal: impl Fn(&str, &str) -> std::result::Result<String, String>,
    ) -> std::result::Result<usize, String> {
        let mut tx = self.pool().begin().await.map_err(|e| e.to_string())?;
        // Write first, so SQLite takes the write lock now (waiting for it) rather
        // than failing to upgrade a read later.
        sqlx::query("UPDATE connections SET name = name WHERE 1 = 0")
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT name, secret FROM connections WHERE secret IS NOT NULL ORDER BY name")
                .fetch_all(&mut *tx)
                .await
                .map_err(|e| e.to_string())?;
        for (name, old) in &rows {
            let new = reseal(name, old)?;
            sqlx::query("UPDATE connections SET secret = $1 WHERE name = $2")
                .bind(new)
                .bind(name)
                .execute(&mut *tx)
                .await
                .map_err(|e| e.to_string())?;
        }
        tx.commit().await.map_err(|e| e.to_string())?;
        Ok(rows.len())
    }

    pub async fn environments(&self) -> Result<Vec<EnvironmentRow>> {
        let envs: Vec<(String, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT name, data_root, cluster FROM environments ORDER BY name")
                .fetch_all(self.pool())
                .await?;
        let binds: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT environment, graph_name, connection FROM environment_bindings ORDER BY environment, graph_name",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(envs
            .into_iter()
            .map(|(name, data_root, cluster)| {
                let bindings = binds.iter().filter(|b| b.0 == name).map(|(_, g, c)| (g.clone(), c.clone())).collect();
                EnvironmentRow { name, data_root, bindings, cluster }
            })
            .collect())
    }

    pub async fn environment(&self, name: &str) -> Result<Option<EnvironmentRow>> {
        Ok(self.environments().await?.into_iter().find(|e| e.name == name))
    }

    /// Creates or replaces an environment and all its bindings, in one transaction.
    pub async fn put_environment(&self, env: &EnvironmentRow, actor: &str) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO environments (name, data_root, updated_at, updated_by, cluster) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (name) DO UPDATE SET data_root = excluded.data_root, updated_at = excluded.updated_at, \
             updated_by = excluded.updated_by, cluster = excluded.cluster",
        )
        .bind(&env.name)
        .bind(&env.data_root)
        .bind(now_ms())
        .bind(actor)
        .bind(&env.cluster)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM environment_bindings WHERE environment = $1")
            .bind(&env.name)
            .execute(&mut *tx)
            .await?;
        for (graph_name, connection) in &env.bindings {
            sqlx::query("INSERT INTO environment_bindings (environment, graph_name, connection) VALUES ($1, $2, $3)")
                .bind(&env.name)
                .bind(graph_name)
                .bind(connection)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
