//! `POST /api/sql`: the editor's "View as SQL", what `sluice sql` prints for
//! the graph being edited.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The SQL flavours an export can be printed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    #[default]
    Generic,
    Postgres,
    Mysql,
    Duckdb,
}

impl Dialect {
    pub const ALL: [Dialect; 4] = [Dialect::Generic, Dialect::Postgres, Dialect::Mysql, Dialect::Duckdb];

    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Generic => "generic",
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Duckdb => "duckdb",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SqlRequest {
    /// A `sluice.graph/v1` document.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub graph: Value,
    /// Parameter values, as text (defaults otherwise).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    #[serde(default)]
    pub dialect: Dialect,
}

/// One sink's statement, or why it has none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SinkSql {
    pub sink: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sql: Option<String>,
    /// Why the sink has no statement (a plan with no SQL form, or one too long to show).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SqlExport {
    pub dialect: Dialect,
    /// One per sink, in graph order.
    pub statements: Vec<SinkSql>,
}

/// The request body of `POST /api/lineage`: the graph being edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineageRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub graph: Value,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}
