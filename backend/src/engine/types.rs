//! Mapping between the graph format's column types and Arrow's.

use datafusion::arrow::datatypes::{DataType as Arrow, Schema as ArrowSchema, TimeUnit};
use sluice_shared::{DataType, Schema};

/// The Arrow type a declared column becomes.
pub fn to_arrow(t: DataType) -> Arrow {
    match t {
        DataType::Int64 => Arrow::Int64,
        DataType::Float64 => Arrow::Float64,
        DataType::Decimal(p, s) => Arrow::Decimal128(p, s),
        DataType::String => Arrow::Utf8,
        DataType::Bool => Arrow::Boolean,
        DataType::Date => Arrow::Date32,
        DataType::Timestamp => Arrow::Timestamp(TimeUnit::Nanosecond, None),
    }
}

/// The graph type of an Arrow column, or `None` for types the format has no name for.
pub fn from_arrow(t: &Arrow) -> Option<DataType> {
    Some(match t {
        Arrow::Int8 | Arrow::Int16 | Arrow::Int32 | Arrow::Int64 => DataType::Int64,
        Arrow::UInt8 | Arrow::UInt16 | Arrow::UInt32 | Arrow::UInt64 => DataType::Int64,
        Arrow::Float16 | Arrow::Float32 | Arrow::Float64 => DataType::Float64,
        Arrow::Decimal128(p, s) | Arrow::Decimal256(p, s) => DataType::Decimal(*p, *s),
        Arrow::Utf8 | Arrow::LargeUtf8 | Arrow::Utf8View => DataType::String,
        Arrow::Boolean => DataType::Bool,
        Arrow::Date32 | Arrow::Date64 => DataType::Date,
        Arrow::Timestamp(..) => DataType::Timestamp,
        Arrow::Dictionary(_, v) => return from_arrow(v),
        _ => return None,
    })
}

pub fn schema_from_arrow(s: &ArrowSchema) -> Schema {
    Schema(s.fields().iter().map(|f| sluice_shared::Field::new(f.name(), from_arrow(f.data_type()))).collect())
}

/// Civil date (year, month, day) of a count of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_invert_shared_parsing() {
        for d in ["1970-01-01", "2000-02-29", "2026-11-24", "1899-12-30"] {
            let days = sluice_shared::types::parse_date_days(d).unwrap();
            let (y, m, dd) = civil_from_days(days.into());
            assert_eq!(format!("{y:04}-{m:02}-{dd:02}"), d);
        }
    }

    #[test]
    fn types_round_trip() {
        for t in [DataType::Int64, DataType::Decimal(18, 2), DataType::Date, DataType::Timestamp] {
            assert_eq!(from_arrow(&to_arrow(t)), Some(t));
        }
    }
}
