//! Connections and environments (admin), and the catalog analysts pick tables
//! from. The types are `shared`'s, so the browser and the server read one definition.

use super::{ApiError, call, call_as};
use serde_json::Value;
use sluice_shared::api::connections::{
    CatalogConnection, ColumnList, ConnectionSpec, ConnectionView, EnvironmentSpec, EnvironmentView, TableList,
    TestOutcome,
};

/// `s` made safe for one path segment or query value.
fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

fn json_of<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

pub async fn connections() -> Result<Vec<ConnectionView>, ApiError> {
    call_as("GET", "/api/connections", None).await
}

/// Creates or replaces `name`; a spec without `secret` keeps the stored one.
pub async fn save_connection(name: &str, spec: &ConnectionSpec) -> Result<ConnectionView, ApiError> {
    call_as("PUT", &format!("/api/connections/{}", enc(name)), Some(&json_of(spec))).await
}

pub async fn delete_connection(name: &str) -> Result<(), ApiError> {
    call("DELETE", &format!("/api/connections/{}", enc(name)), None).await.map(drop)
}

/// Tries `spec` (the form as it stands) without saving it.
pub async fn test_connection(name: &str, spec: &ConnectionSpec) -> Result<TestOutcome, ApiError> {
    call_as("POST", &format!("/api/connections/{}/test", enc(name)), Some(&json_of(spec))).await
}

pub async fn environments() -> Result<Vec<EnvironmentView>, ApiError> {
    call_as("GET", "/api/environments", None).await
}

pub async fn save_environment(name: &str, spec: &EnvironmentSpec) -> Result<EnvironmentView, ApiError> {
    call_as("PUT", &format!("/api/environments/{}", enc(name)), Some(&json_of(spec))).await
}

/// The connection names a graph may use (in `dev`).
pub async fn catalog_connections() -> Result<Vec<CatalogConnection>, ApiError> {
    call_as("GET", "/api/catalog/connections", None).await
}

pub async fn catalog_tables(connection: &str) -> Result<TableList, ApiError> {
    call_as("GET", &format!("/api/catalog/connections/{}/tables", enc(connection)), None).await
}

/// Columns of `table` (`schema.name` or `name`) in the contract's types.
pub async fn catalog_columns(connection: &str, table: &str) -> Result<ColumnList, ApiError> {
    let url = format!("/api/catalog/connections/{}/columns?table={}", enc(connection), enc(table));
    call_as("GET", &url, None).await
}

/// What a reviewed version reads and writes in `prod` (the review detail's `connections`).
pub use sluice_shared::api::reviews::{Access, ConnectionUse, ProdConnection};
