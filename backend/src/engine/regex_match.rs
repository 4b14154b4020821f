//! `matches` rules of `transform.check`: a scalar function over one string
//! column with the pattern fixed at planning time, evaluated per batch by
//! arrow's regex kernel (Rust `regex` syntax, unanchored). DataFusion's own
//! `regexp_like` would need its regex feature group compiled in for this one use.

use datafusion::arrow::array::{Array, AsArray, BooleanArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::compute::kernels::regexp::regexp_is_match_scalar;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::lit;
use std::sync::Arc;

/// The function itself: stateless, the pattern is its second argument (a text
/// literal), so a plan shipped by name to a cluster's executors keeps it.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Matches {
    signature: Signature,
}

/// `sluice_matches(value, pattern)` as a function to register (a session, a
/// cluster's scheduler and executors).
pub fn udf() -> ScalarUDF {
    ScalarUDF::new_from_impl(Matches { signature: Signature::string(2, Volatility::Immutable) })
}

/// `value matches pattern` as an expression: NULL for a NULL value. The pattern
/// is compiled here first, so a bad one is a planning error naming it.
pub fn matches(value: Expr, pattern: &str) -> std::result::Result<Expr, String> {
    regex::Regex::new(pattern).map_err(|e| format!("`{pattern}` is not a regular expression: {e}"))?;
    Ok(udf().call(vec![value, lit(pattern)]))
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
        let pattern = match &args.args[1] {
            ColumnarValue::Scalar(s) => match s.try_as_str() {
                Some(Some(p)) => p.to_string(),
                _ => return exec_err!("sluice_matches: the pattern is not a text value"),
            },
            ColumnarValue::Array(_) => return exec_err!("sluice_matches: the pattern must be one literal"),
        };
        let array = args.args[0].to_array(args.number_rows)?;
        let array = if matches!(array.data_type(), DataType::Utf8) { array } else { cast(&array, &DataType::Utf8)? };
        let strings = array.as_string::<i32>();
        let hits: BooleanArray = regexp_is_match_scalar(strings, &pattern, None)?;
        Ok(ColumnarValue::Array(Arc::new(hits)))
    }
}
