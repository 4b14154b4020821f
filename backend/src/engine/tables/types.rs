//! Database column types → the contract's types, and the text forms the
//! reader parses (decimals, and dates and timestamps outside PostgreSQL,
//! travel as text so that no precision is lost and no driver feature is
//! needed). The table is in docs/tables.md.

use super::dialect::DbKind;
use sluice_shared::DataType;

/// How a column's values travel from the database to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    I64,
    F64,
    Bool,
    /// The database's text form, parsed by the reader into the column's type.
    Text,
}

/// One readable column of a table source.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    /// The database's type name, for messages and docs.
    pub db_type: String,
    pub ty: DataType,
    pub wire: Wire,
    /// PostgreSQL `timestamptz` / MySQL `TIMESTAMP`: read in UTC.
    pub zoned: bool,
}

/// A decimal whose precision the database does not tell (PostgreSQL `numeric`
/// without a type modifier, a computed decimal in a query).
pub const LOOSE_DECIMAL: DataType = DataType::Decimal(38, 10);

/// The contract's type of a database column, or an error naming the type.
/// `precision` is `(p, s)` when the database declares them.
pub fn map(kind: DbKind, db_type: &str, precision: Option<(u32, u32)>) -> Result<(DataType, Wire, bool), String> {
    let t = db_type.trim().to_ascii_uppercase();
    let base = t.split('(').next().unwrap_or_default().trim().to_string();
    let decimal = || decimal_of(precision.or_else(|| declared_precision(&t)));
    let binary = || Err(format!("binary type {db_type} cannot be read; leave the column out with a `query`"));
    Ok(match kind {
        DbKind::Postgres => match base.as_str() {
            "INT2" | "INT4" | "INT8" | "OID" | "SMALLINT" | "INTEGER" | "BIGINT" => (DataType::Int64, Wire::I64, false),
            "FLOAT4" | "FLOAT8" | "REAL" | "DOUBLE PRECISION" => (DataType::Float64, Wire::F64, false),
            "NUMERIC" | "DECIMAL" => (decimal(), Wire::Text, false),
            "BOOL" | "BOOLEAN" => (DataType::Bool, Wire::Bool, false),
            "DATE" => (DataType::Date, Wire::Text, false),
            "TIMESTAMP" => (DataType::Timestamp, Wire::Text, false),
            "TIMESTAMPTZ" => (DataType::Timestamp, Wire::Text, true),
            "BYTEA" => return binary(),
            _ => (DataType::String, Wire::Text, false),
        },
        DbKind::Mysql => match base.as_str() {
            "BIGINT UNSIGNED" => (DataType::Decimal(20, 0), Wire::Text, false),
            "BOOLEAN" | "BOOL" => (DataType::Bool, Wire::I64, false),
            b if b.starts_with("TINYINT")
                || b.starts_with("SMALLINT")
                || b.starts_with("MEDIUMINT")
                || b.starts_with("INT")
                || b.starts_with("BIGINT")
                || b == "YEAR" =>
            {
                (DataType::Int64, Wire::I64, false)
            }
            "FLOAT" | "DOUBLE" | "REAL" => (DataType::Float64, Wire::F64, false),
            "DECIMAL" | "NUMERIC" | "NEWDECIMAL" => (decimal(), Wire::Text, false),
            "DATE" => (DataType::Date, Wire::Text, false),
            "DATETIME" => (DataType::Timestamp, Wire::Text, false),
            "TIMESTAMP" => (DataType::Timestamp, Wire::Text, true),
            "BLOB" | "TINYBLOB" | "MEDIUMBLOB" | "LONGBLOB" | "BINARY" | "VARBINARY" | "BIT" | "GEOMETRY" => {
                return binary();
            }
            _ => (DataType::String, Wire::Text, false),
        },
        DbKind::Sqlite => sqlite(&t, &base, precision).ok_or(()).or_else(|()| binary())?,
    })
}

/// SQLite's declared type, by the affinity rules of its documentation, with
/// DATE / DATETIME / TIMESTAMP / BOOLEAN / DECIMAL recognised first.
fn sqlite(t: &str, base: &str, precision: Option<(u32, u32)>) -> Option<(DataType, Wire, bool)> {
    Some(match base {
        "DATE" => (DataType::Date, Wire::Text, false),
        "DATETIME" | "TIMESTAMP" => (DataType::Timestamp, Wire::Text, false),
        "BOOLEAN" | "BOOL" => (DataType::Bool, Wire::I64, false),
        "DECIMAL" | "NUMERIC" => (decimal_of(precision.or_else(|| declared_precision(t))), Wire::Text, false),
        _ if t.contains("INT") => (DataType::Int64, Wire::I64, false),
        _ if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") => (DataType::String, Wire::Text, false),
        _ if t.contains("BLOB") => return None,
        _ if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") => (DataType::Float64, Wire::F64, false),
        // No declared type (an expression in a query) or NUMERIC affinity: text.
        _ => (DataType::String, Wire::Text, false),
    })
}

fn decimal_of(precision: Option<(u32, u32)>) -> DataType {
    match precision {
        Some((p, s)) if (1..=38).contains(&p) && s <= p => DataType::Decimal(p as u8, s as i8),
        Some((p, s)) if p > 38 && s <= 38 => DataType::Decimal(38, s as i8),
        _ => LOOSE_DECIMAL,
    }
}

/// `(p,s)` from a declared type such as `DECIMAL(18,2)` or `NUMERIC(10)`.
fn declared_precision(t: &str) -> Option<(u32, u32)> {
    let inner = t.split_once('(')?.1.split_once(')')?.0;
    let mut parts = inner.split(',').map(|p| p.trim().parse::<u32>());
    let p = parts.next()?.ok()?;
    let s = parts.next().map(|s| s.ok()).unwrap_or(Some(0))?;
    Some((p, s))
}

/// Parses a decimal's text (`-12.345`, `1e3`, `1.5E-2`) into the unscaled
/// integer at `scale`, rounding half away from zero; `None` when it is not a
/// number or does not fit `precision` digits.
pub fn parse_decimal(text: &str, precision: u8, scale: i8) -> Option<i128> {
    let text = text.trim();
    let (neg, body) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i32>().ok()?),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
    // value = digits × 10^(exp - frac.len()); we want value × 10^scale.
    let shift = exp - frac.len() as i32 + i32::from(scale);
    let mut v: i128 = 0;
    let keep = if shift >= 0 { digits.len() } else { digits.len().saturating_sub((-shift) as usize) };
    for d in &digits[..keep] {
        v = v.checked_mul(10)?.checked_add(i128::from(*d))?;
    }
    if shift > 0 {
        v = v.checked_mul(10i128.checked_pow(shift as u32)?)?;
    } else if shift < 0 && keep < digits.len() && digits[keep] >= 5 {
        v += 1;
    }
    if v >= 10i128.checked_pow(u32::from(precision))? {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// Days since 1970-01-01 of `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<i32> {
    let d = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
    i32::try_from((d - epoch).num_days()).ok()
}

/// Nanoseconds since the epoch of `YYYY-MM-DD HH:MM:SS[.ffffff]` (or with
/// `T`; a date alone is midnight). Read as UTC wall-clock time.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let t = text.trim();
    let parsed = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(t, f).ok())
        .or_else(|| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0))?;
    parsed.and_utc().timestamp_nanos_opt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_every_digit_and_round_half_away() {
        assert_eq!(parse_decimal("123.45", 18, 2), Some(12345));
        assert_eq!(parse_decimal("-0.005", 18, 2), Some(-1));
        assert_eq!(parse_decimal("7", 18, 2), Some(700));
        assert_eq!(parse_decimal("1.5E-2", 18, 3), Some(15));
        assert_eq!(parse_decimal("12345678901234567890.12", 38, 2), Some(1234567890123456789012));
        assert_eq!(parse_decimal("1000", 3, 0), None, "does not fit");
        assert_eq!(parse_decimal("NaN", 18, 2), None);
        assert_eq!(parse_decimal("", 18, 2), None);
    }

    #[test]
    fn dates_and_timestamps() {
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_timestamp("1970-01-01 00:00:01.5"), Some(1_500_000_000));
        assert_eq!(parse_timestamp("1970-01-01T00:00:01"), Some(1_000_000_000));
        assert_eq!(parse_timestamp("1970-01-02"), Some(86_400_000_000_000));
        assert_eq!(parse_date("0000-00-00"), None);
    }

    #[test]
    fn types_map_with_precision() {
        let pg = |t, p| map(DbKind::Postgres, t, p).unwrap().0;
        assert_eq!(pg("NUMERIC", Some((18, 2))), DataType::Decimal(18, 2));
        assert_eq!(pg("NUMERIC", None), LOOSE_DECIMAL);
        assert!(map(DbKind::Postgres, "TIMESTAMPTZ", None).unwrap().2);
        assert!(map(DbKind::Postgres, "BYTEA", None).unwrap_err().contains("BYTEA"));
        assert_eq!(map(DbKind::Sqlite, "DECIMAL(10,3)", None).unwrap().0, DataType::Decimal(10, 3));
        assert_eq!(map(DbKind::Sqlite, "DATETIME", None).unwrap().0, DataType::Timestamp);
        assert_eq!(map(DbKind::Sqlite, "VARCHAR(20)", None).unwrap().0, DataType::String);
        assert_eq!(map(DbKind::Mysql, "BIGINT UNSIGNED", None).unwrap().0, DataType::Decimal(20, 0));
        assert_eq!(map(DbKind::Mysql, "DECIMAL", Some((65, 30))).unwrap().0, DataType::Decimal(38, 30));
    }
}
