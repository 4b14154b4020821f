//! Key discovery for the model wizard: the fact and each candidate dimension
//! opened as in a preview (at most [`preview::SAMPLE_ROWS`] rows of each, within
//! the preview's memory), the name-and-type candidates from
//! `sluice_shared::star::names` measured with DataFusion: how many fact rows
//! find a dimension row, a few orphan values, and whether the dimension column
//! is unique. Only the named source nodes are planned, so the rest of the graph
//! may be half-built.

use super::connect::Connections;
use super::error::EngineError;
use super::limits::{Calendars, Limits};
use super::root::DataRoot;
use super::{Mode, Options, prepare_with, preview, types};
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType as Arrow, Int64Type};
use datafusion::common::{Column, JoinType};
use datafusion::functions_aggregate::expr_fn::{count, count_distinct};
use datafusion::prelude::{DataFrame, Expr, cast, col, lit};
use sluice_shared::api::model::{DimensionKeys, KeyProposal, KeysResponse, MAX_CANDIDATES};
use sluice_shared::star::names;
use sluice_shared::{Category, Field, Graph, NodeKind};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What the engine needs besides the graph.
pub struct Env {
    pub root: DataRoot,
    pub limits: Limits,
    pub connections: Option<Arc<Connections>>,
    pub calendars: Option<Arc<Calendars>>,
}

/// Checks that `id` names a collection node of `graph`; the error says which.
pub fn source_node(graph: &Graph, id: &str) -> Result<(), String> {
    let n = graph.node(id).ok_or_else(|| format!("the graph has no node `{id}`"))?;
    match NodeKind::parse(&n.kind).map(|k| k.category()) {
        Some(Category::Collection) => Ok(()),
        _ => Err(format!("`{id}` is a {}, not a source: the wizard reads facts and dimensions from sources", n.kind)),
    }
}

/// Proposes keys from `fact` to each of `dims` (all source nodes of `graph`).
pub async fn discover(
    graph: &Graph,
    fact: &str,
    dims: &[String],
    given: &BTreeMap<String, String>,
    env: Env,
) -> Result<KeysResponse, EngineError> {
    let mut sub = Graph::new(graph.name.clone());
    sub.params = graph.params.clone();
    for id in std::iter::once(fact).chain(dims.iter().map(String::as_str)) {
        if let Some(n) = graph.node(id)
            && sub.node(id).is_none()
        {
            sub.nodes.push(n.clone());
        }
    }
    let opts = Options {
        source_limit: Some(preview::SAMPLE_ROWS),
        limits: Some(env.limits),
        connections: env.connections,
        calendars: env.calendars,
        ..Default::default()
    };
    let prepared = prepare_with(&sub, given, &env.root, Mode::Preview, opts).await?;
    let frame = |id: &str| {
        prepared.frames.get(id).cloned().ok_or_else(|| EngineError::failed(id, "this source could not be opened"))
    };
    let fact_df = frame(fact)?;
    let fact_columns = columns(&fact_df);
    let fact_rows = count_rows(fact, &fact_df).await?;
    let mut sample = fact_rows >= preview::SAMPLE_ROWS as u64;
    let mut out = Vec::new();
    for d in dims {
        let dim_df = frame(d)?;
        let dim_columns = columns(&dim_df);
        let rows = count_rows(d, &dim_df).await?;
        sample |= rows >= preview::SAMPLE_ROWS as u64;
        let mut proposals = Vec::new();
        for c in names::candidates(&fact_columns, d, &dim_columns).into_iter().take(MAX_CANDIDATES) {
            let m = measure(d, &fact_df, &dim_df, &c.fact_column, &c.dimension_column).await?;
            let match_rate = if fact_rows == 0 { 0.0 } else { m.matched as f64 / fact_rows as f64 };
            proposals.push(KeyProposal {
                score: names::rank(c.score, match_rate, m.unique),
                fact_column: c.fact_column,
                dimension_column: c.dimension_column,
                reason: c.reason,
                name_score: c.score,
                matched_rows: m.matched,
                match_rate,
                orphans: fact_rows - m.matched.min(fact_rows),
                orphan_examples: m.orphans,
                unique: m.unique,
            });
        }
        proposals.sort_by(|a, b| b.score.total_cmp(&a.score));
        out.push(DimensionKeys { node: d.clone(), columns: dim_columns, rows, proposals });
    }
    Ok(KeysResponse { fact: fact.to_string(), fact_columns, fact_rows, sample, dimensions: out })
}

fn columns(df: &DataFrame) -> Vec<Field> {
    types::schema_from_arrow(df.schema().as_arrow()).0
}

async fn count_rows(node: &str, df: &DataFrame) -> Result<u64, EngineError> {
    df.clone().count().await.map(|n| n as u64).map_err(|e| EngineError::exec(node, e))
}

struct Measured {
    matched: u64,
    unique: bool,
    orphans: Vec<String>,
}

/// A column by its exact name (no parsing of dots or case).
fn column(name: &str) -> Expr {
    Expr::Column(Column::from_name(name))
}

/// Fact rows whose `fc` finds a `dc` among the dimension's values (compared as
/// text, so an integer code meets its string form), a few orphans, uniqueness.
async fn measure(node: &str, fact: &DataFrame, dim: &DataFrame, fc: &str, dc: &str) -> Result<Measured, EngineError> {
    let plan = |e| EngineError::plan(node, e);
    let exec = |e| EngineError::exec(node, e);
    let f = fact.clone().select(vec![cast(column(fc), Arrow::Utf8).alias("__f")]).map_err(plan)?;
    let keys = dim.clone().select(vec![cast(column(dc), Arrow::Utf8).alias("__k")]).map_err(plan)?;
    let stats = keys
        .clone()
        .aggregate(vec![], vec![count(lit(1)).alias("n"), count_distinct(col("__k")).alias("d")])
        .map_err(plan)?
        .collect()
        .await
        .map_err(exec)?;
    let (n, distinct) = first_two(&stats);
    let joined = f.join(keys.distinct().map_err(plan)?, JoinType::Left, &["__f"], &["__k"], None).map_err(plan)?;
    let matched = joined
        .clone()
        .aggregate(vec![], vec![count(col("__k")).alias("m"), count(lit(1)).alias("n")])
        .map_err(plan)?
        .collect()
        .await
        .map_err(exec)?;
    let orphans = joined
        .filter(col("__k").is_null().and(col("__f").is_not_null()))
        .map_err(plan)?
        .select(vec![col("__f")])
        .map_err(plan)?
        .distinct()
        .map_err(plan)?
        .limit(0, Some(5))
        .map_err(plan)?
        .collect()
        .await
        .map_err(exec)?;
    let examples = preview::rows_json(&orphans)
        .into_iter()
        .filter_map(|r| r.into_iter().next().and_then(|v| v.as_str().map(str::to_string)))
        .collect();
    Ok(Measured { matched: first_two(&matched).0, unique: n == distinct, orphans: examples })
}

/// The two Int64 cells of a one-row aggregate (0 when absent).
fn first_two(batches: &[datafusion::arrow::record_batch::RecordBatch]) -> (u64, u64) {
    let cell = |i: usize| {
        batches
            .iter()
            .find(|b| b.num_rows() > 0)
            .and_then(|b| b.column(i).as_primitive_opt::<Int64Type>().filter(|a| a.is_valid(0)).map(|a| a.value(0)))
            .unwrap_or(0) as u64
    };
    (cell(0), cell(1))
}
