//! One open connection to the database a table sink writes, whatever its
//! kind. Errors never carry the URL or its password.

use super::super::connect::{Connection, DbKind};
use sluice_shared::tables::TableName;
use sqlx::{AssertSqlSafe, Connection as _, MySqlConnection, PgConnection, SqliteConnection};

pub enum Db {
    Pg(PgConnection),
    My(MySqlConnection),
    Lite(SqliteConnection),
}

/// A bound value of a publish statement.
#[derive(Debug, Clone)]
pub enum Bind {
    Text(String),
    Int(i64),
}

/// A database error as a sentence without secrets.
pub fn scrub(e: &sqlx::Error, conn: &Connection) -> String {
    let text = match e {
        sqlx::Error::Database(d) => d.message().to_string(),
        other => other.to_string(),
    };
    match password(conn.url()) {
        Some(p) if !p.is_empty() => text.replace(p, "***"),
        _ => text,
    }
}

fn password(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let auth = rest.rsplit_once('@')?.0;
    Some(auth.split_once(':')?.1)
}

macro_rules! each {
    ($self:expr, $c:ident => $body:expr) => {
        match $self {
            Db::Pg($c) => $body,
            Db::My($c) => $body,
            Db::Lite($c) => $body,
        }
    };
}

impl Db {
    pub async fn open(conn: &Connection) -> Result<Db, sqlx::Error> {
        let url = conn.url();
        let open = async {
            Ok(match conn.kind {
                DbKind::Postgres => Db::Pg(PgConnection::connect(url).await?),
                DbKind::Mysql => {
                    let mut c = MySqlConnection::connect(url).await?;
                    // Strict: a value that does not fit is an error, never a silent truncation.
                    sqlx::raw_sql(
                        "SET SESSION sql_mode = CONCAT(@@sql_mode, IF(@@sql_mode = '', '', ','), 'STRICT_ALL_TABLES')",
                    )
                    .execute(&mut c)
                    .await?;
                    Db::My(c)
                }
                DbKind::Sqlite => {
                    let opts: sqlx::sqlite::SqliteConnectOptions = url.parse()?;
                    Db::Lite(SqliteConnection::connect_with(&opts.create_if_missing(true)).await?)
                }
            })
        };
        tokio::time::timeout(conn.connect_timeout, open).await.map_err(|_| {
            let m = format!("no connection within {} s", conn.connect_timeout.as_secs());
            sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, m))
        })?
    }

    pub fn kind(&self) -> DbKind {
        match self {
            Db::Pg(_) => DbKind::Postgres,
            Db::My(_) => DbKind::Mysql,
            Db::Lite(_) => DbKind::Sqlite,
        }
    }

    /// Runs one statement without parameters; rows affected.
    pub async fn exec(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_string()));
        each!(self, c => q.execute(&mut *c).await.map(|r| r.rows_affected()))
    }

    /// Runs one statement with bound values; rows affected.
    pub async fn exec_bound(&mut self, sql: &str, binds: &[Bind]) -> Result<u64, sqlx::Error> {
        macro_rules! run {
            ($c:expr) => {{
                let mut q = sqlx::query(AssertSqlSafe(sql.to_string()));
                for b in binds {
                    q = match b {
                        Bind::Text(s) => q.bind(s.clone()),
                        Bind::Int(i) => q.bind(*i),
                    };
                }
                q.execute(&mut *$c).await.map(|r| r.rows_affected())
            }};
        }
        each!(self, c => run!(c))
    }

    /// The single integer a query returns.
    pub async fn scalar(&mut self, sql: &str) -> Result<i64, sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_string());
        each!(self, c => sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut *c).await)
    }

    pub async fn begin(&mut self) -> Result<(), sqlx::Error> {
        let sql = match self.kind() {
            DbKind::Mysql => "START TRANSACTION",
            // Take the write lock at once: the surrogate keys read MAX(sk) first.
            DbKind::Sqlite => "BEGIN IMMEDIATE",
            DbKind::Postgres => "BEGIN",
        };
        self.exec(sql).await.map(drop)
    }

    pub async fn commit(&mut self) -> Result<(), sqlx::Error> {
        self.exec("COMMIT").await.map(drop)
    }

    pub async fn rollback(&mut self) {
        let _ = self.exec("ROLLBACK").await;
    }

    /// The columns of `t` as (name, declared type), in table order; empty when
    /// the table does not exist.
    pub async fn columns(&mut self, t: &TableName) -> Result<Vec<(String, String)>, sqlx::Error> {
        let schema = t.schema.clone();
        let name = t.name.clone();
        match self {
            Db::Pg(c) => {
                let qualified = super::dialect_write::table(DbKind::Postgres, t);
                sqlx::query_as(
                    "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a \
                     WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                )
                .bind(qualified)
                .fetch_all(&mut *c)
                .await
            }
            Db::My(c) => {
                sqlx::query_as(
                    "SELECT CAST(column_name AS CHAR), CAST(column_type AS CHAR) FROM information_schema.columns \
                     WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? ORDER BY ordinal_position",
                )
                .bind(schema)
                .bind(name)
                .fetch_all(&mut *c)
                .await
            }
            Db::Lite(c) => {
                sqlx::query_as("SELECT name, type FROM pragma_table_info(?1, ?2) ORDER BY cid")
                    .bind(name)
                    .bind(schema.unwrap_or_else(|| "main".into()))
                    .fetch_all(&mut *c)
                    .await
            }
        }
    }

    pub async fn close(self) {
        let _ = each!(self, c => c.close().await);
    }
}
