//! Talking to the database: connect (with the connection's timeout, SQLite
//! read-only), open the read-only transaction, learn a source's columns, and
//! stream the rows of one SELECT as Arrow batches.

use super::batch::{Builder, Cells, finish};
use super::dialect::{self, DbKind};
use super::types::{self, Column};
use crate::engine::connect::Connection;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::execution::memory_pool::MemoryReservation;
use futures::{Stream, StreamExt};
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, Column as _, ConnectOptions, Executor, Row, SqlSafeStr, Statement, TypeInfo};
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

/// A column as the database describes it: name, type name, `(p, s)` if known.
pub type Described = (String, String, Option<(u32, u32)>);

/// The columns of `SELECT * FROM from`, with `(p, s)` looked up where the
/// statement's metadata leaves them out. `table` is set in table mode.
pub async fn describe(
    conn: &mut Conn,
    from: &str,
    table: Option<&sluice_shared::table_source::TableName>,
) -> Result<Vec<Described>, sqlx::Error> {
    let sql = format!("SELECT * FROM {from}");
    Ok(match conn {
        Conn::Pg(c) => describe_pg(c, sql).await?,
        Conn::My(c) => describe_my(c, sql, table).await?,
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

/// PostgreSQL: the statement's columns, with a NUMERIC column's `(p, s)` read
/// from `pg_attribute` (the statement's metadata leaves it out).
async fn describe_pg(c: &mut PgConnection, sql: String) -> Result<Vec<Described>, sqlx::Error> {
    let st = c.prepare(AssertSqlSafe(sql).into_sql_str()).await?;
    let cols: Vec<_> = st
        .columns()
        .iter()
        .map(|col| {
            (col.name().to_string(), col.type_info().name().to_string(), col.relation_id(), col.relation_attribute_no())
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
            prec = m.filter(|m| *m >= 4).map(|m| ((((m - 4) >> 16) & 0xffff) as u32, ((m - 4) & 0xffff) as u32));
        }
        out.push((name, ty, prec));
    }
    Ok(out)
}

/// MySQL: the statement's columns, with `(p, s)` from `information_schema` in table mode.
async fn describe_my(
    c: &mut MySqlConnection,
    sql: String,
    table: Option<&sluice_shared::table_source::TableName>,
) -> Result<Vec<Described>, sqlx::Error> {
    let st = c.prepare(AssertSqlSafe(sql).into_sql_str()).await?;
    let cols: Vec<(String, String)> =
        st.columns().iter().map(|col| (col.name().to_string(), my_type_name(col.type_info()))).collect();
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
    Ok(cols
        .into_iter()
        .map(|(n, t)| {
            let p = precs.get(&n).copied();
            (n, t, p)
        })
        .collect())
}

/// sqlx names a text column with a binary collation (`utf8mb4_bin`, and
/// MariaDB's `JSON`, a `LONGTEXT` in `utf8mb4_bin`) as binary (`BLOB`,
/// `VARBINARY`); it reads as text all the same (only the `binary` character
/// set is bytes), so it is named as the text type it is.
fn my_type_name(ti: &sqlx::mysql::MySqlTypeInfo) -> String {
    let name = ti.name();
    let text = match name {
        "TINYBLOB" => "TINYTEXT",
        "BLOB" => "TEXT",
        "MEDIUMBLOB" => "MEDIUMTEXT",
        "LONGBLOB" => "LONGTEXT",
        "BINARY" => "CHAR",
        "VARBINARY" => "VARCHAR",
        _ => return name.to_string(),
    };
    let is_text = <str as sqlx::Type<sqlx::MySql>>::compatible(ti);
    if is_text { text } else { name }.to_string()
}

/// Maps described columns to the contract's types; an unreadable type is an
/// error naming the column.
pub fn map_columns(kind: DbKind, described: Vec<Described>) -> Result<Vec<Column>, String> {
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
        Conn::Pg(c) => super::pgcopy::pump(c, &sql.0, cols, &schema, out).await,
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
