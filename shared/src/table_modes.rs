//! Which `sink.table` config keys each mode uses (graph-format.md, "Tables and
//! connections"), for the editor's form: it shows a mode's keys only, and drops
//! the ones a new mode does not use.

use crate::config::TableMode;

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
