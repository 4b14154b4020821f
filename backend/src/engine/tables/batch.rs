//! Values → Arrow: cell access per driver ([`Cells`]) and one builder per
//! column that parses the text forms (decimals, dates, timestamps).

use super::scan::BATCH_ROWS;
use super::types::{self, Column, Wire};
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampNanosecondBuilder,
};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};
use sluice_shared::DataType;
use sqlx::mysql::MySqlRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, TypeInfo, ValueRef};
use std::borrow::Cow;

pub fn finish(schema: &SchemaRef, builders: &mut [Builder], rows: usize) -> Result<RecordBatch, String> {
    let arrays: Vec<ArrayRef> = builders.iter_mut().map(Builder::finish).collect();
    let opts = RecordBatchOptions::new().with_row_count(Some(rows));
    RecordBatch::try_new_with_options(schema.clone(), arrays, &opts).map_err(|e| e.to_string())
}

/// Cell access per driver. Values arrive in their wire form (see `dialect::select_item`).
pub trait Cells {
    fn int(&self, i: usize) -> Result<Option<i64>, String>;
    fn float(&self, i: usize) -> Result<Option<f64>, String>;
    fn boolean(&self, i: usize) -> Result<Option<bool>, String>;
    fn text(&self, i: usize) -> Result<Option<Cow<'_, str>>, String>;
    /// A date column: days since 1970-01-01. By default its text form, parsed.
    fn date(&self, i: usize) -> Result<Option<i32>, String> {
        parsed(self.text(i)?, "date", types::parse_date)
    }
    /// A timestamp column: nanoseconds since the epoch (UTC). By default its text form, parsed.
    fn timestamp(&self, i: usize) -> Result<Option<i64>, String> {
        parsed(self.text(i)?, "timestamp", types::parse_timestamp)
    }
}

fn parsed<T>(text: Option<Cow<'_, str>>, what: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, String> {
    match text {
        None => Ok(None),
        Some(t) => parse(&t).map(Some).ok_or_else(|| format!("`{}` is not a {what}", shorten(&t))),
    }
}

macro_rules! typed_cells {
    ($row:ty) => {
        impl Cells for $row {
            fn int(&self, i: usize) -> Result<Option<i64>, String> {
                self.try_get_unchecked(i).map_err(|e| e.to_string())
            }
            fn float(&self, i: usize) -> Result<Option<f64>, String> {
                self.try_get_unchecked(i).map_err(|e| e.to_string())
            }
            fn boolean(&self, i: usize) -> Result<Option<bool>, String> {
                self.try_get_unchecked(i).map_err(|e| e.to_string())
            }
            fn text(&self, i: usize) -> Result<Option<Cow<'_, str>>, String> {
                let s: Option<&str> = self.try_get_unchecked(i).map_err(|e| e.to_string())?;
                Ok(s.map(Cow::Borrowed))
            }
        }
    };
}
typed_cells!(MySqlRow);

/// SQLite stores any value in any column: each value's storage class is
/// checked, and a value that does not fit the declared type is an error.
impl Cells for SqliteRow {
    fn int(&self, i: usize) -> Result<Option<i64>, String> {
        match storage(self, i)? {
            "NULL" => Ok(None),
            "INTEGER" => self.try_get_unchecked(i).map_err(|e| e.to_string()),
            other => Err(format!("a {other} value in an integer column")),
        }
    }
    fn float(&self, i: usize) -> Result<Option<f64>, String> {
        match storage(self, i)? {
            "NULL" => Ok(None),
            "INTEGER" | "REAL" => self.try_get_unchecked(i).map_err(|e| e.to_string()),
            other => Err(format!("a {other} value in a real column")),
        }
    }
    fn boolean(&self, i: usize) -> Result<Option<bool>, String> {
        Ok(self.int(i)?.map(|v| v != 0))
    }
    fn text(&self, i: usize) -> Result<Option<Cow<'_, str>>, String> {
        Ok(match storage(self, i)? {
            "NULL" => None,
            "INTEGER" => Some(Cow::Owned(self.try_get_unchecked::<i64, _>(i).map_err(|e| e.to_string())?.to_string())),
            "REAL" => Some(Cow::Owned(self.try_get_unchecked::<f64, _>(i).map_err(|e| e.to_string())?.to_string())),
            "TEXT" => Some(Cow::Borrowed(self.try_get_unchecked::<&str, _>(i).map_err(|e| e.to_string())?)),
            other => return Err(format!("a {other} value cannot be read as text")),
        })
    }
}

fn storage(row: &SqliteRow, i: usize) -> Result<&'static str, String> {
    let v = row.try_get_raw(i).map_err(|e| e.to_string())?;
    if v.is_null() {
        return Ok("NULL");
    }
    Ok(match v.type_info().name() {
        "INTEGER" => "INTEGER",
        "REAL" => "REAL",
        "TEXT" => "TEXT",
        "BLOB" => "BLOB",
        _ => "NULL",
    })
}

/// One Arrow column under construction.
pub enum Builder {
    I64(Int64Builder),
    F64(Float64Builder),
    Bool(BooleanBuilder),
    Str(StringBuilder),
    Dec(Decimal128Builder, u8, i8),
    Date(Date32Builder),
    Ts(TimestampNanosecondBuilder),
}

impl Builder {
    pub fn new(c: &Column) -> Self {
        match c.ty {
            DataType::Int64 => Builder::I64(Int64Builder::with_capacity(BATCH_ROWS)),
            DataType::Float64 => Builder::F64(Float64Builder::with_capacity(BATCH_ROWS)),
            DataType::Bool => Builder::Bool(BooleanBuilder::with_capacity(BATCH_ROWS)),
            DataType::String => Builder::Str(StringBuilder::with_capacity(BATCH_ROWS, BATCH_ROWS * 16)),
            DataType::Decimal(p, s) => Builder::Dec(
                Decimal128Builder::with_capacity(BATCH_ROWS).with_precision_and_scale(p, s).expect("checked precision"),
                p,
                s,
            ),
            DataType::Date => Builder::Date(Date32Builder::with_capacity(BATCH_ROWS)),
            DataType::Timestamp => Builder::Ts(TimestampNanosecondBuilder::with_capacity(BATCH_ROWS)),
        }
    }

    pub fn push(&mut self, c: &Column, row: &impl Cells, i: usize) -> Result<(), String> {
        match self {
            Builder::I64(b) => b.append_option(row.int(i)?),
            Builder::F64(b) => b.append_option(row.float(i)?),
            Builder::Bool(b) if c.wire == Wire::Bool => b.append_option(row.boolean(i)?),
            Builder::Bool(b) => b.append_option(row.int(i)?.map(|v| v != 0)),
            Builder::Str(b) => b.append_option(row.text(i)?),
            Builder::Dec(b, p, s) => {
                let (p, s) = (*p, *s);
                let what = format!("decimal({p},{s})");
                b.append_option(parsed(row.text(i)?, &what, |t| types::parse_decimal(t, p, s))?)
            }
            Builder::Date(b) => b.append_option(row.date(i)?),
            Builder::Ts(b) => b.append_option(row.timestamp(i)?),
        }
        Ok(())
    }

    pub fn finish(&mut self) -> ArrayRef {
        use std::sync::Arc;
        match self {
            Builder::I64(b) => Arc::new(b.finish()),
            Builder::F64(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Str(b) => Arc::new(b.finish()),
            Builder::Dec(b, ..) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::Ts(b) => Arc::new(b.finish()),
        }
    }
}

fn shorten(t: &str) -> String {
    let s: String = t.chars().take(40).collect();
    if s.len() < t.len() { format!("{s}…") } else { s }
}
