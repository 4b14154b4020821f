//! What a database behind a connection holds, for the admin's "test
//! connection" and the editor's table and column pickers: reach it (within the
//! connect timeout, never longer), list its tables (capped), list a table's
//! columns in the contract's types. Failures are sentences a user understands
//! ("wrong user name or password", "host not found", ...), never a URL or a
//! password.

use super::connect::{Connection, DbKind};
use super::tables::types;
use sluice_shared::api::connections::TableRef;
use sluice_shared::{DataType, Field};
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection as _};
use std::future::Future;
use std::str::FromStr;

/// How the error for a table that does not exist begins.
pub const NO_TABLE: &str = "no table";

/// The most tables a listing returns; more are cut (`truncated`).
pub const MAX_TABLES: usize = 5000;

/// An open connection of any kind.
enum Conn {
    Pg(PgConnection),
    My(MySqlConnection),
    Lite(SqliteConnection),
}

/// Runs `work` within the connection's connect timeout.
async fn timed<T>(c: &Connection, work: impl Future<Output = Result<T, String>>) -> Result<T, String> {
    match tokio::time::timeout(c.connect_timeout, work).await {
        Ok(r) => r,
        Err(_) => Err(format!("timed out: no answer within {} s", c.connect_timeout.as_secs_f64())),
    }
}

async fn open(c: &Connection) -> Result<Conn, String> {
    let bad = |_| "the connection settings are not valid".to_string();
    Ok(match c.kind {
        DbKind::Postgres => {
            let o = PgConnectOptions::from_str(c.url()).map_err(bad)?;
            Conn::Pg(o.connect().await.map_err(|e| explain(&e, c))?)
        }
        DbKind::Mysql => {
            let o = MySqlConnectOptions::from_str(c.url()).map_err(bad)?;
            Conn::My(o.connect().await.map_err(|e| explain(&e, c))?)
        }
        DbKind::Sqlite => {
            let o = SqliteConnectOptions::from_str(c.url()).map_err(bad)?.read_only(true);
            if !o.get_filename().exists() {
                return Err("the database file does not exist".into());
            }
            Conn::Lite(SqliteConnection::connect_with(&o).await.map_err(|e| explain(&e, c))?)
        }
    })
}

/// Connects, runs `SELECT 1`, and reads the server's version: `Ok("PostgreSQL
/// 15.2")`, or why not, in words.
pub async fn test(c: &Connection) -> Result<String, String> {
    timed(c, async {
        let e = |e: sqlx::Error| explain(&e, c);
        match open(c).await? {
            Conn::Pg(mut x) => {
                let one = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&mut x).await.map_err(e)?;
                let v: String = sqlx::query_scalar("SHOW server_version").fetch_one(&mut x).await.map_err(e)?;
                let _ = x.close().await;
                check_one(one.into(), format!("PostgreSQL {}", first_word(&v)))
            }
            Conn::My(mut x) => {
                let one = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&mut x).await.map_err(e)?;
                let v: String = sqlx::query_scalar("SELECT VERSION()").fetch_one(&mut x).await.map_err(e)?;
                let _ = x.close().await;
                let name = if v.contains("MariaDB") { "MariaDB" } else { "MySQL" };
                check_one(one, format!("{name} {}", v.split('-').next().unwrap_or_default()))
            }
            Conn::Lite(mut x) => {
                let one = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&mut x).await.map_err(e)?;
                let v: String = sqlx::query_scalar("SELECT sqlite_version()").fetch_one(&mut x).await.map_err(e)?;
                let _ = x.close().await;
                check_one(one, format!("SQLite {v}"))
            }
        }
    })
    .await
}

fn check_one(one: i64, version: String) -> Result<String, String> {
    if one == 1 { Ok(version) } else { Err("the server answered `SELECT 1` wrongly".into()) }
}

fn first_word(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or_default()
}

/// Tables and views the connection can read, sorted, at most `cap` (and
/// whether there were more). PostgreSQL's `public` schema and MySQL's own
/// database are the default schema (`schema: None`).
pub async fn tables(c: &Connection, cap: usize) -> Result<(Vec<TableRef>, bool), String> {
    let limit = (cap.min(MAX_TABLES) + 1) as i64;
    timed(c, async {
        let e = |e: sqlx::Error| explain(&e, c);
        let rows: Vec<(Option<String>, String)> = match open(c).await? {
            Conn::Pg(mut x) => sqlx::query_as(
                "SELECT CASE WHEN table_schema = 'public' THEN NULL ELSE table_schema::text END, table_name::text \
                 FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') \
                 AND table_schema NOT LIKE 'pg\\_%' ORDER BY 1 NULLS FIRST, 2 LIMIT $1",
            )
            .bind(limit)
            .fetch_all(&mut x)
            .await
            .map_err(e)?,
            Conn::My(mut x) => sqlx::query_as(
                "SELECT CAST(NULL AS CHAR), CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME LIMIT ?",
            )
            .bind(limit)
            .fetch_all(&mut x)
            .await
            .map_err(e)?,
            Conn::Lite(mut x) => sqlx::query_as(
                "SELECT NULL, name FROM sqlite_master WHERE type IN ('table', 'view') \
                 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name LIMIT $1",
            )
            .bind(limit)
            .fetch_all(&mut x)
            .await
            .map_err(e)?,
        };
        let truncated = rows.len() > cap.min(MAX_TABLES);
        let tables =
            rows.into_iter().take(cap.min(MAX_TABLES)).map(|(schema, name)| TableRef { schema, name }).collect();
        Ok((tables, truncated))
    })
    .await
}

/// `schema.name` or `name` as a [`TableRef`] (no quoting: the catalog compares
/// names as values, never pastes them into SQL).
pub fn table_ref(text: &str) -> TableRef {
    match text.split_once('.') {
        Some((s, n)) if !s.is_empty() => TableRef { schema: Some(s.to_string()), name: n.to_string() },
        _ => TableRef { schema: None, name: text.to_string() },
    }
}

/// The columns of one table in the contract's types (`type: null` where no
/// contract type fits, e.g. binary data). An unknown table is an error.
pub async fn columns(c: &Connection, table: &TableRef) -> Result<Vec<Field>, String> {
    let rows = timed(c, async {
        let e = |e: sqlx::Error| explain(&e, c);
        let rows: Vec<(String, String, Option<i64>, Option<i64>)> = match open(c).await? {
            Conn::Pg(mut x) => sqlx::query_as(
                "SELECT column_name::text, CASE WHEN data_type = 'USER-DEFINED' THEN udt_name::text \
                 ELSE data_type::text END, numeric_precision::int8, numeric_scale::int8 \
                 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 \
                 ORDER BY ordinal_position",
            )
            .bind(table.schema.as_deref().unwrap_or("public"))
            .bind(&table.name)
            .fetch_all(&mut x)
            .await
            .map_err(e)?,
            Conn::My(mut x) => {
                let schema = table.schema.clone();
                sqlx::query_as(
                    "SELECT CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_TYPE AS CHAR), \
                     CAST(NUMERIC_PRECISION AS SIGNED), CAST(NUMERIC_SCALE AS SIGNED) \
                     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) \
                     AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                )
                .bind(schema)
                .bind(&table.name)
                .fetch_all(&mut x)
                .await
                .map_err(e)?
            }
            Conn::Lite(mut x) => {
                sqlx::query_as("SELECT name, type, NULL, NULL FROM pragma_table_info($1) ORDER BY cid")
                    .bind(&table.name)
                    .fetch_all(&mut x)
                    .await
                    .map_err(e)?
            }
        };
        Ok(rows)
    })
    .await?;
    if rows.is_empty() {
        let shown = match &table.schema {
            Some(s) => format!("{s}.{}", table.name),
            None => table.name.clone(),
        };
        return Err(format!("{NO_TABLE} `{shown}` (or it has no columns this user may see)"));
    }
    Ok(rows.into_iter().map(|(name, ty, p, s)| Field::new(name, map_type(c.kind, &ty, p, s))).collect())
}

/// A database column type as a contract type, by the run-time mapping
/// ([`types::map_declared`], the table in docs/tables.md): what a run of a
/// `source.table` reads the column as. Decimals keep precision and scale (an
/// unconstrained PostgreSQL `numeric` becomes `decimal(38,10)`); `None` where
/// a run refuses the column (binary data).
pub fn map_type(kind: DbKind, declared: &str, precision: Option<i64>, scale: Option<i64>) -> Option<DataType> {
    // As a run learns them: both or neither (a negative scale is neither).
    let ps = precision.and_then(|p| u32::try_from(p).ok()).zip(scale.and_then(|s| u32::try_from(s).ok()));
    types::map_declared(kind, declared, ps)
}

/// A driver error as a sentence for the person who set the connection up.
/// Never the URL; the password is scrubbed from anything the server said.
pub fn explain(e: &sqlx::Error, c: &Connection) -> String {
    let text = match e {
        sqlx::Error::Database(db) => database_error(db.as_ref()),
        sqlx::Error::Io(io) => io_error(io),
        sqlx::Error::Tls(_) => "TLS failed: the server does not offer TLS, or its certificate is not trusted".into(),
        sqlx::Error::Configuration(_) => "the connection settings are not valid".into(),
        sqlx::Error::PoolTimedOut => "timed out waiting for a connection".into(),
        sqlx::Error::Protocol(_) => {
            "the server did not answer like this kind of database (check the kind and the port)".into()
        }
        _ => "could not talk to the database".into(),
    };
    scrub(&text, c)
}

fn database_error(db: &dyn sqlx::error::DatabaseError) -> String {
    if let Some(my) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return match my.number() {
            1045 => "wrong user name or password".into(),
            1049 => "the database does not exist".into(),
            1044 => "this user may not use that database".into(),
            3159 | 1129 | 1130 => "the server refuses connections from here for this user".into(),
            n => format!("the database refused: {} (MySQL error {n})", db.message()),
        };
    }
    let msg = db.message();
    match db.code().as_deref() {
        Some("28P01") => "wrong user name or password".into(),
        Some("28000") if msg.contains("no encryption") || msg.contains("SSL off") => {
            "the server requires TLS for this connection: set TLS to `require`".into()
        }
        Some("28000") => "the server does not let this user connect from here (check the user name)".into(),
        Some("3D000") => "the database does not exist".into(),
        Some("42501") => "this user lacks the permission to do that".into(),
        Some("53300") => "the server has too many connections; try again later".into(),
        Some(code) => format!("the database refused: {msg} (SQLSTATE {code})"),
        None => format!("the database refused: {msg}"),
    }
}

fn io_error(io: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let msg = io.to_string();
    match io.kind() {
        K::ConnectionRefused => "connection refused: nothing answers on that host and port".into(),
        K::TimedOut => "timed out: the host does not answer".into(),
        K::HostUnreachable | K::NetworkUnreachable => "the host cannot be reached from the server".into(),
        _ if msg.contains("lookup") || msg.contains("not known") || msg.contains("resolution") => {
            "host not found: check the host name".into()
        }
        K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof => {
            "the server closed the connection (is TLS required, or is this the right port?)".into()
        }
        _ => format!("network error: {}", io.kind()),
    }
}

/// Removes the connection's password (as written and percent-decoded) from a message.
fn scrub(text: &str, c: &Connection) -> String {
    let url = c.url();
    let Some(rest) = url.split_once("://").map(|x| x.1) else { return text.to_string() };
    let Some((auth, _)) = rest.rsplit_once('@') else { return text.to_string() };
    let Some((_, pw)) = auth.split_once(':') else { return text.to_string() };
    let mut out = text.to_string();
    let decoded = percent_encoding::percent_decode_str(pw).decode_utf8_lossy().to_string();
    for p in [pw.to_string(), decoded] {
        if !p.is_empty() {
            out = out.replace(&p, "***");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_types_map_to_contract_types() {
        use DataType::*;
        let pg = |t: &str, p, s| map_type(DbKind::Postgres, t, p, s);
        assert_eq!(pg("numeric", Some(18), Some(2)), Some(Decimal(18, 2)));
        assert_eq!(pg("numeric", None, None), Some(Decimal(38, 10)));
        assert_eq!(pg("timestamp with time zone", None, None), Some(Timestamp));
        assert_eq!(pg("character varying", None, None), Some(String));
        assert_eq!(pg("bigint", Some(64), Some(0)), Some(Int64));
        assert_eq!(pg("bytea", None, None), None);
        let my = |t: &str, p, s| map_type(DbKind::Mysql, t, p, s);
        assert_eq!(my("tinyint(1)", None, None), Some(Bool));
        assert_eq!(my("decimal(12,4)", Some(12), Some(4)), Some(Decimal(12, 4)));
        assert_eq!(my("bigint(20) unsigned", None, None), Some(Decimal(20, 0)));
        assert_eq!(my("datetime(6)", None, None), Some(Timestamp));
        let lite = |t: &str| map_type(DbKind::Sqlite, t, None, None);
        assert_eq!(lite("DECIMAL(10,3)"), Some(Decimal(10, 3)));
        assert_eq!(lite("DATETIME"), Some(Timestamp));
        assert_eq!(lite("VARCHAR(20)"), Some(String));
        assert_eq!(lite("BLOB"), None);
        assert_eq!(table_ref("dw.accounts"), TableRef { schema: Some("dw".into()), name: "accounts".into() });
    }
}
