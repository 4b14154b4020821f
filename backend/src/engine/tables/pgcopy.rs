//! PostgreSQL's fast path: `COPY (SELECT ...) TO STDOUT (FORMAT binary)`
//! streamed through sqlx's copy API and decoded straight into Arrow builders
//! (the way ConnectorX reads PostgreSQL). The SELECT is the one
//! `dialect::select` built, so every column arrives as int8, float8, bool or
//! text (see `dialect::select_item`);
//! dates and timestamps arrive in PostgreSQL's binary form.

use super::batch::{Builder, Cells, finish};
use super::scan::{BATCH_ROWS, Out};
use super::types::Column;
use datafusion::arrow::datatypes::SchemaRef;
use futures::StreamExt;
use sqlx::postgres::PgConnection;
use std::borrow::Cow;

const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";
/// Days from 1970-01-01 to PostgreSQL's epoch 2000-01-01.
const PG_EPOCH_DAYS: i32 = 10_957;

/// Runs `select` as a binary COPY and sends its rows as batches.
pub async fn pump(
    c: &mut PgConnection,
    select: &str,
    cols: &[Column],
    schema: &SchemaRef,
    out: &mut Out,
) -> Result<(), String> {
    let stmt = format!("COPY ({select}) TO STDOUT (FORMAT binary)");
    let mut stream = c.copy_out_raw(&stmt).await.map_err(|e| e.to_string())?;
    let mut builders: Vec<Builder> = cols.iter().map(Builder::new).collect();
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
    let mut pos = 0usize;
    let mut header = false;
    let mut rows = 0usize;
    let mut fields: Vec<Option<(usize, usize)>> = Vec::with_capacity(cols.len());
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        buf.drain(..pos);
        pos = 0;
        buf.extend_from_slice(&chunk);
        if !header {
            match read_header(&buf)? {
                Some(n) => {
                    pos = n;
                    header = true;
                }
                None => continue,
            }
        }
        loop {
            match read_tuple(&buf, pos, cols.len(), &mut fields)? {
                Tuple::Incomplete => break,
                Tuple::End => {
                    if rows > 0 {
                        out.send(finish(schema, &mut builders, rows)).await;
                    }
                    return Ok(());
                }
                Tuple::Row(next) => {
                    let t = CopyTuple { buf: &buf, fields: &fields };
                    for (i, (b, col)) in builders.iter_mut().zip(cols).enumerate() {
                        b.push(col, &t, i).map_err(|e| format!("column `{}`: {e}", col.name))?;
                    }
                    pos = next;
                    rows += 1;
                    if rows == BATCH_ROWS {
                        if !out.send(finish(schema, &mut builders, rows)).await {
                            return Ok(());
                        }
                        rows = 0;
                    }
                }
            }
        }
    }
    Err("the COPY stream ended before its trailer".into())
}

fn read_header(buf: &[u8]) -> Result<Option<usize>, String> {
    if buf.len() < SIGNATURE.len() + 8 {
        return Ok(None);
    }
    if &buf[..SIGNATURE.len()] != SIGNATURE {
        return Err("PostgreSQL sent an unexpected COPY header".into());
    }
    let ext = be_u32(&buf[SIGNATURE.len() + 4..]) as usize;
    let end = SIGNATURE.len() + 8 + ext;
    Ok((buf.len() >= end).then_some(end))
}

enum Tuple {
    Incomplete,
    End,
    /// A whole row is in `fields`; the next one starts here.
    Row(usize),
}

/// Reads the tuple at `pos` into `fields` (offset, length; `None` for NULL).
fn read_tuple(buf: &[u8], pos: usize, ncols: usize, fields: &mut Vec<Option<(usize, usize)>>) -> Result<Tuple, String> {
    if buf.len() < pos + 2 {
        return Ok(Tuple::Incomplete);
    }
    let n = i16::from_be_bytes([buf[pos], buf[pos + 1]]);
    if n == -1 {
        return Ok(Tuple::End);
    }
    // `SELECT 1 AS one` stands in for an empty projection.
    if n as usize != ncols.max(1) {
        return Err(format!("PostgreSQL sent {n} fields where {ncols} were asked for"));
    }
    fields.clear();
    let mut at = pos + 2;
    for _ in 0..n {
        if buf.len() < at + 4 {
            return Ok(Tuple::Incomplete);
        }
        let len = i32::from_be_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]]);
        at += 4;
        if len < 0 {
            fields.push(None);
            continue;
        }
        let len = len as usize;
        if buf.len() < at + len {
            return Ok(Tuple::Incomplete);
        }
        fields.push(Some((at, len)));
        at += len;
    }
    fields.truncate(ncols);
    Ok(Tuple::Row(at))
}

fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// One row of a binary COPY: int8, float8 and bool in network order, text as UTF-8.
struct CopyTuple<'a> {
    buf: &'a [u8],
    fields: &'a [Option<(usize, usize)>],
}

impl CopyTuple<'_> {
    fn bytes<const N: usize>(&self, i: usize) -> Result<Option<[u8; N]>, String> {
        match self.fields[i] {
            None => Ok(None),
            Some((at, len)) if len == N => Ok(Some(self.buf[at..at + N].try_into().expect("length checked"))),
            Some((_, len)) => Err(format!("{len} bytes where {N} were expected")),
        }
    }
}

impl Cells for CopyTuple<'_> {
    fn int(&self, i: usize) -> Result<Option<i64>, String> {
        Ok(self.bytes::<8>(i)?.map(i64::from_be_bytes))
    }
    fn float(&self, i: usize) -> Result<Option<f64>, String> {
        Ok(self.bytes::<8>(i)?.map(f64::from_be_bytes))
    }
    fn boolean(&self, i: usize) -> Result<Option<bool>, String> {
        Ok(self.bytes::<1>(i)?.map(|b| b[0] != 0))
    }
    /// PostgreSQL's binary date: int4 days since 2000-01-01.
    fn date(&self, i: usize) -> Result<Option<i32>, String> {
        match self.bytes::<4>(i)?.map(i32::from_be_bytes) {
            Some(i32::MAX | i32::MIN) => Err("infinity is not a date".into()),
            d => Ok(d.map(|d| d.saturating_add(PG_EPOCH_DAYS))),
        }
    }
    /// PostgreSQL's binary timestamp / timestamptz: int8 µs since 2000-01-01 (UTC).
    fn timestamp(&self, i: usize) -> Result<Option<i64>, String> {
        match self.bytes::<8>(i)?.map(i64::from_be_bytes) {
            Some(i64::MAX | i64::MIN) => Err("infinity is not a timestamp".into()),
            None => Ok(None),
            Some(us) => us
                .checked_add(PG_EPOCH_DAYS as i64 * 86_400_000_000)
                .and_then(|us| us.checked_mul(1000))
                .map(Some)
                .ok_or_else(|| "a timestamp outside the years 1677 to 2262".to_string()),
        }
    }
    fn text(&self, i: usize) -> Result<Option<Cow<'_, str>>, String> {
        match self.fields[i] {
            None => Ok(None),
            Some((at, len)) => std::str::from_utf8(&self.buf[at..at + len])
                .map(|s| Some(Cow::Borrowed(s)))
                .map_err(|_| "text that is not UTF-8".to_string()),
        }
    }
}
