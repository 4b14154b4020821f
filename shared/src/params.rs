//! Parameters: declared with a type, given on the command line or by the scheduler,
//! bound into expressions as typed values (never pasted into SQL text).

use crate::model::{ParamDecl, ParamType};
use crate::problem::Problem;
use crate::types::parse_date_days;
use serde_json::Value;
use std::collections::BTreeMap;

/// A parameter value after type checking.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// Days since 1970-01-01 and the `YYYY-MM-DD` text.
    Date(i32, String),
    String(String),
    Int64(i64),
    Float64(f64),
    Bool(bool),
}

impl ParamValue {
    /// The text substituted for `{name}` in paths.
    pub fn as_text(&self) -> String {
        match self {
            Self::Date(_, s) | Self::String(s) => s.clone(),
            Self::Int64(v) => v.to_string(),
            Self::Float64(v) => v.to_string(),
            Self::Bool(v) => v.to_string(),
        }
    }

    /// Parses command-line text as a value of `ty`.
    pub fn parse(ty: ParamType, text: &str) -> Result<Self, String> {
        let bad = |what: &str| format!("`{text}` is not {what}");
        Ok(match ty {
            ParamType::Date => {
                Self::Date(parse_date_days(text).ok_or_else(|| bad("a date (YYYY-MM-DD)"))?, text.to_string())
            }
            ParamType::String => Self::String(text.to_string()),
            ParamType::Int64 => Self::Int64(text.trim().parse().map_err(|_| bad("an int64"))?),
            ParamType::Float64 => {
                let v: f64 = text.trim().parse().map_err(|_| bad("a float64"))?;
                if !v.is_finite() {
                    return Err(bad("a finite float64"));
                }
                Self::Float64(v)
            }
            ParamType::Bool => match text.trim().to_ascii_lowercase().as_str() {
                "true" => Self::Bool(true),
                "false" => Self::Bool(false),
                _ => return Err(bad("a bool (true or false)")),
            },
        })
    }

    /// Reads a JSON `default` as a value of `ty`.
    pub fn from_json(ty: ParamType, v: &Value) -> Result<Self, String> {
        match (ty, v) {
            (ParamType::Int64, Value::Number(n)) => {
                n.as_i64().map(Self::Int64).ok_or_else(|| format!("{n} is not an int64"))
            }
            (ParamType::Float64, Value::Number(n)) => Ok(Self::Float64(n.as_f64().unwrap_or(0.0))),
            (ParamType::Bool, Value::Bool(b)) => Ok(Self::Bool(*b)),
            (_, Value::String(s)) => Self::parse(ty, s),
            _ => Err(format!("{v} is not a {}", type_name(ty))),
        }
    }
}

impl ParamType {
    pub const ALL: [ParamType; 5] =
        [ParamType::Date, ParamType::String, ParamType::Int64, ParamType::Float64, ParamType::Bool];
}

/// A declared default as typed in a form: the typed JSON value when `text`
/// reads as a value of `ty`, else the text itself (so the validator reports it
/// instead of it vanishing); `None` when blank.
pub fn default_from_text(ty: ParamType, text: &str) -> Option<Value> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    Some(match ParamValue::parse(ty, t) {
        Ok(ParamValue::Int64(v)) => Value::from(v),
        Ok(ParamValue::Float64(v)) => serde_json::Number::from_f64(v).map_or_else(|| Value::from(t), Value::Number),
        Ok(ParamValue::Bool(b)) => Value::Bool(b),
        Ok(ParamValue::Date(..) | ParamValue::String(_)) if ty == ParamType::String => Value::from(text),
        _ => Value::from(t),
    })
}

/// The text a form shows for a declared default (the inverse of [`default_from_text`]).
pub fn default_as_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

pub fn type_name(ty: ParamType) -> &'static str {
    match ty {
        ParamType::Date => "date",
        ParamType::String => "string",
        ParamType::Int64 => "int64",
        ParamType::Float64 => "float64",
        ParamType::Bool => "bool",
    }
}

/// Whether `name` is a valid parameter name.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Checks declarations: names and defaults.
pub fn check_decls(params: &BTreeMap<String, ParamDecl>, problems: &mut Vec<Problem>) {
    for (name, decl) in params {
        let field = format!("params.{name}");
        if !valid_name(name) {
            problems.push(Problem::graph(
                Some(&field),
                format!("`{name}` is not a valid parameter name (letters, digits and _)"),
            ));
        }
        if let Some(default) = &decl.default
            && let Err(e) = ParamValue::from_json(decl.ty, default)
        {
            problems.push(Problem::graph(Some(&field), format!("default: {e}")));
        }
    }
}

/// Binds given values (text, as on the command line) and defaults to the declared
/// parameters. Every missing, undeclared or ill-typed value is a problem.
/// Derived parameters are computed last, by `calendars` ([`crate::derived`]).
pub fn bind(
    params: &BTreeMap<String, ParamDecl>,
    given: &BTreeMap<String, String>,
    calendars: Option<&BTreeMap<String, crate::calendar::Calendar>>,
) -> Result<BTreeMap<String, ParamValue>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut values = BTreeMap::new();
    for name in given.keys().filter(|n| !params.contains_key(*n)) {
        problems.push(Problem::graph(
            Some(&format!("params.{name}")),
            format!("a value was given for `{name}`, but the graph declares no such parameter"),
        ));
    }
    for (name, decl) in params {
        let field = format!("params.{name}");
        if let Some(d) = &decl.derive {
            if given.contains_key(name) {
                problems.push(Problem::graph(
                    Some(&field),
                    format!("`{name}` is derived from `{}` by calendar `{}`; it takes no value", d.from, d.calendar),
                ));
            }
            continue;
        }
        let value = match (given.get(name), &decl.default) {
            (Some(text), _) => ParamValue::parse(decl.ty, text),
            (None, Some(default)) => ParamValue::from_json(decl.ty, default),
            (None, None) => Err(format!("parameter `{name}` has no value and no default; pass --param {name}=...")),
        };
        match value {
            Ok(v) => {
                values.insert(name.clone(), v);
            }
            Err(e) => problems.push(Problem::graph(Some(&field), e)),
        }
    }
    crate::derived::bind(params, &mut values, calendars, &mut problems);
    if problems.is_empty() { Ok(values) } else { Err(problems) }
}

#[cfg(test)]
mod form_text_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_typed_default_becomes_a_typed_value_and_bad_text_stays_text() {
        assert_eq!(default_from_text(ParamType::Int64, " 42 "), Some(json!(42)));
        assert_eq!(default_from_text(ParamType::Int64, "4.5"), Some(json!("4.5")));
        assert_eq!(default_from_text(ParamType::Float64, "2.5"), Some(json!(2.5)));
        assert_eq!(default_from_text(ParamType::Float64, "inf"), Some(json!("inf")));
        assert_eq!(default_from_text(ParamType::Bool, "true"), Some(json!(true)));
        assert_eq!(default_from_text(ParamType::Bool, "yes"), Some(json!("yes")));
        assert_eq!(default_from_text(ParamType::Date, "2026-11-24"), Some(json!("2026-11-24")));
        assert_eq!(default_from_text(ParamType::Date, "tomorrow"), Some(json!("tomorrow")));
        // A string keeps its spaces; blank is no default.
        assert_eq!(default_from_text(ParamType::String, " a b "), Some(json!(" a b ")));
        assert_eq!(default_from_text(ParamType::String, "  "), None);
        for v in [json!(42), json!(true), json!("2026-11-24")] {
            let ty = match &v {
                Value::Number(_) => ParamType::Int64,
                Value::Bool(_) => ParamType::Bool,
                _ => ParamType::Date,
            };
            assert_eq!(default_from_text(ty, &default_as_text(Some(&v))), Some(v));
        }
        assert_eq!(ParamType::ALL.map(type_name), ["date", "string", "int64", "float64", "bool"]);
    }
}
