//! Helpers shared by the integration tests: databases to run against.
#![allow(dead_code)]

pub mod app;
pub mod review;
pub mod world;

use sluice_backend::store::Store;

/// A PostgreSQL database made for one test and dropped after it.
pub struct PgDb {
    admin_url: String,
    pub name: String,
    pub url: String,
}

/// The server the tests use; a real one is required (no mocks, no skipping).
pub fn pg_admin_url() -> String {
    std::env::var("SLUICE_TEST_PG").unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/postgres".into())
}

/// Host, port, user and password of that server, read from its URL (for
/// tests that register it as a connection).
pub fn pg_login() -> (String, u16, String, Option<String>) {
    let url = pg_admin_url();
    let rest = url.split_once("://").map_or(url.as_str(), |x| x.1);
    let (auth, at) = rest.rsplit_once('@').unwrap_or(("", rest));
    let hostport = at.split(['/', '?']).next().unwrap_or_default();
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse().expect("a port number in SLUICE_TEST_PG")),
        None => (hostport.to_string(), 5432),
    };
    match auth.split_once(':') {
        Some((u, p)) => (host, port, u.to_string(), Some(p.to_string())),
        None => (host, port, if auth.is_empty() { "postgres".into() } else { auth.to_string() }, None),
    }
}

impl PgDb {
    pub async fn create() -> PgDb {
        sqlx::any::install_default_drivers();
        let admin_url = pg_admin_url();
        let name = format!("sluice_test_{}", uuid::Uuid::new_v4().simple());
        let pool = sqlx::AnyPool::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is required for the store tests: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.expect("create db");
        pool.close().await;
        let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
        PgDb { url: format!("{base}/{name}"), admin_url, name }
    }

    pub async fn drop_db(self) {
        let pool = sqlx::AnyPool::connect(&self.admin_url).await.expect("admin connection");
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)))
            .execute(&pool)
            .await;
    }
}

/// Runs `test` against a fresh SQLite store and a fresh PostgreSQL store.
pub async fn on_both<F, Fut>(test: F)
where
    F: Fn(Store, &'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::open(&Store::sqlite_url(dir.path())).await.expect("sqlite store");
    test(sqlite, "sqlite").await;
    let pg = PgDb::create().await;
    let store = Store::open(&pg.url).await.expect("postgres store");
    test(store.clone(), "postgres").await;
    drop(store);
    pg.drop_db().await;
}
