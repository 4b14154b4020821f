//! The store: users, sessions, graphs and their versions, the audit log.
//! One code path for SQLite (embedded, the default) and PostgreSQL, through
//! sqlx's `Any` driver: every column is TEXT or BIGINT, which `Any` maps the
//! same on both, and `$n` placeholders work on both.

mod calendars;
mod checks;
mod connections;
mod graphs;
mod migrate;
mod published;
mod reports;
mod reviews;
mod run_access;
mod schedule_edit;
mod scheduling;
mod settings;
mod users;
mod watermarks;

pub use calendars::{CalendarRow, weekly_from_text, weekly_text};
pub use connections::{ConnectionRow, EnvironmentRow, SecretChange};
pub use graphs::{GraphRow, GraphSummary, Listing, Removal, VersionRow, content_hash};
pub use published::PublishedRow;
pub use reports::{ReportDateRow, ReportRow};
pub use reviews::{AuditRow, SubmissionRow};
pub use run_access::{RunKind, RunScope};
pub use scheduling::{AlertRow, NO_PARAMS, NewRun, RunFilter, RunNodeRow, RunParams, RunRow, ScheduleRow};
pub use users::{Disabled, SessionUser, UserRow};
pub use watermarks::{MarkMove, WatermarkRow};

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug)]
pub enum StoreError {
    NotFound,
    /// The graph moved on since the caller's base version.
    Conflict {
        current: i64,
    },
    Duplicate(String),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            e => StoreError::Db(e),
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::NotFound => f.write_str("not found"),
            StoreError::Conflict { current } => write!(f, "conflict: current version is {current}"),
            StoreError::Duplicate(what) => write!(f, "{what} already exists"),
            StoreError::Db(e) => write!(f, "database: {e}"),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// Milliseconds since 1970, the time unit of every stored timestamp.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

impl Store {
    /// Connects to `url` (`sqlite://...` or `postgres://...`) and applies migrations.
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres") { Backend::Postgres } else { Backend::Sqlite };
        let mut opts = AnyPoolOptions::new().max_connections(if backend == Backend::Sqlite { 4 } else { 10 });
        if backend == Backend::Sqlite {
            // SQLite needs foreign keys switched on per connection, and WAL lets
            // readers go on while a writer commits.
            opts = opts.after_connect(|conn, _| {
                Box::pin(async move {
                    use sqlx::Executor;
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;").await?;
                    Ok(())
                })
            });
        }
        let pool = opts.connect(url).await?;
        if backend == Backend::Sqlite {
            sqlx::raw_sql("PRAGMA journal_mode = WAL;").execute(&pool).await?;
        }
        let store = Store { pool, backend };
        migrate::apply(&store).await?;
        Ok(store)
    }

    /// The SQLite file `sluice.db` inside `dir`.
    pub fn sqlite_url(dir: &std::path::Path) -> String {
        format!("sqlite://{}?mode=rwc", dir.join("sluice.db").display())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Appends to the audit log. It has no update or delete path anywhere.
    pub async fn audit(&self, actor: &str, action: &str, target: &str, detail: &str) -> Result<()> {
        sqlx::query("INSERT INTO audit_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(now_ms())
            .bind(actor)
            .bind(action)
            .bind(target)
            .bind(detail)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
