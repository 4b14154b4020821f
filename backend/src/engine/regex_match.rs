//! `matches` rules of `transform.check`: a scalar function over one string
//! column with the pattern fixed at planning time, evaluated per batch by
//! arrow's regex kernel (Rust `regex` syntax, unanchored). DataFusion's own
//! `regexp_like` would need its regex feature group compiled in for this one use.

use datafusion::arrow::array::{Array, AsArray, BooleanArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::compute::kernels::regexp::regexp_is_match_scalar;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use std::sync::Arc;

#[derive(Debug, PartialEq, Eq, Hash)]
struct Matches {
    pattern: String,
    signature: Signature,
}

/// `value matches pattern` as an expression: NULL for a NULL value. The pattern
/// is compiled here first, so a bad one is a planning error naming it.
pub fn matches(value: Expr, pattern: &str) -> std::result::Result<Expr, String> {
    regex::Regex::new(pattern).map_err(|e| format!("`{pattern}` is not a regular expression: {e}"))?;
    let udf = Matches { pattern: pattern.to_string(), signature: Signature::string(1, Volatility::Immutable) };
    Ok(ScalarUDF::new_from_impl(udf).call(vec![value]))
}

impl ScalarUDFImpl for Matches {
    fn name(&self) -> &str {
        "sluice_matches"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let array = args.args[0].to_array(args.number_rows)?;
        let array = if matches!(array.data_type(), DataType::Utf8) { array } else { cast(&array, &DataType::Utf8)? };
        let strings = array.as_string::<i32>();
        let hits: BooleanArray = regexp_is_match_scalar(strings, &self.pattern, None)?;
        Ok(ColumnarValue::Array(Arc::new(hits)))
    }
}
