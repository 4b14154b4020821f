//! Accounts and sessions. Only password hashes and session-token hashes are stored.

use super::{Result, Store, StoreError, now_ms};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub created_at: i64,
}

/// Who a session belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    pub id: String,
    pub username: String,
    pub role: String,
}

impl Store {
    pub async fn count_users(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(self.pool()).await?)
    }

    pub async fn create_user(&self, username: &str, password_hash: &str, role: &str) -> Result<UserRow> {
        let row = UserRow {
            id: uuid::Uuid::new_v4().to_string(),
            username: username.to_string(),
            password_hash: password_hash.to_string(),
            role: role.to_string(),
            created_at: now_ms(),
        };
        let res = sqlx::query(
            "INSERT INTO users (id, username, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&row.id)
        .bind(&row.username)
        .bind(&row.password_hash)
        .bind(&row.role)
        .bind(row.created_at)
        .execute(self.pool())
        .await;
        match res {
            Ok(_) => Ok(row),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(StoreError::Duplicate(format!("user `{username}`")))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<UserRow>> {
        Ok(sqlx::query_as("SELECT id, username, password_hash, role, created_at FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(self.pool())
            .await?)
    }

    pub async fn list_users(&self) -> Result<Vec<UserRow>> {
        Ok(sqlx::query_as("SELECT id, username, password_hash, role, created_at FROM users ORDER BY username")
            .fetch_all(self.pool())
            .await?)
    }

    pub async fn create_session(&self, token_hash: &str, user_id: &str, ttl_ms: i64) -> Result<()> {
        let now = now_ms();
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(now)
            .bind(now + ttl_ms)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The user of a live session; expired sessions count as absent.
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<SessionUser>> {
        Ok(sqlx::query_as(
            "SELECT u.id, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at < $2")
            .bind(token_hash)
            .bind(now_ms())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
