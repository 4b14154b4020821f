//! `sink.table`'s `as_of` (mode `scd2`): an expression over parameters only,
//! evaluated once per run to the ISO date the new versions start on.

use crate::engine::error::clean;
use sluice_shared::ParamValue;
use std::collections::BTreeMap;

/// Evaluates `as_of` (parameters only) to an ISO date.
pub async fn eval(text: &str, params: &BTreeMap<String, ParamValue>) -> Result<String, String> {
    use datafusion::arrow::array::{Array, AsArray, Int64Array};
    use datafusion::arrow::datatypes::{DataType as Arrow, Date32Type};
    let ctx = datafusion::prelude::SessionContext::new();
    let one = datafusion::arrow::record_batch::RecordBatch::try_from_iter([(
        "_one",
        std::sync::Arc::new(Int64Array::from(vec![1])) as _,
    )])
    .map_err(|e| e.to_string())?;
    let df = ctx.read_batch(one).map_err(|e| clean(&e))?;
    let e = crate::engine::bind::expr(&df, text, params).map_err(|e| clean(&e))?;
    let batches = df.select(vec![e]).map_err(|e| clean(&e))?.collect().await.map_err(|e| clean(&e))?;
    let col = batches.first().map(|b| b.column(0).clone()).ok_or("no value")?;
    let col = datafusion::arrow::compute::cast(&col, &Arrow::Date32).map_err(|e| e.to_string())?;
    let d = col.as_primitive::<Date32Type>();
    if d.is_null(0) {
        return Err("the date is NULL".into());
    }
    Ok(super::encode::date(d.value(0).into()))
}
