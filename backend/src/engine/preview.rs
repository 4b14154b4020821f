//! Live previews: the first rows of any node, fast. The row limit is pushed into
//! the plan, so a filter over a large file stops reading once it has enough.
//! Steps that must see all their input first (aggregate, sort, join, distinct,
//! union, SQL) run over the first rows of each source instead, and say so
//! (`sample: true`), unless a full preview is asked for.

use super::connect::Connections;
use super::error::EngineError;
use super::limits::Limits;
use super::root::DataRoot;
use super::{Mode, Options, prepare_with};
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType as Arrow, Float64Type, Int64Type};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sluice_shared::{Category, Field, Graph, NodeKind};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Rows read from each source when a blocking step previews on a sample.
pub const SAMPLE_ROWS: usize = 100_000;

pub struct Preview {
    pub columns: Vec<Field>,
    pub rows: Vec<Vec<Value>>,
    pub sample: bool,
    /// For a check node: what its rules find in the (sampled) input.
    pub check: Option<sluice_shared::check::CheckResult>,
}

/// `node` and every node upstream of it (linear in the edges).
pub fn upstream(graph: &Graph, node: &str) -> BTreeSet<String> {
    let mut feeding: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in &graph.edges {
        feeding.entry(e.to.as_str()).or_default().push(e.from.as_str());
    }
    let mut seen = BTreeSet::new();
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        if seen.insert(n.to_string()) {
            todo.extend(feeding.get(n).into_iter().flatten().copied());
        }
    }
    seen
}

fn kind(graph: &Graph, id: &str) -> Option<NodeKind> {
    graph.node(id).and_then(|n| NodeKind::parse(&n.kind))
}

/// A key that changes when anything the preview depends on changes: the
/// upstream nodes' kinds and configs (not their canvas positions), the edges
/// between them, parameter values, and each source file's size and mtime.
pub fn cache_key(
    graph: &Graph,
    node: &str,
    given: &BTreeMap<String, String>,
    root: &DataRoot,
    limit: usize,
    full: bool,
) -> String {
    let up = upstream(graph, node);
    let mut h = Sha256::new();
    h.update(format!("{node}\n{limit}\n{full}\n"));
    for id in &up {
        if let Some(n) = graph.node(id) {
            h.update(format!("node {id} {} {}\n", n.kind, n.config));
            if kind(graph, id).map(|k| k.category()) == Some(Category::Collection)
                && let Some(path) = n.config.get("path").and_then(Value::as_str)
            {
                let texts: BTreeMap<String, String> = graph
                    .params
                    .iter()
                    .filter_map(|(k, d)| {
                        given
                            .get(k)
                            .cloned()
                            .or_else(|| {
                                d.default
                                    .as_ref()
                                    .map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
                            })
                            .map(|v| (k.clone(), v))
                    })
                    .collect();
                let resolved = sluice_shared::paths::substitute(path, &texts).unwrap_or_else(|_| path.to_string());
                let meta = std::fs::metadata(root.path().join(&resolved)).ok();
                let stamp = meta.map(|m| {
                    (
                        m.len(),
                        m.modified()
                            .ok()
                            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                            .map(|d| d.as_nanos()),
                    )
                });
                h.update(format!("file {resolved} {stamp:?}\n"));
            }
        }
    }
    for e in graph.edges.iter().filter(|e| up.contains(&e.to)) {
        h.update(format!("edge {} {} {}\n", e.from, e.to, e.port()));
    }
    h.update(format!("params {:?} {:?}\n", graph.params, given));
    hex::encode(h.finalize())
}

/// Computes the preview of `node` within `limits` (memory and spill space), with
/// the business `calendars` the graph may name.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    graph: &Graph,
    node: &str,
    given: &BTreeMap<String, String>,
    root: &DataRoot,
    limit: usize,
    full: bool,
    limits: Limits,
    calendars: Option<std::sync::Arc<super::limits::Calendars>>,
) -> Result<Preview, EngineError> {
    run_in(graph, node, given, root, limit, full, limits, None, calendars).await
}

/// [`run`] with the connections of the environment the preview runs in.
#[allow(clippy::too_many_arguments)]
pub async fn run_in(
    graph: &Graph,
    node: &str,
    given: &BTreeMap<String, String>,
    root: &DataRoot,
    limit: usize,
    full: bool,
    limits: Limits,
    connections: Option<Arc<Connections>>,
    calendars: Option<Arc<super::limits::Calendars>>,
) -> Result<Preview, EngineError> {
    let up = upstream(graph, node);
    let blocking = up.iter().any(|id| kind(graph, id).is_some_and(NodeKind::is_blocking));
    let sample = blocking && !full;
    let opts = Options {
        source_limit: sample.then_some(SAMPLE_ROWS),
        limits: Some(limits),
        connections,
        calendars,
        ..Default::default()
    };
    let prepared = prepare_with(graph, given, root, Mode::Preview, opts).await?;
    // A sink previews what it would write: its input.
    let target = match kind(graph, node).map(|k| k.category()) {
        Some(Category::Distribution) => {
            prepared.report.inputs.get(node).and_then(|p| p.get("in")).and_then(|f| f.first()).cloned()
        }
        _ => Some(node.to_string()),
    };
    let df = target
        .and_then(|t| prepared.frames.get(&t).cloned())
        .ok_or_else(|| EngineError::failed(node, "this node cannot be previewed until its inputs are connected"))?;
    let df = df.limit(0, Some(limit)).map_err(|e| EngineError::plan(node, e))?;
    let schema = df.schema().as_arrow().clone();
    // Past the memory limit the pool's own message says so (see `limits`).
    let batches = df.collect().await.map_err(|e| EngineError::exec(node, e))?;
    let check = match prepared.checks.iter().find(|c| c.node == node) {
        Some(plan) => Some(super::checks::evaluate(plan).await.map_err(|e| EngineError::exec(node, e))?),
        None => None,
    };
    Ok(Preview { columns: super::types::schema_from_arrow(&schema).0, rows: rows_json(&batches), sample, check })
}

/// Rows as JSON arrays: numbers and booleans as JSON values, the rest as text.
pub fn rows_json(batches: &[RecordBatch]) -> Vec<Vec<Value>> {
    let opts = FormatOptions::default();
    let mut rows = Vec::new();
    for b in batches {
        let cols: Vec<Cell> = b.columns().iter().map(|c| Cell::new(c, &opts)).collect();
        for r in 0..b.num_rows() {
            rows.push(cols.iter().map(|c| c.value(r)).collect());
        }
    }
    rows
}

/// One column, prepared once per batch for turning its cells into JSON.
enum Cell<'a> {
    Int(ArrayRef),
    Float(ArrayRef),
    Bool(&'a ArrayRef),
    Text(&'a ArrayRef, Option<ArrayFormatter<'a>>),
}

impl<'a> Cell<'a> {
    fn new(c: &'a ArrayRef, opts: &'a FormatOptions<'a>) -> Self {
        use datafusion::arrow::compute::cast;
        match c.data_type() {
            Arrow::Int8 | Arrow::Int16 | Arrow::Int32 | Arrow::Int64 | Arrow::UInt8 | Arrow::UInt16 | Arrow::UInt32 => {
                cast(c, &Arrow::Int64).map(Cell::Int).unwrap_or(Cell::Text(c, None))
            }
            Arrow::Float16 | Arrow::Float32 | Arrow::Float64 => {
                cast(c, &Arrow::Float64).map(Cell::Float).unwrap_or(Cell::Text(c, None))
            }
            Arrow::Boolean => Cell::Bool(c),
            _ => Cell::Text(c, ArrayFormatter::try_new(c.as_ref(), opts).ok()),
        }
    }

    fn value(&self, r: usize) -> Value {
        match self {
            Cell::Int(a) if a.is_valid(r) => Value::from(a.as_primitive::<Int64Type>().value(r)),
            Cell::Float(a) if a.is_valid(r) => serde_json::Number::from_f64(a.as_primitive::<Float64Type>().value(r))
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Cell::Bool(a) if a.is_valid(r) => Value::Bool(a.as_boolean().value(r)),
            Cell::Text(a, Some(f)) if a.is_valid(r) => Value::String(f.value(r).to_string()),
            _ => Value::Null,
        }
    }
}
