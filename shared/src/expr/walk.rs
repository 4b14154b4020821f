//! The walk over a parsed expression: every column and `$param` checked against
//! the scope, and the result type inferred.

use super::functions::{cast_type, function_type, growth_problem, rounded};
use super::{Checked, Scope};
use crate::model::ParamType;
use crate::types::{DataType, parse_date_days};
use sqlparser::ast::{
    self, BinaryOperator as Op, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, UnaryOperator, Value as V,
};

pub(super) struct Walker<'s, 'o> {
    pub(super) scope: &'s Scope<'s>,
    pub(super) out: &'o mut Checked,
}

impl Walker<'_, '_> {
    fn err(&mut self, msg: String) -> Option<DataType> {
        if !self.out.errors.contains(&msg) {
            self.out.errors.push(msg);
        }
        None
    }

    pub(super) fn expr(&mut self, e: &Expr) -> Option<DataType> {
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
            other => self.compound(other),
        }
    }

    /// The expression forms that build a value from parts: CASE, CAST, the SQL
    /// keyword functions (EXTRACT, SUBSTRING, ...), calls, and the refused ones.
    fn compound(&mut self, e: &Expr) -> Option<DataType> {
        match e {
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
