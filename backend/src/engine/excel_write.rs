//! Excel sinks: one worksheet with a bold header row, numbers as numbers and
//! dates as real Excel dates, so the analyst's formulas keep working.

use super::types::civil_from_days;
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Date32Type, Float64Type, Int64Type, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// Excel's hard limit, less the header row.
const MAX_ROWS: u32 = 1_048_575;

pub struct Book {
    workbook: Workbook,
    next_row: u32,
    date: Format,
    stamp: Format,
}

impl Book {
    pub fn new(sheet: &str, schema: &SchemaRef) -> Result<Self, String> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let ws = workbook.add_worksheet();
        ws.set_name(sheet).map_err(|e| e.to_string())?;
        for (i, f) in schema.fields().iter().enumerate() {
            ws.write_string_with_format(0, col(i)?, f.name(), &bold).map_err(|e| e.to_string())?;
        }
        Ok(Book {
            workbook,
            next_row: 1,
            date: Format::new().set_num_format("yyyy-mm-dd"),
            stamp: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
        })
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), String> {
        let n = batch.num_rows() as u32;
        if self.next_row - 1 + n > MAX_ROWS {
            return Err(format!("an Excel sheet holds at most {MAX_ROWS} rows; write CSV or Parquet instead"));
        }
        let ws = self.workbook.worksheet_from_index(0).map_err(|e| e.to_string())?;
        for (c, array) in batch.columns().iter().enumerate() {
            let c = col(c)?;
            let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
            match array.data_type() {
                DataType::Boolean => {
                    let a = array.as_boolean();
                    for r in (0..a.len()).filter(|r| a.is_valid(*r)) {
                        ws.write_boolean(self.next_row + r as u32, c, a.value(r)).map_err(e)?;
                    }
                }
                DataType::Int8
                | DataType::Int16
                | DataType::Int32
                | DataType::Int64
                | DataType::UInt8
                | DataType::UInt16
                | DataType::UInt32
                | DataType::UInt64 => {
                    let a = cast(array, &DataType::Int64).map_err(|x| x.to_string())?;
                    let a = a.as_primitive::<Int64Type>();
                    for r in (0..a.len()).filter(|r| a.is_valid(*r)) {
                        ws.write_number(self.next_row + r as u32, c, a.value(r) as f64).map_err(e)?;
                    }
                }
                DataType::Float16
                | DataType::Float32
                | DataType::Float64
                | DataType::Decimal128(..)
                | DataType::Decimal256(..) => {
                    let a = cast(array, &DataType::Float64).map_err(|x| x.to_string())?;
                    let a = a.as_primitive::<Float64Type>();
                    for r in (0..a.len()).filter(|r| a.is_valid(*r)) {
                        ws.write_number(self.next_row + r as u32, c, a.value(r)).map_err(e)?;
                    }
                }
                DataType::Date32 | DataType::Date64 => {
                    let a = cast(array, &DataType::Date32).map_err(|x| x.to_string())?;
                    let a = a.as_primitive::<Date32Type>();
                    for r in (0..a.len()).filter(|r| a.is_valid(*r)) {
                        let (y, m, d) = civil_from_days(a.value(r).into());
                        let dt = ExcelDateTime::from_ymd(y as u16, m as u8, d as u8).map_err(e)?;
                        ws.write_datetime_with_format(self.next_row + r as u32, c, &dt, &self.date).map_err(e)?;
                    }
                }
                DataType::Timestamp(..) => {
                    let secs = cast(array, &DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Second, None))
                        .and_then(|a| cast(&a, &DataType::Int64))
                        .map_err(|x| x.to_string())?;
                    let a = secs.as_primitive::<Int64Type>();
                    for r in (0..a.len()).filter(|r| a.is_valid(*r)) {
                        let dt = ExcelDateTime::from_timestamp(a.value(r)).map_err(e)?;
                        ws.write_datetime_with_format(self.next_row + r as u32, c, &dt, &self.stamp).map_err(e)?;
                    }
                }
                _ => {
                    let a = cast(array, &DataType::Utf8).map_err(|x| x.to_string())?;
                    let a = a.as_string::<i32>();
                    for r in (0..a.len()).filter(|r| a.is_valid(*r)) {
                        ws.write_string(self.next_row + r as u32, c, a.value(r)).map_err(e)?;
                    }
                }
            }
        }
        self.next_row += n;
        Ok(())
    }

    pub fn save(mut self, file: &std::fs::File) -> Result<(), String> {
        self.workbook.save_to_writer(file).map_err(|e| e.to_string())
    }
}

fn col(i: usize) -> Result<u16, String> {
    u16::try_from(i)
        .ok()
        .filter(|c| *c < 16_384)
        .ok_or_else(|| "an Excel sheet holds at most 16,384 columns".to_string())
}
