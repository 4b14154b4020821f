//! Rows out of every node of a run, read from DataFusion's plan metrics: after
//! a sink's physical plan ran, its operators' `output_rows` are mapped back to
//! the graph's nodes, walking the graph from the sink up and the plan from the
//! root down together. A node looks for the operator of its kind (a filter for
//! `transform.filter`, an aggregate for `transform.aggregate`, ...) past the
//! operators that keep rows as they are (projections, repartitions, batch
//! coalescing); when the optimizer folded the node into the next operator (a
//! filter pushed into a join or below it), that operator's output is the node's.
//! Nodes that keep their input's rows (select, formula) count their input's.

use super::Prepared;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::aggregates::{AggregateExec, AggregateMode};
use sluice_shared::{NodeConfig, NodeKind};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

type Plan = Arc<dyn ExecutionPlan>;

/// Operators that pass every row through unchanged.
const TRANSPARENT: &[&str] = &[
    "ProjectionExec",
    "CoalesceBatchesExec",
    "RepartitionExec",
    "CoalescePartitionsExec",
    "CooperativeExec",
    "CheckTallyExec",
];

/// The operators a node kind becomes; `None`: rows as its input's.
fn operators(kind: NodeKind) -> Option<&'static [&'static str]> {
    use NodeKind::*;
    Some(match kind {
        SourceCsv | SourceParquet | SourceJson | SourceExcel | SourceTable | SourceDates => &["DataSourceExec"],
        Filter => &["FilterExec"],
        Aggregate | Distinct => &["AggregateExec"],
        Join => &["HashJoinExec", "SortMergeJoinExec", "NestedLoopJoinExec", "CrossJoinExec", "SymmetricHashJoinExec"],
        Sort => &["SortPreservingMergeExec", "SortExec"],
        Limit => &["GlobalLimitExec", "LocalLimitExec"],
        Union => &["UnionExec", "InterleaveExec"],
        _ => return None,
    })
}

fn kind_of(cfg: &NodeConfig) -> Option<NodeKind> {
    use NodeConfig as C;
    Some(match cfg {
        C::SourceCsv(_) => NodeKind::SourceCsv,
        C::SourceParquet(_) => NodeKind::SourceParquet,
        C::SourceJson(_) => NodeKind::SourceJson,
        C::SourceExcel(_) => NodeKind::SourceExcel,
        C::SourceTable(_) => NodeKind::SourceTable,
        C::SourceDates(_) => NodeKind::SourceDates,
        C::Filter(_) => NodeKind::Filter,
        C::Select(_) => NodeKind::Select,
        C::Derive(_) => NodeKind::Derive,
        C::Join(_) => NodeKind::Join,
        C::Union(_) => NodeKind::Union,
        C::Aggregate(_) => NodeKind::Aggregate,
        C::Sort(_) => NodeKind::Sort,
        C::Distinct(_) => NodeKind::Distinct,
        C::Limit(_) => NodeKind::Limit,
        _ => return None,
    })
}

fn rows(op: &Plan) -> Option<u64> {
    op.metrics().and_then(|m| m.output_rows()).map(|r| r as u64)
}

/// The operator `names` finds from `op` past transparent ones: `Ok` the match,
/// `Err` the operator where the search stopped.
fn find(op: &Plan, names: &[&str]) -> Result<Plan, Plan> {
    let mut at = op.clone();
    loop {
        if names.contains(&at.name()) {
            return Ok(at);
        }
        // A limit the optimizer folded into another operator (`fetch`).
        if names.contains(&"GlobalLimitExec") && at.fetch().is_some() {
            return Ok(at);
        }
        let children = at.children();
        if !TRANSPARENT.contains(&at.name()) || children.len() != 1 {
            return Err(at);
        }
        let next = children[0].clone();
        at = next;
    }
}

/// Below a matched operator: past the partial half of a two-step aggregate,
/// the per-partition sort under a merge, the local limit under a global one.
fn below(op: &Plan) -> Vec<Plan> {
    let mut out = Vec::new();
    for child in op.children() {
        let inner = match op.name() {
            "AggregateExec" => find(child, &["AggregateExec"])
                .ok()
                .filter(|a| a.downcast_ref::<AggregateExec>().is_some_and(|a| *a.mode() == AggregateMode::Partial)),
            "SortPreservingMergeExec" => find(child, &["SortExec"]).ok(),
            "GlobalLimitExec" => find(child, &["LocalLimitExec"]).ok(),
            _ => None,
        };
        match inner {
            Some(i) => out.extend(i.children().into_iter().cloned()),
            None => out.push(child.clone()),
        }
    }
    out
}

/// Column names an operator's subtree outputs, for telling a join's sides apart.
fn names_of(op: &Plan) -> BTreeSet<String> {
    op.schema().fields().iter().map(|f| f.name().clone()).collect()
}

struct Walk<'a> {
    p: &'a Prepared,
    out: BTreeMap<String, u64>,
}

impl Walk<'_> {
    fn input_ids(&self, id: &str) -> Vec<(String, String)> {
        let mut v = Vec::new();
        for (port, from) in self.p.report.inputs.get(id).into_iter().flatten() {
            v.extend(from.iter().map(|f| (port.clone(), f.clone())));
        }
        v
    }

    fn record(&mut self, id: &str, n: Option<u64>) {
        if let Some(n) = n {
            let e = self.out.entry(id.to_string()).or_insert(0);
            *e = (*e).max(n);
        }
    }

    /// Maps node `id`, whose output `op` computes, and everything above it.
    fn node(&mut self, id: &str, op: &Plan, depth: usize) {
        if depth > 200 {
            return;
        }
        let inputs = self.input_ids(id);
        let kind = self.p.report.configs.get(id).and_then(kind_of);
        let Some(names) = kind.and_then(operators) else {
            // Rows as its input's (select, formula, check, SQL over one input).
            if let [(_, only)] = inputs.as_slice() {
                self.node(only, op, depth + 1);
                let n = self.out.get(only).copied();
                if kind.is_some_and(|k| matches!(k, NodeKind::Select | NodeKind::Derive)) {
                    self.record(id, n);
                }
            }
            return;
        };
        match find(op, names) {
            Ok(found) => {
                self.record(id, rows(&found));
                let children = below(&found);
                if children.len() == inputs.len() && children.len() == 2 {
                    self.pair(&inputs, &children, depth);
                } else if children.len() == inputs.len() {
                    for ((_, from), child) in inputs.iter().zip(children.iter()) {
                        self.node(from, child, depth + 1);
                    }
                } else if let ([(_, only)], [child]) = (inputs.as_slice(), children.as_slice()) {
                    self.node(only, child, depth + 1);
                }
            }
            // Folded into the operator below: its output is this node's.
            Err(stop) => {
                if !inputs.is_empty() {
                    self.record(id, rows(&stop));
                    for (_, from) in &inputs {
                        self.node(from, op, depth + 1);
                    }
                }
            }
        }
    }

    /// A join's two sides: each input goes to the child sharing more of its columns
    /// (the optimizer may have swapped them).
    fn pair(&mut self, inputs: &[(String, String)], children: &[Plan], depth: usize) {
        let cols = |id: &str| -> BTreeSet<String> {
            self.p
                .frames
                .get(id)
                .map(|f| f.schema().fields().iter().map(|f| f.name().clone()).collect())
                .unwrap_or_default()
        };
        let (a, b) = (cols(&inputs[0].1), cols(&inputs[1].1));
        let (c0, c1) = (names_of(&children[0]), names_of(&children[1]));
        let straight = a.intersection(&c0).count() + b.intersection(&c1).count();
        let swapped = a.intersection(&c1).count() + b.intersection(&c0).count();
        let (l, r) = if swapped > straight { (&children[1], &children[0]) } else { (&children[0], &children[1]) };
        self.node(&inputs[0].1, l, depth + 1);
        self.node(&inputs[1].1, r, depth + 1);
    }
}

/// Rows out of each node feeding `input` (the node a sink writes), from the
/// metrics of `plan`, the physical plan that ran for it.
pub fn rows_by_node(p: &Prepared, input: &str, plan: &Plan) -> BTreeMap<String, u64> {
    let mut w = Walk { p, out: BTreeMap::new() };
    w.node(input, plan, 0);
    w.out
}
