//! Typed config for every node kind. A node's `config` JSON is parsed into one of
//! these; serde rejects unknown keys so a typo never passes silently.
//!
//! One file per group: `sources`, `transforms`, `sinks`; the enum of them all,
//! `NodeConfig`, is here.

mod sinks;
mod sources;
mod transforms;

pub use sinks::*;
pub use sources::*;
pub use transforms::*;

use crate::kinds::NodeKind;
use serde::Serialize;
use serde_json::Value;

fn comma() -> String {
    ",".to_string()
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
            TableMode::Replace => &[],
            TableMode::Merge | TableMode::Scd1 => &["keys"],
            // `append`: the partitions a backfill replaces (crate::backfill).
            TableMode::Append | TableMode::ReplacePartition => &["partition_by"],
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
