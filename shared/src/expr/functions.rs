//! The functions an expression may call and the types it may cast to.

use crate::types::DataType;
use sqlparser::ast::{self, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Value as V};

/// A `repeat`, `lpad` or `rpad` whose literal count would build a value past
/// [`MAX_STRING_BYTES`](crate::limits::MAX_STRING_BYTES). The engine enforces the
/// same cap on every value at run time; this says so before anything runs.
pub fn growth_problem(f: &ast::Function) -> Option<String> {
    let name = f.name.to_string().to_lowercase();
    if !matches!(name.as_str(), "repeat" | "lpad" | "rpad") {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else { return None };
    let literal = |i: usize| match list.args.get(i) {
        Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))) => Some(&v.value),
        _ => None,
    };
    let Some(V::Number(n, _)) = literal(1) else { return None };
    let count: f64 = n.parse().ok()?;
    // repeat('ab', n) is 2n bytes; a padded value is n characters.
    let unit = match (name.as_str(), literal(0)) {
        ("repeat", Some(V::SingleQuotedString(s))) => s.len().max(1) as f64,
        _ => 1.0,
    };
    let cap = crate::limits::MAX_STRING_BYTES;
    (count * unit > cap as f64).then(|| {
        format!(
            "`{name}` with a count of {n} builds a value longer than {}, the most one value may hold",
            crate::limits::bytes(cap)
        )
    })
}

pub(super) fn rounded(t: Option<DataType>) -> Option<DataType> {
    match t? {
        DataType::Decimal(..) => None,
        _ => Some(DataType::Float64),
    }
}

/// The scalar functions an expression may call, with their result types.
/// Aggregates are not here: they belong to the aggregate node.
pub(super) fn function_type(name: &str, args: &[Option<DataType>]) -> Result<Option<DataType>, String> {
    use DataType::*;
    let first = args.first().copied().flatten();
    Ok(match name {
        "coalesce" | "nullif" | "greatest" | "least" => args.iter().copied().flatten().next(),
        "upper" | "lower" | "trim" | "ltrim" | "rtrim" | "btrim" | "replace" | "concat" | "concat_ws" | "substr"
        | "substring" | "left" | "right" | "lpad" | "rpad" | "initcap" | "reverse" | "repeat" | "split_part"
        | "to_char" => Some(String),
        "length" | "char_length" | "character_length" | "strpos" | "date_part" => Some(Int64),
        "abs" => first,
        "round" | "trunc" | "ceil" | "floor" => rounded(first),
        "sqrt" | "power" | "pow" | "exp" | "ln" | "log10" | "log2" | "log" => Some(Float64),
        "date_trunc" | "to_timestamp" | "now" => Some(Timestamp),
        "to_date" | "current_date" | "make_date" => Some(Date),
        "count" | "sum" | "avg" | "min" | "max" => {
            return Err(format!("`{name}` is an aggregate; use an aggregate node (or a SQL node) for it"));
        }
        _ => return Err(crate::expr_words::unknown_function(name)),
    })
}

/// Maps a CAST target to a graph type.
pub(super) fn cast_type(t: &ast::DataType) -> Result<DataType, String> {
    let text = t.to_string().to_lowercase().replace(' ', "");
    let base = text.split('(').next().unwrap_or("");
    Ok(match base {
        "int" | "integer" | "bigint" | "smallint" | "tinyint" | "int64" | "int8" | "int4" => DataType::Int64,
        "double" | "doubleprecision" | "float" | "float64" | "real" | "float8" => DataType::Float64,
        "decimal" | "numeric" | "dec" => {
            if text.contains('(') {
                DataType::parse(&text.replacen(base, "decimal", 1))?
            } else {
                DataType::Decimal(38, 10)
            }
        }
        "varchar" | "text" | "string" | "char" | "charactervarying" | "character" => DataType::String,
        "bool" | "boolean" => DataType::Bool,
        "date" => DataType::Date,
        "timestamp" | "datetime" => DataType::Timestamp,
        _ => return Err(format!("CAST to `{t}` is not supported")),
    })
}
