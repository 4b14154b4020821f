//! SQL text per database: quoted identifiers, the select list that brings each
//! column to its wire form, the read-only transaction, and filters translated
//! with DataFusion's unparser where the database gives the same answer.

use super::types::{Column, Wire};
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{BinaryExpr, Expr, Operator, TableProviderFilterPushDown as Push};
use datafusion::sql::unparser::Unparser;
use datafusion::sql::unparser::dialect::{MySqlDialect, PostgreSqlDialect, SqliteDialect};
use sluice_shared::DataType;
use sluice_shared::table_source::TableName;

pub use super::super::connect::DbKind;

/// `ident` quoted for `kind` (the quote character doubled inside).
pub fn quote(kind: DbKind, ident: &str) -> String {
    match kind {
        DbKind::Mysql => format!("`{}`", ident.replace('`', "``")),
        DbKind::Postgres | DbKind::Sqlite => format!("\"{}\"", ident.replace('"', "\"\"")),
    }
}

/// A table name, each part quoted.
pub fn quote_table(kind: DbKind, t: &TableName) -> String {
    match &t.schema {
        Some(s) => format!("{}.{}", quote(kind, s), quote(kind, &t.table)),
        None => quote(kind, &t.table),
    }
}

/// The statements that open the read-only transaction every read runs in.
/// PostgreSQL and MySQL also get UTC and ISO text forms for dates.
pub fn begin(kind: DbKind) -> &'static [&'static str] {
    match kind {
        DbKind::Postgres => &["BEGIN READ ONLY", "SET LOCAL TimeZone = 'UTC'", "SET LOCAL DateStyle = 'ISO, YMD'"],
        DbKind::Mysql => &[
            "SET SESSION time_zone = '+00:00'",
            "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')",
            "START TRANSACTION READ ONLY",
        ],
        // The file is opened read-only (`mode=ro`); BEGIN gives one snapshot.
        DbKind::Sqlite => &["BEGIN"],
    }
}

/// The select-list item that reads `c` in its wire form, named as the column.
pub fn select_item(kind: DbKind, c: &Column) -> String {
    let q = quote(kind, &c.name);
    let expr = match (kind, c.wire) {
        // SQLite values are checked one by one by their storage class.
        (DbKind::Sqlite, _) => q.clone(),
        (DbKind::Postgres, Wire::I64) if c.db_type == "INT8" => q.clone(),
        (DbKind::Postgres, Wire::I64) => format!("CAST({q} AS BIGINT)"),
        (DbKind::Postgres, Wire::F64) if c.db_type == "FLOAT8" => q.clone(),
        (DbKind::Postgres, Wire::F64) => format!("CAST({q} AS DOUBLE PRECISION)"),
        (DbKind::Postgres, Wire::Bool) => q.clone(),
        (DbKind::Postgres, Wire::Text) if is_text(&c.db_type) => q.clone(),
        // Binary COPY carries these as integers (see `pgcopy`).
        (DbKind::Postgres, Wire::Text) if matches!(c.db_type.as_str(), "DATE" | "TIMESTAMP" | "TIMESTAMPTZ") => {
            q.clone()
        }
        (DbKind::Postgres, Wire::Text) => format!("CAST({q} AS TEXT)"),
        (DbKind::Mysql, Wire::I64 | Wire::Bool) => format!("CAST({q} AS SIGNED)"),
        (DbKind::Mysql, Wire::F64) => format!("CAST({q} AS DOUBLE)"),
        (DbKind::Mysql, Wire::Text) if is_text(&c.db_type) => q.clone(),
        (DbKind::Mysql, Wire::Text) => format!("CAST({q} AS CHAR)"),
    };
    format!("{expr} AS {q}")
}

fn is_text(db_type: &str) -> bool {
    matches!(db_type, "TEXT" | "VARCHAR" | "BPCHAR" | "CHAR" | "NAME" | "TINYTEXT" | "MEDIUMTEXT" | "LONGTEXT")
}

/// How far `kind` can evaluate `e` exactly as DataFusion would. `Inexact`:
/// the database keeps a superset (case-insensitive collations), DataFusion
/// filters again. Anything not listed stays in DataFusion.
pub fn support(kind: DbKind, cols: &[Column], e: &Expr) -> Push {
    match e {
        Expr::BinaryExpr(BinaryExpr { left, op: op @ (Operator::And | Operator::Or), right }) => {
            let (l, r) = (support(kind, cols, left), support(kind, cols, right));
            match (l, r) {
                (Push::Unsupported, _) | (_, Push::Unsupported) => Push::Unsupported,
                (Push::Exact, Push::Exact) => Push::Exact,
                // An OR of a superset with anything is a superset; so is an AND.
                _ => {
                    let _ = op;
                    Push::Inexact
                }
            }
        }
        Expr::BinaryExpr(BinaryExpr { left, op, right }) => match (column(cols, left), column(cols, right)) {
            (Some(c), None) if literal_ok(kind, right) => compare(kind, c, *op),
            (None, Some(c)) if literal_ok(kind, left) => compare(kind, c, *op),
            _ => Push::Unsupported,
        },
        Expr::IsNull(x) | Expr::IsNotNull(x) if column(cols, x).is_some() => Push::Exact,
        Expr::Not(x) => match support(kind, cols, x) {
            Push::Exact => Push::Exact,
            _ => Push::Unsupported,
        },
        Expr::InList(l) => match column(cols, &l.expr) {
            Some(c) if l.list.iter().all(|v| literal_ok(kind, v)) => {
                compare(kind, c, if l.negated { Operator::NotEq } else { Operator::Eq })
            }
            _ => Push::Unsupported,
        },
        Expr::Between(b) => match column(cols, &b.expr) {
            Some(c) if literal_ok(kind, &b.low) && literal_ok(kind, &b.high) => compare(kind, c, Operator::Lt),
            _ => Push::Unsupported,
        },
        Expr::Like(l) if !l.negated && l.escape_char.is_none() && !l.case_insensitive => {
            let pattern_ok =
                matches!(&*l.pattern, Expr::Literal(ScalarValue::Utf8(Some(p)), _) if !p.contains(['\\', '\0']));
            match column(cols, &l.expr) {
                Some(c) if pattern_ok && c.ty == DataType::String => match kind {
                    DbKind::Postgres => Push::Exact,
                    // Case-insensitive there: the database keeps more rows.
                    DbKind::Mysql | DbKind::Sqlite => Push::Inexact,
                },
                _ => Push::Unsupported,
            }
        }
        _ => Push::Unsupported,
    }
}

/// A comparison between a column and a literal.
fn compare(kind: DbKind, c: &Column, op: Operator) -> Push {
    use Operator::*;
    let ordering = matches!(op, Lt | LtEq | Gt | GtEq);
    if !matches!(op, Eq | NotEq | Lt | LtEq | Gt | GtEq) {
        return Push::Unsupported;
    }
    match (c.ty, kind) {
        (DataType::Int64, _) => Push::Exact,
        // Only 8-byte floats: a PostgreSQL `real` compares in single precision.
        (DataType::Float64, DbKind::Sqlite) => Push::Exact,
        (DataType::Float64, _) if matches!(c.db_type.as_str(), "FLOAT8" | "DOUBLE") => Push::Exact,
        // SQLite keeps "decimals" as binary floats.
        (DataType::Decimal(..), DbKind::Postgres | DbKind::Mysql) => Push::Exact,
        (DataType::Bool, DbKind::Postgres) => Push::Exact,
        (DataType::Date | DataType::Timestamp, DbKind::Postgres | DbKind::Mysql) => Push::Exact,
        (DataType::String, DbKind::Postgres) if !ordering => Push::Exact,
        // Collations may ignore case (MySQL) or be declared NOCASE (SQLite):
        // equality keeps a superset, anything else could drop rows.
        (DataType::String, DbKind::Mysql | DbKind::Sqlite) if op == Eq => Push::Inexact,
        _ => Push::Unsupported,
    }
}

/// The column `e` refers to, if `e` is a plain column of this source whose name
/// is identifier text (so the unparser's quoting is enough).
fn column<'a>(cols: &'a [Column], e: &Expr) -> Option<&'a Column> {
    let Expr::Column(c) = e else { return None };
    sluice_shared::table_source::check_ident(&c.name).ok()?;
    cols.iter().find(|col| col.name == c.name)
}

fn literal_ok(kind: DbKind, e: &Expr) -> bool {
    let Expr::Literal(v, _) = e else { return false };
    if v.is_null() {
        return false;
    }
    match v {
        ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)) => {
            // No backslashes: MySQL may read them as escapes.
            !(s.contains('\0') || kind == DbKind::Mysql && s.contains('\\'))
        }
        ScalarValue::Int8(_)
        | ScalarValue::Int16(_)
        | ScalarValue::Int32(_)
        | ScalarValue::Int64(_)
        | ScalarValue::UInt8(_)
        | ScalarValue::UInt16(_)
        | ScalarValue::UInt32(_)
        | ScalarValue::Boolean(_)
        | ScalarValue::Decimal128(..)
        | ScalarValue::Date32(_) => true,
        ScalarValue::Float64(Some(f)) => f.is_finite(),
        ScalarValue::TimestampNanosecond(_, None) | ScalarValue::TimestampMicrosecond(_, None) => true,
        _ => false,
    }
}

/// The SQL text of a filter `support` accepted, without table qualifiers.
pub fn filter_sql(kind: DbKind, e: &Expr) -> Option<String> {
    use datafusion::common::tree_node::{Transformed, TreeNode};
    let bare = e
        .clone()
        .transform(|x| {
            Ok(match x {
                Expr::Column(mut c) if c.relation.is_some() => {
                    c.relation = None;
                    Transformed::yes(Expr::Column(c))
                }
                other => Transformed::no(other),
            })
        })
        .ok()?
        .data;
    let sql = match kind {
        DbKind::Postgres => Unparser::new(&PostgreSqlDialect {}).expr_to_sql(&bare),
        DbKind::Mysql => Unparser::new(&MySqlDialect {}).expr_to_sql(&bare),
        DbKind::Sqlite => Unparser::new(&SqliteDialect {}).expr_to_sql(&bare),
    };
    sql.ok().map(|s| s.to_string())
}

/// The SELECT a scan sends: the projected columns in wire form from `from`
/// (a quoted table, or `(query) AS q`), the pushed-down filters and limit.
pub fn select(kind: DbKind, cols: &[&Column], from: &str, filters: &[String], limit: Option<usize>) -> String {
    let list = if cols.is_empty() {
        "1 AS one".to_string()
    } else {
        cols.iter().map(|c| select_item(kind, c)).collect::<Vec<_>>().join(", ")
    };
    let mut sql = format!("SELECT {list} FROM {from}");
    if !filters.is_empty() {
        let parts: Vec<String> = filters.iter().map(|f| format!("({f})")).collect();
        sql.push_str(&format!(" WHERE {}", parts.join(" AND ")));
    }
    if let Some(n) = limit {
        sql.push_str(&format!(" LIMIT {n}"));
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::{col, lit};

    fn cols() -> Vec<Column> {
        let c =
            |name: &str, db: &str, ty, wire| Column { name: name.into(), db_type: db.into(), ty, wire, zoned: false };
        vec![
            c("n", "INT4", DataType::Int64, Wire::I64),
            c("s", "TEXT", DataType::String, Wire::Text),
            c("r", "FLOAT4", DataType::Float64, Wire::F64),
            c("x", "FLOAT8", DataType::Float64, Wire::F64),
        ]
    }

    #[test]
    fn filters_push_only_what_the_database_answers_the_same() {
        let cs = cols();
        assert_eq!(support(DbKind::Postgres, &cs, &col("n").gt(lit(5i64))), Push::Exact);
        assert_eq!(support(DbKind::Postgres, &cs, &col("r").gt(lit(1.1f64))), Push::Unsupported, "real");
        assert_eq!(support(DbKind::Postgres, &cs, &col("x").gt(lit(1.1f64))), Push::Exact, "double precision");
        assert_eq!(support(DbKind::Mysql, &cs, &col("s").eq(lit("a"))), Push::Inexact);
        assert_eq!(support(DbKind::Mysql, &cs, &col("s").lt(lit("a"))), Push::Unsupported);
        assert_eq!(support(DbKind::Mysql, &cs, &col("s").eq(lit("a\\"))), Push::Unsupported);
        assert_eq!(support(DbKind::Postgres, &cs, &(col("n") + lit(1i64)).gt(lit(5i64))), Push::Unsupported);
        assert_eq!(filter_sql(DbKind::Postgres, &col("n").gt(lit(5i64))).unwrap(), "(\"n\" > 5)");
        assert!(filter_sql(DbKind::Mysql, &col("s").eq(lit("it's"))).unwrap().contains("'it''s'"));
    }

    #[test]
    fn names_are_quoted_never_pasted() {
        let t = TableName { schema: Some("core".into()), table: "x\"y".into() };
        assert_eq!(quote_table(DbKind::Postgres, &t), "\"core\".\"x\"\"y\"");
        assert_eq!(quote(DbKind::Mysql, "a`b"), "`a``b`");
        let c = cols();
        let sql = select(DbKind::Postgres, &[&c[0]], "\"t\"", &["\"n\" > 5".into()], Some(5));
        assert_eq!(sql, "SELECT CAST(\"n\" AS BIGINT) AS \"n\" FROM \"t\" WHERE (\"n\" > 5) LIMIT 5");
    }
}
