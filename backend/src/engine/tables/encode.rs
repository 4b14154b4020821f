//! Cells of an output batch as the databases take them. This is a format
//! adapter (like the Excel writer): the only place table writing touches cells.
//! Every column is first cast to one canonical Arrow type per contract type.

use super::super::types::civil_from_days;
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, Decimal128Array, Float64Array, Int64Array, StringArray,
    TimestampMicrosecondArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType as Arrow, Float64Type, Int64Type, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use std::fmt::Write;

/// One column in its canonical Arrow type.
pub enum Col {
    Int(Int64Array),
    Float(Float64Array),
    Dec(Decimal128Array, i8),
    Text(StringArray),
    Bool(BooleanArray),
    Date(Date32Array),
    Ts(TimestampMicrosecondArray),
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Null,
    Int(i64),
    Float(f64),
    /// Decimal, date and timestamp as text in the contract's form.
    Formatted(String),
    Text(&'a str),
    Bool(bool),
}

/// The canonical columns of `batch`; an error names the column.
pub fn columns(batch: &RecordBatch) -> Result<Vec<Col>, String> {
    let schema = batch.schema();
    batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(a, f)| canonical(a).map_err(|e| format!("column `{}`: {e}", f.name())))
        .collect()
}

fn canonical(a: &ArrayRef) -> Result<Col, String> {
    let to = |t: Arrow| cast(a, &t).map_err(|e| e.to_string());
    Ok(match a.data_type() {
        Arrow::Int8
        | Arrow::Int16
        | Arrow::Int32
        | Arrow::Int64
        | Arrow::UInt8
        | Arrow::UInt16
        | Arrow::UInt32
        | Arrow::UInt64 => Col::Int(to(Arrow::Int64)?.as_primitive::<Int64Type>().clone()),
        Arrow::Float16 | Arrow::Float32 | Arrow::Float64 => {
            Col::Float(to(Arrow::Float64)?.as_primitive::<Float64Type>().clone())
        }
        Arrow::Decimal128(_, s) => Col::Dec(a.as_primitive().clone(), *s),
        Arrow::Decimal256(p, s) if *p <= 38 => Col::Dec(to(Arrow::Decimal128(*p, *s))?.as_primitive().clone(), *s),
        Arrow::Utf8 | Arrow::LargeUtf8 | Arrow::Utf8View | Arrow::Dictionary(..) => {
            Col::Text(to(Arrow::Utf8)?.as_string::<i32>().clone())
        }
        Arrow::Boolean => Col::Bool(a.as_boolean().clone()),
        Arrow::Date32 | Arrow::Date64 => Col::Date(to(Arrow::Date32)?.as_primitive().clone()),
        // A zone-aware timestamp keeps its UTC value; the contract's timestamps have no zone.
        Arrow::Timestamp(_, tz) => {
            let micros = to(Arrow::Timestamp(TimeUnit::Microsecond, tz.clone()))?;
            let v = micros.as_primitive::<datafusion::arrow::datatypes::TimestampMicrosecondType>();
            Col::Ts(TimestampMicrosecondArray::new(v.values().clone(), v.nulls().cloned()))
        }
        other => return Err(format!("type {other} cannot be written to a table")),
    })
}

impl Col {
    pub fn get(&self, row: usize) -> Val<'_> {
        macro_rules! null {
            ($a:expr) => {
                if $a.is_null(row) {
                    return Val::Null;
                }
            };
        }
        match self {
            Col::Int(a) => {
                null!(a);
                Val::Int(a.value(row))
            }
            Col::Float(a) => {
                null!(a);
                Val::Float(a.value(row))
            }
            Col::Dec(a, s) => {
                null!(a);
                Val::Formatted(decimal(a.value(row), *s))
            }
            Col::Text(a) => {
                null!(a);
                Val::Text(a.value(row))
            }
            Col::Bool(a) => {
                null!(a);
                Val::Bool(a.value(row))
            }
            Col::Date(a) => {
                null!(a);
                Val::Formatted(date(a.value(row).into()))
            }
            Col::Ts(a) => {
                null!(a);
                Val::Formatted(timestamp(a.value(row)))
            }
        }
    }
}

/// `12345` at scale 2 → `123.45`; negative scales multiply.
pub fn decimal(v: i128, scale: i8) -> String {
    if scale <= 0 {
        let mut s = v.to_string();
        if v != 0 {
            s.extend(std::iter::repeat_n('0', usize::from(scale.unsigned_abs())));
        }
        return s;
    }
    let digits = v.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{}{int}.{frac}", if v < 0 { "-" } else { "" })
}

/// Days since 1970-01-01 as `YYYY-MM-DD`.
pub fn date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Microseconds since 1970-01-01 00:00 as `YYYY-MM-DD HH:MM:SS[.ffffff]`.
pub fn timestamp(micros: i64) -> String {
    let secs = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000);
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let mut out = date(days);
    let _ = write!(out, " {:02}:{:02}:{:02}", sod / 3600, sod % 3600 / 60, sod % 60);
    if frac != 0 {
        let _ = write!(out, ".{frac:06}");
    }
    out
}

impl Col {
    /// Appends cell `row` in PostgreSQL's COPY text format without allocating
    /// (the same text as [`copy_text`] of [`Col::get`]).
    pub fn copy_cell(&self, row: usize, out: &mut Vec<u8>) {
        use std::io::Write as _;
        let is_null = match self {
            Col::Int(a) => a.is_null(row),
            Col::Float(a) => a.is_null(row),
            Col::Dec(a, _) => a.is_null(row),
            Col::Text(a) => a.is_null(row),
            Col::Bool(a) => a.is_null(row),
            Col::Date(a) => a.is_null(row),
            Col::Ts(a) => a.is_null(row),
        };
        if is_null {
            out.extend_from_slice(b"\\N");
            return;
        }
        match self {
            Col::Int(a) => {
                let _ = write!(out, "{}", a.value(row));
            }
            Col::Date(a) => {
                let (y, m, d) = civil_from_days(a.value(row).into());
                let _ = write!(out, "{y:04}-{m:02}-{d:02}");
            }
            Col::Ts(a) => {
                let micros = a.value(row);
                let secs = micros.div_euclid(1_000_000);
                let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
                let (y, m, d) = civil_from_days(days);
                let _ = write!(out, "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", sod / 3600, sod % 3600 / 60, sod % 60);
                let frac = micros.rem_euclid(1_000_000);
                if frac != 0 {
                    let _ = write!(out, ".{frac:06}");
                }
            }
            Col::Dec(a, s) if *s > 0 => {
                let v = a.value(row);
                let p = 10i128.pow(u32::from(s.unsigned_abs()));
                let sign = if v < 0 { "-" } else { "" };
                let (int, frac) = (v.unsigned_abs() / p.unsigned_abs(), v.unsigned_abs() % p.unsigned_abs());
                let _ = write!(out, "{sign}{int}.{frac:0w$}", w = usize::from(s.unsigned_abs()));
            }
            _ => copy_text(out, &self.get(row)),
        }
    }
}

/// Appends one cell in PostgreSQL's COPY text format.
pub fn copy_text(out: &mut Vec<u8>, v: &Val) {
    match v {
        Val::Null => out.extend_from_slice(b"\\N"),
        Val::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Val::Float(f) if f.is_nan() => out.extend_from_slice(b"NaN"),
        Val::Float(f) if f.is_infinite() => out.extend_from_slice(if *f > 0.0 { b"Infinity" } else { b"-Infinity" }),
        Val::Float(f) => out.extend_from_slice(f.to_string().as_bytes()),
        Val::Formatted(s) => out.extend_from_slice(s.as_bytes()),
        Val::Bool(b) => out.push(if *b { b't' } else { b'f' }),
        Val::Text(s) => {
            for &b in s.as_bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_take_the_contract_forms() {
        assert_eq!(decimal(12345, 2), "123.45");
        assert_eq!(decimal(-5, 3), "-0.005");
        assert_eq!(decimal(0, 2), "0.00");
        assert_eq!(decimal(7, -2), "700");
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(timestamp(86_400_000_000 + 3_723_000_000), "1970-01-02 01:02:03");
        assert_eq!(timestamp(-1), "1969-12-31 23:59:59.999999");
        let cols = [
            Col::Dec(
                Decimal128Array::from(vec![Some(-5), Some(12345), None]).with_precision_and_scale(18, 3).unwrap(),
                3,
            ),
            Col::Date(Date32Array::from(vec![Some(-1), Some(19782), None])),
            Col::Ts(TimestampMicrosecondArray::from(vec![Some(-1), Some(1_700_000_000_000_000), None])),
            Col::Int(Int64Array::from(vec![Some(i64::MIN), Some(7), None])),
        ];
        for c in &cols {
            for r in 0..3 {
                let (mut fast, mut slow) = (Vec::new(), Vec::new());
                c.copy_cell(r, &mut fast);
                copy_text(&mut slow, &c.get(r));
                assert_eq!(String::from_utf8(fast).unwrap(), String::from_utf8(slow).unwrap());
            }
        }
        let mut out = Vec::new();
        copy_text(&mut out, &Val::Text("a\tb\\c\n中"));
        assert_eq!(String::from_utf8(out).unwrap(), "a\\tb\\\\c\\n中");
    }
}
