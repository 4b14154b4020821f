//! Column lineage across graphs (`POST /api/lineage/trace`): a column of the
//! graph being edited, followed back through its sources into the graphs of
//! the library that write what those sources read, hop by hop, until it meets
//! data no visible graph writes.
//!
//! The walk is [`trace`], a pure function over the library's [`DataflowMap`]
//! and the lineage of each graph planned so far; it asks for the next graph it
//! needs ([`Next::Need`]) so the server plans only the graphs the column passes
//! through, and never more than [`MAX_GRAPHS`].

use super::dataflow::DataflowMap;
use super::lineage::{GraphLineage, Origin, Via};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Most graphs one trace plans (the edited graph included).
pub const MAX_GRAPHS: usize = 16;
/// Most steps one trace answers with.
pub const MAX_STEPS: usize = 64;
/// The id the edited graph goes by when it has not been saved yet.
pub const DRAFT_ID: &str = "draft";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraceRequest {
    /// The graph being edited (its unsaved state).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub graph: Value,
    /// Its id when it is saved: its stored version is then left out of the library.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_id: Option<String>,
    pub node: String,
    pub column: String,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

/// One column of one graph on the way back to the sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraceStep {
    /// The graph's id ([`DRAFT_ID`] for an unsaved edited graph).
    pub graph: String,
    pub graph_name: String,
    pub node: String,
    pub column: String,
    /// The source columns of this graph the column is made from.
    pub origins: Vec<Origin>,
    /// The formula over them, when the column is computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    /// The step this one feeds (its source reads what this step's node writes);
    /// absent for the first step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feeds: Option<usize>,
    /// The file or table between this step and the one it feeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
    /// Why this step has no origins (its graph could not be planned, or the
    /// column is not among the node's outputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnTrace {
    /// Breadth first: the picked column, then the columns upstream graphs write it from.
    pub steps: Vec<TraceStep>,
    /// The walk stopped at [`MAX_STEPS`] or [`MAX_GRAPHS`] before it ended.
    pub truncated: bool,
}

/// What [`trace`] needs next.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// The lineage of this graph (plan it, then call [`trace`] again).
    Need(String),
    Done(ColumnTrace),
}

/// A graph's lineage, or why it has none.
pub type Planned = BTreeMap<String, Result<GraphLineage, String>>;

/// The steps of `column` of `node` in `graph`, given the library's map and the
/// graphs planned so far (`names`: graph id → name).
pub fn trace(
    start: (&str, &str, &str),
    map: &DataflowMap,
    names: &BTreeMap<String, String>,
    planned: &Planned,
) -> Next {
    let (graph, node, column) = start;
    let mut out = ColumnTrace::default();
    let mut todo = VecDeque::from([(graph.to_string(), node.to_string(), column.to_string(), None, None)]);
    let mut seen = BTreeSet::from([(graph.to_string(), node.to_string(), column.to_string())]);
    while let Some((g, n, c, feeds, dataset)) = todo.pop_front() {
        if out.steps.len() >= MAX_STEPS {
            out.truncated = true;
            break;
        }
        let lineage = match planned.get(&g) {
            Some(l) => l,
            None if planned.len() < MAX_GRAPHS => return Next::Need(g),
            None => {
                out.truncated = true;
                continue;
            }
        };
        let mut step = TraceStep {
            graph_name: names.get(&g).cloned().unwrap_or_default(),
            graph: g.clone(),
            node: n.clone(),
            column: c.clone(),
            origins: Vec::new(),
            expr: None,
            feeds,
            dataset,
            unknown: None,
        };
        match lineage.as_ref().map(|l| l.node(&n).map(|nl| (nl.unknown.clone(), nl.column(&c).cloned()))) {
            Err(why) => step.unknown = Some(why.clone()),
            Ok(None) => step.unknown = Some(format!("no node `{n}`")),
            Ok(Some((Some(why), _))) => step.unknown = Some(why),
            Ok(Some((None, None))) => step.unknown = Some(format!("`{n}` has no column `{c}`")),
            Ok(Some((None, Some(col)))) => {
                step.origins = col.origins;
                step.expr = col.expr;
            }
        }
        let here = out.steps.len();
        // Values only, as on the canvas: a group key decides which rows an aggregate sums.
        for o in step.origins.iter().filter(|o| o.via != Via::GroupKey) {
            for (h, k, d) in writers(map, &g, &o.node) {
                if seen.insert((h.clone(), k.clone(), o.column.clone())) {
                    todo.push_back((h, k, o.column.clone(), Some(here), Some(d)));
                }
            }
        }
        out.steps.push(step);
    }
    Next::Done(out)
}

/// The (graph, node, dataset) that write what `node` of `graph` reads, other graphs only.
pub fn writers(map: &DataflowMap, graph: &str, node: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for read in map.edges.iter().filter(|e| !e.writes && e.graph == graph && e.node == node) {
        for w in map.edges.iter().filter(|e| e.writes && e.dataset == read.dataset && e.graph != graph) {
            let hop = (w.graph.clone(), w.node.clone(), read.dataset.clone());
            if !out.contains(&hop) {
                out.push(hop);
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "lineage_trace_tests.rs"]
mod tests;
