//! `transform.check` as plan steps. Every row rule becomes one boolean column
//! (`true`: the row fails it; NULL values pass every rule but `not_null`), added
//! to the input in one projection (`unique` through [`super::dupes`]' hash mark
//! in this process, a window count elsewhere). From that:
//! - `out`: rows failing no `error` row rule, with the input's columns;
//! - `quarantine`: rows failing any row rule, plus `_failed_rules`;
//! - the counts: one aggregate over the flagged input (failures per rule, rows,
//!   the `in` side of `reconcile`), joined with one aggregate over `against`.
//!
//! Nothing loops over rows in Rust: [`evaluate`] reads the single row of the
//! count plan and the capped sample.

use super::bind;
use super::regex_match;
use super::tally::Tally;
use super::transforms::Inputs;
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType as ArrowType, Int64Type};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::functions::expr_fn::concat_ws;
use datafusion::functions::math::expr_fn::abs;
use datafusion::functions_aggregate::count::{count_all, count_all_window};
use datafusion::functions_aggregate::expr_fn::{count, max, min, sum};
use datafusion::logical_expr::{ExprFunctionExt, JoinType, Operator, binary_expr, cast, when};
use datafusion::prelude::{DataFrame, Expr, ident, lit};
use serde_json::Value;
use sluice_shared::ParamValue;
use sluice_shared::check::{
    CheckConfig, CheckResult, CheckRule, FAILED_RULES, ReconcileFn, RuleKind, RuleResult, SAMPLE_ROWS,
};
use std::collections::BTreeMap;
use std::ops::Not;
use std::sync::Arc;

/// How a check is planned: where its counts are taken and whether its
/// `unique` rules may use this process's own plan node.
#[derive(Debug, Clone, Copy, Default)]
pub struct Planning {
    /// Count the failures on the way to the sinks ([`CheckPlan::tally`]).
    pub tally: bool,
    /// The plan runs in this process (not on a cluster, not unparsed to SQL):
    /// `unique` by hashing ([`super::dupes`]), not by a sorted window.
    pub native: bool,
}

/// A check node planned: its outputs and the plan that counts its failures.
pub struct CheckPlan {
    pub node: String,
    pub config: CheckConfig,
    /// The rows that pass every `error` row rule.
    pub out: DataFrame,
    /// The rows failing any row rule, with `_failed_rules`.
    pub quarantine: DataFrame,
    /// One row: `rows`, then per rule `n{i}` (row rules) or `r{i}`, `d{i}` (table rules).
    counts: DataFrame,
    /// For a run: the counts taken while `out` and the quarantine stream to
    /// their sinks ([`super::tally`]); `None` when the check has a `reconcile`
    /// rule (its counts need the `against` input) or outside a run.
    pub tally: Option<Arc<Tally>>,
    /// The row rules, in the order of the tally's flags.
    row_rules: Vec<usize>,
}

fn flag(i: usize) -> String {
    format!("__sluice_f{i}")
}

/// The duplicate mark of `unique` rule `i` (see [`super::dupes`]).
fn dup_mark(i: usize) -> String {
    format!("__sluice_dup{i}")
}

fn plan_err(rule: usize, field: &str, msg: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Plan(format!("rules[{rule}].{field}: {msg}"))
}

/// Plans check node `node` as `how` says.
pub fn plan(
    node: &str,
    c: &CheckConfig,
    inputs: &Inputs,
    params: &BTreeMap<String, ParamValue>,
    how: Planning,
) -> Result<CheckPlan> {
    let input = inputs["in"][0].1.clone();
    let names: Vec<String> = input.schema().fields().iter().map(|f| f.name().clone()).collect();
    let mut exprs: Vec<Expr> = names.iter().map(|n| ident(n).alias(n)).collect();
    let mut row_rules = Vec::new();
    // `unique` rules by hashing: each adds its duplicate mark to what the flags read.
    let hashed =
        |r: &CheckRule| how.native && r.kind == RuleKind::Unique && r.columns.as_ref().is_some_and(|c| !c.is_empty());
    let mut marked = input.clone();
    for (i, r) in c.rules.iter().enumerate().filter(|(_, r)| hashed(r)) {
        let keys = r.columns.clone().unwrap_or_default();
        for k in &keys {
            input.schema().field_with_unqualified_name(k).map_err(|e| plan_err(i, "columns", e))?;
        }
        marked = super::dupes::mark(marked, keys, dup_mark(i))?;
    }
    for (i, r) in c.rules.iter().enumerate() {
        let fails = if hashed(r) { Some(ident(dup_mark(i))) } else { row_failure(&input, i, r, params, how.native)? };
        if let Some(fails) = fails {
            // Never NULL: in this process by [`super::flag`] (one bitmap `AND`), elsewhere
            // `CASE WHEN .. THEN true ELSE false`, not `IS TRUE`: DataFusion 55 plans
            // `IS TRUE` of a nullable input as nullable and then refuses its own plan.
            let set =
                if how.native { super::flag::flag(fails) } else { when(fails, lit(true)).otherwise(lit(false))? };
            exprs.push(set.alias(flag(i)));
            row_rules.push(i);
        }
    }
    let flagged = marked.select(exprs)?;
    let tally = (how.tally && !c.rules.iter().any(|r| r.kind == RuleKind::Reconcile))
        .then(|| Tally::new(row_rules.iter().map(|i| flag(*i)).collect()));
    // What `out` and the quarantine read: the flagged rows, counted on the way when tallied.
    let source = match &tally {
        Some(t) => super::tally::wrap(flagged.clone(), t.clone())?,
        None => flagged.clone(),
    };
    let columns = || names.iter().map(|n| ident(n).alias(n)).collect::<Vec<_>>();
    let any = |level: Option<sluice_shared::check::RuleLevel>| {
        row_rules
            .iter()
            .filter(|i| level.is_none_or(|l| c.rules[**i].level == l))
            .map(|i| ident(flag(*i)))
            .reduce(Expr::or)
    };
    let out = match any(Some(sluice_shared::check::RuleLevel::Error)) {
        Some(failing) => source.clone().filter(failing.not())?.select(columns())?,
        None if tally.is_some() => source.clone().select(columns())?,
        None => input.clone(),
    };
    let reasons: Vec<Expr> =
        row_rules.iter().map(|i| when(ident(flag(*i)), lit(c.rules[*i].name.clone())).end()).collect::<Result<_>>()?;
    let quarantine = source
        .filter(any(None).unwrap_or(lit(false)))?
        .select(columns().into_iter().chain([failed_rules(reasons).alias(FAILED_RULES)]).collect::<Vec<_>>())?;
    let counts = counts(c, flagged, inputs.get("against").map(|a| a[0].1.clone()), &row_rules)?;
    Ok(CheckPlan { node: node.to_string(), config: c.clone(), out, quarantine, counts, tally, row_rules })
}

/// The names of the failed rules joined by `,` (`concat_ws` skips the NULLs of
/// rules a row passed); with no row rules an empty text (no row gets here).
fn failed_rules(reasons: Vec<Expr>) -> Expr {
    if reasons.is_empty() { lit("") } else { concat_ws(lit(","), reasons) }
}

/// The condition under which a row fails rule `i` (NULL read as passing), or
/// `None` for a table rule. `native`: planned for this process (see [`Planning`]).
fn row_failure(
    input: &DataFrame,
    i: usize,
    r: &CheckRule,
    params: &BTreeMap<String, ParamValue>,
    native: bool,
) -> Result<Option<Expr>> {
    let column = || ident(r.column.clone().unwrap_or_default());
    let cols = || r.columns.clone().unwrap_or_default();
    let literal = |v: &Value, field: &str| -> Result<Expr> {
        let ty = input.schema().field_with_unqualified_name(r.column.as_deref().unwrap_or_default())?.data_type();
        Ok(cast(lit(scalar(v).map_err(|e| plan_err(i, field, e))?), ty.clone()))
    };
    let fails = match r.kind {
        RuleKind::NotNull => cols().into_iter().map(|c| ident(c).is_null()).reduce(Expr::or),
        RuleKind::Unique => {
            let all_set = cols().into_iter().map(|c| ident(c).is_not_null()).reduce(Expr::and).unwrap_or(lit(true));
            let dups = count_all_window().partition_by(cols().into_iter().map(ident).collect()).build()?;
            Some(all_set.and(dups.gt(lit(1i64))))
        }
        RuleKind::In => {
            let values = r.values.iter().flatten().map(|v| literal(v, "values")).collect::<Result<Vec<_>>>()?;
            // Codes listed against a text column: compared as integers ([`super::codes`]).
            let ty = input.schema().field_with_unqualified_name(r.column.as_deref().unwrap_or_default())?.data_type();
            let texts: Option<Vec<&str>> = r.values.iter().flatten().map(Value::as_str).collect();
            let codes = texts.filter(|_| native && ty.is_string()).and_then(|t| super::codes::in_codes(column(), &t));
            Some(codes.map_or_else(|| column().in_list(values, true), Expr::not))
        }
        RuleKind::Between => {
            let below = r.min.as_ref().map(|v| literal(v, "min")).transpose()?.map(|m| column().lt(m));
            let above = r.max.as_ref().map(|v| literal(v, "max")).transpose()?.map(|m| column().gt(m));
            below.into_iter().chain(above).reduce(Expr::or)
        }
        RuleKind::Matches => {
            let pattern = r.pattern.as_deref().unwrap_or_default();
            Some(regex_match::matches(column(), pattern).map_err(|e| plan_err(i, "pattern", e))?.not())
        }
        RuleKind::Expr => {
            let e = bind::expr(input, r.expr.as_deref().unwrap_or_default(), params)?;
            Some(e.not())
        }
        RuleKind::RowCount | RuleKind::Reconcile => return Ok(None),
    };
    Ok(Some(fails.unwrap_or(lit(false))))
}

/// A value written in a rule as a literal; the plan casts it to the column's type.
fn scalar(v: &Value) -> std::result::Result<ScalarValue, String> {
    Ok(match v {
        Value::String(s) => ScalarValue::Utf8(Some(s.clone())),
        Value::Bool(b) => ScalarValue::Boolean(Some(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => ScalarValue::Int64(Some(i)),
            None => ScalarValue::Float64(n.as_f64()),
        },
        other => return Err(format!("{other} is not a single value")),
    })
}

fn aggregate(f: ReconcileFn, column: Option<&str>) -> Expr {
    match (f, column) {
        (ReconcileFn::Count, None) => count_all(),
        (ReconcileFn::Count, Some(c)) => count(ident(c)),
        (ReconcileFn::Sum, c) => sum(ident(c.unwrap_or_default())),
        (ReconcileFn::Min, c) => min(ident(c.unwrap_or_default())),
        (ReconcileFn::Max, c) => max(ident(c.unwrap_or_default())),
    }
}

/// The one-row plan of counts: `rows`, `n{i}` per row rule, and for each
/// `reconcile` rule `r{i}` (broken) and `d{i}` (the two values, as text).
fn counts(c: &CheckConfig, flagged: DataFrame, against: Option<DataFrame>, row_rules: &[usize]) -> Result<DataFrame> {
    let mut aggs = vec![count_all().alias("rows")];
    for i in row_rules {
        aggs.push(sum(cast(ident(flag(*i)), ArrowType::Int64)).alias(format!("n{i}")));
    }
    let reconciles: Vec<(usize, &CheckRule)> =
        c.rules.iter().enumerate().filter(|(_, r)| r.kind == RuleKind::Reconcile).collect();
    let mut against_aggs = Vec::new();
    for (i, r) in &reconciles {
        let f = r.func.unwrap_or(ReconcileFn::Count);
        aggs.push(aggregate(f, r.column.as_deref()).alias(format!("a{i}")));
        against_aggs.push(aggregate(f, r.against_column()).alias(format!("b{i}")));
    }
    let mut df = flagged.aggregate(vec![], aggs)?;
    let Some(against) = against.filter(|_| !reconciles.is_empty()) else {
        return Ok(df);
    };
    df = df.join(against.aggregate(vec![], against_aggs)?, JoinType::Inner, &[], &[], None)?;
    let mut out = vec![ident("rows")];
    out.extend(row_rules.iter().map(|i| ident(format!("n{i}"))));
    for (i, r) in &reconciles {
        let (a, b) = (ident(format!("a{i}")), ident(format!("b{i}")));
        let tolerance = r.tolerance.unwrap_or(0.0);
        let differs = binary_expr(a.clone(), Operator::IsDistinctFrom, b.clone());
        let broken = if tolerance > 0.0 {
            when(a.clone().is_null().or(b.clone().is_null()), differs)
                .otherwise(abs(a.clone() - b.clone()).gt(lit(tolerance)))?
        } else {
            differs
        };
        out.push(broken.alias(format!("r{i}")));
        let text = |e: Expr| datafusion::functions::expr_fn::coalesce(vec![cast(e, ArrowType::Utf8), lit("NULL")]);
        out.push(concat_ws(lit(" against "), vec![text(a), text(b)]).alias(format!("d{i}")));
    }
    df.select(out)
}

/// The check's result after its outputs streamed: from the tally if it saw
/// the whole input, otherwise from its own count plan ([`evaluate`]).
pub async fn settle(p: &CheckPlan) -> Result<CheckResult> {
    let Some(counts) = p.tally.as_ref().and_then(|t| t.counts()) else {
        return evaluate(p).await;
    };
    let failures: BTreeMap<usize, u64> = p.row_rules.iter().copied().zip(counts.failures).collect();
    let none = |_: usize| Ok((false, None));
    finish(p, counts.rows, &failures, none).await
}

/// Runs the count plan and the sample; one [`CheckResult`] per check node.
pub async fn evaluate(p: &CheckPlan) -> Result<CheckResult> {
    let batches = p.counts.clone().collect().await?;
    let batch =
        batches.iter().find(|b| b.num_rows() > 0).ok_or_else(|| DataFusionError::Internal("no counts".into()))?;
    let rows = int(batch, "rows")?;
    let failures =
        p.row_rules.iter().map(|i| Ok((*i, int(batch, &format!("n{i}"))?))).collect::<Result<BTreeMap<_, _>>>()?;
    let reconciled = |i: usize| -> Result<(bool, Option<String>)> {
        let broken = batch.column_by_name(&format!("r{i}")).map(|a| a.as_boolean().value(0)).unwrap_or(false);
        let d = batch.column_by_name(&format!("d{i}")).map(|a| cast_text(a.as_ref())).transpose()?.flatten();
        Ok((broken, d))
    };
    finish(p, rows, &failures, reconciled).await
}

/// The result from the counts: `failures` per row rule, `reconciled(i)` for a
/// `reconcile` rule; and a sample of failing rows when any failed.
async fn finish(
    p: &CheckPlan,
    rows: u64,
    failures: &BTreeMap<usize, u64>,
    reconciled: impl Fn(usize) -> Result<(bool, Option<String>)>,
) -> Result<CheckResult> {
    let mut rules = Vec::new();
    for (i, r) in p.config.rules.iter().enumerate() {
        let (failures, broken, detail) = match r.kind {
            RuleKind::RowCount => {
                let low = r.min.as_ref().and_then(Value::as_u64).is_some_and(|m| rows < m);
                let high = r.max.as_ref().and_then(Value::as_u64).is_some_and(|m| rows > m);
                let broken = low || high;
                (if broken { rows } else { 0 }, broken, Some(format!("{rows} rows")))
            }
            RuleKind::Reconcile => {
                let (broken, d) = reconciled(i)?;
                (if broken { rows } else { 0 }, broken, d)
            }
            _ => {
                let n = failures.get(&i).copied().unwrap_or(0);
                (n, r.breaks(n, rows), None)
            }
        };
        rules.push(RuleResult { name: r.name.clone(), kind: r.kind, level: r.level, failures, broken, detail });
    }
    let any_failing = rules.iter().any(|r| !r.kind.is_table_rule() && r.failures > 0);
    let sample_columns = p.quarantine.schema().fields().iter().map(|f| f.name().clone()).collect();
    let sample = if any_failing {
        super::preview::rows_json(&p.quarantine.clone().limit(0, Some(SAMPLE_ROWS))?.collect().await?)
    } else {
        Vec::new()
    };
    Ok(CheckResult { node: p.node.clone(), rows, rules, sample_columns, sample })
}

fn int(batch: &RecordBatch, name: &str) -> Result<u64> {
    let a = batch.column_by_name(name).ok_or_else(|| DataFusionError::Internal(format!("no column {name}")))?;
    let a = datafusion::arrow::compute::cast(a, &ArrowType::Int64)?;
    let a = a.as_primitive::<Int64Type>();
    Ok(if a.is_null(0) { 0 } else { a.value(0).max(0) as u64 })
}

fn cast_text(a: &dyn Array) -> Result<Option<String>> {
    let a = datafusion::arrow::compute::cast(a, &ArrowType::Utf8)?;
    let s = a.as_string::<i32>();
    Ok((!s.is_null(0)).then(|| s.value(0).to_string()))
}
