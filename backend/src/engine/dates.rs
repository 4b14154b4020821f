//! `source.dates` as a DataFusion plan: `generate_series` over day numbers, the
//! date parts as expressions, and with a calendar a left join against its
//! exceptions (a small table) and a running count per month as a window.

use super::error::EngineError;
use super::limits::Calendars;
use datafusion::arrow::array::{Int64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::catalog::TableFunctionArgs;
use datafusion::common::JoinType;
use datafusion::functions::expr_fn::date_part;
use datafusion::functions_aggregate::sum::sum_udaf;
use datafusion::logical_expr::expr::WindowFunction;
use datafusion::logical_expr::{ExprFunctionExt, WindowFrame, WindowFrameBound, WindowFrameUnits, when};
use datafusion::prelude::{DataFrame, Expr, SessionContext, cast, col, lit};
use sluice_shared::calendar::dates::{Endpoint, endpoint};
use sluice_shared::calendar::{Calendar, civil, parse_date};
use sluice_shared::config::DatesSource;
use sluice_shared::model::ParamDecl;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Opens `source.dates` node `id`; `texts` are the run's parameter values.
pub fn open(
    ctx: &SessionContext,
    id: &str,
    c: &DatesSource,
    params: &BTreeMap<String, ParamDecl>,
    texts: &BTreeMap<String, String>,
    calendars: Option<&Calendars>,
) -> Result<DataFrame, EngineError> {
    let day = |field: &str, text: &str| -> Result<i32, EngineError> {
        let invalid = |m: String| EngineError::invalid(id, Some(field), m);
        match endpoint(text, params).map_err(invalid)? {
            Endpoint::Date(d) => Ok(d),
            Endpoint::Param(name) => texts
                .get(name)
                .and_then(|v| parse_date(v))
                .ok_or_else(|| invalid(format!("`${name}` needs a value; pass --param {name}=YYYY-MM-DD"))),
        }
    };
    let (from, to) = (day("from", &c.from)?, day("to", &c.to)?);
    if to < from {
        let msg = format!("`to` ({}) is before `from` ({})", civil::format_date(to), civil::format_date(from));
        return Err(EngineError::invalid(id, Some("to"), msg));
    }
    let plan = |e| EngineError::plan(id, e);
    let Some(name) = &c.calendar else {
        return finish(days(ctx, from, to).map_err(plan)?, None, from).map_err(plan);
    };
    let cal = calendars.and_then(|m| m.get(name)).ok_or_else(|| {
        let msg = format!("`{name}` is not a known calendar (on the command line give --calendar {name}=FILE)");
        EngineError::invalid(id, Some("calendar"), msg)
    })?;
    // The whole range must lie in the calendar's years: exit 1 naming the year, never a guess.
    for d in [from, to] {
        cal.is_business_day(d).map_err(|e| EngineError::failed(id, e.to_string()))?;
    }
    // Counting business days of the month needs the month from its first day.
    let (y, m, _) = civil::civil_from_days(from);
    let month_start = civil::days_from_civil(y, m, 1).unwrap_or(from);
    let df = days(ctx, month_start, to).map_err(plan)?;
    finish(df, Some((ctx, cal)), from).map_err(plan)
}

type DfResult<T> = datafusion::error::Result<T>;

/// One row per day: `__day` (days since 1970-01-01) and the date parts.
fn days(ctx: &SessionContext, from: i32, to: i32) -> DfResult<DataFrame> {
    let series = ctx.table_function("generate_series")?;
    let args = [lit(i64::from(from)), lit(i64::from(to)), lit(1i64)];
    let state = ctx.state();
    let provider = series.create_table_provider_with_args(TableFunctionArgs::new(&args, &state))?;
    let as_date = |e: Expr| cast(cast(e, DataType::Int32), DataType::Date32);
    let part = |p: &str| cast(date_part(lit(p), col("date")), DataType::Int64);
    ctx.read_table(provider)?.select(vec![col("value").alias("__day"), as_date(col("value")).alias("date")])?.select(
        vec![
            col("__day"),
            col("date"),
            part("year").alias("year"),
            part("quarter").alias("quarter"),
            part("month").alias("month"),
            part("day").alias("day"),
            ((part("dow") + lit(6i64)) % lit(7i64) + lit(1i64)).alias("day_of_week"),
            part("week").alias("iso_week"),
            date_part(lit("day"), as_date(col("__day") + lit(1i64))).eq(lit(1)).alias("is_month_end"),
        ],
    )
}

const BASE: [&str; 8] = ["date", "year", "quarter", "month", "day", "day_of_week", "iso_week", "is_month_end"];

/// The calendar columns (if any), rows from `from` on, in date order.
fn finish(df: DataFrame, calendar: Option<(&SessionContext, &Calendar)>, from: i32) -> DfResult<DataFrame> {
    let mut out: Vec<Expr> = BASE.iter().map(|c| col(*c)).collect();
    let df = match calendar {
        None => df,
        Some((ctx, cal)) => {
            out.extend([col("is_business_day"), col("business_day_of_month")]);
            with_calendar(ctx, df, cal)?
        }
    };
    df.filter(col("__day").gt_eq(lit(i64::from(from))))?.sort(vec![col("__day").sort(true, false)])?.select(out)
}

fn with_calendar(ctx: &SessionContext, df: DataFrame, cal: &Calendar) -> DfResult<DataFrame> {
    let exceptions = exceptions(ctx, cal)?;
    let open: Vec<Expr> = (1..=7i64).filter(|d| cal.weekly()[*d as usize - 1]).map(lit).collect();
    let weekly = if open.is_empty() { lit(false) } else { col("day_of_week").in_list(open, false) };
    let is_open = when(col("__kind").eq(lit("holiday")), lit(false))
        .when(col("__kind").eq(lit("workday")), lit(true))
        .otherwise(weekly)?;
    let mut cols: Vec<Expr> = ["__day"].iter().chain(BASE.iter()).map(|c| col(*c)).collect();
    cols.push(is_open.alias("is_business_day"));
    let frame = WindowFrame::new_bounds(
        WindowFrameUnits::Rows,
        WindowFrameBound::Preceding(datafusion::common::ScalarValue::UInt64(None)),
        WindowFrameBound::CurrentRow,
    );
    let running = Expr::from(WindowFunction::new(sum_udaf(), vec![cast(col("is_business_day"), DataType::Int64)]))
        .partition_by(vec![col("year"), col("month")])
        .order_by(vec![col("__day").sort(true, false)])
        .window_frame(frame)
        .build()?
        .alias("__count");
    let mut last = BASE.iter().map(|c| col(*c)).collect::<Vec<_>>();
    last.insert(0, col("__day"));
    last.push(col("is_business_day"));
    last.push(when(col("is_business_day"), col("__count")).end()?.alias("business_day_of_month"));
    df.join(exceptions, JoinType::Left, &["__day"], &["__exception_day"], None)?
        .select(cols)?
        .window(vec![running])?
        .select(last)
}

/// The calendar's exceptions as a two-column table (`__exception_day`, `__kind`).
fn exceptions(ctx: &SessionContext, cal: &Calendar) -> DfResult<DataFrame> {
    let days: Int64Array = cal.exceptions().keys().map(|d| i64::from(*d)).collect();
    let kinds: StringArray = cal.exceptions().values().map(|e| Some(e.kind.as_str())).collect();
    let schema = Schema::new(vec![
        Field::new("__exception_day", DataType::Int64, false),
        Field::new("__kind", DataType::Utf8, false),
    ]);
    let batch = RecordBatch::try_new(Arc::new(schema), vec![Arc::new(days), Arc::new(kinds)])?;
    ctx.read_batch(batch)
}
