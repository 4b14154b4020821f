//! The validator: one pass over a graph that returns every problem at once,
//! plus what later stages need (order, typed configs, schemas on every edge).

use crate::config::NodeConfig;
use crate::infer::{self, NodeCtx};
use crate::model::Graph;
use crate::params;
use crate::paths;
use crate::problem::Problem;
use crate::structure;
use crate::types::Schema;
use std::collections::{BTreeMap, HashMap};

/// What the validator may know beyond the graph itself.
#[derive(Default)]
pub struct Context<'a> {
    /// Schemas of sources, by node id, as inspected by the server (or cached by
    /// the browser). A source missing here has an unknown schema unless its
    /// config declares one.
    pub source_schemas: Option<&'a HashMap<String, Schema>>,
    /// Parameter values given for a run. `None` checks declarations only, since
    /// a graph being edited need not have its values yet.
    pub params: Option<&'a BTreeMap<String, String>>,
    /// The connections of the environment the graph is checked for. `None`:
    /// names are checked for form only (the editor before it has the list).
    pub connections: Option<&'a crate::connections::Known>,
    /// The business calendars derived parameters may name. `None`: not known
    /// (names are not checked; derived values cannot be bound).
    pub calendars: Option<&'a BTreeMap<String, crate::calendar::Calendar>>,
}

/// The outcome of validating a graph.
#[derive(Debug, Default)]
pub struct Report {
    pub problems: Vec<Problem>,
    /// Node ids, every node after its inputs (nodes on cycles left out).
    pub order: Vec<String>,
    /// Typed config of every node whose config parsed.
    pub configs: BTreeMap<String, NodeConfig>,
    /// Inferred output schema of every node; `None` where it is not known.
    pub schemas: BTreeMap<String, Option<Schema>>,
    /// For each node, the upstream ids feeding each input port.
    pub inputs: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// Bound parameter values, when `Context::params` was given and all bound.
    pub param_values: Option<BTreeMap<String, params::ParamValue>>,
}

impl Report {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Validates `graph`: structure, parameters, paths, every node's config and
/// expressions, and the schema on every edge.
pub fn validate(graph: &Graph, ctx: &Context) -> Report {
    // A graph over the size limits is refused before any other work.
    let over = crate::limits::check(graph);
    if !over.is_empty() {
        return Report { problems: over, ..Report::default() };
    }
    let mut problems = Vec::new();
    let st = structure::check(graph, &mut problems);
    params::check_decls(&graph.params, &mut problems);
    crate::derived::check(&graph.params, ctx.calendars, &mut problems);
    let mut report = Report::default();
    if let Some(given) = ctx.params {
        match params::bind(&graph.params, given, ctx.calendars) {
            Ok(v) => report.param_values = Some(v),
            Err(p) => problems.extend(p),
        }
    }

    let declared = |name: &str| graph.params.contains_key(name);
    let mut written: Vec<(String, String)> = Vec::new();
    for node in &graph.nodes {
        let Some(kind) = st.kinds.get(&node.id) else {
            continue;
        };
        if report.configs.contains_key(&node.id) {
            continue; // duplicate id, already reported
        }
        match NodeConfig::parse(*kind, &node.config) {
            Ok(cfg) => {
                if let Some(path) = cfg.path() {
                    if let Err(e) = paths::check_path(path, &declared) {
                        problems.push(Problem::node(&node.id, Some(path_field(*kind)), e));
                    } else if writes_files(*kind) {
                        written.push((node.id.clone(), path.to_string()));
                    }
                }
                if let Some(e) = crate::connections::check_use(&cfg, ctx.connections) {
                    problems.push(Problem::node(&node.id, Some("connection"), e));
                }
                report.configs.insert(node.id.clone(), cfg);
            }
            Err(e) => problems.push(Problem::node(&node.id, Some("config"), e)),
        }
    }
    let outputs: Vec<(&str, &str)> = written.iter().map(|(id, p)| (id.as_str(), p.as_str())).collect();
    for (id, msg) in paths::clashes(&outputs) {
        let field = graph.node(&id).and_then(|n| crate::NodeKind::parse(&n.kind)).map_or("path", path_field);
        problems.push(Problem::node(&id, Some(field), msg));
    }

    let empty = HashMap::new();
    let inspected = ctx.source_schemas.unwrap_or(&empty);
    for id in &st.order {
        let Some(cfg) = report.configs.get(id) else {
            report.schemas.insert(id.clone(), None);
            continue;
        };
        let mut inputs = Vec::new();
        for (port, froms) in st.inputs.get(id).into_iter().flatten() {
            for from in froms {
                let schema = report.schemas.get(from).and_then(Option::as_ref);
                inputs.push((port.as_str(), from.as_str(), schema));
            }
        }
        let nctx =
            NodeCtx { id, scope_params: &graph.params, inputs, inspected: inspected.get(id), calendars: ctx.calendars };
        let mut issues = Vec::new();
        let schema = infer::infer(cfg, &nctx, &mut issues);
        for (field, msg) in issues {
            problems.push(Problem::node(id, Some(&field), msg));
        }
        report.schemas.insert(id.clone(), schema);
    }
    report.problems = problems;
    report.order = st.order;
    report.inputs = st.inputs;
    report
}

/// Kinds whose path (see [`NodeConfig::path`]) is written, not read: sinks, and
/// checks (their quarantine).
pub fn writes_files(kind: crate::NodeKind) -> bool {
    kind.category() == crate::kinds::Category::Distribution || kind == crate::NodeKind::TransformCheck
}

/// The config field that holds a kind's path.
fn path_field(kind: crate::NodeKind) -> &'static str {
    if kind == crate::NodeKind::TransformCheck { "quarantine.path" } else { "path" }
}

/// Parses and validates a document in one step; parse problems come back alone.
pub fn validate_text(text: &str, ctx: &Context) -> Result<(Graph, Report), Vec<Problem>> {
    let graph = crate::parse::parse_graph(text)?;
    let report = validate(&graph, ctx);
    Ok((graph, report))
}

#[cfg(test)]
mod tests {
    #[test]
    fn validation_refuses_sinks_on_one_normalized_path() {
        let g = crate::parse_graph_value(serde_json::json!({
            "format": "sluice.graph/v1", "name": "t",
            "nodes": [{"id": "src", "kind": "source.csv", "config": {"path": "in.csv"}},
                      {"id": "s0", "kind": "sink.csv", "config": {"path": "out/x.csv"}},
                      {"id": "s1", "kind": "sink.csv", "config": {"path": "out/./x.csv"}}],
            "edges": [{"from": "src", "to": "s0"}, {"from": "src", "to": "s1"}]
        }))
        .unwrap();
        let r = crate::validate(&g, &Default::default());
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        assert_eq!(r.problems[0].node.as_deref(), Some("s1"));
    }
}
