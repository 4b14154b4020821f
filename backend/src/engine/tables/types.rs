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

/// The contract's type of a column as a catalog declares it (PostgreSQL
/// `information_schema.columns.udt_name` or `data_type`, MySQL `COLUMN_TYPE`,
/// SQLite's declared type), by [`map`]'s rules: the declared name is spelled
/// as the driver names the column when a read describes it, so the editor's
/// column pickers show what a run reads. `None` where a run refuses the column.
pub fn map_declared(kind: DbKind, declared: &str, precision: Option<(u32, u32)>) -> Option<DataType> {
    map(kind, &driver_name(kind, declared), precision).ok().map(|(ty, _, _)| ty)
}

/// A declared type as sqlx's `TypeInfo::name` names it when it describes a
/// SELECT of the column (SQLite: table reads use the declared type itself).
fn driver_name(kind: DbKind, declared: &str) -> String {
    let t = declared.trim().to_ascii_uppercase();
    let base = t.split(['(', ' ']).next().unwrap_or_default();
    let unsigned = t.ends_with(" UNSIGNED") || t.contains(" UNSIGNED ");
    match kind {
        DbKind::Sqlite => t,
        // `TIMESTAMP(3) WITH TIME ZONE` is read as `TIMESTAMPTZ`.
        DbKind::Postgres if base == "TIMESTAMP" && t.ends_with(" WITH TIME ZONE") => "TIMESTAMPTZ".into(),
        DbKind::Postgres if base == "TIMESTAMP" => "TIMESTAMP".into(),
        DbKind::Postgres => t,
        // sqlx: a one-digit TINYINT is BOOLEAN, unsigned integers say so, every spatial type is GEOMETRY.
        DbKind::Mysql if t.starts_with("TINYINT(1)") || base == "BOOL" || base == "BOOLEAN" => "BOOLEAN".into(),
        DbKind::Mysql if MYSQL_SPATIAL.contains(&base) => "GEOMETRY".into(),
        DbKind::Mysql if MYSQL_INTS.contains(&base) && unsigned => format!("{base} UNSIGNED"),
        DbKind::Mysql if base == "DECIMAL" || base == "NUMERIC" => t.split(' ').next().unwrap_or_default().into(),
        DbKind::Mysql => base.to_string(),
    }
}

const MYSQL_INTS: [&str; 5] = ["TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT"];
const MYSQL_SPATIAL: [&str; 8] = [
    "GEOMETRY",
    "POINT",
    "LINESTRING",
    "POLYGON",
    "MULTIPOINT",
    "MULTILINESTRING",
    "MULTIPOLYGON",
    "GEOMETRYCOLLECTION",
];

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
    use crate::engine::dbmeta::map_type;

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

    /// A type as the catalog declares it, its precision and scale, and the
    /// driver's name for it when a run describes the column.
    type Row = (&'static str, Option<(i64, i64)>, &'static str);

    const PG_TYPES: &[Row] = &[
        ("smallint", Some((16, 0)), "INT2"),
        ("integer", Some((32, 0)), "INT4"),
        ("bigint", Some((64, 0)), "INT8"),
        ("oid", None, "OID"),
        ("real", None, "FLOAT4"),
        ("double precision", None, "FLOAT8"),
        ("numeric", Some((18, 2)), "NUMERIC"),
        ("numeric", None, "NUMERIC"),
        ("numeric", Some((50, 10)), "NUMERIC"),
        ("numeric", Some((60, 45)), "NUMERIC"),
        ("boolean", None, "BOOL"),
        ("date", None, "DATE"),
        ("timestamp without time zone", None, "TIMESTAMP"),
        ("timestamp with time zone", None, "TIMESTAMPTZ"),
        ("character varying", None, "VARCHAR"),
        ("character", None, "BPCHAR"),
        ("text", None, "TEXT"),
        ("uuid", None, "UUID"),
        ("jsonb", None, "JSONB"),
        ("interval", None, "INTERVAL"),
        ("time without time zone", None, "TIME"),
        ("bit", None, "BIT"),
        ("bit varying", None, "VARBIT"),
        ("ARRAY", None, "INT4[]"),
        ("mood", None, "mood"),
        ("bytea", None, "BYTEA"),
    ];
    const MYSQL_TYPES: &[Row] = &[
        ("tinyint(4)", None, "TINYINT"),
        ("tinyint(1)", None, "BOOLEAN"),
        ("tinyint(3) unsigned", None, "TINYINT UNSIGNED"),
        ("smallint(6)", None, "SMALLINT"),
        ("mediumint(9)", None, "MEDIUMINT"),
        ("int(11)", None, "INT"),
        ("int(10) unsigned", None, "INT UNSIGNED"),
        ("bigint(20)", None, "BIGINT"),
        ("bigint(20) unsigned", None, "BIGINT UNSIGNED"),
        ("year(4)", None, "YEAR"),
        ("float", None, "FLOAT"),
        ("double", None, "DOUBLE"),
        ("decimal(12,4)", Some((12, 4)), "DECIMAL"),
        ("decimal(65,30)", Some((65, 30)), "DECIMAL"),
        ("date", None, "DATE"),
        ("datetime(6)", None, "DATETIME"),
        ("timestamp", None, "TIMESTAMP"),
        ("time", None, "TIME"),
        ("varchar(20)", None, "VARCHAR"),
        ("char(3)", None, "CHAR"),
        ("text", None, "TEXT"),
        ("longtext", None, "LONGTEXT"),
        ("enum('a','b')", None, "ENUM"),
        ("json", None, "JSON"),
        ("blob", None, "BLOB"),
        ("varbinary(8)", None, "VARBINARY"),
        ("binary(16)", None, "BINARY"),
        ("bit(1)", None, "BIT"),
        ("bit(8)", None, "BIT"),
        ("point", None, "GEOMETRY"),
        ("geometry", None, "GEOMETRY"),
    ];

    /// The catalog (what the editor's pickers show) and a run (what a
    /// `source.table` reads) agree on every type: each row is a type as the
    /// catalog declares it, with its precision and scale, and as the driver
    /// names it when a run describes the column (sqlx's `TypeInfo::name`).
    #[test]
    fn the_catalog_and_a_run_read_every_type_alike() {
        // SQLite: a table read describes the column by its declared type too.
        let lite: Vec<Row> = [
            "DECIMAL(10,3)",
            "DECIMAL",
            "NUMERIC",
            "DATETIME",
            "DATE",
            "INTEGER",
            "BIGINT",
            "VARCHAR(20)",
            "BLOB",
            "",
            "BOOLEAN",
            "DOUBLE",
            "REAL",
            "MONEY",
            "TEXT",
        ]
        .into_iter()
        .map(|t| (t, None, t))
        .collect();
        for (kind, rows) in [(DbKind::Postgres, PG_TYPES), (DbKind::Mysql, MYSQL_TYPES), (DbKind::Sqlite, &lite[..])] {
            for &(declared, ps, driver) in rows {
                let catalog = map_type(kind, declared, ps.map(|x| x.0), ps.map(|x| x.1));
                let run_ps =
                    ps.map(|(p, s)| (p as u32, s as u32)).filter(|_| driver == "NUMERIC" || driver == "DECIMAL");
                let run = map(kind, driver, run_ps).ok().map(|(ty, _, _)| ty);
                assert_eq!(catalog, run, "{kind:?} `{declared}` (read as {driver})");
            }
        }
        // Where the two used to differ, the run's answer.
        use DataType::*;
        assert_eq!(map_type(DbKind::Postgres, "numeric", Some(50), Some(10)), Some(Decimal(38, 10)));
        assert_eq!(map_type(DbKind::Mysql, "decimal(65,30)", Some(65), Some(30)), Some(Decimal(38, 30)));
        assert_eq!(map_type(DbKind::Postgres, "oid", Some(32), Some(0)), Some(Int64));
        assert_eq!(map_type(DbKind::Postgres, "ARRAY", None, None), Some(String));
        assert_eq!(map_type(DbKind::Mysql, "bit(1)", None, None), None);
        assert_eq!(map_type(DbKind::Mysql, "point", None, None), None);
        assert_eq!(map_type(DbKind::Sqlite, "NUMERIC", None, None), Some(Decimal(38, 10)));
        assert_eq!(map_type(DbKind::Sqlite, "", None, None), Some(String));
    }

    /// A table a sink creates reads back, in the catalog and in a run, as the
    /// types it was created from (docs/tables.md, "Writing tables").
    #[test]
    fn created_tables_read_back_as_their_types() {
        use super::super::dialect_write::column_type;
        let all = [
            DataType::Int64,
            DataType::Float64,
            DataType::Decimal(18, 2),
            DataType::Decimal(38, 0),
            DataType::String,
            DataType::Bool,
            DataType::Date,
            DataType::Timestamp,
        ];
        for kind in [DbKind::Postgres, DbKind::Mysql, DbKind::Sqlite] {
            for ty in all {
                for indexed in [false, true] {
                    let created = column_type(kind, ty, indexed);
                    assert_eq!(map_type(kind, &created, None, None), Some(ty), "{kind:?} {created}");
                }
            }
        }
    }
}
