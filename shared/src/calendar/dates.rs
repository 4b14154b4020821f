//! `source.dates`: one row per day of [`from`, `to`], with calendar columns.
//! The config checks and the output schema; the engine builds the rows.

use crate::config::DatesSource;
use crate::infer::{Issues, NodeCtx};
use crate::model::{ParamDecl, ParamType};
use crate::types::{DataType, Field, Schema};
use std::collections::BTreeMap;

/// Output columns without a calendar, in order.
pub const COLUMNS: [(&str, DataType); 8] = [
    ("date", DataType::Date),
    ("year", DataType::Int64),
    ("quarter", DataType::Int64),
    ("month", DataType::Int64),
    ("day", DataType::Int64),
    ("day_of_week", DataType::Int64),
    ("iso_week", DataType::Int64),
    ("is_month_end", DataType::Bool),
];

/// The columns a calendar adds.
pub const CALENDAR_COLUMNS: [(&str, DataType); 2] =
    [("is_business_day", DataType::Bool), ("business_day_of_month", DataType::Int64)];

/// The output schema of a `source.dates` node.
pub fn schema(with_calendar: bool) -> Schema {
    let extra = if with_calendar { &CALENDAR_COLUMNS[..] } else { &[] };
    Schema(COLUMNS.iter().chain(extra).map(|(n, t)| Field::new(*n, Some(*t))).collect())
}

/// One end of the range as written: a date, or a `$param` to look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint<'a> {
    Date(i32),
    Param(&'a str),
}

/// Reads `from`/`to`: `YYYY-MM-DD` or `$name` of a declared date parameter.
pub fn endpoint<'a>(text: &'a str, params: &BTreeMap<String, ParamDecl>) -> Result<Endpoint<'a>, String> {
    let t = text.trim();
    if let Some(name) = t.strip_prefix('$') {
        return match params.get(name) {
            Some(d) if d.ty == ParamType::Date => Ok(Endpoint::Param(name)),
            Some(d) => Err(format!("`${name}` is a {}, not a date", crate::params::type_name(d.ty))),
            None => Err(format!("`${name}` is not a declared parameter")),
        };
    }
    super::parse_date(t)
        .map(Endpoint::Date)
        .ok_or_else(|| format!("`{text}` is neither a date (YYYY-MM-DD) nor a `$param`"))
}

/// Checks the config; the schema follows from whether a calendar is named.
pub fn check(c: &DatesSource, ctx: &NodeCtx, issues: &mut Issues) -> Schema {
    let from = endpoint(&c.from, ctx.scope_params).map_err(|e| issues.push(("from".into(), e))).ok();
    let to = endpoint(&c.to, ctx.scope_params).map_err(|e| issues.push(("to".into(), e))).ok();
    if let (Some(Endpoint::Date(f)), Some(Endpoint::Date(t))) = (from, to)
        && t < f
    {
        issues.push(("to".into(), format!("`to` ({}) is before `from` ({})", c.to.trim(), c.from.trim())));
    }
    if let Some(name) = &c.calendar {
        if name.trim().is_empty() {
            issues.push(("calendar".into(), "name a calendar, or leave `calendar` out".into()));
        } else if let Some(known) = ctx.calendars
            && !known.contains_key(name)
        {
            let names: Vec<&str> = known.keys().map(String::as_str).collect();
            let list = if names.is_empty() { "none".to_string() } else { names.join(", ") };
            issues.push((
                "calendar".into(),
                format!(
                    "`{name}` is not a known calendar (known: {list}; on the command line give --calendar {name}=FILE)"
                ),
            ));
        }
    }
    schema(c.calendar.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_dates_or_date_params() {
        let params: BTreeMap<String, ParamDecl> = serde_json::from_value(serde_json::json!({
            "biz_date": {"type": "date"}, "n": {"type": "int64"}
        }))
        .unwrap();
        assert_eq!(endpoint("2024-10-01", &params), Ok(Endpoint::Date(19997)));
        assert_eq!(endpoint("$biz_date", &params), Ok(Endpoint::Param("biz_date")));
        assert!(endpoint("$n", &params).unwrap_err().contains("int64"));
        assert!(endpoint("$x", &params).unwrap_err().contains("not a declared"));
        assert!(endpoint("yesterday", &params).unwrap_err().contains("YYYY-MM-DD"));
        assert_eq!(schema(true).0.len(), 10);
        assert_eq!(schema(false).0[5].name, "day_of_week");
    }
}
