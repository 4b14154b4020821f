//! Expressions (filter predicates, derived columns): parsed with `sqlparser`,
//! every column and `$param` checked against what the node can see, and a
//! best-effort result type inferred so schemas flow downstream in the browser.

use crate::model::ParamDecl;
#[cfg(feature = "sql")]
use crate::model::ParamType;
#[cfg(feature = "sql")]
use crate::types::parse_date_days;
use crate::types::{DataType, Schema};
#[cfg(feature = "sql")]
use sqlparser::ast::{
    self, BinaryOperator as Op, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, UnaryOperator, Value as V,
};
#[cfg(feature = "sql")]
use sqlparser::dialect::GenericDialect;
#[cfg(feature = "sql")]
use sqlparser::parser::Parser;
#[cfg(feature = "sql")]
use sqlparser::tokenizer::Token;
use std::collections::BTreeMap;

/// What an expression may refer to.
pub struct Scope<'a> {
    /// The node's input columns; `None` while they are not known (no checks then).
    pub schema: Option<&'a Schema>,
    pub params: &'a BTreeMap<String, ParamDecl>,
}

/// The outcome of checking one expression.
#[derive(Debug, Default)]
pub struct Checked {
    /// The inferred result type, when it can be inferred.
    pub ty: Option<DataType>,
    /// Column names the expression reads, in order of appearance.
    pub columns: Vec<String>,
    /// Everything wrong with it; empty means valid.
    pub errors: Vec<String>,
}

/// Parses one SQL expression; the whole text must be that one expression.
#[cfg(feature = "sql")]
pub fn parse(text: &str) -> Result<Expr, String> {
    if text.trim().is_empty() {
        return Err("the expression is empty".into());
    }
    crate::complexity::check(text, crate::complexity::MAX_EXPR_OPERATORS)
        .map_err(|e| format!("the expression is {e}"))?;
    let dialect = GenericDialect {};
    // Mistakes are told in words from the expression's tokens (`expr_words`).
    let words = |e: sqlparser::parser::ParserError| crate::expr_words::syntax(text, &e.to_string());
    let mut parser = Parser::new(&dialect).try_with_sql(text).map_err(words)?;
    let expr = parser.parse_expr().map_err(words)?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        let told = crate::expr_words::syntax(text, "");
        return Err(if told.starts_with("the expression cannot") {
            crate::expr_words::dangling(&expr.to_string(), &next.token.to_string())
        } else {
            told
        });
    }
    Ok(expr)
}

/// Parses and checks `text` in `scope`.
#[cfg(feature = "sql")]
pub fn check(text: &str, scope: &Scope) -> Checked {
    let mut out = Checked::default();
    match parse(text) {
        Ok(expr) => out.ty = Walker { scope, out: &mut out }.expr(&expr),
        Err(e) => out.errors.push(e),
    }
    out
}

/// Without the `sql` feature (the editor's first-paint module) nothing is
/// parsed: no errors and an unknown type, so the checks downstream that need
/// the type wait for the full checker (see `frontend/src/checker.rs`).
#[cfg(not(feature = "sql"))]
pub fn check(_text: &str, _scope: &Scope) -> Checked {
    Checked::default()
}

#[cfg(feature = "sql")]
struct Walker<'s, 'o> {
    scope: &'s Scope<'s>,
    out: &'o mut Checked,
}

#[cfg(feature = "sql")]
impl Walker<'_, '_> {
    fn err(&mut self, msg: String) -> Option<DataType> {
        if !self.out.errors.contains(&msg) {
            self.out.errors.push(msg);
        }
        None
    }

    fn expr(&mut self, e: &Expr) -> Option<DataType> {
        match e {
            Expr::Identifier(id) => self.column(&id.value),
            Expr::CompoundIdentifier(parts) => self.err(format!(
                "`{}`: refer to a column by its name alone",
                parts.iter().map(|p| p.value.as_str()).collect::<Vec<_>>().join(".")
            )),
            Expr::Value(v) => self.value(&v.value),
            Expr::TypedString(ts) => self.typed_string(ts),
            Expr::Nested(inner) => self.expr(inner),
            Expr::BinaryOp { left, op, right } => {
                let (l, r) = (self.expr(left), self.expr(right));
                self.binary(op, l, r, left, right)
            }
            Expr::UnaryOp { op, expr } => {
                let t = self.expr(expr);
                match op {
                    UnaryOperator::Not => Some(DataType::Bool),
                    UnaryOperator::Minus | UnaryOperator::Plus => {
                        if let Some(t) = t.filter(|t| !t.is_numeric()) {
                            return self.err(format!("`{expr}` is {t}, not a number"));
                        }
                        t
                    }
                    _ => self.err(format!("operator `{op}` is not supported")),
                }
            }
            Expr::IsNull(x)
            | Expr::IsNotNull(x)
            | Expr::IsTrue(x)
            | Expr::IsNotTrue(x)
            | Expr::IsFalse(x)
            | Expr::IsNotFalse(x) => {
                self.expr(x);
                Some(DataType::Bool)
            }
            Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => {
                self.expr(a);
                self.expr(b);
                Some(DataType::Bool)
            }
            Expr::InList { expr, list, .. } => {
                self.expr(expr);
                list.iter().for_each(|x| {
                    self.expr(x);
                });
                Some(DataType::Bool)
            }
            Expr::Between { expr, low, high, .. } => {
                self.expr(expr);
                self.expr(low);
                self.expr(high);
                Some(DataType::Bool)
            }
            Expr::Like { expr, pattern, .. } | Expr::ILike { expr, pattern, .. } => {
                self.expr(expr);
                self.expr(pattern);
                Some(DataType::Bool)
            }
            Expr::Case { operand, conditions, else_result, .. } => {
                if let Some(op) = operand {
                    self.expr(op);
                }
                let mut ty = None;
                for cw in conditions {
                    self.expr(&cw.condition);
                    ty = ty.or(self.expr(&cw.result));
                }
                if let Some(e) = else_result {
                    ty = ty.or(self.expr(e));
                }
                ty
            }
            Expr::Cast { expr, data_type, .. } => {
                self.expr(expr);
                match cast_type(data_type) {
                    Ok(t) => Some(t),
                    Err(m) => self.err(m),
                }
            }
            Expr::Extract { expr, .. } => {
                self.expr(expr);
                Some(DataType::Int64)
            }
            Expr::Ceil { expr, .. } | Expr::Floor { expr, .. } => {
                let t = self.expr(expr);
                rounded(t)
            }
            Expr::Substring { expr, substring_from, substring_for, .. } => {
                self.expr(expr);
                for x in [substring_from, substring_for].into_iter().flatten() {
                    self.expr(x);
                }
                Some(DataType::String)
            }
            Expr::Trim { expr, trim_what, .. } => {
                self.expr(expr);
                if let Some(w) = trim_what {
                    self.expr(w);
                }
                Some(DataType::String)
            }
            Expr::Position { expr, r#in } => {
                self.expr(expr);
                self.expr(r#in);
                Some(DataType::Int64)
            }
            Expr::Interval(_) => None,
            Expr::Function(f) => self.function(f),
            Expr::Subquery(_) | Expr::Exists { .. } | Expr::InSubquery { .. } => {
                self.err("subqueries are not allowed in an expression; use a join node".into())
            }
            other => self.err(format!("`{other}` is not supported in an expression")),
        }
    }

    fn column(&mut self, name: &str) -> Option<DataType> {
        if !self.out.columns.iter().any(|c| c == name) {
            self.out.columns.push(name.to_string());
        }
        let schema = self.scope.schema?;
        match schema.field(name) {
            Some(f) => f.ty,
            None => {
                let hint = match schema.suggest(name) {
                    Some(s) => format!("; did you mean `{s}`?"),
                    None => format!(" (columns: {})", schema.describe_columns()),
                };
                self.err(format!("unknown column `{name}`{hint}"))
            }
        }
    }

    fn value(&mut self, v: &V) -> Option<DataType> {
        match v {
            V::Number(n, _) => {
                if n.contains(['.', 'e', 'E']) {
                    Some(DataType::Float64)
                } else {
                    Some(DataType::Int64)
                }
            }
            V::Boolean(_) => Some(DataType::Bool),
            V::Null => None,
            V::Placeholder(p) => self.param(p),
            _ => Some(DataType::String),
        }
    }

    fn param(&mut self, p: &str) -> Option<DataType> {
        let name = p.strip_prefix('$').unwrap_or(p);
        if name.is_empty() || !crate::params::valid_name(name) {
            return self.err(format!("`{p}`: write parameters as $name"));
        }
        match self.scope.params.get(name) {
            Some(decl) => Some(match decl.ty {
                ParamType::Date => DataType::Date,
                ParamType::String => DataType::String,
                ParamType::Int64 => DataType::Int64,
                ParamType::Float64 => DataType::Float64,
                ParamType::Bool => DataType::Bool,
            }),
            None => self.err(format!("parameter `${name}` is not declared in the graph's params")),
        }
    }

    fn typed_string(&mut self, ts: &ast::TypedString) -> Option<DataType> {
        let text = match &ts.value.value {
            V::SingleQuotedString(s) => s.clone(),
            other => other.to_string(),
        };
        match cast_type(&ts.data_type) {
            Ok(DataType::Date) => {
                if parse_date_days(&text).is_none() {
                    return self.err(format!("DATE '{text}' is not a real date (YYYY-MM-DD)"));
                }
                Some(DataType::Date)
            }
            Ok(t) => Some(t),
            Err(m) => self.err(m),
        }
    }

    fn binary(&mut self, op: &Op, l: Option<DataType>, r: Option<DataType>, le: &Expr, re: &Expr) -> Option<DataType> {
        use DataType::*;
        match op {
            Op::Plus | Op::Minus | Op::Multiply | Op::Divide | Op::Modulo => {
                for (t, e) in [(l, le), (r, re)] {
                    if let Some(t) = t.filter(|t| !t.is_numeric() && !t.is_temporal()) {
                        return self.err(format!("`{e}` is {t}; `{op}` needs numbers"));
                    }
                }
                match (l?, r?) {
                    (Int64, Int64) => Some(Int64),
                    (Float64, _) | (_, Float64) => Some(Float64),
                    (Decimal(..), _) | (_, Decimal(..)) => None,
                    (a, _) if a.is_temporal() => Some(a),
                    _ => None,
                }
            }
            Op::StringConcat => Some(String),
            Op::Gt | Op::Lt | Op::GtEq | Op::LtEq | Op::Eq | Op::NotEq => Some(Bool),
            Op::And | Op::Or => {
                for (t, e) in [(l, le), (r, re)] {
                    if let Some(t) = t.filter(|t| *t != Bool) {
                        return self.err(format!("`{e}` is {t}, not true/false, in `{op}`"));
                    }
                }
                Some(Bool)
            }
            other => self.err(format!("operator `{other}` is not supported")),
        }
    }

    fn function(&mut self, f: &ast::Function) -> Option<DataType> {
        let name = f.name.to_string().to_lowercase();
        if f.over.is_some() {
            return self.err(format!("`{name}`: window functions are not allowed here"));
        }
        let mut args = Vec::new();
        match &f.args {
            FunctionArguments::None => {}
            FunctionArguments::Subquery(_) => {
                return self.err("subqueries are not allowed in an expression".into());
            }
            FunctionArguments::List(list) => {
                for a in &list.args {
                    match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => args.push(self.expr(e)),
                        other => {
                            return self.err(format!("`{name}({other})`: argument not supported"));
                        }
                    }
                }
            }
        }
        if let Some(m) = growth_problem(f) {
            return self.err(m);
        }
        match function_type(&name, &args) {
            Ok(t) => t,
            Err(m) => self.err(m),
        }
    }
}

/// A `repeat`, `lpad` or `rpad` whose literal count would build a value past
/// [`MAX_STRING_BYTES`](crate::limits::MAX_STRING_BYTES). The engine enforces the
/// same cap on every value at run time; this says so before anything runs.
#[cfg(feature = "sql")]
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

#[cfg(feature = "sql")]
fn rounded(t: Option<DataType>) -> Option<DataType> {
    match t? {
        DataType::Decimal(..) => None,
        _ => Some(DataType::Float64),
    }
}

/// The scalar functions an expression may call, with their result types.
/// Aggregates are not here: they belong to the aggregate node.
#[cfg(feature = "sql")]
fn function_type(name: &str, args: &[Option<DataType>]) -> Result<Option<DataType>, String> {
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
#[cfg(feature = "sql")]
fn cast_type(t: &ast::DataType) -> Result<DataType, String> {
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

#[cfg(feature = "sql")]
#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Field;

    fn scope_check(text: &str) -> Checked {
        let schema = Schema(vec![
            Field::new("amount", Some(DataType::Float64)),
            Field::new("branch", Some(DataType::String)),
            Field::new("txn_date", Some(DataType::Date)),
        ]);
        let mut params = BTreeMap::new();
        params.insert("biz_date".to_string(), ParamDecl { ty: ParamType::Date, default: None, derive: None });
        check(text, &Scope { schema: Some(&schema), params: &params })
    }

    #[test]
    fn accepts_the_contract_language() {
        for e in [
            "amount > 100 AND txn_date = $biz_date",
            "branch IN ('B1', 'B2') OR NOT amount BETWEEN 1 AND 2",
            "branch LIKE 'B%' AND amount IS NOT NULL",
            "CASE WHEN amount > 0 THEN 'credit' ELSE 'debit' END = 'x'",
            "CAST(amount AS decimal(18,2)) > 1",
            "coalesce(upper(trim(branch)), 'x') = substr(branch, 1, 2)",
            "round(abs(amount), 2) > 0 AND extract(year FROM txn_date) = 2026",
            "date_trunc('month', txn_date) IS NOT NULL AND txn_date > DATE '2026-01-31'",
        ] {
            let c = scope_check(e);
            assert!(c.errors.is_empty(), "{e}: {:?}", c.errors);
        }
    }

    #[test]
    fn names_unknown_columns_and_params() {
        let c = scope_check("amt > 1 AND $nope = 1");
        assert!(c.errors.iter().any(|m| m.contains("`amt`")), "{:?}", c.errors);
        assert!(c.errors.iter().any(|m| m.contains("$nope")), "{:?}", c.errors);
        assert_eq!(scope_check("amount >").errors[0], "a value is missing after `>`");
        assert!(scope_check("amount > 1 1").errors[0].contains("nothing between"));
        assert!(scope_check("sum(amount) > 1").errors[0].contains("aggregate"));
        assert!(scope_check("branch + 1 > 2").errors[0].contains("numbers"));
        assert!(scope_check("txn_date > DATE '2026-02-30'").errors[0].contains("real date"));
    }

    #[test]
    fn refuses_a_literal_count_that_builds_a_huge_value() {
        let e = scope_check("repeat('x', 100000000) = branch").errors;
        assert_eq!(
            e,
            vec!["`repeat` with a count of 100000000 builds a value longer than 1 MiB, the most one value may hold"]
        );
        assert!(scope_check("lpad(branch, 2000000, '0') = 'x'").errors[0].contains("`lpad` with a count of 2000000"));
        assert!(scope_check("upper(rpad(branch, 5000000)) = 'x'").errors[0].contains("`rpad`"));
        assert!(scope_check("repeat('abcd', 300000) = branch").errors[0].contains("1 MiB"));
        assert!(scope_check("repeat(branch, 3) = lpad(branch, 10, '0')").errors.is_empty());
    }

    #[test]
    fn infers_types() {
        assert_eq!(scope_check("amount * 2").ty, Some(DataType::Float64));
        assert_eq!(scope_check("upper(branch)").ty, Some(DataType::String));
        assert_eq!(scope_check("amount > 2").ty, Some(DataType::Bool));
        assert_eq!(scope_check("CAST(amount AS BIGINT)").ty, Some(DataType::Int64));
    }
}
