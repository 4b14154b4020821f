//! Excel sources: the first row is the header; column types are declared by
//! `schema` or inferred from the cells (all whole numbers → int64, numbers →
//! float64, dates → date/timestamp, true/false → bool, anything mixed → string).

use super::types::to_arrow;
use calamine::{Data, Reader, open_workbook_auto};
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampNanosecondBuilder,
};
use datafusion::arrow::datatypes::{Field, Schema as ArrowSchema};
use datafusion::arrow::record_batch::RecordBatch;
use sluice_shared::DataType;
use sluice_shared::config::ColumnDecl;
use std::path::Path;
use std::sync::Arc;

pub fn read(file: &Path, sheet: Option<&str>, schema: Option<&[ColumnDecl]>) -> Result<RecordBatch, String> {
    let mut wb = open_workbook_auto(file).map_err(|e| format!("cannot open the workbook: {e}"))?;
    let names = wb.sheet_names();
    let sheet = match sheet {
        Some(s) if names.iter().any(|n| n == s) => s.to_string(),
        Some(s) => {
            return Err(format!("the workbook has no sheet `{s}` (sheets: {})", names.join(", ")));
        }
        None => names.first().cloned().ok_or("the workbook has no sheets")?,
    };
    let range = wb.worksheet_range(&sheet).map_err(|e| format!("cannot read sheet `{sheet}`: {e}"))?;
    let mut rows = range.rows();
    let header: Vec<String> = match rows.next() {
        Some(h) => h.iter().enumerate().map(|(i, c)| header_name(c, i)).collect(),
        None => {
            return Err(format!("sheet `{sheet}` is empty; the first row must be the header"));
        }
    };
    let body: Vec<&[Data]> = rows.collect();
    let types: Vec<DataType> = match schema {
        Some(cols) => {
            if cols.len() != header.len() {
                return Err(format!("`schema` lists {} columns but the sheet has {}", cols.len(), header.len()));
            }
            cols.iter().map(|c| c.ty).collect()
        }
        None => (0..header.len()).map(|i| infer(body.iter().map(|r| r.get(i).unwrap_or(&Data::Empty)))).collect(),
    };
    let names: Vec<String> = match schema {
        Some(cols) => cols.iter().map(|c| c.name.clone()).collect(),
        None => header,
    };
    let mut arrays = Vec::with_capacity(names.len());
    for (i, (name, ty)) in names.iter().zip(&types).enumerate() {
        let cells = body.iter().map(|r| r.get(i).unwrap_or(&Data::Empty));
        arrays.push(build(cells, *ty).map_err(|(row, msg)| format!("column `{name}`, row {}: {msg}", row + 2))?);
    }
    let fields: Vec<Field> = names.iter().zip(&types).map(|(n, t)| Field::new(n, to_arrow(*t), true)).collect();
    RecordBatch::try_new(Arc::new(ArrowSchema::new(fields)), arrays).map_err(|e| e.to_string())
}

fn header_name(cell: &Data, i: usize) -> String {
    match cell {
        Data::Empty => format!("column_{}", i + 1),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

fn infer<'a>(cells: impl Iterator<Item = &'a Data>) -> DataType {
    let mut ty: Option<DataType> = None;
    for c in cells {
        let t = match c {
            Data::Empty => continue,
            Data::Int(_) => DataType::Int64,
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => DataType::Int64,
            Data::Float(_) => DataType::Float64,
            Data::Bool(_) => DataType::Bool,
            Data::DateTime(d) if d.as_f64().fract() == 0.0 => DataType::Date,
            Data::DateTime(_) => DataType::Timestamp,
            _ => DataType::String,
        };
        ty = Some(match (ty, t) {
            (None, t) => t,
            (Some(a), b) if a == b => a,
            (Some(DataType::Int64), DataType::Float64) | (Some(DataType::Float64), DataType::Int64) => {
                DataType::Float64
            }
            (Some(DataType::Date), DataType::Timestamp) | (Some(DataType::Timestamp), DataType::Date) => {
                DataType::Timestamp
            }
            _ => return DataType::String,
        });
    }
    ty.unwrap_or(DataType::String)
}

type CellError = (usize, String);

fn number(c: &Data) -> Option<f64> {
    match c {
        Data::Int(i) => Some(*i as f64),
        Data::Float(f) => Some(*f),
        Data::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Days since 1970 for a date cell (or an ISO text cell).
fn excel_days(c: &Data) -> Option<f64> {
    match c {
        Data::DateTime(d) => {
            // calamine knows the workbook's epoch (1900 or 1904); go through its civil date.
            let (y, mo, da, h, mi, s, ms) = d.to_ymd_hms_milli();
            let days = sluice_shared::types::parse_date_days(&format!("{y:04}-{mo:02}-{da:02}"))?;
            let secs = f64::from(h) * 3600.0 + f64::from(mi) * 60.0 + f64::from(s) + f64::from(ms) / 1000.0;
            Some(f64::from(days) + secs / 86_400.0)
        }
        Data::DateTimeIso(s) | Data::String(s) => sluice_shared::types::parse_date_days(s.get(..10)?).map(f64::from),
        _ => None,
    }
}

fn build<'a>(cells: impl Iterator<Item = &'a Data>, ty: DataType) -> Result<ArrayRef, CellError> {
    let bad = |row: usize, c: &Data, what: &str| (row, format!("`{c}` is not {what}"));
    macro_rules! fill {
        ($builder:expr, $conv:expr, $what:expr) => {{
            let mut b = $builder;
            for (row, c) in cells.enumerate() {
                if matches!(c, Data::Empty) {
                    b.append_null();
                } else {
                    b.append_value($conv(c).ok_or_else(|| bad(row, c, $what))?);
                }
            }
            Arc::new(b.finish()) as ArrayRef
        }};
    }
    Ok(match ty {
        DataType::Int64 => fill!(
            Int64Builder::new(),
            |c| number(c).filter(|f: &f64| f.fract() == 0.0).map(|f| f as i64),
            "a whole number"
        ),
        DataType::Float64 => fill!(Float64Builder::new(), number, "a number"),
        DataType::Decimal(p, s) => {
            let scale = 10f64.powi(i32::from(s));
            let b = Decimal128Builder::new().with_precision_and_scale(p, s).map_err(|e| (0, e.to_string()))?;
            fill!(b, |c| number(c).map(|f| (f * scale).round() as i128), "a number")
        }
        DataType::Bool => fill!(
            BooleanBuilder::new(),
            |c: &Data| match c {
                Data::Bool(b) => Some(*b),
                Data::String(s) => s.trim().to_ascii_lowercase().parse().ok(),
                _ => None,
            },
            "true/false"
        ),
        DataType::Date => fill!(Date32Builder::new(), |c| excel_days(c).map(|d| d.floor() as i32), "a date"),
        DataType::Timestamp => fill!(
            TimestampNanosecondBuilder::new(),
            |c| excel_days(c).map(|d| (d * 86_400.0 * 1e9).round() as i64),
            "a date-time"
        ),
        DataType::String => fill!(
            StringBuilder::new(),
            |c: &Data| Some(match c {
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{}", *f as i64),
                other => other.to_string(),
            }),
            "text"
        ),
    })
}
