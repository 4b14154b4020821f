//! Expressions (filter predicates, derived columns): parsed with `sqlparser`,
//! every column and `$param` checked against what the node can see, and a
//! best-effort result type inferred so schemas flow downstream in the browser.//!
//! Here: what an expression may see and the parse; `walk` checks and types a
//! parsed expression, `functions` holds the callable functions and CAST types.

#[cfg(feature = "sql")]
mod functions;
#[cfg(feature = "sql")]
mod walk;

#[cfg(feature = "sql")]
pub use functions::growth_problem;

use crate::model::ParamDecl;
use crate::types::{DataType, Schema};
#[cfg(feature = "sql")]
use sqlparser::ast::Expr;
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
        Ok(expr) => out.ty = walk::Walker { scope, out: &mut out }.expr(&expr),
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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ParamType;
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
