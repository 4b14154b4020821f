//! `sink.report`: the config beyond the contract's `title`, `chart`, `x`, `y`
//! (issue 16 adds `area`, `kpi`, `pivot`, several measures, `series`, `sort`
//! and per-column `format`), its checks, and the report's name rule.
//!
//! Everything here is additive: a graph written to the contract (`"y": "amount"`)
//! reads and validates exactly as before.

use crate::config::{ChartKind, ReportSink};
use crate::infer::{Issues, need_column};
use crate::types::Schema;
use serde::{Deserialize, Serialize};

/// The measures of a report: the contract's one column (`"y": "amount"`) or a
/// list of them (`"y": ["amount", "count"]`). Written back as it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Measures {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for Measures {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Measures;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a column name or a list of column names")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Measures, E> {
                Ok(Measures::One(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Measures, A::Error> {
                let mut out = Vec::new();
                while let Some(c) = seq.next_element::<String>()? {
                    out.push(c);
                }
                Ok(Measures::Many(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Measures {
    pub fn columns(&self) -> Vec<&str> {
        match self {
            Measures::One(c) => vec![c.as_str()],
            Measures::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// Scaling for Chinese readers: 万 (10⁴) and 亿 (10⁸).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    #[serde(alias = "万")]
    Wan,
    #[serde(alias = "亿")]
    Yi,
}

impl Scale {
    /// Digits the decimal point moves left, and the suffix shown.
    pub fn shift_and_suffix(self) -> (i32, &'static str) {
        match self {
            Scale::Wan => (4, "万"),
            Scale::Yi => (8, "亿"),
        }
    }
}

/// How a column's numbers are shown (table, downloads, chart labels).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnFormat {
    /// Digits after the point (0 to 10), rounded half away from zero. Absent:
    /// 2 when scaled or a percent, else the number as stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    /// Thousands separators (`1,234,567`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub thousands: bool,
    /// Times 100 with a `%` (0.1234 → `12.34%`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub percent: bool,
    /// `wan` (万) or `yi` (亿).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
}

/// The most decimals a format may ask for.
pub const MAX_DECIMALS: u8 = 10;

/// Which charts need which keys.
pub fn needs_x(chart: ChartKind) -> bool {
    matches!(chart, ChartKind::Bar | ChartKind::Line | ChartKind::Area | ChartKind::Pie | ChartKind::Pivot)
}

/// Checks a report's config against its input (`None`: not known yet).
pub fn check(c: &ReportSink, input: Option<&Schema>, issues: &mut Issues) {
    if c.title.trim().is_empty() {
        issues.push(("title".into(), "give the report a title".into()));
    }
    if let Some(x) = &c.x {
        need_column(input, x, "x", issues);
    }
    if let Some(y) = &c.y {
        let cols = y.columns();
        if cols.is_empty() {
            issues.push(("y".into(), "name at least one measure column".into()));
        }
        for (i, col) in cols.iter().enumerate() {
            let field = if matches!(y, Measures::One(_)) { "y".to_string() } else { format!("y[{i}]") };
            // The contract accepts any column here; a chart draws what is not a number as 0.
            need_column(input, col, &field, issues);
        }
    }
    if let Some(s) = &c.series {
        need_column(input, s, "series", issues);
        if c.chart == ChartKind::Pie {
            issues.push(("series".into(), "a pie chart has no series; leave `series` out".into()));
        }
    }
    if c.chart == ChartKind::Pivot && c.series.is_none() && c.x.is_none() {
        issues.push(("x".into(), "a pivot needs `x` (its rows)".into()));
    }
    for (i, k) in c.sort.iter().enumerate() {
        need_column(input, &k.column, &format!("sort[{i}].column"), issues);
    }
    for (col, f) in &c.format {
        need_column(input, col, &format!("format.{col}"), issues);
        if f.decimals.is_some_and(|d| d > MAX_DECIMALS) {
            issues.push((format!("format.{col}.decimals"), format!("at most {MAX_DECIMALS} decimals")));
        }
        if f.percent && f.scale.is_some() {
            issues.push((format!("format.{col}"), "choose a percent or a 万/亿 scale, not both".into()));
        }
    }
}

/// The longest report name.
pub const NAME_MAX: usize = 64;

/// A report's name as its page address shows it (`#/reports/<name>`): 1 to 64
/// of `a-z`, `0-9`, `_`, `-`, starting with a letter or digit. Made from a node id.
pub fn name_from(node_id: &str) -> String {
    let mut s: String = node_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else if c == '-' {
                '-'
            } else {
                '_'
            }
        })
        .collect();
    s = s.trim_start_matches(['_', '-']).to_string();
    if s.is_empty() {
        s = "report".into();
    }
    s.truncate(NAME_MAX - 9); // room for a `-xxxxxxxx` suffix on a clash
    s
}

/// Whether `name` follows the rule of [`name_from`].
pub fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= NAME_MAX
        && name.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_reads_a_string_or_a_list_and_writes_back_the_same() {
        let one: ReportSink = serde_json::from_str(r#"{"title":"t","chart":"bar","x":"a","y":"amount"}"#).unwrap();
        assert_eq!(one.y, Some(Measures::One("amount".into())));
        assert_eq!(serde_json::to_value(&one).unwrap()["y"], "amount");
        let many: ReportSink = serde_json::from_str(r#"{"title":"t","chart":"line","y":["a","b"]}"#).unwrap();
        assert_eq!(many.y.unwrap().columns(), vec!["a", "b"]);
    }

    #[test]
    fn names() {
        assert_eq!(name_from("Daily-Deposits"), "daily-deposits");
        assert_eq!(name_from("_x.y"), "x_y");
        assert!(is_name("daily_deposits-2"));
        assert!(!is_name("Daily"));
        assert!(!is_name("-a"));
        assert!(!is_name(""));
    }
}
