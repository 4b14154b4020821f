//! Real databases for the `sink.table` tests: a fresh PostgreSQL database, a
//! fresh MariaDB database, or an SQLite file in a temporary data root. The
//! servers are required (no skipping): SLUICE_TEST_PG and SLUICE_TEST_MYSQL,
//! with the defaults `.ci/run` uses.
#![allow(dead_code)]

use serde_json::{Value, json};
use sluice_backend::engine::connect::{Connection, Connections};
use sluice_backend::engine::{self, Mode, Options, Written, error::EngineError, root::DataRoot};
use sqlx::{AssertSqlSafe, Connection as _, Row};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pg,
    My,
    Lite,
}

pub struct TestDb {
    pub kind: Kind,
    /// The URL a graph's connection resolves to.
    pub url: String,
    /// Where to drop the database afterwards (server kinds).
    admin: Option<(String, String)>,
    pub dir: tempfile::TempDir,
}

pub fn pg_admin() -> String {
    std::env::var("SLUICE_TEST_PG").unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/postgres".into())
}

pub fn my_admin() -> String {
    std::env::var("SLUICE_TEST_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

fn base(url: &str) -> &str {
    url.rsplit_once('/').map(|(b, _)| b).unwrap_or(url)
}

impl TestDb {
    pub async fn new(kind: Kind) -> TestDb {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().unwrap();
        let name = format!("tsink_{}", uuid::Uuid::new_v4().simple());
        let (url, admin) = match kind {
            Kind::Lite => ("sqlite://t.db".to_string(), None),
            Kind::Pg | Kind::My => {
                let admin = if kind == Kind::Pg { pg_admin() } else { my_admin() };
                let mut c = sqlx::AnyConnection::connect(&admin).await.unwrap_or_else(|e| {
                    panic!("the database at {} is required for the table tests: {e}", base(&admin))
                });
                sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut c).await.unwrap();
                (format!("{}/{name}", base(&admin)), Some((admin, name)))
            }
        };
        TestDb { kind, url, admin, dir }
    }

    /// The URL the test itself connects with.
    fn direct_url(&self) -> String {
        match self.kind {
            Kind::Lite => format!("sqlite://{}?mode=rwc", self.dir.path().join("t.db").display()),
            _ => self.url.clone(),
        }
    }

    pub async fn exec(&self, sql: &str) {
        let mut c = sqlx::AnyConnection::connect(&self.direct_url()).await.unwrap();
        sqlx::raw_sql(AssertSqlSafe(sql.to_string())).execute(&mut c).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Every row of a query whose columns are all text (or NULL).
    pub async fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        let mut c = sqlx::AnyConnection::connect(&self.direct_url()).await.unwrap();
        let rows = sqlx::query(AssertSqlSafe(sql.to_string()))
            .fetch_all(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.iter().map(|r| (0..r.len()).map(|i| r.try_get::<Option<String>, _>(i).unwrap()).collect()).collect()
    }

    /// A column as text.
    pub fn text(&self, col: &str) -> String {
        match self.kind {
            Kind::Pg => format!("CAST({col} AS TEXT)"),
            Kind::My => format!("CAST({col} AS CHAR)"),
            Kind::Lite => format!("CAST({col} AS TEXT)"),
        }
    }

    /// A decimal column as text with `scale` digits, whatever the storage.
    pub fn dec(&self, col: &str, scale: u8) -> String {
        match self.kind {
            Kind::Pg => format!("CAST(CAST({col} AS NUMERIC(30,{scale})) AS TEXT)"),
            Kind::My => format!("CAST(CAST({col} AS DECIMAL(30,{scale})) AS CHAR)"),
            Kind::Lite => format!("CASE WHEN {col} IS NULL THEN NULL ELSE printf('%.{scale}f', {col}) END"),
        }
    }

    /// The rows of `sql` as `|`-joined strings, NULL as `∅`.
    pub async fn lines(&self, sql: &str) -> Vec<String> {
        self.rows(sql)
            .await
            .into_iter()
            .map(|r| r.into_iter().map(|v| v.unwrap_or_else(|| "∅".into())).collect::<Vec<_>>().join("|"))
            .collect()
    }

    pub fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.dir.path().join(rel), text).unwrap();
    }

    pub fn connections(&self) -> Connections {
        let root = DataRoot::new(self.dir.path());
        let mut conns = Connections::default();
        conns.insert("dw", Connection::parse(&self.url, &root).unwrap());
        conns
    }

    /// Runs `graph` with `params` against this database as connection `dw`.
    pub async fn run(&self, graph: &Value, params: &[(&str, &str)]) -> Result<Vec<Written>, EngineError> {
        let g = sluice_shared::parse_graph_value(graph.clone()).expect("graph parses");
        let root = DataRoot::new(self.dir.path());
        let given: BTreeMap<String, String> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let opts = Options { connections: Some(Arc::new(self.connections())), ..Default::default() };
        let p = engine::prepare_with(&g, &given, &root, Mode::Run, opts).await?;
        engine::execute(&p, &root).await
    }

    pub async fn drop(self) {
        if let Some((admin, name)) = &self.admin {
            let mut c = sqlx::AnyConnection::connect(admin).await.unwrap();
            let force = if self.kind == Kind::Pg { " WITH (FORCE)" } else { "" };
            let _ =
                sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}{force}"))).execute(&mut c).await;
        }
    }
}

/// A graph: a CSV file with a declared schema into one `sink.table` (`out`).
pub fn graph(csv: &str, schema: Value, sink: Value) -> Value {
    json!({
        "format": "sluice.graph/v1", "name": "t",
        "params": {"biz_date": {"type": "date"}},
        "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": csv, "schema": schema}},
            {"id": "out", "kind": "sink.table", "config": sink}
        ],
        "edges": [{"from": "src", "to": "out"}]
    })
}

/// The run's failure as (node, message).
pub fn failure<T: std::fmt::Debug>(r: Result<T, EngineError>) -> (Option<String>, String) {
    match r {
        Err(EngineError::Failed { node, message }) => (node, message),
        other => panic!("expected a run failure, got {other:?}"),
    }
}
