//! `/api/reports`: published reports, their business dates and rows, downloads,
//! grants for viewers, and Explore (pivots over a report's published rows).

use crate::config::{ChartKind, ReportSink};
use crate::types::Field;
use serde::{Deserialize, Serialize};

/// Rows one page of a report may hold.
pub const MAX_PAGE: u64 = 1000;
/// Rows a download or a chart reads at most.
pub const MAX_DOWNLOAD_ROWS: u64 = 100_000;
/// Pivot limits: grouping columns, measures, filters, result rows.
pub const MAX_PIVOT_KEYS: usize = 8;
pub const MAX_PIVOT_MEASURES: usize = 8;
pub const MAX_PIVOT_FILTERS: usize = 16;
pub const MAX_PIVOT_ROWS: u64 = 10_000;

/// A report in the list (`GET /api/reports`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportSummary {
    /// The address name: `#/reports/<name>`.
    pub name: String,
    pub title: String,
    pub chart: ChartKind,
    /// The graph's owner (analyst) and name; the graph itself stays private.
    pub owner: String,
    pub graph_name: String,
    /// The latest published business date, if any.
    pub latest: Option<String>,
    /// Published business dates.
    pub dates: u64,
    /// Whether the caller may grant and revoke viewers (its owner or an admin).
    pub can_manage: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportList {
    pub reports: Vec<ReportSummary>,
}

/// One business date of a report and the run that published it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDate {
    pub biz_date: String,
    pub run_id: String,
    /// The graph version (number and content hash) that produced the rows.
    pub version: i64,
    pub hash: String,
    /// Rows published for the date.
    pub row_count: u64,
    /// ms since 1970.
    pub created_at: i64,
    /// A draft run's rows: seen only by whoever started it, never by viewers.
    pub draft: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDates {
    pub name: String,
    pub title: String,
    /// Newest first: published dates, then the caller's own drafts.
    pub dates: Vec<ReportDate>,
}

/// `GET /api/reports/{name}/rows` query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowsQuery {
    /// Business date `YYYY-MM-DD`; absent: the latest published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The caller's own draft run's rows for that date instead.
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub offset: u64,
    /// 1 to [`MAX_PAGE`]; absent: 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Column to sort by (else the report's own `sort`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(default)]
    pub desc: bool,
    /// Keep rows whose `filter_column` contains `filter` (case-insensitive text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
}

/// One page of a report's rows for a business date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRows {
    pub name: String,
    pub title: String,
    /// The report's config as the version that produced these rows had it.
    pub config: ReportSink,
    #[serde(flatten)]
    pub date: ReportDate,
    pub columns: Vec<Field>,
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Rows after the filter (all pages).
    pub total: u64,
    pub offset: u64,
}

/// `POST`/`DELETE /api/reports/{name}/viewers` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub username: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewers {
    pub viewers: Vec<String>,
}

/// A pivot's aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Agg {
    Sum,
    Avg,
    Count,
    Min,
    Max,
}

impl Agg {
    pub const ALL: [Agg; 5] = [Agg::Sum, Agg::Avg, Agg::Count, Agg::Min, Agg::Max];
    pub fn as_str(self) -> &'static str {
        match self {
            Agg::Sum => "sum",
            Agg::Avg => "avg",
            Agg::Count => "count",
            Agg::Min => "min",
            Agg::Max => "max",
        }
    }
    pub fn parse(s: &str) -> Option<Agg> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PivotMeasure {
    pub column: String,
    pub agg: Agg,
}

impl PivotMeasure {
    /// The result column's name: `sum_amount`.
    pub fn label(&self) -> String {
        format!("{}_{}", self.agg.as_str(), self.column)
    }
}

/// A filter's comparison; the value is text, read as the column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FilterOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    /// One of `values`.
    In,
}

impl FilterOp {
    pub const ALL: [FilterOp; 8] = [
        FilterOp::Eq,
        FilterOp::Ne,
        FilterOp::Lt,
        FilterOp::Le,
        FilterOp::Gt,
        FilterOp::Ge,
        FilterOp::Contains,
        FilterOp::In,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            FilterOp::Eq => "eq",
            FilterOp::Ne => "ne",
            FilterOp::Lt => "lt",
            FilterOp::Le => "le",
            FilterOp::Gt => "gt",
            FilterOp::Ge => "ge",
            FilterOp::Contains => "contains",
            FilterOp::In => "in",
        }
    }
    pub fn parse(s: &str) -> Option<FilterOp> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// Values an `in` filter lists at most.
pub const MAX_FILTER_VALUES: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PivotFilter {
    pub column: String,
    pub op: FilterOp,
    /// The value compared with (every op but `in`).
    #[serde(default)]
    pub value: String,
    /// `in`: the values (at most [`MAX_FILTER_VALUES`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// `POST /api/reports/{name}/pivot`: group the published rows of one date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PivotRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Grouping columns shown down the side.
    #[serde(default)]
    pub rows: Vec<String>,
    /// Grouping columns shown across (one result column per value and measure).
    #[serde(default)]
    pub columns: Vec<String>,
    pub measures: Vec<PivotMeasure>,
    #[serde(default)]
    pub filters: Vec<PivotFilter>,
    /// Also draw the answer as this kind of chart (SVG in [`PivotResult::svg`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<ChartKind>,
}

/// A pivot's answer in long form: one row per group (`rows` then `columns`
/// keys, then one value per measure); the page spreads `columns` across.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PivotResult {
    pub columns: Vec<Field>,
    pub rows: Vec<Vec<serde_json::Value>>,
    /// More groups than [`MAX_PIVOT_ROWS`]: only the first are here.
    pub truncated: bool,
    pub elapsed_ms: u64,
    /// The answer drawn as the chart the request asked for: x the row
    /// columns (joined with ` / ` when several), series the first across
    /// column, y the measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub svg: Option<String>,
}

/// `POST /api/reports/{name}/save`: a pivot kept as a new graph with a
/// `sink.report`, owned by the caller and submitted for review like any other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveAsReport {
    /// The new graph's name.
    pub graph_name: String,
    pub title: String,
    pub chart: ChartKind,
    pub pivot: PivotRequest,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedReport {
    pub graph_id: String,
    pub graph_name: String,
    /// The review submission of its first version.
    pub submission: String,
}
