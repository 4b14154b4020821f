//! Typed config for every node kind. A node's `config` JSON is parsed into one of
//! these; serde rejects unknown keys so a typo never passes silently.

use crate::kinds::NodeKind;
use crate::types::{DataType, Field, Schema};
use serde::{Deserialize, Serialize};
use serde_json::Value;

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

fn comma() -> String {
    ",".to_string()
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterConfig {
    pub predicate: String,
}

/// `"name"` or `{"name", "as"?, "type"?}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SelectColumn {
    Name(String),
    Spec(SelectSpec),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectSpec {
    pub name: String,
    #[serde(default, rename = "as")]
    pub alias: Option<String>,
    #[serde(default, rename = "type")]
    pub ty: Option<DataType>,
}

impl SelectColumn {
    pub fn name(&self) -> &str {
        match self {
            Self::Name(n) => n,
            Self::Spec(s) => &s.name,
        }
    }
    pub fn output_name(&self) -> &str {
        match self {
            Self::Name(n) => n,
            Self::Spec(s) => s.alias.as_deref().unwrap_or(&s.name),
        }
    }
    pub fn cast(&self) -> Option<DataType> {
        match self {
            Self::Name(_) => None,
            Self::Spec(s) => s.ty,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectConfig {
    pub columns: Vec<SelectColumn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DerivedColumn {
    pub name: String,
    pub expr: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeriveConfig {
    pub columns: Vec<DerivedColumn>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JoinHow {
    Inner,
    Left,
    Right,
    Full,
    Semi,
    Anti,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinKey {
    pub left: String,
    pub right: String,
}

fn inner() -> JoinHow {
    JoinHow::Inner
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinConfig {
    #[serde(default = "inner")]
    pub how: JoinHow,
    pub on: Vec<JoinKey>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionConfig {
    #[serde(default)]
    pub distinct: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggFn {
    Count,
    CountDistinct,
    Sum,
    Avg,
    Min,
    Max,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aggregate {
    #[serde(rename = "fn")]
    pub func: AggFn,
    #[serde(default)]
    pub column: Option<String>,
    #[serde(rename = "as")]
    pub alias: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateConfig {
    #[serde(default)]
    pub group_by: Vec<String>,
    pub aggregates: Vec<Aggregate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SortKey {
    pub column: String,
    #[serde(default)]
    pub desc: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SortConfig {
    pub by: Vec<SortKey>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistinctConfig {
    #[serde(default)]
    pub columns: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitConfig {
    pub n: u64,
    #[serde(default)]
    pub offset: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlConfig {
    pub query: String,
}

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

pub use crate::tables::{TableMode, TableSink};

/// `ALL`, `NAMES` (the config words, in order) and `as_str` for a config enum,
/// so that the editor's option lists are derived from the enum, never copied.
macro_rules! option_list {
    ($ty:ident, $n:literal { $($v:ident => $t:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: [$ty; $n] = [$($ty::$v),+];
            /// The word of each variant in the config, in the order of `ALL`.
            pub const NAMES: [&'static str; $n] = [$($t),+];
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$v => $t),+
                }
            }
        }
    };
}

option_list!(JoinHow, 6 { Inner => "inner", Left => "left", Right => "right", Full => "full", Semi => "semi", Anti => "anti" });
option_list!(AggFn, 6 {
    Count => "count",
    CountDistinct => "count_distinct",
    Sum => "sum",
    Avg => "avg",
    Min => "min",
    Max => "max",
});
option_list!(ChartKind, 7 {
    Table => "table",
    Bar => "bar",
    Line => "line",
    Area => "area",
    Pie => "pie",
    Kpi => "kpi",
    Pivot => "pivot",
});

/// The text encodings a CSV source reads (`encoding`; `utf8` is accepted as
/// another spelling of `utf-8`).
pub const ENCODINGS: [&str; 2] = ["utf-8", "gbk"];

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

/// A config value typed into a form field as text, read as its config field's type.
trait TypedText: serde::de::DeserializeOwned + Serialize {
    /// What the field needs, for the problem when the text is not one.
    const NEEDED: &'static str;
}

impl TypedText for u64 {
    const NEEDED: &'static str = "a whole number ≥ 0";
}

fn read_text<T: TypedText>(key: &str, text: &str) -> Result<Value, String> {
    let t = text.trim();
    let not_one = || {
        if t.is_empty() {
            format!("`{key}`: {} is needed", T::NEEDED)
        } else {
            format!("`{key}`: {} is needed, `{t}` is not one", T::NEEDED)
        }
    };
    // Read as the JSON text of the field's own type, so the form accepts exactly
    // what `NodeConfig::parse` accepts (no `1.5`, `-5`, `1e30` for a `u64`).
    let v: T = serde_json::from_str(t).map_err(|_| not_one())?;
    serde_json::to_value(v).map_err(|_| not_one())
}

/// For a config key whose value is a number (not text), reads the text typed into
/// its form field as that key's type in the kind's config struct: `None` for a
/// key that is not a number, else the value to store or the problem to show
/// (`` `n`: a whole number ≥ 0 is needed, `1.5` is not one ``).
pub fn parse_typed_text(kind: NodeKind, key: &str, text: &str) -> Option<Result<Value, String>> {
    match (kind, key) {
        // `LimitConfig::n`, `LimitConfig::offset`.
        (NodeKind::Limit, "n" | "offset") => Some(read_text::<u64>(key, text)),
        _ => None,
    }
}

/// A node's config, typed by its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeConfig {
    SourceCsv(CsvSource),
    SourceParquet(FileSource),
    SourceJson(FileSource),
    SourceExcel(ExcelSource),
    SourceTable(TableSource),
    SourceDates(DatesSource),
    Filter(FilterConfig),
    Select(SelectConfig),
    Derive(DeriveConfig),
    Join(JoinConfig),
    Union(UnionConfig),
    Aggregate(AggregateConfig),
    Sort(SortConfig),
    Distinct(DistinctConfig),
    Limit(LimitConfig),
    Sql(SqlConfig),
    TransformCheck(crate::check::CheckConfig),
    SinkCsv(CsvSink),
    SinkParquet(FileSink),
    SinkExcel(ExcelSink),
    SinkTable(TableSink),
    SinkReport(ReportSink),
}

impl NodeConfig {
    /// Parses `config` for `kind`; the error is serde's sentence, which names the field.
    pub fn parse(kind: NodeKind, config: &Value) -> Result<Self, String> {
        fn p<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, String> {
            T::deserialize(v).map_err(|e| e.to_string())
        }
        Ok(match kind {
            NodeKind::SourceCsv => Self::SourceCsv(p(config)?),
            NodeKind::SourceParquet => Self::SourceParquet(p(config)?),
            NodeKind::SourceJson => Self::SourceJson(p(config)?),
            NodeKind::SourceExcel => Self::SourceExcel(p(config)?),
            NodeKind::SourceTable => Self::SourceTable(p(config)?),
            NodeKind::SourceDates => Self::SourceDates(p(config)?),
            NodeKind::Filter => Self::Filter(p(config)?),
            NodeKind::Select => Self::Select(p(config)?),
            NodeKind::Derive => Self::Derive(p(config)?),
            NodeKind::Join => Self::Join(p(config)?),
            NodeKind::Union => Self::Union(p(config)?),
            NodeKind::Aggregate => Self::Aggregate(p(config)?),
            NodeKind::Sort => Self::Sort(p(config)?),
            NodeKind::Distinct => Self::Distinct(p(config)?),
            NodeKind::Limit => Self::Limit(p(config)?),
            NodeKind::Sql => Self::Sql(p(config)?),
            NodeKind::TransformCheck => Self::TransformCheck(p(config)?),
            NodeKind::SinkCsv => Self::SinkCsv(p(config)?),
            NodeKind::SinkParquet => Self::SinkParquet(p(config)?),
            NodeKind::SinkExcel => Self::SinkExcel(p(config)?),
            NodeKind::SinkTable => Self::SinkTable(p(config)?),
            NodeKind::SinkReport => Self::SinkReport(p(config)?),
        })
    }

    /// The file path a source reads, or a sink or a check's quarantine writes, if it has one.
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::SourceCsv(c) => Some(&c.path),
            Self::SourceParquet(c) | Self::SourceJson(c) => Some(&c.path),
            Self::SinkParquet(c) => Some(&c.path),
            Self::SourceExcel(c) => Some(&c.path),
            Self::SinkCsv(c) => Some(&c.path),
            Self::SinkExcel(c) => Some(&c.path),
            Self::TransformCheck(c) => c.quarantine.as_ref().and_then(|q| q.path.as_deref()),
            _ => None,
        }
    }
}

// Which `sink.table` config keys each mode uses (graph-format.md, "Tables and
// connections"), for the editor's form: it shows a mode's keys only and drops
// the ones a new mode does not use.

/// The `sink.table` config keys that only some modes use.
pub const TABLE_MODE_KEYS: [&str; 5] = ["keys", "partition_by", "tracked", "as_of", "expire_missing"];

impl TableMode {
    /// The mode named `s`, as the format spells it.
    pub fn parse(s: &str) -> Option<TableMode> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The keys of [`TABLE_MODE_KEYS`] this mode uses, in form order.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            TableMode::Replace | TableMode::Append => &[],
            TableMode::Merge | TableMode::Scd1 => &["keys"],
            TableMode::ReplacePartition => &["partition_by"],
            TableMode::Scd2 => &["keys", "tracked", "as_of", "expire_missing"],
        }
    }
}

#[cfg(test)]
mod option_list_tests {
    use super::*;

    /// The words the editor offers are the words serde reads and writes.
    #[test]
    fn option_names_are_the_config_words() {
        fn agree<T: Serialize + Copy>(all: &[T], names: &[&str], as_str: fn(T) -> &'static str) {
            assert_eq!(all.len(), names.len());
            for (v, n) in all.iter().zip(names) {
                assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(n));
                assert_eq!(as_str(*v), *n);
            }
        }
        agree(&JoinHow::ALL, &JoinHow::NAMES, JoinHow::as_str);
        agree(&AggFn::ALL, &AggFn::NAMES, AggFn::as_str);
        agree(&ChartKind::ALL, &ChartKind::NAMES, ChartKind::as_str);
        agree(&TableMode::ALL, &TableMode::NAMES, TableMode::as_str);
        agree(crate::check::RuleKind::ALL, crate::check::RuleKind::NAMES, crate::check::RuleKind::as_str);
        agree(crate::check::RuleLevel::ALL, crate::check::RuleLevel::NAMES, crate::check::RuleLevel::as_str);
    }
}
