//! Expressions as people read them: SQL text from DataFusion's unparser, column
//! names qualified by their node only where more than one node is read.

use datafusion::common::Column;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::logical_expr::Expr;
use datafusion::sql::unparser::Unparser;
use std::collections::BTreeSet;

/// Longest expression text shown; longer ones are cut with `…`.
const MAX_TEXT: usize = 1000;

/// The text of a computed column's expression; `None` for a plain column.
pub fn shown(e: &Expr) -> Option<String> {
    if matches!(e, Expr::Column(_)) {
        return None;
    }
    let mut nodes = BTreeSet::new();
    let _ = e.apply(|x| {
        if let Expr::Column(c) = x {
            nodes.insert(c.relation.clone());
        }
        Ok(TreeNodeRecursion::Continue)
    });
    if nodes.len() <= 1 { shown_bare(e) } else { Some(print(e.clone())) }
}

/// [`shown`] with every column unqualified (one input: the names are its columns).
pub fn shown_bare(e: &Expr) -> Option<String> {
    if matches!(e, Expr::Column(_)) {
        return None;
    }
    let bare = e
        .clone()
        .transform_up(|x| match x {
            Expr::Column(c) => Ok(Transformed::yes(Expr::Column(Column::new_unqualified(c.name)))),
            other => Ok(Transformed::no(other)),
        })
        .map(|t| t.data)
        .unwrap_or_else(|_| e.clone());
    Some(print(bare))
}

fn print(e: Expr) -> String {
    let text = match Unparser::default().with_pretty(true).expr_to_sql(&e) {
        Ok(ast) => ast.to_string(),
        Err(_) => e.to_string(),
    };
    if text.len() <= MAX_TEXT {
        return text;
    }
    let mut cut = MAX_TEXT;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &text[..cut])
}
