//! Accounts and sessions. Only password hashes and session-token hashes are stored.

use super::{Result, Store, StoreError, now_ms};
use sluice_shared::api::Role;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub created_at: i64,
    /// 0 while the account is active; when it was disabled otherwise.
    pub disabled_at: i64,
}

/// What `set_disabled` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disabled {
    Done,
    /// Refused: the account is the last active admin.
    LastAdmin,
}

const USER_COLUMNS: &str = "id, username, password_hash, role, created_at, disabled_at";

/// Who a session belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    pub id: String,
    pub username: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
}

impl Store {
    pub async fn count_users(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(self.pool()).await?)
    }

    pub async fn create_user(&self, username: &str, password_hash: &str, role: Role) -> Result<UserRow> {
        let row = UserRow {
            id: uuid::Uuid::new_v4().to_string(),
            username: username.to_string(),
            password_hash: password_hash.to_string(),
            role,
            created_at: now_ms(),
            disabled_at: 0,
        };
        let res = sqlx::query(
            "INSERT INTO users (id, username, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&row.id)
        .bind(&row.username)
        .bind(&row.password_hash)
        .bind(row.role.as_str())
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
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1")))
            .bind(username)
            .fetch_optional(self.pool())
            .await?)
    }

    pub async fn list_users(&self) -> Result<Vec<UserRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users ORDER BY username")))
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

    /// The user of a live session; expired sessions and disabled users count as absent.
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<SessionUser>> {
        Ok(sqlx::query_as(
            "SELECT u.id, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at = 0",
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

    /// Deletes every expired session; returns how many.
    pub async fn purge_expired_sessions(&self) -> Result<u64> {
        let n = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms()).execute(self.pool()).await?;
        Ok(n.rows_affected())
    }

    /// Admins whose accounts are active.
    pub async fn count_active_admins(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1 AND disabled_at = 0")
            .bind(Role::Admin.as_str())
            .fetch_one(self.pool())
            .await?)
    }

    pub async fn set_role(&self, username: &str, role: Role) -> Result<()> {
        let n = sqlx::query("UPDATE users SET role = $1 WHERE username = $2")
            .bind(role.as_str())
            .bind(username)
            .execute(self.pool())
            .await?;
        if n.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    /// Sets a new password hash and ends every session of the user, at once.
    pub async fn set_password(&self, username: &str, hash: &str) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        let n = sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
            .bind(hash)
            .bind(username)
            .execute(&mut *tx)
            .await?;
        if n.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = $1)")
            .bind(username)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Disables (ending every session) or re-enables an account. The last
    /// active admin cannot be disabled; the check and the change are one statement.
    pub async fn set_disabled(&self, username: &str, disabled: bool) -> Result<Disabled> {
        let mut tx = self.pool().begin().await?;
        let n = sqlx::query(
            "UPDATE users SET disabled_at = $1 WHERE username = $2 AND ($1 = 0 OR role <> $3 OR disabled_at <> 0 \
             OR (SELECT COUNT(*) FROM users WHERE role = $3 AND disabled_at = 0) > 1)",
        )
        .bind(if disabled { now_ms() } else { 0 })
        .bind(username)
        .bind(Role::Admin.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            let exists: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(&mut *tx)
                .await?;
            return if exists.is_some() { Ok(Disabled::LastAdmin) } else { Err(StoreError::NotFound) };
        }
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = $1)")
                .bind(username)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Disabled::Done)
    }
}
