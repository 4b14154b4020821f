//! A check's failure flag: `sluice_flag(fails)` is `true` where `fails` is
//! `true`, `false` where it is `false` or NULL, and never NULL (its column is
//! planned non-nullable).
//!
//! The same as `CASE WHEN fails THEN true ELSE false END`, which the check node
//! planned before; DataFusion evaluates that `CASE` by copying its `false`
//! into the result one row at a time (arrow's `zip` of two scalars, for
//! booleans): about 15 instructions per row and rule. Here it is one bitmap
//! `AND` per batch: the values with the validity.
//! (`fails IS TRUE` would be as cheap, but DataFusion 55 plans it as nullable
//! and then refuses its own plan.)

use datafusion::arrow::array::{Array, AsArray, BooleanArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use std::sync::Arc;

#[derive(Debug, PartialEq, Eq, Hash)]
struct Flag {
    signature: Signature,
}

/// `sluice_flag(x)`; planned only for plans that run in this process
/// (`checks::Planning::native`), so no cluster or SQL text ever names it.
fn udf() -> ScalarUDF {
    ScalarUDF::new_from_impl(Flag { signature: Signature::exact(vec![DataType::Boolean], Volatility::Immutable) })
}

/// `fails` as a flag: true only where it is true.
pub fn flag(fails: Expr) -> Expr {
    udf().call(vec![fails])
}

/// The values that are true and not NULL.
fn true_and_set(a: &BooleanArray) -> BooleanArray {
    let values = match a.nulls() {
        Some(valid) if valid.null_count() > 0 => a.values() & valid.inner(),
        _ => a.values().clone(),
    };
    BooleanArray::new(values, None)
}

impl ScalarUDFImpl for Flag {
    fn name(&self) -> &str {
        "sluice_flag"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }
    fn return_field_from_args(&self, _: ReturnFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(self.name(), DataType::Boolean, false)))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let array = args.args[0].to_array(args.number_rows)?;
        let Some(fails) = array.as_boolean_opt() else {
            return exec_err!("sluice_flag: {} is not a boolean", array.data_type());
        };
        Ok(ColumnarValue::Array(Arc::new(true_and_set(fails))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// True stays true; false and NULL become false; nothing is NULL.
    #[test]
    fn only_true_is_true() {
        let a = BooleanArray::from(vec![Some(true), Some(false), None, Some(true), None]);
        let got = true_and_set(&a);
        assert_eq!(got.null_count(), 0);
        assert_eq!(got.iter().map(Option::unwrap).collect::<Vec<_>>(), [true, false, false, true, false]);
        let sliced = true_and_set(&a.slice(2, 2));
        assert_eq!(sliced.iter().map(Option::unwrap).collect::<Vec<_>>(), [false, true]);
    }
}
