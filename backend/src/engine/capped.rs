//! String functions that can build values of any size (`repeat`, `lpad`, `rpad`,
//! `replace`) allocate outside the memory pool, so one expression could take the
//! whole machine. Each session gets wrapped versions that first work out how long
//! each result would be and refuse, with a clear error, past
//! [`MAX_STRING_BYTES`](sluice_shared::limits::MAX_STRING_BYTES).

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, FieldRef, Int64Type};
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
};
use datafusion::prelude::SessionContext;
use sluice_shared::limits::{MAX_STRING_BYTES, bytes};

/// How a function's result length follows from its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Growth {
    /// `repeat(s, n)`: `len(s) · n` bytes.
    Repeat,
    /// `lpad(s, n [, fill])`, `rpad`: `n` characters.
    Pad,
    /// `replace(s, from, to)`: every `from` (or every gap, when empty) becomes `to`.
    Replace,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Capped {
    inner: ScalarUDF,
    growth: Growth,
}

/// Replaces the session's unbounded string builders with capped ones.
pub fn register(ctx: &SessionContext) {
    for f in udfs() {
        ctx.register_udf(f);
    }
}

/// The capped functions, under DataFusion's names (a cluster's scheduler and
/// executors register the same ones, so a plan shipped by name stays capped).
pub fn udfs() -> Vec<ScalarUDF> {
    use datafusion::functions::{string, unicode};
    [
        (string::repeat(), Growth::Repeat),
        (unicode::lpad(), Growth::Pad),
        (unicode::rpad(), Growth::Pad),
        (string::replace(), Growth::Replace),
    ]
    .into_iter()
    .map(|(f, growth)| ScalarUDF::new_from_impl(Capped { inner: f.as_ref().clone(), growth }))
    .collect()
}

/// Per-row view of one argument: a scalar stands for every row.
struct Arg(Vec<Option<i64>>);

impl Arg {
    fn at(&self, row: usize) -> Option<i64> {
        if self.0.len() == 1 { self.0[0] } else { self.0.get(row).copied().flatten() }
    }
}

/// Byte length of each string, or the integer itself, per row.
fn arg(v: &ColumnarValue, as_length: bool) -> Result<Arg> {
    let array: ArrayRef = match v {
        ColumnarValue::Scalar(s) => s.to_array_of_size(1)?,
        ColumnarValue::Array(a) => a.clone(),
    };
    let values = if as_length {
        let lens: Vec<Option<usize>> = match array.data_type() {
            DataType::Utf8 => array.as_string::<i32>().iter().map(|s| s.map(str::len)).collect(),
            DataType::LargeUtf8 => array.as_string::<i64>().iter().map(|s| s.map(str::len)).collect(),
            DataType::Utf8View => array.as_string_view().iter().map(|s| s.map(str::len)).collect(),
            _ => vec![None; array.len()],
        };
        lens.into_iter().map(|l| l.map(|n| n as i64)).collect()
    } else {
        let ints = cast(&array, &DataType::Int64)?;
        ints.as_primitive::<Int64Type>().iter().collect()
    };
    Ok(Arg(values))
}

impl Capped {
    /// The longest value this call would build, in bytes (characters for padding).
    fn longest(&self, args: &[ColumnarValue], rows: usize) -> Result<u128> {
        let rows = rows.max(1);
        let mut longest: u128 = 0;
        match self.growth {
            Growth::Repeat | Growth::Pad if args.len() >= 2 => {
                let (s, n) = (arg(&args[0], true)?, arg(&args[1], false)?);
                for r in 0..rows {
                    let count = n.at(r).unwrap_or(0).max(0) as u128;
                    let unit = if self.growth == Growth::Repeat { s.at(r).unwrap_or(0) as u128 } else { 1 };
                    longest = longest.max(unit * count);
                }
            }
            Growth::Replace if args.len() == 3 => {
                let (s, from, to) = (arg(&args[0], true)?, arg(&args[1], true)?, arg(&args[2], true)?);
                for r in 0..rows {
                    let (s, from, to) = (s.at(r).unwrap_or(0), from.at(r).unwrap_or(0), to.at(r).unwrap_or(0));
                    let hits = if from == 0 { s + 1 } else { s / from };
                    longest = longest.max(s as u128 + (hits.max(0) as u128) * ((to - from).max(0) as u128));
                }
            }
            _ => {}
        }
        Ok(longest)
    }
}

impl ScalarUDFImpl for Capped {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn aliases(&self) -> &[String] {
        self.inner.aliases()
    }
    fn signature(&self) -> &Signature {
        self.inner.signature()
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(arg_types)
    }
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        self.inner.return_field_from_args(args)
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }
    fn simplify(&self, args: Vec<Expr>, info: &SimplifyContext) -> Result<ExprSimplifyResult> {
        self.inner.simplify(args, info)
    }
    fn documentation(&self) -> Option<&Documentation> {
        self.inner.documentation()
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let longest = self.longest(&args.args, args.number_rows)?;
        if longest > MAX_STRING_BYTES as u128 {
            return Err(DataFusionError::Execution(format!(
                "`{}` would build a value of {longest} {}; one value may hold at most {}",
                self.name(),
                if self.growth == Growth::Pad { "characters" } else { "bytes" },
                bytes(MAX_STRING_BYTES)
            )));
        }
        self.inner.invoke_with_args(args)
    }
}
