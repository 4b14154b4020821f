//! Processing nodes: each adds steps to the DataFrame (a logical plan) of its
//! inputs. Nothing here touches rows; DataFusion optimises the whole pipeline.

use super::bind;
use super::types::to_arrow;
use datafusion::common::Column;
use datafusion::error::Result;
use datafusion::functions_aggregate::count::count_all;
use datafusion::functions_aggregate::expr_fn::{avg, count, count_distinct, max, min, sum};
use datafusion::logical_expr::{Expr, JoinType, SortExpr, cast};
use datafusion::prelude::{DataFrame, SQLOptions, SessionContext, ident};
use sluice_shared::ParamValue;
use sluice_shared::config::*;
use sluice_shared::infer::join_right_names;
use std::collections::BTreeMap;

/// The DataFrames feeding one node, by input port, in edge order, with their node ids.
pub type Inputs = BTreeMap<String, Vec<(String, DataFrame)>>;

fn one(inputs: &Inputs, port: &str) -> DataFrame {
    inputs[port][0].1.clone()
}

/// Plans the transform `cfg` over `inputs`.
pub async fn apply(
    ctx: &SessionContext,
    cfg: &NodeConfig,
    inputs: &Inputs,
    params: &BTreeMap<String, ParamValue>,
) -> Result<DataFrame> {
    match cfg {
        NodeConfig::Filter(c) => {
            let df = one(inputs, "in");
            let predicate = bind::expr(&df, &c.predicate, params)?;
            df.filter(predicate)
        }
        NodeConfig::Select(c) => {
            let df = one(inputs, "in");
            let exprs = c.columns.iter().map(|col| {
                let mut e = ident(col.name());
                if let Some(t) = col.cast() {
                    e = cast(e, to_arrow(t));
                }
                e.alias(col.output_name())
            });
            df.select(exprs.collect::<Vec<_>>())
        }
        NodeConfig::Derive(c) => {
            // Sequential: each formula sees the columns made before it.
            let mut df = one(inputs, "in");
            for d in &c.columns {
                let e = bind::expr(&df, &d.expr, params)?;
                df = df.with_column(&d.name, e)?;
            }
            Ok(df)
        }
        NodeConfig::Join(c) => join(c, one(inputs, "left"), one(inputs, "right")),
        NodeConfig::Union(c) => {
            let all = &inputs["in"];
            let first = all[0].1.clone();
            let names: Vec<String> = first.schema().fields().iter().map(|f| f.name().clone()).collect();
            let mut acc = unqualified(first, &names)?;
            for (_, df) in &all[1..] {
                let aligned = unqualified(df.clone(), &names)?;
                acc = if c.distinct { acc.union_distinct(aligned)? } else { acc.union(aligned)? };
            }
            Ok(acc)
        }
        NodeConfig::Aggregate(c) => aggregate(c, one(inputs, "in")),
        NodeConfig::Sort(c) => {
            let df = one(inputs, "in");
            let keys: Vec<SortExpr> = c.by.iter().map(|k| ident(&k.column).sort(!k.desc, false)).collect();
            df.sort(keys)
        }
        NodeConfig::Distinct(c) => {
            let df = one(inputs, "in");
            match &c.columns {
                Some(cols) => df.select(cols.iter().map(ident).collect::<Vec<_>>())?.distinct(),
                None => df.distinct(),
            }
        }
        NodeConfig::Limit(c) => one(inputs, "in").limit(c.offset as usize, Some(c.n as usize)),
        NodeConfig::Sql(c) => sql(ctx, &c.query, &inputs["in"], params).await,
        NodeConfig::TransformCheck(c) => {
            Ok(super::checks::plan("", c, inputs, params, super::checks::Planning::default())?.out)
        }
        _ => unreachable!("apply() is only called for transforms"),
    }
}

/// Groups `df` by the config's columns and computes its aggregates.
fn aggregate(c: &AggregateConfig, df: DataFrame) -> Result<DataFrame> {
    let groups = c.group_by.iter().map(ident).collect();
    let aggs = c
        .aggregates
        .iter()
        .map(|a| {
            let arg = || ident(a.column.clone().unwrap_or_default());
            let e = match a.func {
                AggFn::Count if a.column.is_none() => count_all(),
                AggFn::Count => count(arg()),
                AggFn::CountDistinct => count_distinct(arg()),
                AggFn::Sum => sum(arg()),
                AggFn::Avg => avg(arg()),
                AggFn::Min => min(arg()),
                AggFn::Max => max(arg()),
            };
            e.alias(&a.alias)
        })
        .collect();
    df.aggregate(groups, aggs)
}

/// Projects `df` to `names`, dropping table qualifiers so inputs line up by name.
fn unqualified(df: DataFrame, names: &[String]) -> Result<DataFrame> {
    df.select(names.iter().map(|n| ident(n).alias(n)).collect::<Vec<_>>())
}

fn join(c: &JoinConfig, left: DataFrame, right: DataFrame) -> Result<DataFrame> {
    // Rename right columns that collide with left ones *before* joining, so every
    // column of the result has one unambiguous name (`<name>_right`).
    let lnames: Vec<String> = left.schema().fields().iter().map(|f| f.name().clone()).collect();
    let rfields: Vec<(Option<datafusion::common::TableReference>, String)> =
        right.schema().iter().map(|(q, f)| (q.cloned(), f.name().clone())).collect();
    let lrefs: Vec<&str> = lnames.iter().map(String::as_str).collect();
    let rrefs: Vec<&str> = rfields.iter().map(|(_, n)| n.as_str()).collect();
    let renamed = join_right_names(&lrefs, &rrefs);
    let right = right.select(
        rfields
            .iter()
            .zip(&renamed)
            .map(|((q, n), new)| Expr::Column(Column::new(q.clone(), n)).alias(new))
            .collect::<Vec<_>>(),
    )?;
    let left = unqualified(left, &lnames)?;
    let new_name = |old: &str| renamed[rrefs.iter().position(|n| *n == old).unwrap_or(0)].clone();
    let lkeys: Vec<&str> = c.on.iter().map(|k| k.left.as_str()).collect();
    let rkeys_owned: Vec<String> = c.on.iter().map(|k| new_name(&k.right)).collect();
    let rkeys: Vec<&str> = rkeys_owned.iter().map(String::as_str).collect();
    let how = match c.how {
        JoinHow::Inner => JoinType::Inner,
        JoinHow::Left => JoinType::Left,
        JoinHow::Right => JoinType::Right,
        JoinHow::Full => JoinType::Full,
        JoinHow::Semi => JoinType::LeftSemi,
        JoinHow::Anti => JoinType::LeftAnti,
    };
    left.join(right, how, &lkeys, &rkeys, None)
}

/// A SQL node: its inputs become tables named by their node ids, and the query may only read those (checked again by DataFusion's
/// own switches: no DDL, no DML, no statements).
async fn sql(
    ctx: &SessionContext,
    query: &str,
    inputs: &[(String, DataFrame)],
    params: &BTreeMap<String, ParamValue>,
) -> Result<DataFrame> {
    // Node ids are unique in a graph and each names one plan, so registering an
    // id again (for a second SQL node reading it) registers the same plan.
    for (id, df) in inputs {
        ctx.deregister_table(id.as_str())?;
        ctx.register_table(id.as_str(), df.clone().into_view())?;
    }
    let opts = SQLOptions::new().with_allow_ddl(false).with_allow_dml(false).with_allow_statements(false);
    let df = ctx.sql_with_options(query, opts).await?;
    if params.is_empty() { Ok(df) } else { df.with_param_values(bind::param_map(params)) }
}
