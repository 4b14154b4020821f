//! `GET /api/reviews/{sid}/impact`: what a submitted version changes in the
//! columns its sinks write, and which approved graphs downstream read those
//! columns. Approving a version that breaks one needs `confirm_impact: true`.

use super::lineage::{GraphLineage, NodeLineage};
use crate::Schema;
use serde::{Deserialize, Serialize};

/// How a sink's column changed from the approved version to the submitted one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Removed,
    /// Gone under this name, back under another with the same sources.
    Renamed,
    Retyped,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnChange {
    pub sink: String,
    pub column: String,
    pub kind: ChangeKind,
    /// The new name of a renamed column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_to: Option<String>,
    /// Types before and after (`null` where unknown).
    #[serde(default)]
    pub type_before: Option<String>,
    #[serde(default)]
    pub type_after: Option<String>,
}

/// An approved graph downstream that reads a changed column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DownstreamUse {
    pub graph: String,
    pub graph_name: String,
    /// Its source node reading the dataset.
    pub reader: String,
    pub dataset: String,
    /// Our sink writing it, and the changed column.
    pub sink: String,
    pub column: String,
    pub kind: ChangeKind,
    /// Its columns made from the changed one (`node.column`), and nodes whose
    /// rows it decides (`node (rows)`).
    pub used_by: Vec<String>,
    /// Why its use could not be traced (it then counts as used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Impact {
    /// The version this one replaces, if any was approved.
    pub approved_version: Option<i64>,
    pub changes: Vec<ColumnChange>,
    pub downstream: Vec<DownstreamUse>,
    /// Why the impact could not be worked out completely.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Impact {
    /// Whether approving breaks an approved downstream graph.
    pub fn breaks(&self) -> bool {
        !self.downstream.is_empty()
    }
}

fn type_text(s: &Schema, column: &str) -> Option<String> {
    s.field(column).and_then(|f| f.ty).map(|t| t.to_string())
}

/// The columns of `sink` removed, renamed or retyped between `before` and
/// `after` (schemas; lineage to tell a rename: a new column made from exactly
/// the same source columns the same way as a removed one).
pub fn column_changes(
    sink: &str,
    before: &Schema,
    after: Option<&Schema>,
    before_lineage: Option<&NodeLineage>,
    after_lineage: Option<&NodeLineage>,
) -> Vec<ColumnChange> {
    let empty = Schema(Vec::new());
    let after = after.unwrap_or(&empty);
    let origins = |l: Option<&NodeLineage>, c: &str| l.and_then(|l| l.column(c)).map(|c| c.origins.clone());
    let mut out = Vec::new();
    for f in &before.0 {
        let change = |kind, renamed_to| ColumnChange {
            sink: sink.to_string(),
            column: f.name.clone(),
            kind,
            renamed_to,
            type_before: type_text(before, &f.name),
            type_after: type_text(after, &f.name),
        };
        match after.field(&f.name) {
            Some(g) if g.ty == f.ty || g.ty.is_none() || f.ty.is_none() => {}
            Some(_) => out.push(change(ChangeKind::Retyped, None)),
            None => {
                let was = origins(before_lineage, &f.name).filter(|o| !o.is_empty());
                let new_name = after.0.iter().find(|g| {
                    before.field(&g.name).is_none() && was.is_some() && origins(after_lineage, &g.name) == was
                });
                match new_name {
                    Some(g) => out.push(change(ChangeKind::Renamed, Some(g.name.clone()))),
                    None => out.push(change(ChangeKind::Removed, None)),
                }
            }
        }
    }
    out
}

/// Where `column` of `node` is used in `lineage`: the columns made from it and
/// the nodes whose rows it decides (at most `max` entries).
pub fn uses_of(lineage: &GraphLineage, node: &str, column: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    for n in lineage.nodes.iter().filter(|n| n.node != node) {
        for c in &n.columns {
            if c.origins.iter().any(|o| o.node == node && o.column == column) {
                out.push(format!("{}.{}", n.node, c.name));
            }
        }
        if n.rows.iter().any(|o| o.node == node && o.column == column) {
            out.push(format!("{} (rows)", n.node));
        }
        if out.len() >= max {
            out.truncate(max);
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::lineage::{ColumnLineage, Origin, Via};
    use crate::{DataType, Field};

    fn schema(cols: &[(&str, DataType)]) -> Schema {
        Schema(cols.iter().map(|(n, t)| Field::new(*n, Some(*t))).collect())
    }

    fn lin(node: &str, cols: &[(&str, &str)]) -> NodeLineage {
        let columns = cols
            .iter()
            .map(|(name, from)| ColumnLineage {
                name: name.to_string(),
                origins: vec![Origin { node: "src".into(), column: from.to_string(), via: Via::Copied }],
                expr: None,
                from: vec![],
                step: None,
            })
            .collect();
        NodeLineage { node: node.into(), columns, ..Default::default() }
    }

    #[test]
    fn removed_renamed_and_retyped_columns() {
        let before = schema(&[("a", DataType::Int64), ("b", DataType::String), ("c", DataType::Int64)]);
        let after = schema(&[("a", DataType::Float64), ("b2", DataType::String)]);
        let bl = lin("out", &[("a", "a"), ("b", "b"), ("c", "c")]);
        let al = lin("out", &[("a", "a"), ("b2", "b")]);
        let got = column_changes("out", &before, Some(&after), Some(&bl), Some(&al));
        let kinds: Vec<(&str, ChangeKind, Option<&str>)> =
            got.iter().map(|c| (c.column.as_str(), c.kind, c.renamed_to.as_deref())).collect();
        assert_eq!(
            kinds,
            [
                ("a", ChangeKind::Retyped, None),
                ("b", ChangeKind::Renamed, Some("b2")),
                ("c", ChangeKind::Removed, None)
            ]
        );
        assert!(column_changes("out", &before, Some(&before), Some(&bl), Some(&bl)).is_empty());
    }
}
