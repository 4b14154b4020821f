//! Submission and review: `/api/graphs/{id}/submit`, `/api/reviews`.

use super::states::{SubmissionStatus, Timestamp};
use crate::check::CheckResult;
use crate::check_diff::RuleChange;
use crate::connections::DbKind;
use crate::diff::GraphDiff;
use crate::{Graph, Schema};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitRequest {
    /// The saved version to submit (default: the latest).
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub message: String,
}

/// Approve or reject.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    /// Why: required, not blank.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, pattern = r"\S"))]
    pub comment: String,
    /// Approve although approved graphs downstream use columns this version
    /// removes, renames or retypes (see `GET /api/reviews/{sid}/impact`).
    #[serde(default)]
    pub confirm_impact: bool,
}

/// One submitted version of a graph and its decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submission {
    pub id: String,
    pub graph_id: String,
    pub graph_name: String,
    pub version: i64,
    pub hash: String,
    pub message: String,
    pub status: SubmissionStatus,
    pub submitted_by: String,
    pub submitted_at: Timestamp,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<Timestamp>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionList {
    pub submissions: Vec<Submission>,
}

/// The version that runs today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Approved {
    pub version: i64,
    pub hash: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub graph: Graph,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeSchemaDiff {
    pub node: String,
    /// The columns (`[{"name", "type"}]`), or null where the node is absent or fails.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Object>>))]
    pub before: Option<Schema>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Object>>))]
    pub after: Option<Schema>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SinkSampleDiff {
    pub node: String,
    /// Column names of the rows (the submitted version's; the approved one's when it has none).
    #[serde(default)]
    pub columns: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Value>>))]
    pub rows_added: Vec<Vec<Value>>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Value>>))]
    pub rows_removed: Vec<Vec<Value>>,
    pub error: Option<String>,
}

/// Reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Read,
    Write,
}

/// Where a graph connection name leads in `prod` (never a secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProdConnection {
    /// The stored connection's name (differs from the graph's when bound).
    pub name: String,
    pub kind: DbKind,
    pub host: Option<String>,
    pub port: Option<i64>,
    pub database: String,
    pub read_only: bool,
}

/// One table node's use of a connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectionUse {
    pub node: String,
    /// The connection name as the graph writes it.
    pub connection: String,
    pub access: Access,
    /// The table (as written, `{param}`s unresolved); `None` for a `query`.
    pub table: Option<String>,
    /// The source reads with its own SELECT (`query`).
    pub query: bool,
    /// `None`: the name leads to no connection in `prod`, so the version would fail there.
    pub resolved: Option<ProdConnection>,
}

/// What a reviewer reads: the submitted graph, the one approved before, and
/// the differences between them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewDetail {
    pub submission: Submission,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub graph: Graph,
    /// The version approved before this one, if any ("what runs today").
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub base: Option<Graph>,
    pub base_version: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub diff: GraphDiff,
    pub schemas: Vec<NodeSchemaDiff>,
    pub samples: Vec<SinkSampleDiff>,
    /// The connections and tables this version reads and writes, resolved in `prod`.
    pub connections: Vec<ConnectionUse>,
    /// Check rules this version adds, removes, loosens or changes.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub check_changes: Vec<RuleChange>,
    /// What the checks found in the graph's last production run (`transform.check`).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub last_checks: Vec<CheckResult>,
}
