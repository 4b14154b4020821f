//! `matches` rules of `transform.check`: a scalar function over one string
//! column with the pattern fixed at planning time (Rust `regex` syntax,
//! unanchored). DataFusion's own `regexp_like` would need its regex feature
//! group compiled in for this one use.
//!
//! Evaluated per batch: the pattern is compiled once per thread (not once per
//! batch, as arrow's `regexp_is_match_scalar` does), and the answers for the
//! batch's values are remembered, so a column of codes (a branch, a currency:
//! few distinct values, millions of rows) costs a look-up per row instead of
//! a regex search (codes of up to 7 bytes as integers, see [`super::codes`]).
//! A column whose values rarely repeat stops remembering.

use super::codes::{CodeCache, packed};
use datafusion::arrow::array::{Array, AsArray, BooleanArray, StringArray};
use datafusion::arrow::buffer::BooleanBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::lit;
use regex::Regex;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// Distinct values per batch whose answers are remembered.
const MEMO: usize = 256;

thread_local! {
    /// The patterns this thread compiled, by text (a few per graph).
    static COMPILED: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// `pattern` compiled, from this thread's cache when it was compiled before.
fn compiled(pattern: &str) -> Result<Regex> {
    COMPILED.with_borrow_mut(|cache| {
        if let Some(re) = cache.get(pattern) {
            return Ok(re.clone());
        }
        let re = match Regex::new(pattern) {
            Ok(re) => re,
            Err(e) => return exec_err!("`{pattern}` is not a regular expression: {e}"),
        };
        if cache.len() >= 64 {
            cache.clear();
        }
        cache.insert(pattern.to_string(), re.clone());
        Ok(re)
    })
}

/// Per value: does `re` match it (NULL stays NULL)? Codes (at most 7 bytes)
/// are remembered in a [`CodeCache`], longer texts in a map of up to [`MEMO`];
/// remembering stops for good when, after every [`MEMO`] look-ups, fewer than
/// half found an answer.
fn is_match(strings: &StringArray, re: &Regex) -> BooleanArray {
    let mut codes = CodeCache::new();
    let mut texts: hashbrown::HashMap<&str, bool> = hashbrown::HashMap::new();
    let (mut looked, mut found, mut remembering) = (0usize, 0usize, true);
    let hits = BooleanBuffer::collect_bool(strings.len(), |i| {
        if strings.is_null(i) {
            return false;
        }
        if !remembering {
            return re.is_match(strings.value(i));
        }
        looked += 1;
        let known = match packed(strings, i) {
            Some(code) => codes.get(code).ok_or(Some(code)),
            None => texts.get(strings.value(i)).copied().ok_or(None),
        };
        let hit = match known {
            Ok(hit) => {
                found += 1;
                hit
            }
            Err(code) => {
                let s = strings.value(i);
                let hit = re.is_match(s);
                match code {
                    Some(code) => codes.put(code, hit),
                    None if texts.len() < MEMO => {
                        texts.insert(s, hit);
                    }
                    None => {}
                }
                hit
            }
        };
        if looked % MEMO == 0 && found * 2 < looked {
            remembering = false;
        }
        hit
    });
    BooleanArray::new(hits, strings.nulls().cloned())
}

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
    Regex::new(pattern).map_err(|e| format!("`{pattern}` is not a regular expression: {e}"))?;
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
        let hits = is_match(array.as_string::<i32>(), &compiled(&pattern)?);
        Ok(ColumnarValue::Array(Arc::new(hits)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The remembered answers are the regex's, for few and for many distinct
    /// values, with NULLs kept.
    #[test]
    fn remembered_answers_are_the_regex_answers() {
        let re = Regex::new("^B[0-9]{3}$").unwrap();
        let few: StringArray =
            (0..5_000).map(|i| (i % 7 != 0).then(|| ["B001", "B02", "B999", "X001"][i % 4].to_string())).collect();
        let many: StringArray = (0..5_000).map(|i| Some(format!("B{:03}", i % 1_500))).collect();
        let long: StringArray = (0..5_000).map(|i| Some(format!("B{:03}-branch", i % 9))).collect();
        for strings in [few, many, long] {
            let got = is_match(&strings, &re);
            for i in 0..strings.len() {
                let want = (!strings.is_null(i)).then(|| re.is_match(strings.value(i)));
                assert_eq!(got.is_valid(i).then(|| got.value(i)), want, "row {i}: {:?}", strings.value(i));
            }
        }
    }
}
