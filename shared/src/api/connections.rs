//! `/api/connections` and `/api/environments`: admin-managed database
//! connections and the environments that bind graph connection names to them.
//! A secret goes in (`ConnectionSpec::secret`) and never comes out: views carry
//! only `has_secret`.

use crate::connections::DbKind;
use crate::types::Field;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// TLS for PostgreSQL and MySQL connections (ignored for SQLite).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    Disable,
    #[default]
    Prefer,
    Require,
}

impl TlsMode {
    pub const ALL: [TlsMode; 3] = [TlsMode::Disable, TlsMode::Prefer, TlsMode::Require];
    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::Disable => "disable",
            TlsMode::Prefer => "prefer",
            TlsMode::Require => "require",
        }
    }
}

/// Seconds a connection attempt may take when the spec gives none.
pub const DEFAULT_CONNECT_TIMEOUT_SECS: u32 = 10;

fn default_timeout() -> u32 {
    DEFAULT_CONNECT_TIMEOUT_SECS
}
fn yes() -> bool {
    true
}

/// Create or replace a connection (`PUT /api/connections/{name}` body; the name
/// is in the path). `secret: None` on a replace keeps the stored secret. Its
/// `Debug` shows `secret` as `***`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionSpec {
    pub kind: DbKind,
    /// Host name or address (PostgreSQL, MySQL).
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub port: Option<u16>,
    /// Database name; for SQLite the database file, relative to the data root.
    pub database: String,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub tls: TlsMode,
    #[serde(default = "default_timeout")]
    pub connect_timeout_secs: u32,
    /// On by default: a read-only connection can be read, never written.
    #[serde(default = "yes")]
    pub read_only: bool,
    /// The password; write-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl std::fmt::Debug for ConnectionSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionSpec")
            .field("kind", &self.kind)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("user", &self.user)
            .field("tls", &self.tls)
            .field("connect_timeout_secs", &self.connect_timeout_secs)
            .field("read_only", &self.read_only)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .finish()
    }
}

/// A connection as the API shows it: everything but the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionView {
    pub name: String,
    pub kind: DbKind,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: String,
    pub user: Option<String>,
    pub tls: TlsMode,
    pub connect_timeout_secs: u32,
    pub read_only: bool,
    /// Whether a secret is stored (never the secret itself).
    pub has_secret: bool,
    /// RFC 3339 time of the last change, and who made it.
    pub updated_at: String,
    pub updated_by: String,
}

/// `POST /api/connections/{name}/test`: reached or not, in words a user understands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestOutcome {
    pub ok: bool,
    /// "connected (PostgreSQL 15.19)", "wrong user name or password", "host not found", ...
    pub message: String,
    pub elapsed_ms: u64,
}

/// One table or view a connection can read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TableRef {
    /// `None` where the database has no schemas (SQLite) or for the default one.
    pub schema: Option<String>,
    pub name: String,
}

/// `GET /api/connections/{name}/tables?environment=dev`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableList {
    pub tables: Vec<TableRef>,
    /// True when the list was cut at the server's limit.
    pub truncated: bool,
}

/// `GET /api/connections/{name}/columns?table=schema.name`: columns in the
/// contract's types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnList {
    pub columns: Vec<Field>,
}

/// An environment: its data root and how graph connection names resolve in it.
/// A name without a binding resolves to the connection of the same name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentView {
    pub name: String,
    /// Data root for files, relative to the server's data dir; `None`: `files`.
    pub data_root: Option<String>,
    /// Graph connection name → connection name.
    pub bindings: BTreeMap<String, String>,
    /// The Ballista cluster runs of this environment use (`df://HOST:PORT`);
    /// `None`: the server's own process. Previews always run on the server.
    #[serde(default)]
    pub cluster: Option<String>,
}

/// `PUT /api/environments/{name}` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentSpec {
    #[serde(default)]
    pub data_root: Option<String>,
    #[serde(default)]
    pub bindings: BTreeMap<String, String>,
    /// `df://HOST:PORT`; absent, `null` or empty: no cluster.
    #[serde(default)]
    pub cluster: Option<String>,
}

/// The two environments every server has: `dev` for editing, preview and draft
/// runs; `prod` for scheduled and backfill runs of approved versions.
pub const DEV: &str = "dev";
pub const PROD: &str = "prod";

/// A connection name a graph may use, as analysts see it in the editor
/// (`GET /api/catalog/connections`): no host, user or secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogConnection {
    pub name: String,
    pub kind: DbKind,
    pub read_only: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_never_prints_its_secret() {
        let spec: ConnectionSpec =
            serde_json::from_str(r#"{"kind": "postgres", "database": "d", "secret": "hunter2-pw"}"#).unwrap();
        let shown = format!("{spec:?}");
        assert!(!shown.contains("hunter2") && shown.contains("***"), "{shown}");
        assert!(spec.read_only, "read-only by default");
    }
}

// Routes (one place to read them; the server and the browser both follow it):
// - admin: `GET /api/connections` → `Vec<ConnectionView>`; `PUT /api/connections/{name}`
//   with `ConnectionSpec` → `ConnectionView`; `DELETE /api/connections/{name}`;
//   `POST /api/connections/{name}/test` with an optional `ConnectionSpec` (test it before
//   saving; a spec without `secret` uses the stored one) → `TestOutcome`.
// - admin: `GET /api/environments` → `Vec<EnvironmentView>`; `PUT /api/environments/{name}`
//   with `EnvironmentSpec` → `EnvironmentView`.
// - signed-in users, in the `dev` environment: `GET /api/catalog/connections` →
//   `Vec<CatalogConnection>`; `GET /api/catalog/connections/{name}/tables` → `TableList`;
//   `GET /api/catalog/connections/{name}/columns?table=schema.name` → `ColumnList`.
