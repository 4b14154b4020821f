//! Migrations, embedded in the binary and applied on start, in order, once.
//! Each database has its own folder under `migrations/` where DDL differs
//! (0001: AUTOINCREMENT vs BIGSERIAL); later steps use portable DDL and are
//! kept once, in `migrations/sqlite/`, for both.

use super::{Backend, Result, Store, now_ms};

const SQLITE: &[(i64, &str)] = &[
    (1, include_str!("../../../migrations/sqlite/0001_init.sql")),
    (2, include_str!("../../../migrations/sqlite/0002_reviews.sql")),
    (3, include_str!("../../../migrations/sqlite/0003_scheduler.sql")),
    (4, include_str!("../../../migrations/sqlite/0004_run_scope.sql")),
    (5, include_str!("../../../migrations/sqlite/0005_archive.sql")),
    (6, include_str!("../../../migrations/sqlite/0006_user_disabled.sql")),
    (7, include_str!("../../../migrations/sqlite/0007_connections.sql")),
    (8, include_str!("../../../migrations/sqlite/0008_environments.sql")),
    (9, include_str!("../../../migrations/sqlite/0009_calendars.sql")),
    (10, include_str!("../../../migrations/sqlite/0010_check_results.sql")),
    (11, include_str!("../../../migrations/sqlite/0011_run_params.sql")),
    (12, include_str!("../../../migrations/sqlite/0012_reports.sql")),
    (14, include_str!("../../../migrations/sqlite/0014_run_outputs.sql")),
    (15, include_str!("../../../migrations/sqlite/0015_watermarks.sql")),
    (17, include_str!("../../../migrations/sqlite/0017_user_settings.sql")),
    (18, include_str!("../../../migrations/sqlite/0018_environment_cluster.sql")),
];
const POSTGRES: &[(i64, &str)] = &[
    (1, include_str!("../../../migrations/postgres/0001_init.sql")),
    (2, include_str!("../../../migrations/sqlite/0002_reviews.sql")),
    (3, include_str!("../../../migrations/sqlite/0003_scheduler.sql")),
    (4, include_str!("../../../migrations/sqlite/0004_run_scope.sql")),
    (5, include_str!("../../../migrations/sqlite/0005_archive.sql")),
    (6, include_str!("../../../migrations/sqlite/0006_user_disabled.sql")),
    (7, include_str!("../../../migrations/sqlite/0007_connections.sql")),
    (8, include_str!("../../../migrations/sqlite/0008_environments.sql")),
    (9, include_str!("../../../migrations/sqlite/0009_calendars.sql")),
    (10, include_str!("../../../migrations/sqlite/0010_check_results.sql")),
    (11, include_str!("../../../migrations/sqlite/0011_run_params.sql")),
    (12, include_str!("../../../migrations/sqlite/0012_reports.sql")),
    (14, include_str!("../../../migrations/sqlite/0014_run_outputs.sql")),
    (15, include_str!("../../../migrations/sqlite/0015_watermarks.sql")),
    (17, include_str!("../../../migrations/sqlite/0017_user_settings.sql")),
    (18, include_str!("../../../migrations/sqlite/0018_environment_cluster.sql")),
];

pub async fn apply(store: &Store) -> Result<()> {
    let pool = store.pool();
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS sluice_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )
    .execute(pool)
    .await?;
    let list = match store.backend() {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    for (version, sql) in list {
        let done: Option<i64> = sqlx::query_scalar("SELECT version FROM sluice_migrations WHERE version = $1")
            .bind(*version)
            .fetch_optional(pool)
            .await?;
        if done.is_some() {
            continue;
        }
        let mut tx = pool.begin().await?;
        sqlx::raw_sql(*sql).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO sluice_migrations (version, applied_at) VALUES ($1, $2)")
            .bind(*version)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(())
}
