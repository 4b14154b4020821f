//! Helpers for the `source.table` tests: the real databases (required, never
//! skipped: a missing server fails the test), and running graphs on them.
#![allow(dead_code)]

use datafusion::arrow::record_batch::RecordBatch;
use sluice_backend::engine::connect::{Connection, Connections};
use sluice_backend::engine::{self, Mode, Options, error::EngineError, root::DataRoot};
use sqlx::{AssertSqlSafe, Connection as _, Executor};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

pub fn pg_url() -> String {
    std::env::var("SLUICE_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn my_url() -> String {
    std::env::var("SLUICE_TEST_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

/// Runs statements on PostgreSQL (the test's own schema).
pub async fn pg(sql: &str) {
    let url = pg_url();
    let mut c = sqlx::PgConnection::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL (SLUICE_TEST_PG) is required for the table tests: {e}"));
    c.execute(AssertSqlSafe(sql.to_string())).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

pub async fn my(sql: &str) {
    let url = my_url();
    let mut c = sqlx::MySqlConnection::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("MariaDB/MySQL (SLUICE_TEST_MYSQL) is required for the table tests: {e}"));
    for stmt in sql.split(";\n").filter(|s| !s.trim().is_empty()) {
        c.execute(AssertSqlSafe(stmt.to_string())).await.unwrap_or_else(|e| panic!("{stmt}: {e}"));
    }
}

/// Rows of a query, every value as text (NULL as `None`), straight from PostgreSQL.
pub async fn pg_rows(sql: &str) -> Vec<Vec<Option<String>>> {
    use sqlx::Row;
    let mut c = sqlx::PgConnection::connect(&pg_url()).await.expect("PostgreSQL");
    let rows =
        sqlx::query(AssertSqlSafe(sql.to_string())).fetch_all(&mut c).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter().map(|r| (0..r.len()).map(|i| r.try_get::<Option<String>, _>(i).unwrap()).collect()).collect()
}

pub async fn my_rows(sql: &str) -> Vec<Vec<Option<String>>> {
    use sqlx::Row;
    let mut c = sqlx::MySqlConnection::connect(&my_url()).await.expect("MySQL");
    let rows =
        sqlx::query(AssertSqlSafe(sql.to_string())).fetch_all(&mut c).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter().map(|r| (0..r.len()).map(|i| r.try_get::<Option<String>, _>(i).unwrap()).collect()).collect()
}

pub fn graph(doc: serde_json::Value) -> sluice_shared::Graph {
    sluice_shared::parse_graph_value(doc).unwrap()
}

/// A graph `src` (source.table with `config`) → `out` (sink.csv `out.csv`).
pub fn table_graph(config: serde_json::Value, params: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "format": "sluice.graph/v1", "name": "t", "params": params,
        "nodes": [
            {"id": "src", "kind": "source.table", "config": config},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out.csv"}}
        ],
        "edges": [{"from": "src", "to": "out"}]
    })
}

pub fn connections(root: &DataRoot, pairs: &[(&str, &str)]) -> Arc<Connections> {
    let mut c = Connections::default();
    for (name, url) in pairs {
        c.insert(*name, Connection::parse(url, root).unwrap());
    }
    Arc::new(c)
}

/// Plans `doc` with connection `core` = `url` and returns the prepared graph.
pub async fn prepare(
    dir: &Path,
    doc: serde_json::Value,
    url: &str,
    given: &[(&str, &str)],
) -> Result<engine::Prepared, EngineError> {
    let root = DataRoot::new(dir);
    let conns = connections(&root, &[("core", url)]);
    let given: BTreeMap<String, String> = given.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let opts = Options { connections: Some(conns), ..Default::default() };
    engine::prepare_with(&graph(doc), &given, &root, Mode::Run, opts).await
}

/// Every row of node `src`, sorted by its first column.
pub async fn read_src(p: &engine::Prepared) -> Vec<RecordBatch> {
    let df = p.frames["src"].clone();
    let first = df.schema().field(0).name().clone();
    let df = df.sort(vec![datafusion::prelude::col(format!("\"{first}\"")).sort(true, true)]).unwrap();
    df.collect().await.unwrap()
}

/// Column `name` of `batches` as display text (NULL as `None`).
pub fn texts(batches: &[RecordBatch], name: &str) -> Vec<Option<String>> {
    use datafusion::arrow::util::display::array_value_to_string;
    let mut out = Vec::new();
    for b in batches {
        let a = b.column_by_name(name).unwrap_or_else(|| panic!("no column {name}"));
        for i in 0..a.len() {
            out.push(if a.is_null(i) { None } else { Some(array_value_to_string(a, i).unwrap()) });
        }
    }
    out
}

/// Column `name` as raw integers: Decimal128 unscaled, Date32 days, Timestamp ns / 1000 (µs).
pub fn ints(batches: &[RecordBatch], name: &str) -> Vec<Option<String>> {
    use datafusion::arrow::array::*;
    use datafusion::arrow::datatypes::DataType as A;
    let mut out = Vec::new();
    for b in batches {
        let a = b.column_by_name(name).unwrap();
        for i in 0..a.len() {
            if a.is_null(i) {
                out.push(None);
                continue;
            }
            let v: i128 = match a.data_type() {
                A::Decimal128(..) => a.as_any().downcast_ref::<Decimal128Array>().unwrap().value(i),
                A::Date32 => a.as_any().downcast_ref::<Date32Array>().unwrap().value(i).into(),
                A::Timestamp(..) => {
                    (a.as_any().downcast_ref::<TimestampNanosecondArray>().unwrap().value(i) / 1000).into()
                }
                A::Int64 => a.as_any().downcast_ref::<Int64Array>().unwrap().value(i).into(),
                other => panic!("{name}: {other}"),
            };
            out.push(Some(v.to_string()));
        }
    }
    out
}

/// The `col`-th value of every row.
pub fn column(rows: &[Vec<Option<String>>], col: usize) -> Vec<Option<String>> {
    rows.iter().map(|r| r[col].clone()).collect()
}
