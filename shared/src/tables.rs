//! `sink.table`: its config, the modes, the rule for table names, and the
//! checks the validator runs on a table sink (see "Tables and connections" in
//! the graph format). The engine writes; the rules live here once.

use crate::expr::{self, Scope};
use crate::types::{DataType, Schema};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a table sink changes its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableMode {
    /// The table holds exactly the output rows.
    Replace,
    /// The output rows are added.
    Append,
    /// Rows whose `keys` exist are updated, the others inserted.
    Merge,
    /// Rows whose `partition_by` values occur in the output are replaced.
    ReplacePartition,
    /// Like `merge` (history is not kept).
    Scd1,
    /// History: versions with `sk`, `valid_from`, `valid_to`, `is_current`.
    Scd2,
}

impl TableMode {
    pub const ALL: [TableMode; 6] = [
        TableMode::Replace,
        TableMode::Append,
        TableMode::Merge,
        TableMode::ReplacePartition,
        TableMode::Scd1,
        TableMode::Scd2,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            TableMode::Replace => "replace",
            TableMode::Append => "append",
            TableMode::Merge => "merge",
            TableMode::ReplacePartition => "replace_partition",
            TableMode::Scd1 => "scd1",
            TableMode::Scd2 => "scd2",
        }
    }

    /// Every mode's name, in the order of [`TableMode::ALL`] (the editor's choices).
    pub const NAMES: [&'static str; 6] = {
        let mut out = [""; 6];
        let mut i = 0;
        while i < 6 {
            out[i] = Self::ALL[i].as_str();
            i += 1;
        }
        out
    };

    /// Whether the mode matches rows on `keys`.
    pub fn uses_keys(self) -> bool {
        matches!(self, TableMode::Merge | TableMode::Scd1 | TableMode::Scd2)
    }
}

fn replace() -> TableMode {
    TableMode::Replace
}

/// The columns an `scd2` table has besides the output's.
pub const SCD2_COLUMNS: [&str; 4] = ["sk", "valid_from", "valid_to", "is_current"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSink {
    pub connection: String,
    /// `table` or `schema.table`; `{param}` placeholders allowed.
    pub table: String,
    #[serde(default = "replace")]
    pub mode: TableMode,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partition_by: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracked: Vec<String>,
    /// `scd2`: the date versions start and end on, usually `$biz_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expire_missing: bool,
}

/// A table name after parameter substitution: `table` or `schema.table`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableName {
    pub schema: Option<String>,
    pub name: String,
}

impl std::fmt::Display for TableName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// The identifier rule for table and schema names: a letter or `_` first, then
/// letters, digits or `_` (any script), at most 63 bytes. Names are quoted in
/// SQL anyway; the rule keeps quotes, spaces and statement text out entirely.
pub fn check_identifier(part: &str) -> Result<(), String> {
    let ok = !part.is_empty()
        && part.len() <= 63
        && part.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && part.chars().all(|c| c.is_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{part}` is not a table name (letters, digits and `_`, starting with a letter or `_`, at most 63 bytes)"
        ))
    }
}

/// Reads `table` or `schema.table`.
pub fn parse_table_name(text: &str) -> Result<TableName, String> {
    let mut parts = text.split('.');
    let (a, b) = (parts.next().unwrap_or_default(), parts.next());
    if parts.next().is_some() {
        return Err(format!("`{text}` is not a table name: write `table` or `schema.table`"));
    }
    check_identifier(a)?;
    match b {
        Some(b) => {
            check_identifier(b)?;
            Ok(TableName { schema: Some(a.to_string()), name: b.to_string() })
        }
        None => Ok(TableName { schema: None, name: a.to_string() }),
    }
}

/// The `{name}` placeholders in a table name.
pub fn placeholders(text: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').ok_or_else(|| format!("table `{text}` has an unclosed `{{`"))?;
        let name = &rest[start + 1..start + end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("table `{text}` has a bad placeholder `{{{name}}}`"));
        }
        names.push(name);
        rest = &rest[start + end + 1..];
    }
    if rest.contains('}') {
        return Err(format!("table `{text}` has a `}}` without `{{`"));
    }
    Ok(names)
}

/// Substitutes `{name}` placeholders as text, then checks the result as a name.
pub fn resolve_table_name(text: &str, values: &BTreeMap<String, String>) -> Result<TableName, String> {
    let mut out = text.to_string();
    for name in placeholders(text)? {
        let v = values.get(name).ok_or_else(|| format!("table `{text}` needs a value for parameter `{name}`"))?;
        out = out.replace(&format!("{{{name}}}"), v);
    }
    parse_table_name(&out).map_err(|e| if out == text { e } else { format!("after substituting parameters: {e}") })
}

/// Problems as (field, message) pairs.
type Issues = Vec<(String, String)>;

/// The validator's checks of a table sink against its input schema.
pub fn check_sink(
    c: &TableSink,
    input: Option<&Schema>,
    params: &BTreeMap<String, crate::model::ParamDecl>,
    issues: &mut Issues,
) {
    let mut push = |f: &str, m: String| issues.push((f.to_string(), m));
    if c.connection.trim().is_empty() {
        push("connection", "choose a connection".into());
    }
    if c.table.trim().is_empty() {
        push("table", "name the table to write".into());
    } else {
        match placeholders(&c.table) {
            Err(e) => push("table", e),
            Ok(names) if names.is_empty() => {
                if let Err(e) = parse_table_name(&c.table) {
                    push("table", e);
                }
            }
            Ok(names) => {
                for n in names.into_iter().filter(|n| !params.contains_key(*n)) {
                    push("table", format!("table `{}` uses `{{{n}}}`, which is not a declared parameter", c.table));
                }
            }
        }
    }
    let mode = c.mode.as_str();
    let needs = |field: &str, list: &[String], issues: &mut Issues| {
        if list.is_empty() {
            issues.push((field.into(), format!("mode `{mode}` needs `{field}`: list at least one column")));
        }
        columns_exist(field, list, input, issues);
    };
    match c.mode {
        TableMode::Replace => {}
        // `partition_by`: what a backfill replaces (crate::backfill).
        TableMode::Append => columns_exist("partition_by", &c.partition_by, input, issues),
        TableMode::Merge | TableMode::Scd1 => needs("keys", &c.keys, issues),
        TableMode::ReplacePartition => needs("partition_by", &c.partition_by, issues),
        TableMode::Scd2 => {
            needs("keys", &c.keys, issues);
            needs("tracked", &c.tracked, issues);
            for t in c.tracked.iter().filter(|t| c.keys.contains(t)) {
                issues.push(("tracked".into(), format!("column `{t}` is a key; keys are not tracked")));
            }
            check_as_of(c.as_of.as_deref(), params, issues);
            if let Some(s) = input {
                for n in SCD2_COLUMNS.iter().filter(|n| s.field(n).is_some()) {
                    issues.push((
                        "mode".into(),
                        format!("mode `scd2` adds column `{n}`; the output already has one (rename it upstream)"),
                    ));
                }
            }
        }
    }
}

fn columns_exist(field: &str, list: &[String], input: Option<&Schema>, issues: &mut Issues) {
    let mut seen = std::collections::HashSet::new();
    for col in list {
        if !seen.insert(col) {
            issues.push((field.into(), format!("column `{col}` is listed twice")));
        }
        let Some(s) = input else { continue };
        if s.field(col).is_none() {
            let hint = match s.suggest(col) {
                Some(h) => format!("; did you mean `{h}`?"),
                None => format!(" (columns: {})", s.describe_columns()),
            };
            issues.push((field.into(), format!("unknown column `{col}`{hint}")));
        }
    }
}

fn check_as_of(as_of: Option<&str>, params: &BTreeMap<String, crate::model::ParamDecl>, issues: &mut Issues) {
    let Some(text) = as_of.filter(|t| !t.trim().is_empty()) else {
        issues.push(("as_of".into(), "mode `scd2` needs `as_of`: a date expression such as `$biz_date`".into()));
        return;
    };
    // A constant: no columns in scope, parameters only.
    let none = Schema(Vec::new());
    let checked = expr::check(text, &Scope { schema: Some(&none), params });
    let failed = !checked.errors.is_empty();
    issues.extend(checked.errors.into_iter().map(|e| ("as_of".to_string(), e)));
    if let Some(t) = checked.ty.filter(|t| *t != DataType::Date)
        && !failed
    {
        issues.push(("as_of".into(), format!("`as_of` gives {t}, not a date")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_identifiers() {
        assert_eq!(parse_table_name("dw.fact_sales").unwrap().schema.as_deref(), Some("dw"));
        assert_eq!(parse_table_name("客户").unwrap().name, "客户");
        for bad in ["", "a.b.c", "t; DROP TABLE x", "t\"x", "1t", "a..b", "t`x", "a b", "t--"] {
            assert!(parse_table_name(bad).is_err(), "{bad}");
        }
        let values = BTreeMap::from([("d".to_string(), "2024".to_string()), ("x".into(), "a;drop".into())]);
        assert_eq!(resolve_table_name("sales_{d}", &values).unwrap().name, "sales_2024");
        assert!(resolve_table_name("t_{x}", &values).unwrap_err().contains("after substituting"));
        assert!(resolve_table_name("t_{y}", &values).unwrap_err().contains("parameter `y`"));
    }

    #[test]
    fn modes_spell_as_in_the_format() {
        for m in TableMode::ALL {
            let v = serde_json::to_value(m).unwrap();
            assert_eq!(v, m.as_str());
        }
    }

    fn problems(config: serde_json::Value) -> Vec<(String, String)> {
        use crate::types::Field;
        let c: TableSink = serde_json::from_value(config).unwrap();
        let input = Schema(vec![Field::new("id", Some(DataType::Int64)), Field::new("city", Some(DataType::String))]);
        let mut params = BTreeMap::new();
        params.insert("biz_date".to_string(), serde_json::from_value(serde_json::json!({"type": "date"})).unwrap());
        let mut issues = Vec::new();
        check_sink(&c, Some(&input), &params, &mut issues);
        issues
    }

    #[test]
    fn every_mode_needs_its_fields_and_real_columns() {
        let p = problems(serde_json::json!({"connection": "dw", "table": "t", "mode": "merge"}));
        assert_eq!(p, [("keys".to_string(), "mode `merge` needs `keys`: list at least one column".to_string())]);
        let p = problems(serde_json::json!({"connection": "dw", "table": "t", "mode": "scd1", "keys": ["idd"]}));
        assert_eq!(p[0].0, "keys");
        assert!(p[0].1.contains("unknown column `idd`; did you mean `id`?"), "{p:?}");
        let p = problems(serde_json::json!({"connection": "dw", "table": "t", "mode": "replace_partition"}));
        assert_eq!(p[0].0, "partition_by");
        let p = problems(serde_json::json!({"connection": "dw", "table": "t", "mode": "scd2", "keys": ["id"]}));
        let fields: Vec<&str> = p.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["tracked", "as_of"]);
        let p = problems(serde_json::json!({"connection": "dw", "table": "t", "mode": "scd2", "keys": ["id"],
            "tracked": ["city"], "as_of": "city"}));
        assert!(p.iter().any(|(f, m)| f == "as_of" && m.contains("city")), "{p:?}");
        let ok = problems(serde_json::json!({"connection": "dw", "table": "dw.t_{biz_date}", "mode": "scd2",
            "keys": ["id"], "tracked": ["city"], "as_of": "$biz_date"}));
        assert!(ok.is_empty(), "{ok:?}");
        let p = problems(serde_json::json!({"connection": "dw", "table": "t_{nope}"}));
        assert!(p[0].1.contains("`{nope}`"), "{p:?}");
        assert!(
            serde_json::from_value::<TableSink>(serde_json::json!({"connection": "d", "table": "t", "mode": "upsert"}))
                .is_err()
        );
    }
}
