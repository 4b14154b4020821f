//! `/api/graphs`: the library, one graph's document and its versions.

use super::states::Timestamp;
use crate::{Graph, Problem};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A graph in the library listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GraphSummary {
    pub id: String,
    pub name: String,
    pub description: String,
    pub version: i64,
    pub updated_at: Timestamp,
    /// The owner's username.
    pub owner: String,
    /// When the graph was archived; absent while it is active.
    pub archived_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GraphList {
    pub graphs: Vec<GraphSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateGraph {
    /// A `sluice.graph/v1` document.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub graph: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveGraph {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub graph: Value,
    /// The version the editor started from.
    pub base_version: i64,
}

/// One version of a graph with what the validator says of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GraphDoc {
    pub id: String,
    pub version: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub graph: Graph,
    pub updated_at: Timestamp,
    pub owner: String,
    /// Set when the graph is archived (read-only).
    pub archived_at: Option<Timestamp>,
    /// What the validator says of this version (drafts may be incomplete).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Saved {
    pub id: String,
    pub version: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub problems: Vec<Problem>,
}

/// `DELETE /api/graphs/{id}` of a graph that was ever approved: archived instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Archived {
    pub id: String,
    pub archived: bool,
    pub message: String,
}

/// One saved version of a graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionInfo {
    pub version: i64,
    /// Content hash of the stored document.
    pub hash: String,
    pub saved_by: String,
    pub saved_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionList {
    pub versions: Vec<VersionInfo>,
}
