//! Short texts — codes: a currency, a branch, a status — as integers. A text of
//! up to 7 bytes packs into one `u64` (its bytes, and its length in the top
//! byte), so a check compares or looks it up with one integer operation
//! instead of hashing and comparing slices.
//!
//! Used by `in` rules over text columns whose listed values are all codes
//! ([`in_codes`]: `sluice_in_codes(value, 'CNY', 'USD', ...)`, in place of
//! DataFusion's `IN` list, which hashes every row and compares through a
//! dynamic comparator), and by `matches` to remember answers
//! ([`super::regex_match`]). Planned only where the plan runs in this process.

use datafusion::arrow::array::{Array, AsArray, BooleanArray, StringArray};
use datafusion::arrow::buffer::BooleanBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::lit;
use std::sync::Arc;

/// Row `i` of `strings` packed, or `None` when it is longer than 7 bytes.
/// (The caller checks NULLs.)
#[inline]
pub fn packed(strings: &StringArray, i: usize) -> Option<u64> {
    let offsets = strings.value_offsets();
    let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
    let len = end - start;
    if len > 7 {
        return None;
    }
    let bytes = strings.value_data();
    let word = match bytes.get(start..start + 8) {
        // Eight bytes readable from the start: one load, the tail masked off.
        Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or([0; 8])) & ((1u64 << (8 * len)) - 1),
        None => pack_slow(&bytes[start..end]),
    };
    Some(word | (len as u64) << 56)
}

/// `s` packed, if it is a code (at most 7 bytes).
pub fn pack(s: &[u8]) -> Option<u64> {
    (s.len() <= 7).then(|| pack_slow(s) | (s.len() as u64) << 56)
}

fn pack_slow(s: &[u8]) -> u64 {
    s.iter().rev().fold(0u64, |w, b| (w << 8) | u64::from(*b))
}

/// Answers remembered by packed code: 1,024 slots, each code in the one a
/// multiplicative hash picks (a later code there replaces an earlier one), so
/// a look-up is a multiply, a load and a compare.
pub struct CodeCache {
    slots: Box<[(u64, bool)]>,
}

impl CodeCache {
    /// No code packs to `u64::MAX` (its length byte would be 255): the empty slot.
    const EMPTY: u64 = u64::MAX;

    pub fn new() -> CodeCache {
        CodeCache { slots: vec![(Self::EMPTY, false); 1024].into_boxed_slice() }
    }

    #[inline]
    fn slot(code: u64) -> usize {
        (code.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as usize
    }

    #[inline]
    pub fn get(&self, code: u64) -> Option<bool> {
        let (key, answer) = self.slots[Self::slot(code)];
        (key == code).then_some(answer)
    }

    #[inline]
    pub fn put(&mut self, code: u64, answer: bool) {
        self.slots[Self::slot(code)] = (code, answer);
    }
}

impl Default for CodeCache {
    fn default() -> Self {
        Self::new()
    }
}

/// `value IN (codes...)` for a text value: NULL for a NULL value; `None` when
/// some listed value is not a code of at most 7 bytes (then DataFusion's `IN`).
pub fn in_codes(value: Expr, codes: &[&str]) -> Option<Expr> {
    if codes.is_empty() || codes.iter().any(|c| pack(c.as_bytes()).is_none()) {
        return None;
    }
    let args = std::iter::once(value).chain(codes.iter().map(|c| lit(*c))).collect();
    Some(ScalarUDF::new_from_impl(InCodes { signature: Signature::variadic_any(Volatility::Immutable) }).call(args))
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct InCodes {
    signature: Signature,
}

/// Whether each value is one of `set` (sorted packed codes), NULL kept.
fn contains(strings: &StringArray, set: &[u64]) -> BooleanArray {
    let hits = BooleanBuffer::collect_bool(strings.len(), |i| {
        // Whatever a NULL's slot holds, the validity below masks its answer.
        packed(strings, i)
            .is_some_and(|w| if set.len() <= 16 { set.contains(&w) } else { set.binary_search(&w).is_ok() })
    });
    BooleanArray::new(hits, strings.nulls().cloned())
}

impl ScalarUDFImpl for InCodes {
    fn name(&self) -> &str {
        "sluice_in_codes"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let mut set = Vec::with_capacity(args.args.len().saturating_sub(1));
        for a in &args.args[1..] {
            match a {
                ColumnarValue::Scalar(ScalarValue::Utf8(Some(c))) => match pack(c.as_bytes()) {
                    Some(w) => set.push(w),
                    None => return exec_err!("sluice_in_codes: `{c}` is longer than 7 bytes"),
                },
                _ => return exec_err!("sluice_in_codes: the codes must be text literals"),
            }
        }
        set.sort_unstable();
        let array = args.args[0].to_array(args.number_rows)?;
        let array = if matches!(array.data_type(), DataType::Utf8) { array } else { cast(&array, &DataType::Utf8)? };
        Ok(ColumnarValue::Array(Arc::new(contains(array.as_string::<i32>(), &set))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Packing tells codes apart by bytes and by length, wherever they sit in
    /// the buffer (the last values have fewer than 8 bytes after them).
    #[test]
    fn packed_codes_are_the_texts() {
        let texts = ["CNY", "", "CN", "CNY\0", "B001", "1234567", "12345678", "é€", "a"];
        let strings: StringArray = texts.iter().map(|t| Some(*t)).collect();
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(packed(&strings, i), pack(t.as_bytes()), "{t:?}");
            assert_eq!(packed(&strings, i).is_some(), t.len() <= 7);
        }
        let mut words: Vec<u64> = texts.iter().filter_map(|t| pack(t.as_bytes())).collect();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), texts.iter().filter(|t| t.len() <= 7).count(), "two texts packed alike");
    }

    /// The same answers as comparing the texts, NULLs kept, for a short and a long list.
    #[test]
    fn contains_is_membership() {
        let values: StringArray = (0..2_000)
            .map(|i| (i % 11 != 0).then(|| ["CNY", "USD", "XXX", "US", "CNYX", "long value"][i % 6]))
            .collect();
        let short: Vec<String> = vec!["CNY".into(), "USD".into()];
        let long: Vec<String> = (0..40).map(|i| format!("C{i}")).chain(["USD".into()]).collect();
        for list in [short, long] {
            let mut set: Vec<u64> = list.iter().filter_map(|c| pack(c.as_bytes())).collect();
            set.sort_unstable();
            let got = contains(&values, &set);
            for i in 0..values.len() {
                let want = (!values.is_null(i)).then(|| list.iter().any(|c| c == values.value(i)));
                assert_eq!(got.is_valid(i).then(|| got.value(i)), want, "row {i}");
            }
        }
    }
}
