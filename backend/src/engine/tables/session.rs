//! One connection per database for all the table sinks of a run. Every sink
//! writing to the same database stages on that connection, and their publish
//! statements run in one transaction there: two sinks into one SQLite file no
//! longer wait on each other's write lock, and the tables of one database
//! commit together (the residual window is only between databases).

use super::db::Db;
use crate::engine::connect::{Connection, DbKind};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::Mutex;

/// An open connection and whether the run's publish transaction is open on it.
pub struct Session {
    pub db: Db,
    in_tx: bool,
}

/// A session shared by the table sinks that write to its database.
pub type Shared = Arc<Mutex<Session>>;

impl Session {
    /// Starts the publish transaction unless an earlier sink already did.
    pub async fn begin_once(&mut self) -> Result<(), sqlx::Error> {
        if !self.in_tx {
            self.db.begin().await?;
            self.in_tx = true;
        }
        Ok(())
    }

    /// Commits the publish transaction; nothing when an earlier sink committed it.
    pub async fn commit_once(&mut self) -> Result<(), sqlx::Error> {
        if self.in_tx {
            self.in_tx = false;
            self.db.commit().await?;
        }
        Ok(())
    }

    /// Empties `table` in the open transaction for mode `replace`: TRUNCATE,
    /// transactional in PostgreSQL and constant time where DELETE visits and
    /// logs every row; DELETE where TRUNCATE is refused (a table a foreign key
    /// references, no TRUNCATE privilege) or would wait over 2 s behind a
    /// reader for its exclusive lock. Either way a rollback restores every row.
    pub async fn empty_pg(&mut self, table: &str) -> Result<(), sqlx::Error> {
        self.db.exec("SAVEPOINT sluice_empty").await?;
        self.db.exec("SET LOCAL lock_timeout = '2s'").await?;
        if self.db.exec(&format!("TRUNCATE {table}")).await.is_ok() {
            self.db.exec("RELEASE SAVEPOINT sluice_empty").await?;
            self.db.exec("SET LOCAL lock_timeout TO DEFAULT").await?;
        } else {
            self.db.exec("ROLLBACK TO SAVEPOINT sluice_empty").await?;
            self.db.exec(&format!("DELETE FROM {table}")).await?;
        }
        Ok(())
    }

    pub async fn rollback(&mut self) {
        self.in_tx = false;
        self.db.rollback().await;
    }
}

/// The sessions of one run, by database (the connection's URL, never shown).
#[derive(Default)]
pub struct Sessions(HashMap<String, Shared>);

impl Sessions {
    /// The session for `conn`'s database, opened on first use.
    pub async fn get(&mut self, conn: &Connection) -> Result<(Shared, DbKind), sqlx::Error> {
        if let Some(s) = self.0.get(conn.url()) {
            return Ok((s.clone(), conn.kind));
        }
        let db = Db::open(conn).await?;
        let s = Arc::new(Mutex::new(Session { db, in_tx: false }));
        self.0.insert(conn.url().to_string(), s.clone());
        Ok((s, conn.kind))
    }
}

/// Closes the connection when `s` is its last user.
pub async fn release(s: Shared) {
    if let Ok(m) = Arc::try_unwrap(s) {
        m.into_inner().db.close().await;
    }
}
