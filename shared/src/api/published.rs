//! `/api/published`: the files that file sinks (`sink.csv`, `sink.parquet`) of
//! approved graphs wrote in successful production runs, for Explore.
//!
//! Who reads a published output: admins, the graph's owner, and whoever was
//! granted a report of the same graph (a report's readers see what its graph
//! publishes). Drafts and sandboxes never appear. The pivot itself is the
//! report's: [`crate::api::reports::PivotRequest`] and `PivotResult`.

use crate::types::Field;
use serde::{Deserialize, Serialize};

/// Business dates listed per output at most.
pub const MAX_PUBLISHED_DATES: usize = 100;
/// Rows of the sample a published output's page shows.
pub const SAMPLE_ROWS: u64 = 20;

/// A file format Explore reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PublishedFormat {
    Csv,
    Parquet,
}

impl PublishedFormat {
    /// The format of a sink kind, if Explore reads it.
    pub fn of_kind(kind: &str) -> Option<PublishedFormat> {
        match kind {
            "sink.csv" => Some(PublishedFormat::Csv),
            "sink.parquet" => Some(PublishedFormat::Parquet),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            PublishedFormat::Csv => "csv",
            PublishedFormat::Parquet => "parquet",
        }
    }
}

/// One file sink of an approved graph with what its production runs published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedOutput {
    pub graph_id: String,
    pub graph_name: String,
    /// The sink node's id.
    pub node: String,
    pub format: PublishedFormat,
    /// Business dates with a successful production run, newest first.
    pub dates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedList {
    pub outputs: Vec<PublishedOutput>,
}

/// `GET /api/published/{graph}/{node}`: the output of one business date (the
/// latest when `date` is absent): its columns and first rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedSample {
    pub graph_id: String,
    pub graph_name: String,
    pub node: String,
    pub format: PublishedFormat,
    pub biz_date: String,
    /// The run that wrote it.
    pub run_id: String,
    pub columns: Vec<Field>,
    /// The first [`SAMPLE_ROWS`] rows.
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Rows in the file.
    pub total: u64,
}
