//! Sink node configs: files and reports (`sink.table` lives in `crate::tables`).

use super::comma;
use super::transforms::SortKey;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvSink {
    pub path: String,
    #[serde(default = "comma")]
    pub delimiter: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSink {
    pub path: String,
}

fn sheet1() -> String {
    "Sheet1".to_string()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcelSink {
    pub path: String,
    #[serde(default = "sheet1")]
    pub sheet: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    Table,
    Bar,
    Line,
    Pie,
    Area,
    Kpi,
    Pivot,
}

impl ChartKind {
    pub fn parse(s: &str) -> Option<ChartKind> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

fn table_chart() -> ChartKind {
    ChartKind::Table
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSink {
    pub title: String,
    #[serde(default = "table_chart")]
    pub chart: ChartKind,
    #[serde(default)]
    pub x: Option<String>,
    /// One measure column (the contract) or a list of them.
    #[serde(default)]
    pub y: Option<crate::report::Measures>,
    /// A column whose values split the measure into one line or bar per value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    /// The order rows are shown and drawn in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sort: Vec<SortKey>,
    /// How each column's numbers are shown, by column name.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub format: std::collections::BTreeMap<String, crate::report::ColumnFormat>,
}
