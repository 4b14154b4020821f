//! Source node configs: files, tables, dates, and the columns a source declares.

use super::comma;
use crate::types::{DataType, Field, Schema};
use serde::{Deserialize, Serialize};

/// A column of a source's declared `schema`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDecl {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: DataType,
}

pub fn declared_schema(cols: &[ColumnDecl]) -> Schema {
    Schema(cols.iter().map(|c| Field::new(&c.name, Some(c.ty))).collect())
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvSource {
    pub path: String,
    #[serde(default = "comma")]
    pub delimiter: String,
    #[serde(default = "yes")]
    pub has_header: bool,
    #[serde(default)]
    pub schema: Option<Vec<ColumnDecl>>,
    /// `utf-8` (default) or `gbk`.
    #[serde(default)]
    pub encoding: Option<String>,
}

/// `source.dates`: one row per day of [`from`, `to`]; each a date or `$param`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatesSource {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSource {
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcelSource {
    pub path: String,
    #[serde(default)]
    pub sheet: Option<String>,
    #[serde(default)]
    pub schema: Option<Vec<ColumnDecl>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSource {
    pub connection: String,
    #[serde(default)]
    pub table: Option<String>,
    #[serde(default)]
    pub query: Option<String>,
    /// Read only rows newer than the last successful run's high-water mark
    /// (server only; the command line reads everything).
    #[serde(default)]
    pub incremental: Option<Incremental>,
}

/// `incremental: {"column": "updated_at", "initial"?: ...}` on a `source.table`:
/// a server run reads the rows whose `column` is above the watermark of the
/// graph's last successful run in its environment (the first run: above
/// `initial`, a number or a text such as `"2024-01-01"`, or every row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incremental {
    pub column: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial: Option<serde_json::Value>,
}

impl Incremental {
    /// `initial` as the text the engine casts to the column's type; `Err` for
    /// a value that is neither a number nor a text.
    pub fn initial_text(&self) -> Result<Option<String>, String> {
        match &self.initial {
            None => Ok(None),
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
            Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err("`initial` is a number or a text such as \"2024-01-01\"".into()),
        }
    }
}

/// The text encodings a CSV source reads (`encoding`; `utf8` is accepted as
/// another spelling of `utf-8`).
pub const ENCODINGS: [&str; 2] = ["utf-8", "gbk"];
