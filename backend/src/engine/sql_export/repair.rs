//! What DataFusion's unparser prints wrongly, put right for `sluice sql` (each
//! found by running every conformance graph's SQL in DuckDB,
//! `tests/sql_export_duckdb.rs`). In the plan, before unparsing:
//!
//! - an alias directly over another (a SQL node's `FROM tx t` over the view
//!   `tx` its input is registered as) printed the inner name as the alias:
//!   only the outer alias is kept;
//! - a filter under an alias (`FROM tx t ... WHERE t.amount > 0`, pushed down)
//!   was printed in the WHERE with the inner qualifier (`"tx"."amount"`): the
//!   filter goes above the alias, its columns qualified by the alias;
//! - a limit over a sort that keeps only the first rows (`OFFSET 3` then 5
//!   rows: the sort keeps 8) printed the sort's count as the LIMIT: the limit
//!   takes the smaller count and the sort keeps every row.
//!
//! In the printed statement:
//!
//! - a SELECT over one derived table whose columns keep the qualifier of the
//!   table inside it (`SELECT "src"."a" FROM (SELECT "src"."a" FROM "src")`,
//!   after a sort, a limit or a chain of derived columns), which no database
//!   resolves: the derived table is given that name;
//! - `NOT x` as an operand of `IS ...` or a comparison was printed bare, and
//!   `NOT x IS DISTINCT FROM true` reads as `NOT (x IS DISTINCT FROM true)`:
//!   it is parenthesised.

use datafusion::common::Result;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::logical_expr::{Filter, Limit, LogicalPlan, Sort, SubqueryAlias};
use datafusion::prelude::{Column, Expr as PlanExpr, lit};
use datafusion::sql::sqlparser::ast::{
    BinaryOperator, Expr, Ident, Query, SetExpr, Statement, TableAlias, TableFactor, UnaryOperator, VisitMut,
    VisitorMut, visit_expressions,
};
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::Arc;

/// The plan-level repairs, everywhere in `plan` (subqueries included).
pub fn plan(plan: LogicalPlan) -> Result<LogicalPlan> {
    plan.transform_up_with_subqueries(|p| match p {
        LogicalPlan::SubqueryAlias(a) => alias(a),
        LogicalPlan::Limit(l) => limit(l),
        other => Ok(Transformed::no(other)),
    })
    .map(|t| t.data)
}

/// `SubqueryAlias(a, SubqueryAlias(b, x))` is `SubqueryAlias(a, x)`;
/// `SubqueryAlias(a, Filter(p, x))` is `Filter(p over a, SubqueryAlias(a, x))`.
fn alias(outer: SubqueryAlias) -> Result<Transformed<LogicalPlan>> {
    match outer.input.as_ref() {
        LogicalPlan::SubqueryAlias(inner) => {
            let merged = SubqueryAlias::try_new(inner.input.clone(), outer.alias.clone())?;
            Ok(Transformed::yes(alias(merged)?.data))
        }
        LogicalPlan::Filter(f) if !has_subquery(&f.predicate)? => {
            let name = outer.alias.clone();
            let aliased = alias(SubqueryAlias::try_new(f.input.clone(), name.clone())?)?.data;
            let predicate = f.predicate.clone().transform(|e| match e {
                PlanExpr::Column(c) => Ok(Transformed::yes(PlanExpr::Column(Column::new(Some(name.clone()), c.name)))),
                e => Ok(Transformed::no(e)),
            })?;
            Ok(Transformed::yes(LogicalPlan::Filter(Filter::try_new(predicate.data, Arc::new(aliased))?)))
        }
        _ => Ok(Transformed::no(LogicalPlan::SubqueryAlias(outer))),
    }
}

fn has_subquery(e: &PlanExpr) -> Result<bool> {
    e.exists(|e| Ok(matches!(e, PlanExpr::ScalarSubquery(_) | PlanExpr::Exists(_) | PlanExpr::InSubquery(_))))
}

/// `Limit(skip s, fetch f, Sort(fetch k))` is `Limit(skip s, fetch min(f, k - s), Sort)`.
fn limit(l: Limit) -> Result<Transformed<LogicalPlan>> {
    use datafusion::logical_expr::{FetchType, SkipType};
    let (LogicalPlan::Sort(sort), SkipType::Literal(skip), FetchType::Literal(fetch)) =
        (l.input.as_ref(), l.get_skip_type()?, l.get_fetch_type()?)
    else {
        return Ok(Transformed::no(LogicalPlan::Limit(l)));
    };
    let Some(kept) = sort.fetch else { return Ok(Transformed::no(LogicalPlan::Limit(l))) };
    let fetch = fetch.unwrap_or(usize::MAX).min(kept.saturating_sub(skip));
    let sort = Sort { fetch: None, ..sort.clone() };
    let limit =
        Limit { skip: l.skip, fetch: Some(Box::new(lit(fetch as i64))), input: Arc::new(LogicalPlan::Sort(sort)) };
    Ok(Transformed::yes(LogicalPlan::Limit(limit)))
}

/// The statement-level repairs.
pub fn statement(statement: &mut Statement) {
    struct Repair;
    impl VisitorMut for Repair {
        type Break = ();
        fn post_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
            name_derived(query);
            ControlFlow::Continue(())
        }
        fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
            nest_not(expr);
            ControlFlow::Continue(())
        }
    }
    let _ = statement.visit(&mut Repair);
}

/// Names the derived table that is the only table of the query's SELECT
/// (unnamed, or named `derived_*` by the unparser) after the one qualifier the
/// SELECT's columns use, when they use exactly one.
fn name_derived(query: &mut Query) {
    let qualifiers = qualifiers(query);
    let SetExpr::Select(select) = query.body.as_mut() else { return };
    let [from] = select.from.as_mut_slice() else { return };
    if !from.joins.is_empty() {
        return;
    }
    let TableFactor::Derived { alias, .. } = &mut from.relation else { return };
    if alias.as_ref().is_some_and(|a| !a.name.value.starts_with("derived_")) {
        return;
    }
    let mut names = qualifiers.into_values();
    let (Some(name), None) = (names.next(), names.next()) else { return };
    match alias {
        Some(a) => a.name = name,
        None => *alias = Some(TableAlias { explicit: true, name, columns: vec![], at: None }),
    }
}

/// The table qualifiers of `a.b` column references in the query's own
/// clauses (not in its FROM), by name.
fn qualifiers(query: &Query) -> BTreeMap<String, Ident> {
    let mut found = BTreeMap::new();
    let mut note = |e: &Expr| {
        if let Expr::CompoundIdentifier(parts) = e
            && let [table, _] = parts.as_slice()
        {
            found.insert(table.value.clone(), table.clone());
        }
        ControlFlow::<()>::Continue(())
    };
    let _ = visit_expressions(&query.order_by, &mut note);
    if let SetExpr::Select(s) = query.body.as_ref() {
        let _ = visit_expressions(&s.projection, &mut note);
        let _ = visit_expressions(&s.selection, &mut note);
        let _ = visit_expressions(&s.group_by, &mut note);
        let _ = visit_expressions(&s.having, &mut note);
        let _ = visit_expressions(&s.qualify, &mut note);
        let _ = visit_expressions(&s.sort_by, &mut note);
    }
    found
}

/// `NOT x` as an operand of `IS ...` or of a comparison gets parentheses.
fn nest_not(expr: &mut Expr) {
    let operands: Vec<&mut Box<Expr>> = match expr {
        Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => vec![a, b],
        Expr::IsNull(a)
        | Expr::IsNotNull(a)
        | Expr::IsTrue(a)
        | Expr::IsNotTrue(a)
        | Expr::IsFalse(a)
        | Expr::IsNotFalse(a)
        | Expr::IsUnknown(a)
        | Expr::IsNotUnknown(a) => vec![a],
        Expr::BinaryOp { left, op, right } if !matches!(op, BinaryOperator::And | BinaryOperator::Or) => {
            vec![left, right]
        }
        _ => vec![],
    };
    for e in operands {
        if matches!(**e, Expr::UnaryOp { op: UnaryOperator::Not, .. }) {
            let not = std::mem::replace(&mut **e, Expr::Identifier(Ident::new("")));
            **e = Expr::Nested(Box::new(not));
        }
    }
}

#[cfg(test)]
mod tests {
    use datafusion::sql::sqlparser::dialect::GenericDialect;
    use datafusion::sql::sqlparser::parser::Parser;

    fn repaired(sql: &str) -> String {
        let mut stmt = Parser::parse_sql(&GenericDialect {}, sql).unwrap().remove(0);
        super::statement(&mut stmt);
        stmt.to_string()
    }

    #[test]
    fn a_lone_derived_table_takes_the_qualifier_its_columns_use() {
        assert_eq!(
            repaired(r#"SELECT "s"."a" FROM (SELECT "s"."a" FROM "s" ORDER BY "s"."a" LIMIT 2)"#),
            r#"SELECT "s"."a" FROM (SELECT "s"."a" FROM "s" ORDER BY "s"."a" LIMIT 2) AS "s""#
        );
        assert_eq!(repaired("SELECT s.a FROM (SELECT 1 AS a) AS derived_x"), "SELECT s.a FROM (SELECT 1 AS a) AS s");
    }

    #[test]
    fn named_tables_joins_and_mixed_qualifiers_are_left_alone() {
        for sql in [
            "SELECT s.a FROM (SELECT 1 AS a) AS q",
            "SELECT s.a, t.b FROM (SELECT 1 AS a, 2 AS b)",
            "SELECT a FROM (SELECT 1 AS a)",
            "SELECT s.a FROM (SELECT 1 AS a) JOIN t ON true",
        ] {
            assert_eq!(repaired(sql), sql);
        }
    }

    #[test]
    fn not_under_is_and_comparisons_is_parenthesised() {
        use datafusion::sql::sqlparser::ast::{Expr, Ident, UnaryOperator};
        let not_x = Expr::UnaryOp { op: UnaryOperator::Not, expr: Box::new(Expr::Identifier(Ident::new("x"))) };
        let mut e = Expr::IsDistinctFrom(Box::new(not_x.clone()), Box::new(Expr::Identifier(Ident::new("t"))));
        super::nest_not(&mut e);
        assert_eq!(e.to_string(), "(NOT x) IS DISTINCT FROM t");
        let mut e = Expr::IsNull(Box::new(not_x.clone()));
        super::nest_not(&mut e);
        assert_eq!(e.to_string(), "(NOT x) IS NULL");
        let mut e = Expr::BinaryOp {
            left: Box::new(not_x.clone()),
            op: datafusion::sql::sqlparser::ast::BinaryOperator::And,
            right: Box::new(not_x),
        };
        super::nest_not(&mut e);
        assert_eq!(e.to_string(), "NOT x AND NOT x", "AND and OR bind looser than NOT");
    }
}
