//! Column lineage: for every output column of every node, the source columns
//! it is made from and how (`GET /api/graphs/{id}/lineage`, `POST /api/lineage`).
//! The server computes it from the DataFusion plans the engine runs; the
//! browser reads it to light the path of a column through the canvas
//! ([`GraphLineage::path`]).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// How a column depends on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// The value passes through unchanged, under the same name.
    Copied,
    /// The value passes through unchanged, under another name (a select's `as`, a join's `_right`).
    Renamed,
    /// The value is computed by an expression (derive, cast, SQL).
    Computed,
    /// The value is an aggregate (sum, count, ...) over it.
    Aggregated,
    /// It groups an aggregate: it decides which rows an aggregate value sums up.
    GroupKey,
    /// It decides which rows pass (a filter, a check rule, a SQL `WHERE`), not their values.
    Filter,
    /// It matches rows in a join, not their values.
    JoinKey,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Copied => "copied",
            Via::Renamed => "renamed",
            Via::Computed => "computed",
            Via::Aggregated => "aggregated",
            Via::GroupKey => "group key",
            Via::Filter => "filter",
            Via::JoinKey => "join key",
        }
    }
}

/// A column of a node: a source column in [`ColumnLineage::origins`], a column
/// of the node's direct input in [`ColumnLineage::from`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Origin {
    pub node: String,
    pub column: String,
    pub via: Via,
}

/// Where one output column of a node comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnLineage {
    pub name: String,
    /// The source columns whose values make this column (not the ones that
    /// only decide rows: see [`NodeLineage::rows`]).
    pub origins: Vec<Origin>,
    /// The expression over source columns, when the column is computed or
    /// aggregated (absent for copies, when it is too long, or when the inputs of
    /// a union compute it differently).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    /// One step back: the columns of this node's inputs it is made from.
    pub from: Vec<Origin>,
    /// This node's own expression over its inputs' columns, when it computes the column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
}

/// The lineage of one node's output.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeLineage {
    pub node: String,
    pub columns: Vec<ColumnLineage>,
    /// Source columns that decide which rows reach this node (filters, join
    /// keys), for every column alike.
    pub rows: Vec<Origin>,
    /// One step back: the inputs' columns this node filters or joins on.
    pub rows_from: Vec<Origin>,
    /// Why this node has no lineage (a source upstream that could not be
    /// opened, a plan step lineage cannot follow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
}

impl NodeLineage {
    pub fn column(&self, name: &str) -> Option<&ColumnLineage> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Every node's lineage, in graph order (sinks carry their input's columns).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GraphLineage {
    pub nodes: Vec<NodeLineage>,
}

/// What lights up on the canvas for one selected column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LitPath {
    /// The selected node and every node its value passes through.
    pub nodes: BTreeSet<String>,
    /// Edges `(from, to)` the value travels along.
    pub edges: BTreeSet<(String, String)>,
    /// Per lit node, its columns on the path.
    pub columns: BTreeMap<String, BTreeSet<String>>,
    /// The source columns at the start of the path.
    pub sources: Vec<Origin>,
}

impl GraphLineage {
    pub fn node(&self, id: &str) -> Option<&NodeLineage> {
        self.nodes.iter().find(|n| n.node == id)
    }

    /// The path of `column` of `node` back to its sources, one step at a time
    /// along [`ColumnLineage::from`] (group keys left out: they decide rows, like
    /// filters and join keys). Empty when the column is unknown.
    pub fn path(&self, node: &str, column: &str) -> LitPath {
        let mut lit = LitPath::default();
        let Some(start) = self.node(node).and_then(|n| n.column(column)) else { return lit };
        lit.sources = start.origins.clone();
        let mut todo = vec![(node.to_string(), column.to_string())];
        let mut seen = BTreeSet::new();
        while let Some((n, c)) = todo.pop() {
            if !seen.insert((n.clone(), c.clone())) {
                continue;
            }
            lit.nodes.insert(n.clone());
            lit.columns.entry(n.clone()).or_default().insert(c.clone());
            let Some(col) = self.node(&n).and_then(|l| l.column(&c)) else { continue };
            // The values' path: a group key decides which rows an aggregate sums, not its value.
            for hop in col.from.iter().filter(|h| h.via != Via::GroupKey) {
                lit.edges.insert((hop.node.clone(), n.clone()));
                todo.push((hop.node.clone(), hop.column.clone()));
            }
        }
        lit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(node: &str, column: &str, via: Via) -> Origin {
        Origin { node: node.into(), column: column.into(), via }
    }

    fn col(name: &str, origins: Vec<Origin>, from: Vec<Origin>) -> ColumnLineage {
        ColumnLineage { name: name.into(), origins, expr: None, from, step: None }
    }

    #[test]
    fn the_path_follows_each_step_and_not_the_other_branch() {
        // a(x) -> d (y = x + 1) -> j <- b(x); the sink's y comes from a only.
        let lineage = GraphLineage {
            nodes: vec![
                NodeLineage {
                    node: "a".into(),
                    columns: vec![col("x", vec![o("a", "x", Via::Copied)], vec![])],
                    ..Default::default()
                },
                NodeLineage {
                    node: "b".into(),
                    columns: vec![col("x", vec![o("b", "x", Via::Copied)], vec![])],
                    ..Default::default()
                },
                NodeLineage {
                    node: "d".into(),
                    columns: vec![col("y", vec![o("a", "x", Via::Computed)], vec![o("a", "x", Via::Computed)])],
                    ..Default::default()
                },
                NodeLineage {
                    node: "j".into(),
                    columns: vec![
                        col("y", vec![o("a", "x", Via::Computed)], vec![o("d", "y", Via::Copied)]),
                        col("x", vec![o("b", "x", Via::Copied)], vec![o("b", "x", Via::Copied)]),
                    ],
                    ..Default::default()
                },
            ],
        };
        let lit = lineage.path("j", "y");
        assert_eq!(lit.nodes, ["a", "d", "j"].map(String::from).into());
        assert_eq!(lit.edges, [("a".to_string(), "d".to_string()), ("d".to_string(), "j".to_string())].into());
        assert_eq!(lit.sources, vec![o("a", "x", Via::Computed)]);
        assert_eq!(lit.columns["d"], ["y".to_string()].into());
        assert!(lineage.path("j", "nope").nodes.is_empty());
    }
}
