//! The checks of one `transform.check` rule: the fields its kind needs are
//! there, the ones it does not use are not, columns exist, values fit the
//! column's type, patterns parse. Problems name the field (`rules[2].column`).

use crate::check::{CheckRule, ReconcileFn, RuleCtx, RuleKind, check_expr};
use crate::infer::need_column;
use crate::types::{DataType, Schema, parse_date_days};
use serde_json::Value;

type Issues = Vec<(String, String)>;

/// `against`: `None` when the node has no `against` input, else its schema (if known).
pub fn rule(
    r: &CheckRule,
    at: &str,
    input: Option<&Schema>,
    against: Option<Option<&Schema>>,
    ctx: &RuleCtx,
    issues: &mut Issues,
) {
    let mut p = |field: &str, msg: String| issues.push((format!("{at}.{field}"), msg));
    unused_fields(r, &mut p);
    if let Some(ratio) = r.max_ratio
        && !(0.0..=1.0).contains(&ratio)
    {
        p("max_ratio", format!("`max_ratio` is a share of the rows, from 0 to 1, not {ratio}"));
    }
    match r.kind {
        RuleKind::NotNull | RuleKind::Unique => match r.columns.as_deref() {
            None | Some([]) => p("columns", format!("a `{}` rule needs at least one column", r.kind.as_str())),
            Some(cols) => {
                for c in cols {
                    need(input, c, "columns", &mut p);
                }
            }
        },
        RuleKind::In => {
            let ty = column_type(r, input, &mut p);
            match r.values.as_deref() {
                None | Some([]) => p("values", "an `in` rule needs a list of `values`".into()),
                Some(vals) => {
                    for e in vals.iter().filter_map(|v| fits(v, ty).err()) {
                        p("values", e);
                    }
                }
            }
        }
        RuleKind::Between => between(r, column_type(r, input, &mut p), &mut p),
        RuleKind::Matches => matches(r, column_type(r, input, &mut p), &mut p),
        RuleKind::Expr => match r.expr.as_deref() {
            None => p("expr", "an `expr` rule needs an `expr`".into()),
            Some(text) => {
                for e in check_expr(text, &ctx.scope(input)) {
                    p("expr", e);
                }
            }
        },
        RuleKind::RowCount => row_count(r, &mut p),
        RuleKind::Reconcile => reconcile(r, input, against, &mut p),
    }
}

/// Records an unknown column under `field`; the column's type if known.
fn need(schema: Option<&Schema>, name: &str, field: &str, p: &mut dyn FnMut(&str, String)) -> Option<DataType> {
    let mut found = Vec::new();
    let ty = need_column(schema, name, field, &mut found).and_then(|f| f.ty);
    for (field, msg) in found {
        p(&field, msg);
    }
    ty
}

/// The rule's `column` (required by its kind) and its type, if known.
fn column_type(r: &CheckRule, schema: Option<&Schema>, p: &mut dyn FnMut(&str, String)) -> Option<DataType> {
    match r.column.as_deref() {
        None => {
            p("column", format!("a `{}` rule needs a `column`", r.kind.as_str()));
            None
        }
        Some(name) => need(schema, name, "column", p),
    }
}

fn between(r: &CheckRule, ty: Option<DataType>, p: &mut dyn FnMut(&str, String)) {
    if r.min.is_none() && r.max.is_none() {
        p("min", "a `between` rule needs `min`, `max` or both".into());
    }
    for (field, v) in [("min", &r.min), ("max", &r.max)] {
        if let Some(Err(e)) = v.as_ref().map(|v| fits(v, ty)) {
            p(field, e);
        }
    }
    if let (Some(a), Some(b)) = (r.min.as_ref().and_then(Value::as_f64), r.max.as_ref().and_then(Value::as_f64))
        && a > b
    {
        p("min", format!("`min` {a} is above `max` {b}"));
    }
}

fn matches(r: &CheckRule, ty: Option<DataType>, p: &mut dyn FnMut(&str, String)) {
    if let Some(t) = ty.filter(|t| *t != DataType::String) {
        p("column", format!("`matches` needs a string column; `{}` is {t}", r.column.as_deref().unwrap_or("")));
    }
    match r.pattern.as_deref() {
        None => p("pattern", "a `matches` rule needs a `pattern`".into()),
        // The syntax only (no Unicode tables in the browser bundle); the engine
        // compiles the pattern with `regex` before running and names it if it fails.
        // Checked by the full checker only (feature `sql`), like expressions.
        #[cfg(feature = "sql")]
        Some(pat) => {
            if let Err(e) = regex_syntax::ast::parse::Parser::new().parse(pat) {
                p("pattern", format!("`{pat}` is not a regular expression: {}", e.kind()));
            }
        }
        #[cfg(not(feature = "sql"))]
        Some(_) => {}
    }
}

/// Fields a kind does not read are refused, so a typo'd rule never passes as a different one.
fn unused_fields(r: &CheckRule, p: &mut dyn FnMut(&str, String)) {
    use RuleKind::*;
    let present = [
        ("columns", r.columns.is_some(), &[NotNull, Unique][..]),
        ("column", r.column.is_some(), &[In, Between, Matches, Reconcile][..]),
        ("values", r.values.is_some(), &[In][..]),
        ("min", r.min.is_some(), &[Between, RowCount][..]),
        ("max", r.max.is_some(), &[Between, RowCount][..]),
        ("pattern", r.pattern.is_some(), &[Matches][..]),
        ("expr", r.expr.is_some(), &[Expr][..]),
        ("fn", r.func.is_some(), &[Reconcile][..]),
        ("against_column", r.against_column.is_some(), &[Reconcile][..]),
        ("tolerance", r.tolerance.is_some(), &[Reconcile][..]),
        ("max_failures", r.max_failures.is_some(), &[NotNull, Unique, In, Between, Matches, Expr][..]),
        ("max_ratio", r.max_ratio.is_some(), &[NotNull, Unique, In, Between, Matches, Expr][..]),
    ];
    for (field, given, kinds) in present {
        if given && !kinds.contains(&r.kind) {
            p(field, format!("`{field}` does not apply to a `{}` rule", r.kind.as_str()));
        }
    }
}

fn row_count(r: &CheckRule, p: &mut dyn FnMut(&str, String)) {
    if r.min.is_none() && r.max.is_none() {
        p("min", "a `row_count` rule needs `min`, `max` or both".into());
    }
    let mut bounds = [None, None];
    for (i, (field, v)) in [("min", &r.min), ("max", &r.max)].into_iter().enumerate() {
        match v {
            None => {}
            Some(v) => match v.as_u64() {
                Some(n) => bounds[i] = Some(n),
                None => p(field, format!("`{field}` of a row count is a whole number ≥ 0, not {v}")),
            },
        }
    }
    if let [Some(a), Some(b)] = bounds
        && a > b
    {
        p("min", format!("`min` {a} is above `max` {b}"));
    }
}

fn reconcile(r: &CheckRule, input: Option<&Schema>, against: Option<Option<&Schema>>, p: &mut dyn FnMut(&str, String)) {
    let Some(func) = r.func else {
        p("fn", "a `reconcile` rule needs `fn`: sum, count, min or max".into());
        return;
    };
    let Some(against) = against else {
        p(
            "kind",
            "a `reconcile` rule compares with the `against` input; connect one to the check's `against` port".into(),
        );
        return;
    };
    if r.tolerance.is_some_and(|t| t.is_nan() || t < 0.0) {
        p("tolerance", "`tolerance` must be 0 or more".into());
    }
    if r.column.is_none() && func != ReconcileFn::Count {
        p("column", format!("`{}` needs a `column`", func.as_str()));
        return;
    }
    if r.column.is_none() && r.against_column.is_some() {
        p("against_column", "give `column` too, or leave both out to count rows".into());
    }
    let mut types = [None, None];
    let sides = [("column", r.column.as_deref(), input), ("against_column", r.against_column(), against)];
    for (i, (field, name, schema)) in sides.into_iter().enumerate() {
        let Some(name) = name else { continue };
        let mut found = Vec::new();
        types[i] = need_column(schema, name, field, &mut found).and_then(|f| f.ty);
        for (f, msg) in found {
            p(&f, msg);
        }
    }
    let numeric = func == ReconcileFn::Count || types.iter().flatten().all(|t| t.is_numeric());
    if func == ReconcileFn::Sum && !numeric {
        p("column", "`sum` needs numeric columns".into());
    }
    if r.tolerance.is_some_and(|t| t > 0.0) && !numeric {
        p("tolerance", "a tolerance needs numeric values; these columns are compared exactly".into());
    }
    if let [Some(a), Some(b)] = types
        && func != ReconcileFn::Count
        && !(a == b || (a.is_numeric() && b.is_numeric()) || (a.is_temporal() && b.is_temporal()))
    {
        p(
            "against_column",
            format!(
                "`{}` is {a} but the `against` column is {b}; they cannot be compared",
                r.column.as_deref().unwrap_or("")
            ),
        );
    }
}

/// Whether a JSON value written in a rule can stand for a value of type `ty`.
pub fn fits(v: &Value, ty: Option<DataType>) -> Result<(), String> {
    if v.is_null() {
        return Err("a value may not be null (NULL passes every rule but `not_null`)".into());
    }
    let Some(ty) = ty else {
        return if v.is_array() || v.is_object() { Err(format!("{v} is not a single value")) } else { Ok(()) };
    };
    let ok = match ty {
        DataType::Int64 => v.is_i64() || v.is_u64(),
        DataType::Float64 | DataType::Decimal(..) => {
            v.is_number() || v.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok())
        }
        DataType::String => v.is_string(),
        DataType::Bool => v.is_boolean(),
        DataType::Date => v.as_str().is_some_and(|s| parse_date_days(s).is_some()),
        DataType::Timestamp => v.as_str().is_some_and(|s| s.get(..10).and_then(parse_date_days).is_some()),
    };
    if ok { Ok(()) } else { Err(format!("{v} is not a {ty} value, the column's type")) }
}
