//! `POST /api/model/keys`: the model wizard's key discovery. For a fact source
//! node and candidate dimension source nodes, join keys proposed from names
//! and types (`crate::star::names`) and measured on a bounded sample: the
//! share of fact rows that find a dimension row, and the orphans.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Most dimensions one request may ask about.
pub const MAX_DIMENSIONS: usize = 16;
/// Most candidate pairs measured per dimension.
pub const MAX_CANDIDATES: usize = 6;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeysRequest {
    /// A `sluice.graph/v1` document holding the nodes named below.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub graph: Value,
    /// The fact's source node id.
    pub fact: String,
    /// Candidate dimensions' source node ids (at most 16).
    pub dimensions: Vec<String>,
    /// Parameter values, as text (defaults otherwise).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeysResponse {
    pub fact: String,
    /// The fact's columns (name and type), for the grain and measures.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub fact_columns: Vec<crate::Field>,
    /// Fact rows measured (at most the preview sample per source).
    pub fact_rows: u64,
    /// Whether the fact or a dimension was cut to a sample.
    pub sample: bool,
    pub dimensions: Vec<DimensionKeys>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DimensionKeys {
    pub node: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub columns: Vec<crate::Field>,
    /// Dimension rows measured.
    pub rows: u64,
    /// Ranked best first; empty when no column pair looks like a key.
    pub proposals: Vec<KeyProposal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyProposal {
    pub fact_column: String,
    pub dimension_column: String,
    /// Why the names suggest it.
    pub reason: String,
    /// 0..1 from the names alone.
    pub name_score: f64,
    /// Fact rows that find a dimension row.
    pub matched_rows: u64,
    /// `matched_rows` / fact rows (0 when the fact is empty).
    pub match_rate: f64,
    /// Fact rows that find none (a NULL key included).
    pub orphans: u64,
    /// A few orphan key values, as text.
    pub orphan_examples: Vec<String>,
    /// Whether the dimension column is unique (a key must be).
    pub unique: bool,
    /// The rank: names and overlap, halved for a column that is not unique.
    pub score: f64,
}
