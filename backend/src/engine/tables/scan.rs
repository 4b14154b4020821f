//! Talking to the database: connect (with the connection's timeout, SQLite
//! read-only), open the read-only transaction, learn a source's columns, and
//! stream the rows of one SELECT as Arrow batches.

use super::dialect::{self, DbKind};
use super::types::{self, Column, Wire};
use crate::engine::connect::Connection;
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampNanosecondBuilder,
};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};
use datafusion::execution::memory_pool::MemoryReservation;
use futures::{Stream, StreamExt};
use sluice_shared::DataType;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlRow};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteRow};
use sqlx::{AssertSqlSafe, Column as _, ConnectOptions, Executor, Row, SqlSafeStr, Statement, TypeInfo, ValueRef};
use std::borrow::Cow;
use std::str::FromStr;

/// Rows per Arrow batch.
pub const BATCH_ROWS: usize = 8192;

/// One open connection.
pub enum Conn {
    Pg(PgConnection),
    My(MySqlConnection),
    Lite(SqliteConnection),
}

/// A database error as users may see it: never the URL or the password.
pub fn scrub(c: &Connection, e: impl std::fmt::Display) -> String {
    let mut text = e.to_string();
    if let Some(pw) = password(c.url())
        && pw.len() >= 2
    {
        text = text.replace(&pw, "***");
    }
    text.replace(c.url(), &c.redacted())
}

fn password(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let auth = rest.rsplit_once('@')?.0;
    Some(auth.split_once(':')?.1.to_string())
}

/// Opens connection `name` and its read-only transaction.
pub async fn connect(name: &str, c: &Connection) -> Result<Conn, String> {
    let fail = |e: String| format!("connection `{name}`: cannot connect: {e}");
    let open = async {
        Ok::<_, sqlx::Error>(match c.kind {
            DbKind::Postgres => Conn::Pg(PgConnectOptions::from_str(c.url())?.connect().await?),
            DbKind::Mysql => Conn::My(MySqlConnectOptions::from_str(c.url())?.connect().await?),
            DbKind::Sqlite => Conn::Lite(
                SqliteConnectOptions::from_str(c.url())?.read_only(true).create_if_missing(false).connect().await?,
            ),
        })
    };
    let mut conn = match tokio::time::timeout(c.connect_timeout, open).await {
        Err(_) => return Err(fail(format!("no answer within {} s", c.connect_timeout.as_secs()))),
        Ok(r) => r.map_err(|e| fail(scrub(c, e)))?,
    };
    for stmt in dialect::begin(c.kind) {
        conn.execute(stmt).await.map_err(|e| format!("connection `{name}`: {}", scrub(c, e)))?;
    }
    Ok(conn)
}

impl Conn {
    async fn execute(&mut self, sql: &'static str) -> Result<(), sqlx::Error> {
        match self {
            Conn::Pg(c) => c.execute(sql).await.map(drop),
            Conn::My(c) => c.execute(sql).await.map(drop),
            Conn::Lite(c) => c.execute(sql).await.map(drop),
        }
    }
}

/// The columns of `SELECT * FROM from`, with `(p, s)` looked up where the
/// statement's metadata leaves them out. `table` is set in table mode.
pub async fn describe(
    conn: &mut Conn,
    from: &str,
    table: Option<&sluice_shared::tables::TableName>,
) -> Result<Vec<(String, String, Option<(u32, u32)>)>, sqlx::Error> {
    let sql = format!("SELECT * FROM {from}");
    Ok(match conn {
        Conn::Pg(c) => {
            let st = c.prepare(AssertSqlSafe(sql).into_sql_str()).await?;
            let cols: Vec<_> = st
                .columns()
                .iter()
                .map(|col| {
                    (
                        col.name().to_string(),
                        col.type_info().name().to_string(),
                        col.relation_id(),
                        col.relation_attribute_no(),
                    )
                })
                .collect();
            let mut out = Vec::with_capacity(cols.len());
            for (name, ty, rel, att) in cols {
                let mut prec = None;
                if let (Some(rel), Some(att), "NUMERIC") = (rel, att, ty.as_str()) {
                    let m: Option<i32> =
                        sqlx::query_scalar("SELECT atttypmod FROM pg_attribute WHERE attrelid = $1 AND attnum = $2")
                            .bind(rel)
                            .bind(att)
                            .fetch_optional(&mut *c)
                            .await?;
                    prec =
                        m.filter(|m| *m >= 4).map(|m| ((((m - 4) >> 16) & 0xffff) as u32, ((m - 4) & 0xffff) as u32));
                }
                out.push((name, ty, prec));
            }
            out
        }
        Conn::My(c) => {
            let st = c.prepare(AssertSqlSafe(sql).into_sql_str()).await?;
            let cols: Vec<(String, String)> =
                st.columns().iter().map(|col| (col.name().to_string(), col.type_info().name().to_string())).collect();
            let mut precs = std::collections::HashMap::new();
            if let Some(t) = table {
                let rows: Vec<(String, Option<u64>, Option<u64>)> = sqlx::query_as(
                    "SELECT CAST(COLUMN_NAME AS CHAR), NUMERIC_PRECISION, NUMERIC_SCALE FROM information_schema.COLUMNS \
                     WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?",
                )
                .bind(t.schema.as_deref())
                .bind(&t.table)
                .fetch_all(&mut *c)
                .await?;
                for (n, p, s) in rows {
                    if let (Some(p), Some(s)) = (p, s) {
                        precs.insert(n, (p as u32, s as u32));
                    }
                }
            }
            cols.into_iter()
                .map(|(n, t)| {
                    let p = precs.get(&n).copied();
                    (n, t, p)
                })
                .collect()
        }
        Conn::Lite(c) => match table {
            Some(t) => {
                let schema =
                    t.schema.as_deref().map(|s| format!("{}.", dialect::quote(DbKind::Sqlite, s))).unwrap_or_default();
                let pragma = format!("PRAGMA {schema}table_info({})", dialect::quote(DbKind::Sqlite, &t.table));
                let rows = sqlx::query(AssertSqlSafe(pragma)).fetch_all(&mut *c).await?;
                if rows.is_empty() {
                    return Err(sqlx::Error::Protocol(format!("no such table: {}", t.table)));
                }
                rows.iter()
                    .map(|r| Ok((r.try_get::<String, _>("name")?, r.try_get::<String, _>("type")?, None)))
                    .collect::<Result<_, sqlx::Error>>()?
            }
            None => {
                let st = c.prepare(AssertSqlSafe(sql).into_sql_str()).await?;
                st.columns()
                    .iter()
                    .map(|col| (col.name().to_string(), col.type_info().name().to_string(), None))
                    .collect()
            }
        },
    })
}

/// Maps described columns to the contract's types; an unreadable type is an
/// error naming the column.
pub fn map_columns(kind: DbKind, described: Vec<(String, String, Option<(u32, u32)>)>) -> Result<Vec<Column>, String> {
    described
        .into_iter()
        .map(|(name, db_type, prec)| {
            let (ty, wire, zoned) = types::map(kind, &db_type, prec).map_err(|e| format!("column `{name}`: {e}"))?;
            Ok(Column { name, db_type, ty, wire, zoned })
        })
        .collect()
}

/// Where a scan's batches go: a channel to the DataFusion stream, each batch
/// first counted in the session's memory pool.
pub struct Out {
    pub tx: tokio::sync::mpsc::Sender<Result<RecordBatch, String>>,
    pub reservation: MemoryReservation,
    pub conn: Connection,
}

impl Out {
    /// Sends one batch (or error); `false` when nobody listens any more.
    pub async fn send(&mut self, b: Result<RecordBatch, String>) -> bool {
        let b = b.and_then(|b| {
            self.reservation.try_resize(b.get_array_memory_size()).map_err(|e| crate::engine::error::clean(&e))?;
            Ok(b)
        });
        self.tx.send(b.map_err(|e| scrub(&self.conn, e))).await.is_ok()
    }
}

/// Runs `sql` and sends its rows as batches of `schema` (whose fields are
/// `cols`, in order) until the rows end or the receiver goes away.
pub async fn pump(conn: &mut Conn, sql: &str, cols: &[Column], schema: SchemaRef, out: &mut Out) {
    let sql = AssertSqlSafe(sql.to_string());
    let result = match conn {
        Conn::Pg(c) => rows_to_batches(sqlx::query(sql).fetch(c), cols, &schema, out).await,
        Conn::My(c) => rows_to_batches(sqlx::query(sql).fetch(c), cols, &schema, out).await,
        Conn::Lite(c) => rows_to_batches(sqlx::query(sql).fetch(c), cols, &schema, out).await,
    };
    if let Err(e) = result {
        out.send(Err(e)).await;
    }
}

async fn rows_to_batches<R: Cells>(
    rows: impl Stream<Item = Result<R, sqlx::Error>>,
    cols: &[Column],
    schema: &SchemaRef,
    send: &mut Out,
) -> Result<(), String> {
    let mut rows = std::pin::pin!(rows);
    let mut builders: Vec<Builder> = cols.iter().map(Builder::new).collect();
    let mut n = 0usize;
    while let Some(row) = rows.next().await {
        let row = row.map_err(|e| e.to_string())?;
        for (i, (b, c)) in builders.iter_mut().zip(cols).enumerate() {
            b.push(c, &row, i).map_err(|e| format!("column `{}`: {e}", c.name))?;
        }
        n += 1;
        if n == BATCH_ROWS {
            if !send.send(finish(schema, &mut builders, n)).await {
                return Ok(());
            }
            n = 0;
        }
    }
    if n > 0 {
        send.send(finish(schema, &mut builders, n)).await;
    }
    Ok(())
}

fn finish(schema: &SchemaRef, builders: &mut [Builder], rows: usize) -> Result<RecordBatch, String> {
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
typed_cells!(PgRow);
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
enum Builder {
    I64(Int64Builder),
    F64(Float64Builder),
    Bool(BooleanBuilder),
    Str(StringBuilder),
    Dec(Decimal128Builder, u8, i8),
    Date(Date32Builder),
    Ts(TimestampNanosecondBuilder),
}

impl Builder {
    fn new(c: &Column) -> Self {
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

    fn push(&mut self, c: &Column, row: &impl Cells, i: usize) -> Result<(), String> {
        let parsed = |text: Option<Cow<'_, str>>, parse: &dyn Fn(&str) -> Option<i128>, what: &str| match text {
            None => Ok(None),
            Some(t) => parse(&t).map(Some).ok_or_else(|| format!("`{}` is not a {what}", shorten(&t))),
        };
        match self {
            Builder::I64(b) => b.append_option(row.int(i)?),
            Builder::F64(b) => b.append_option(row.float(i)?),
            Builder::Bool(b) if c.wire == Wire::Bool => b.append_option(row.boolean(i)?),
            Builder::Bool(b) => b.append_option(row.int(i)?.map(|v| v != 0)),
            Builder::Str(b) => b.append_option(row.text(i)?),
            Builder::Dec(b, p, s) => {
                let (p, s) = (*p, *s);
                let what = format!("decimal({p},{s})");
                b.append_option(parsed(row.text(i)?, &|t| types::parse_decimal(t, p, s), &what)?)
            }
            Builder::Date(b) => b.append_option(
                parsed(row.text(i)?, &|t| types::parse_date(t).map(i128::from), "date")?.map(|v| v as i32),
            ),
            Builder::Ts(b) => b.append_option(
                parsed(row.text(i)?, &|t| types::parse_timestamp(t).map(i128::from), "timestamp")?.map(|v| v as i64),
            ),
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
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
