//! Column lineage from the plans the engine runs. The graph is planned as for
//! `sluice sql` (every source an empty table named by its node id, nothing is
//! read), then each node's DataFusion logical plan is walked ([`walk`]): column
//! references through projections, aggregates, joins, unions, aliases, filters
//! and windows, views of SQL nodes followed into their plans. Nothing is
//! re-derived from the graph's configs, so what lineage says is what runs.
//!
//! A node downstream of a source that cannot be opened (a missing file in
//! `Check` mode) has no plan and gets `unknown` instead of columns.

mod text;
pub mod walk;

use super::error::EngineError;
use super::root::DataRoot;
use super::{Mode, Options, Prepared, prepare_with};
use sluice_shared::api::lineage::{ColumnLineage, GraphLineage, NodeLineage, Origin, Via};
use sluice_shared::{Category, Graph, Schema};
use std::collections::{BTreeMap, BTreeSet};
use walk::{FULL, HOP, Memo, R, V, Walked};

/// The lineage of every node of `graph`, planned against `root` (its files give
/// the sources' columns) with parameter values `given` (defaults otherwise).
pub async fn lineage(
    graph: &Graph,
    given: &BTreeMap<String, String>,
    root: &DataRoot,
    opts: Options,
) -> Result<GraphLineage, EngineError> {
    Ok(with_schemas(graph, given, root, opts).await?.0)
}

/// [`lineage`] and the planned columns of every node, sinks included (a sink's
/// are its input's).
pub async fn with_schemas(
    graph: &Graph,
    given: &BTreeMap<String, String>,
    root: &DataRoot,
    opts: Options,
) -> Result<(GraphLineage, BTreeMap<String, Schema>), EngineError> {
    let opts = Options { named_sources: true, ..opts };
    let prepared = prepare_with(graph, given, root, Mode::Check, opts).await?;
    let mut schemas = super::planned_schemas(&prepared);
    for n in &graph.nodes {
        if category(graph, &n.id) == Some(Category::Distribution)
            && let Some(input) = prepared.report.inputs.get(&n.id).and_then(|p| p.get("in")).and_then(|f| f.first())
            && let Some(s) = schemas.get(input).cloned()
        {
            schemas.insert(n.id.clone(), s);
        }
    }
    // The walk is CPU work proportional to the plans: off the async workers.
    let graph = graph.clone();
    let lineage = super::limits::off_thread(move || of_prepared(&graph, &prepared)).await;
    Ok((lineage, schemas))
}

fn category(graph: &Graph, id: &str) -> Option<Category> {
    graph.node(id).and_then(|n| sluice_shared::NodeKind::parse(&n.kind)).map(|k| k.category())
}

/// The lineage of a planned graph, in graph order.
pub fn of_prepared(graph: &Graph, p: &Prepared) -> GraphLineage {
    let sources: BTreeSet<String> = graph
        .nodes
        .iter()
        .filter(|n| category(graph, &n.id) == Some(Category::Collection))
        .map(|n| n.id.clone())
        .collect();
    let mut memo = Memo::new(sources.clone());
    let mut done: BTreeMap<String, NodeLineage> = BTreeMap::new();
    for id in &p.report.order {
        let inputs: Vec<String> =
            p.report.inputs.get(id).into_iter().flat_map(|ports| ports.values().flatten().cloned()).collect();
        let lineage = if category(graph, id) == Some(Category::Distribution) {
            sink(id, inputs.first().and_then(|i| done.get(i)))
        } else if let Some(df) = p.frames.get(id) {
            let plan = df.logical_plan();
            match memo.walk(plan, &inputs) {
                Ok(w) => {
                    let names: Vec<String> = plan.schema().fields().iter().map(|f| f.name().clone()).collect();
                    let node = convert(id, &names, &w, inputs.len());
                    memo.add(id, plan, w);
                    node
                }
                Err(why) => unknown(id, why),
            }
        } else if sources.contains(id) {
            unknown(id, "the source could not be opened here (a missing file or connection?)".into())
        } else {
            let missing: Vec<&str> = inputs.iter().filter(|i| !p.frames.contains_key(*i)).map(String::as_str).collect();
            unknown(id, format!("its input(s) `{}` have no lineage", missing.join("`, `")))
        };
        done.insert(id.clone(), lineage);
    }
    let nodes = graph
        .nodes
        .iter()
        .map(|n| done.remove(&n.id).unwrap_or_else(|| unknown(&n.id, "the node is not connected".into())))
        .collect();
    GraphLineage { nodes }
}

fn unknown(id: &str, why: String) -> NodeLineage {
    NodeLineage { node: id.to_string(), unknown: Some(why), ..Default::default() }
}

/// A sink carries its input's columns, one step back to that input.
fn sink(id: &str, input: Option<&NodeLineage>) -> NodeLineage {
    let Some(input) = input else { return unknown(id, "the sink has no input with lineage".into()) };
    if let Some(why) = &input.unknown {
        return unknown(id, why.clone());
    }
    let columns = input
        .columns
        .iter()
        .map(|c| ColumnLineage {
            name: c.name.clone(),
            origins: c.origins.clone(),
            expr: c.expr.clone(),
            from: vec![Origin { node: input.node.clone(), column: c.name.clone(), via: Via::Copied }],
            step: None,
        })
        .collect();
    NodeLineage { node: id.to_string(), columns, rows: input.rows.clone(), rows_from: Vec::new(), unknown: None }
}

fn via(v: V, out_name: &str, from: &str) -> Via {
    match v {
        V::Direct if out_name == from => Via::Copied,
        V::Direct => Via::Renamed,
        V::Computed => Via::Computed,
        V::Aggregated => Via::Aggregated,
        V::GroupKey => Via::GroupKey,
    }
}

fn origins(deps: &BTreeMap<walk::Key, V>, out_name: &str, skip: &str) -> Vec<Origin> {
    deps.iter()
        .filter(|((node, _), _)| node != skip)
        .map(|((node, column), v)| Origin {
            node: node.clone(),
            column: column.clone(),
            via: via(*v, out_name, column),
        })
        .collect()
}

fn row_origins(rows: &BTreeMap<walk::Key, R>, skip: &str) -> Vec<Origin> {
    rows.iter()
        .filter(|((node, _), _)| node != skip)
        .map(|((node, column), r)| Origin {
            node: node.clone(),
            column: column.clone(),
            via: if *r == R::JoinKey { Via::JoinKey } else { Via::Filter },
        })
        .collect()
}

/// The walker's answer for node `id` in the API's terms. A source's own
/// columns point at itself in `origins` and have no step back.
fn convert(id: &str, names: &[String], w: &Walked, n_inputs: usize) -> NodeLineage {
    let columns = names
        .iter()
        .zip(&w.cols)
        .map(|(name, c)| ColumnLineage {
            name: name.clone(),
            origins: origins(&c[FULL].deps, name, ""),
            expr: c[FULL].expr.as_ref().and_then(text::shown),
            from: origins(&c[HOP].deps, name, id),
            step: c[HOP].expr.as_ref().and_then(|e| if n_inputs > 1 { text::shown(e) } else { text::shown_bare(e) }),
        })
        .collect();
    NodeLineage {
        node: id.to_string(),
        columns,
        rows: row_origins(&w.rows[FULL], ""),
        rows_from: row_origins(&w.rows[HOP], id),
        unknown: None,
    }
}
