//! Expressions inside a plan step: which input columns one reads (through
//! subqueries too), and the expression itself with each column replaced by
//! that column's own expression, for the lineage text.

use super::{Col, FULL, HOP, MAX_EXPR_NODES, Memo, R, Rows, V, Walked, add_dep, add_row};
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, DFSchema};
use datafusion::logical_expr::{Expr, LogicalPlan, Subquery};

/// The columns an expression reads, resolved against its input(s).
pub(super) struct Scope<'a> {
    pub(super) parts: Vec<(&'a DFSchema, &'a [Col])>,
}

impl<'a> Scope<'a> {
    pub(super) fn one(plan: &'a LogicalPlan, w: &'a Walked) -> Self {
        Scope { parts: vec![(plan.schema().as_ref(), &w.cols)] }
    }

    pub(super) fn resolve(&self, c: &Column) -> Option<&'a Col> {
        self.parts.iter().find_map(|(schema, cols)| schema.maybe_index_of_column(c).and_then(|i| cols.get(i)))
    }
}

pub(super) fn unaliased(e: &Expr) -> &Expr {
    match e {
        Expr::Alias(a) => unaliased(&a.expr),
        other => other,
    }
}

fn subquery_of(e: &Expr) -> Option<&Subquery> {
    match e {
        Expr::ScalarSubquery(s) => Some(s),
        Expr::Exists(x) => Some(&x.subquery),
        Expr::InSubquery(x) => Some(&x.subquery),
        Expr::SetComparison(x) => Some(&x.subquery),
        _ => None,
    }
}

impl Memo {
    /// Every input column an expression reads, with the lineage of what its
    /// subqueries read (their columns and rows count as read values).
    pub(super) fn reads(&self, e: &Expr, scope: &Scope, inputs: &[String]) -> Result<Vec<Col>, String> {
        let mut out = Vec::new();
        let mut failed = None;
        let _ = e.apply(|x| {
            if let Expr::Column(c) = x
                && let Some(col) = scope.resolve(c)
            {
                out.push(col.clone());
            }
            if let Some(sq) = subquery_of(x) {
                match self.walk(&sq.subquery, inputs) {
                    Ok(w) => {
                        out.extend(w.cols);
                        let mut rows: Col = Default::default();
                        for l in [FULL, HOP] {
                            for k in w.rows[l].keys() {
                                add_dep(&mut rows[l].deps, k, V::Computed);
                            }
                        }
                        out.push(rows);
                    }
                    Err(e) => failed = Some(e),
                }
            }
            Ok(TreeNodeRecursion::Continue)
        });
        match failed {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    /// The lineage of one output expression.
    pub(super) fn expr_col(&self, e: &Expr, scope: &Scope, inputs: &[String]) -> Result<Col, String> {
        let bare = unaliased(e);
        if let Expr::Column(c) = bare {
            return Ok(scope.resolve(c).cloned().unwrap_or_default());
        }
        let outer = match bare {
            Expr::AggregateFunction(_) | Expr::WindowFunction(_) => V::Aggregated,
            _ => V::Computed,
        };
        let mut col: Col = Default::default();
        for read in self.reads(bare, scope, inputs)? {
            for l in [FULL, HOP] {
                for (k, v) in &read[l].deps {
                    add_dep(&mut col[l].deps, k, outer.then(*v));
                }
            }
        }
        for l in [FULL, HOP] {
            col[l].expr = substitute(bare, scope, l);
        }
        Ok(col)
    }

    /// The columns `e` reads, as columns that decide rows by `r`.
    pub(super) fn row_deps(&self, e: &Expr, scope: &Scope, r: R, inputs: &[String]) -> Result<Rows, String> {
        let mut rows: Rows = Default::default();
        for read in self.reads(e, scope, inputs)? {
            for l in [FULL, HOP] {
                for k in read[l].deps.keys() {
                    add_row(&mut rows[l], k, r);
                }
            }
        }
        Ok(rows)
    }
}

/// `e` with each input column replaced by that column's own expression at level `l`.
pub(super) fn substitute(e: &Expr, scope: &Scope, l: usize) -> Option<Expr> {
    let mut missing = false;
    let out = e
        .clone()
        .transform_up(|x| match &x {
            Expr::Column(c) => match scope.resolve(c).and_then(|col| col[l].expr.clone()) {
                Some(inner) => Ok(Transformed::yes(inner)),
                None => {
                    missing = true;
                    Ok(Transformed::no(x))
                }
            },
            _ => Ok(Transformed::no(x)),
        })
        .ok()?
        .data;
    let mut size = 0;
    let _ = out.apply(|_| {
        size += 1;
        Ok(if size > MAX_EXPR_NODES { TreeNodeRecursion::Stop } else { TreeNodeRecursion::Continue })
    });
    (!missing && size <= MAX_EXPR_NODES).then_some(out)
}
