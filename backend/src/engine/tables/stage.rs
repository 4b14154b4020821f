//! Loading a sink's output rows into its staging table: PostgreSQL by `COPY`
//! (text format), MySQL by multi-row `INSERT`s with bound values, SQLite by one
//! prepared `INSERT` per row inside a transaction.

use super::db::Db;
use super::dialect_write::list;
use super::encode::{self, Val};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::StreamExt;
use sqlx::AssertSqlSafe;

/// Why staging stopped.
pub enum StageError {
    /// Computing the rows failed (the graph's plan).
    Plan(datafusion::error::DataFusionError),
    /// A value cannot be written (message names the column).
    Value(String),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StageError {
    fn from(e: sqlx::Error) -> Self {
        StageError::Db(e)
    }
}

/// Rows per MySQL `INSERT` at most (and never more than 65,535 placeholders).
const MYSQL_ROWS: usize = 1000;
/// COPY data is sent in pieces of about this size.
const COPY_CHUNK: usize = 1 << 20;

/// Streams every row of `stream` into `staging` (quoted) with columns `cols`; the row count.
pub async fn load(
    db: &mut Db,
    staging: &str,
    cols: &[&str],
    stream: SendableRecordBatchStream,
) -> Result<u64, StageError> {
    let collist = list(db.kind(), cols);
    match db {
        Db::Pg(c) => copy(c, &format!("COPY {staging} ({collist}) FROM STDIN"), stream).await,
        Db::My(c) => {
            let sql = |n: usize| {
                let one = format!("({})", vec!["?"; cols.len()].join(", "));
                format!("INSERT INTO {staging} ({collist}) VALUES {}", vec![one.as_str(); n].join(", "))
            };
            mysql(c, &sql, cols.len(), stream).await
        }
        Db::Lite(c) => {
            let marks = vec!["?"; cols.len()].join(", ");
            sqlite(c, &format!("INSERT INTO {staging} ({collist}) VALUES ({marks})"), stream).await
        }
    }
}

/// PostgreSQL: one `COPY ... FROM STDIN` in text format, sent in pieces.
async fn copy(
    c: &mut sqlx::PgConnection,
    statement: &str,
    mut stream: SendableRecordBatchStream,
) -> Result<u64, StageError> {
    let mut copy = c.copy_in_raw(statement).await?;
    let mut buf = Vec::with_capacity(COPY_CHUNK + 4096);
    let mut rows = 0u64;
    while let Some(batch) = stream.next().await {
        let cells = match batch
            .map_err(StageError::Plan)
            .and_then(|b| encode::columns(&b).map(|c| (b, c)).map_err(StageError::Value))
        {
            Ok(ok) => ok,
            Err(e) => {
                let _ = copy.abort("the rows could not be computed").await;
                return Err(e);
            }
        };
        let (batch, cells) = cells;
        for r in 0..batch.num_rows() {
            for (i, col) in cells.iter().enumerate() {
                if i > 0 {
                    buf.push(b'\t');
                }
                col.copy_cell(r, &mut buf);
            }
            buf.push(b'\n');
            if buf.len() >= COPY_CHUNK {
                copy.send(std::mem::take(&mut buf)).await?;
                buf.reserve(COPY_CHUNK + 4096);
            }
        }
        rows += batch.num_rows() as u64;
    }
    if !buf.is_empty() {
        copy.send(buf).await?;
    }
    copy.finish().await?;
    Ok(rows)
}

/// MySQL: multi-row `INSERT`s of at most [`MYSQL_ROWS`] rows, 65,535
/// placeholders and half of `max_allowed_packet`.
async fn mysql(
    c: &mut sqlx::MySqlConnection,
    sql: &(dyn Fn(usize) -> String + Sync),
    ncols: usize,
    mut stream: SendableRecordBatchStream,
) -> Result<u64, StageError> {
    let packet = sqlx::query_scalar::<_, i64>("SELECT CAST(@@max_allowed_packet AS SIGNED)").fetch_one(&mut *c).await?;
    let budget = usize::try_from(packet).unwrap_or(4 << 20) / 2;
    let per = MYSQL_ROWS.min(65_535 / ncols.max(1)).max(1);
    let mut pending: Vec<Vec<Val<'static>>> = Vec::with_capacity(per);
    let (mut bytes, mut rows) = (0usize, 0u64);
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(StageError::Plan)?;
        for row in owned_rows(&batch)? {
            bytes += row.iter().map(size_of_val).sum::<usize>();
            pending.push(row);
            if pending.len() >= per || bytes >= budget {
                rows += mysql_insert(c, &sql(pending.len()), &mut pending).await?;
                bytes = 0;
            }
        }
    }
    if !pending.is_empty() {
        rows += mysql_insert(c, &sql(pending.len()), &mut pending).await?;
    }
    Ok(rows)
}

/// SQLite: one prepared `INSERT` per row, all in one transaction.
async fn sqlite(
    c: &mut sqlx::SqliteConnection,
    sql: &str,
    mut stream: SendableRecordBatchStream,
) -> Result<u64, StageError> {
    let mut rows = 0u64;
    sqlx::raw_sql("BEGIN").execute(&mut *c).await?;
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(StageError::Plan)?;
        let cells = encode::columns(&batch).map_err(StageError::Value)?;
        for r in 0..batch.num_rows() {
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for col in &cells {
                q = match col.get(r) {
                    Val::Null => q.bind(None::<String>),
                    Val::Int(i) => q.bind(i),
                    Val::Float(f) => q.bind(f),
                    Val::Formatted(s) => q.bind(s),
                    Val::Text(s) => q.bind(s.to_string()),
                    Val::Bool(b) => q.bind(i64::from(b)),
                };
            }
            q.execute(&mut *c).await?;
        }
        rows += batch.num_rows() as u64;
    }
    sqlx::raw_sql("COMMIT").execute(&mut *c).await?;
    Ok(rows)
}

fn size_of_val(v: &Val) -> usize {
    match v {
        Val::Formatted(s) => s.len() + 8,
        Val::Text(s) => s.len() + 8,
        _ => 9,
    }
}

/// The rows of a batch with owned text (they outlive the batch in a MySQL batch).
fn owned_rows(batch: &RecordBatch) -> Result<Vec<Vec<Val<'static>>>, StageError> {
    let cells = encode::columns(batch).map_err(StageError::Value)?;
    let names = batch.schema();
    let mut out = Vec::with_capacity(batch.num_rows());
    for r in 0..batch.num_rows() {
        let mut row = Vec::with_capacity(cells.len());
        for (i, col) in cells.iter().enumerate() {
            row.push(match col.get(r) {
                Val::Text(s) => Val::Formatted(s.to_string()),
                Val::Float(f) if !f.is_finite() => {
                    return Err(StageError::Value(format!(
                        "column `{}`: {f} cannot be stored in MySQL",
                        names.field(i).name()
                    )));
                }
                Val::Null => Val::Null,
                Val::Int(i) => Val::Int(i),
                Val::Float(f) => Val::Float(f),
                Val::Formatted(s) => Val::Formatted(s),
                Val::Bool(b) => Val::Bool(b),
            });
        }
        out.push(row);
    }
    Ok(out)
}

async fn mysql_insert(
    c: &mut sqlx::MySqlConnection,
    sql: &str,
    rows: &mut Vec<Vec<Val<'static>>>,
) -> Result<u64, sqlx::Error> {
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for row in rows.drain(..) {
        for v in row {
            q = match v {
                Val::Null => q.bind(None::<String>),
                Val::Int(i) => q.bind(i),
                Val::Float(f) => q.bind(f),
                Val::Formatted(s) => q.bind(s),
                Val::Text(s) => q.bind(s.to_string()),
                Val::Bool(b) => q.bind(b),
            };
        }
    }
    Ok(q.execute(c).await?.rows_affected())
}
