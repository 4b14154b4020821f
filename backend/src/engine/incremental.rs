//! Incremental reads of `source.table` (`incremental: {"column", "initial"?}`).
//!
//! Only the server keeps watermarks; it hands the engine the ones a run starts
//! from ([`Watermarks`], by source node). For each incremental source the
//! engine then, while planning:
//!
//! 1. bounds the read below: `column > watermark` (no watermark yet: `column >
//!    initial`, or no bound without `initial`), a typed literal the table
//!    provider pushes into its SELECT where the database compares as DataFusion;
//! 2. asks for the new watermark with one aggregate, `max(column)` over those
//!    rows (DataFusion plan, one SELECT of one column; no row loop);
//! 3. bounds the read above: `column <= that max`. Every scan of the run then
//!    reads the same rows, and a row written while the run goes (above the max)
//!    is left for the next run instead of being read without being counted.
//!
//! The new watermark ([`Advance`]) is only reported; the server commits it in
//! the store transaction that records the run as succeeded, so a run that fails
//! or is interrupted after reading moves nothing and the next run reads the
//! same rows again. Without [`Watermarks`] (the command line, previews,
//! backfills) `incremental` is ignored and the source reads every row.
//!
//! Watermarks are kept as text: the column's value cast to text by Arrow
//! (`2024-01-02`, `2024-01-02T10:00:00.5`, `12.50`, `42`), read back by casting
//! that text to the column's type, so a value survives the round trip exactly.

use super::error::{EngineError, clean};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Column, ScalarValue};
use datafusion::functions_aggregate::expr_fn::max;
use datafusion::prelude::{DataFrame, Expr, col, lit};
use sluice_shared::config::{Incremental, NodeConfig};
use std::collections::HashMap;

/// A stored watermark: the column it was taken over and its value as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub column: String,
    pub value: String,
}

/// The watermarks a server run starts from, by `source.table` node id (a
/// source without one reads from its `initial`, or every row).
#[derive(Debug, Clone, Default)]
pub struct Watermarks(pub HashMap<String, Mark>);

/// What an incremental source read in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advance {
    pub node: String,
    pub column: String,
    /// The stored watermark the read started above (`None`: the first run, or
    /// the column changed since), for a compare-and-set commit.
    pub before: Option<String>,
    /// The new watermark, `None` when no row was above the old one (nothing to move).
    pub after: Option<String>,
}

/// Bounds `df`, the opened `source.table` node `id`, to the rows above its
/// watermark when `marks` is given and the node is incremental; records the
/// new watermark in `advances`. Otherwise gives `df` back unchanged.
pub async fn bound_source(
    id: &str,
    cfg: &NodeConfig,
    df: DataFrame,
    marks: Option<&Watermarks>,
    advances: &mut Vec<Advance>,
) -> Result<DataFrame, EngineError> {
    let (NodeConfig::SourceTable(t), Some(marks)) = (cfg, marks) else {
        return Ok(df);
    };
    let Some(inc) = &t.incremental else {
        return Ok(df);
    };
    let (df, advance) = bound(id, inc, df, marks.0.get(id)).await?;
    advances.push(advance);
    Ok(df)
}

/// The three steps of the module comment for one source.
pub async fn bound(
    id: &str,
    inc: &Incremental,
    df: DataFrame,
    stored: Option<&Mark>,
) -> Result<(DataFrame, Advance), EngineError> {
    let field = |m: &str| EngineError::invalid(id, Some("incremental"), m);
    let ty = match df.schema().field_with_unqualified_name(&inc.column) {
        Ok(f) => f.data_type().clone(),
        Err(_) => return Err(field(&format!("column `{}` is not in the table", inc.column))),
    };
    let column = || col(Column::new_unqualified(&inc.column));
    let before = stored.filter(|m| m.column == inc.column).map(|m| m.value.clone());
    let from = match &before {
        Some(v) => Some((v.clone(), "the watermark")),
        None => inc.initial_text().map_err(|e| field(&e))?.map(|v| (v, "`initial`")),
    };
    let mut read = df;
    if let Some((text, what)) = from {
        let value = typed(&text, &ty).ok_or_else(|| {
            field(&format!("{what} `{text}` does not read as the type of column `{}` ({ty})", inc.column))
        })?;
        read = read.filter(column().gt(lit(value))).map_err(|e| EngineError::plan(id, e))?;
    }
    let top = highest(id, read.clone(), column()).await?;
    let (read, after) = match top {
        Some(v) => {
            let text = as_text(&v).ok_or_else(|| {
                EngineError::failed(id, format!("the highest `{}` ({v}) cannot be kept as a watermark", inc.column))
            })?;
            (read.filter(column().lt_eq(lit(v))), Some(text))
        }
        // Nothing above the watermark: read nothing (rows arriving meanwhile are the next run's).
        None => (read.filter(lit(false)), None),
    };
    let read = read.map_err(|e| EngineError::plan(id, e))?;
    Ok((read, Advance { node: id.to_string(), column: inc.column.clone(), before, after }))
}

/// `max(column)` over `df`, one aggregate; `None` when there is no row (or every value is NULL).
async fn highest(id: &str, df: DataFrame, column: Expr) -> Result<Option<ScalarValue>, EngineError> {
    let batches = df
        .aggregate(vec![], vec![max(column).alias("watermark")])
        .map_err(|e| EngineError::plan(id, e))?
        .collect()
        .await
        .map_err(|e| EngineError::failed(id, format!("reading the new watermark: {}", clean(&e))))?;
    let Some(b) = batches.iter().find(|b| b.num_rows() > 0) else {
        return Ok(None);
    };
    let v = ScalarValue::try_from_array(b.column(0), 0).map_err(|e| EngineError::failed(id, clean(&e)))?;
    Ok((!v.is_null()).then_some(v))
}

/// `text` as a value of type `ty` (`None`: it does not read as one).
pub fn typed(text: &str, ty: &DataType) -> Option<ScalarValue> {
    let v = ScalarValue::Utf8(Some(text.trim().to_string())).cast_to(ty).ok()?;
    (!v.is_null()).then_some(v)
}

/// A value as the text a watermark keeps (Arrow's cast, which reads back exactly).
pub fn as_text(v: &ScalarValue) -> Option<String> {
    match v.cast_to(&DataType::Utf8).ok()? {
        ScalarValue::Utf8(Some(s)) => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::TimeUnit;

    #[test]
    fn watermark_text_round_trips_per_type() {
        let cases = [
            (DataType::Int64, "42"),
            (DataType::Date32, "2024-02-29"),
            (DataType::Timestamp(TimeUnit::Nanosecond, None), "2024-01-02T10:00:00.000123"),
            (DataType::Timestamp(TimeUnit::Nanosecond, None), "2024-01-02T10:00:00"),
            (DataType::Decimal128(12, 2), "12.50"),
            (DataType::Float64, "0.1"),
            (DataType::Utf8, "b-17"),
        ];
        for (ty, text) in cases {
            let v = typed(text, &ty).unwrap_or_else(|| panic!("{text} as {ty}"));
            assert_eq!(as_text(&v).as_deref(), Some(text), "{ty}");
        }
        assert_eq!(typed("yesterday", &DataType::Date32), None);
        assert_eq!(typed("x", &DataType::Int64), None);
    }
}
