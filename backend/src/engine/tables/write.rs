//! `sink.table`: stage a sink's rows into a temporary table on its own
//! connection ([`stage`]), then, once every sink of the run has staged, apply
//! the mode in one transaction per table ([`StagedTable::apply`]) and commit
//! ([`StagedTable::commit`]). A failure before the commit rolls back; the
//! temporary table dies with its connection whatever happens.

use super::db::{Bind, scrub};
use super::dialect_write::{self as sql, ColumnDef, ModeSql};
use super::session::{self, Sessions, Shared};
use super::stage::{self, StageError};
use super::target::{self, Family};
use crate::engine::connect::{Connection, Connections, DbKind};
use crate::engine::error::EngineError;
use crate::engine::types::from_arrow;
use datafusion::prelude::DataFrame;
use sluice_shared::tables::{SCD2_COLUMNS, TableMode, TableSink, resolve_table_name};
use sluice_shared::{DataType, ParamValue};
use std::collections::BTreeMap;

/// A table sink whose rows wait in a staging table.
pub struct StagedTable {
    pub node: String,
    /// `<connection>.<table>`, for messages (never the URL).
    pub label: String,
    pub rows: u64,
    cfg: TableSink,
    conn: Connection,
    /// The connection this sink shares with every sink writing to the same database.
    db: Shared,
    kind: DbKind,
    target: String,
    staging: String,
    /// Output columns by the table's spelling, with their types.
    cols: Vec<(String, DataType)>,
    /// Output column name → the table's spelling of it.
    spelling: BTreeMap<String, String>,
    /// `None` when the table exists, else the statement creating it.
    create: Option<String>,
    as_of: Option<String>,
    created_outside: bool,
}

/// Stages `df` for the table sink `node`.
pub async fn stage(
    node: &str,
    cfg: &TableSink,
    df: DataFrame,
    conns: &Connections,
    params: &BTreeMap<String, ParamValue>,
    sessions: &mut Sessions,
) -> Result<StagedTable, EngineError> {
    let texts: BTreeMap<String, String> = params.iter().map(|(k, v)| (k.clone(), v.as_text())).collect();
    let name = resolve_table_name(&cfg.table, &texts).map_err(|e| EngineError::invalid(node, Some("table"), e))?;
    let fail = |m: String| EngineError::failed(node, m);
    let conn = conns
        .get(&cfg.connection)
        .ok_or_else(|| fail(format!("connection `{}` is not defined here", cfg.connection)))?
        .clone();
    if conn.read_only {
        return Err(fail(format!(
            "connection `{}` is read-only; a table sink cannot write through it",
            cfg.connection
        )));
    }
    let label = format!("{}.{name}", cfg.connection);
    let mut out = Vec::new();
    for f in df.schema().fields() {
        let ty = from_arrow(f.data_type()).ok_or_else(|| {
            fail(format!("column `{}` has type {} which a table cannot hold", f.name(), f.data_type()))
        })?;
        out.push((f.name().clone(), ty));
    }
    let as_of = match (&cfg.mode, &cfg.as_of) {
        (TableMode::Scd2, Some(text)) => {
            Some(super::as_of::eval(text, params).await.map_err(|e| EngineError::failed(node, format!("as_of: {e}")))?)
        }
        _ => None,
    };
    let db_err = |e: sqlx::Error| fail(format!("table `{label}`: {}", scrub(&e, &conn)));
    let (db, kind) = sessions
        .get(&conn)
        .await
        .map_err(|e| fail(format!("connection `{}`: {}", cfg.connection, scrub(&e, &conn))))?;
    let existing = db.lock().await.db.columns(&name).await.map_err(db_err)?;
    let cols = if existing.is_empty() { out.clone() } else { fit(node, &label, &out, &existing, cfg.mode)? };
    let spelling = out.iter().zip(&cols).map(|((o, _), (t, _))| (o.clone(), t.clone())).collect();
    let target_q = sql::table(kind, &name);
    let create = existing.is_empty().then(|| create_target(kind, &target_q, &cols, cfg));
    let staging = sql::quote(kind, &format!("sluice_stage_{}", uuid::Uuid::new_v4().simple()));
    let mut t = StagedTable {
        node: node.to_string(),
        label,
        rows: 0,
        cfg: cfg.clone(),
        conn,
        db,
        kind,
        target: target_q,
        staging,
        cols,
        spelling,
        create,
        as_of,
        created_outside: false,
    };
    match t.load(df).await {
        Ok(()) => Ok(t),
        Err(e) => {
            t.discard().await;
            Err(e)
        }
    }
}

/// Checks the output against the existing table; the output columns by the table's spelling.
fn fit(
    node: &str,
    label: &str,
    out: &[(String, DataType)],
    table: &[(String, String)],
    mode: TableMode,
) -> Result<Vec<(String, DataType)>, EngineError> {
    let names = || table.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ");
    let mut cols = Vec::new();
    for (name, ty) in out {
        let Some((tname, declared)) = target::match_column(name, table) else {
            return Err(EngineError::failed(
                node,
                format!("column `{name}` is not a column of table `{label}` (its columns: {})", names()),
            ));
        };
        let fam = target::family(declared);
        if !target::fits(*ty, fam) {
            return Err(EngineError::failed(
                node,
                format!("column `{name}`: the output's {ty} does not fit `{tname}` {declared} of table `{label}`"),
            ));
        }
        if let (DataType::Decimal(_, s), Family::Int) = (ty, fam)
            && *s != 0
        {
            return Err(EngineError::failed(node, format!("column `{name}`: decimals do not fit integer `{tname}`")));
        }
        cols.push((tname.clone(), *ty));
    }
    if mode == TableMode::Scd2 {
        for c in SCD2_COLUMNS {
            if target::match_column(c, table).is_none() {
                return Err(EngineError::failed(
                    node,
                    format!("table `{label}` has no column `{c}`, which mode `scd2` keeps its history in"),
                ));
            }
        }
    }
    Ok(cols)
}

fn create_target(kind: DbKind, target: &str, cols: &[(String, DataType)], cfg: &TableSink) -> String {
    let indexed = |n: &str| cfg.keys.iter().chain(&cfg.partition_by).any(|k| k == n);
    let key_null = |n: &str| cfg.mode.uses_keys() && cfg.keys.iter().any(|k| k == n);
    let mut defs: Vec<ColumnDef> =
        cols.iter().map(|(n, ty)| ColumnDef { name: n, ty: *ty, indexed: indexed(n), not_null: key_null(n) }).collect();
    let keys: Vec<&str> = cfg.keys.iter().map(String::as_str).collect();
    let primary: Vec<&str> = match cfg.mode {
        TableMode::Merge | TableMode::Scd1 => keys,
        TableMode::Scd2 => {
            defs.insert(0, ColumnDef { name: "sk", ty: DataType::Int64, indexed: true, not_null: true });
            defs.push(ColumnDef { name: "valid_from", ty: DataType::Date, indexed: false, not_null: true });
            defs.push(ColumnDef { name: "valid_to", ty: DataType::Date, indexed: false, not_null: false });
            defs.push(ColumnDef { name: "is_current", ty: DataType::Bool, indexed: false, not_null: true });
            vec!["sk"]
        }
        _ => Vec::new(),
    };
    sql::create_table(kind, target, &defs, &primary, false)
}

impl StagedTable {
    fn fail(&self, message: String) -> EngineError {
        EngineError::failed(&self.node, message)
    }

    fn db_fail(&self, what: &str, e: &sqlx::Error) -> EngineError {
        self.fail(format!("table `{}`: {what}: {}", self.label, scrub(e, &self.conn)))
    }

    fn col_names(&self) -> Vec<String> {
        self.cols.iter().map(|(n, _)| n.clone()).collect()
    }

    /// The table's spelling of configured columns (keys, partitions, tracked).
    fn spelled(&self, list: &[String]) -> Vec<String> {
        list.iter().map(|k| self.spelling.get(k).unwrap_or(k).clone()).collect()
    }

    async fn load(&mut self, df: DataFrame) -> Result<(), EngineError> {
        let kind = self.kind;
        let keyed = self.cfg.mode.uses_keys();
        let defs: Vec<ColumnDef> = self
            .cols
            .iter()
            .map(|(n, ty)| ColumnDef {
                name: n,
                ty: *ty,
                indexed: self.cfg.keys.iter().chain(&self.cfg.partition_by).any(|k| k.eq_ignore_ascii_case(n)),
                not_null: false,
            })
            .collect();
        let create = sql::create_table(kind, &self.staging, &defs, &[], true);
        if let Err(e) = self.db.lock().await.db.exec(&create).await {
            return Err(self.db_fail("creating the staging table", &e));
        }
        let stream = df.execute_stream().await.map_err(|e| EngineError::exec(&self.node, e))?;
        let cols: Vec<String> = self.cols.iter().map(|(n, _)| n.clone()).collect();
        let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
        let loaded = stage::load(&mut self.db.lock().await.db, &self.staging, &cols, stream).await;
        match loaded {
            Ok(n) => self.rows = n,
            Err(StageError::Plan(e)) => return Err(EngineError::exec(&self.node, e)),
            Err(StageError::Value(m)) => return Err(self.fail(m)),
            Err(StageError::Db(e)) => return Err(self.db_fail("staging rows", &e)),
        }
        if kind == DbKind::Postgres && !matches!(self.cfg.mode, TableMode::Replace | TableMode::Append) {
            // Temporary tables are never analysed automatically; the publish joins want statistics
            // (replace and append copy the staging table whole: no join, no plan to choose).
            let analyze = format!("ANALYZE {}", self.staging);
            self.db
                .lock()
                .await
                .db
                .exec(&analyze)
                .await
                .map_err(|e| self.db_fail("analysing the staging table", &e))?;
        }
        if keyed { self.check_keys().await } else { Ok(()) }
    }

    /// Keys may be neither NULL nor repeated in the output.
    async fn check_keys(&mut self) -> Result<(), EngineError> {
        let kind = self.kind;
        let keys = self.spelled(&self.cfg.keys);
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let k = sql::list(kind, &keys);
        let nulls = keys.iter().map(|c| format!("{} IS NULL", sql::quote(kind, c))).collect::<Vec<_>>().join(" OR ");
        let q = format!("SELECT COUNT(*) FROM {} WHERE {nulls}", self.staging);
        let n = self.db.lock().await.db.scalar(&q).await.map_err(|e| self.db_fail("checking keys", &e))?;
        if n > 0 {
            return Err(self.fail(format!(
                "{n} output rows have a NULL key ({k}); mode `{}` needs every key",
                self.cfg.mode.as_str()
            )));
        }
        let q = format!("SELECT COUNT(*) FROM (SELECT {k} FROM {} GROUP BY {k} HAVING COUNT(*) > 1) d", self.staging);
        let n = self.db.lock().await.db.scalar(&q).await.map_err(|e| self.db_fail("checking keys", &e))?;
        if n > 0 {
            return Err(self.fail(format!(
                "duplicate keys in the output: {n} key values ({k}) occur more than once; mode `{}` needs each key once",
                self.cfg.mode.as_str()
            )));
        }
        Ok(())
    }

    /// MySQL commits around DDL, so a table this sink creates there is created
    /// before any publish transaction opens (and dropped again on failure).
    pub async fn create_outside(&mut self) -> Result<(), EngineError> {
        if let (Some(create), DbKind::Mysql) = (&self.create, self.kind) {
            let create = create.clone();
            self.db.lock().await.db.exec(&create).await.map_err(|e| self.db_fail("creating the table", &e))?;
            self.created_outside = true;
        }
        Ok(())
    }

    /// Runs the mode's statements in the database's publish transaction (opened
    /// by the first sink of that database), without committing.
    pub async fn apply(&mut self) -> Result<(), EngineError> {
        let kind = self.kind;
        self.db.lock().await.begin_once().await.map_err(|e| self.db_fail("starting the transaction", &e))?;
        if let (Some(create), false) = (&self.create, kind == DbKind::Mysql) {
            let create = create.clone();
            self.db.lock().await.db.exec(&create).await.map_err(|e| self.db_fail("creating the table", &e))?;
        } else if kind == DbKind::Postgres {
            let lock = format!("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE", self.target);
            self.db.lock().await.db.exec(&lock).await.map_err(|e| self.db_fail("locking the table", &e))?;
        }
        if self.cfg.mode == TableMode::Scd2 {
            return self.apply_scd2().await;
        }
        if kind == DbKind::Postgres && self.cfg.mode == TableMode::Replace {
            let emptied = self.db.lock().await.empty_pg(&self.target).await;
            emptied.map_err(|e| self.db_fail("emptying the table", &e))?;
        }
        for s in self.statements() {
            self.db.lock().await.db.exec(&s).await.map_err(|e| self.db_fail("publishing", &e))?;
        }
        Ok(())
    }

    fn statements(&self) -> Vec<String> {
        let names = self.col_names();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let m = ModeSql { kind: self.kind, t: &self.target, s: &self.staging, cols: &names };
        let keys = self.spelled(&self.cfg.keys);
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let parts = self.spelled(&self.cfg.partition_by);
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        match self.cfg.mode {
            // PostgreSQL's target was emptied by `Session::empty_pg`.
            TableMode::Replace if self.kind == DbKind::Postgres => m.append(),
            TableMode::Replace => m.replace(),
            TableMode::Append => m.append(),
            TableMode::Merge | TableMode::Scd1 => m.merge(&keys),
            TableMode::ReplacePartition => m.replace_partition(&parts),
            TableMode::Scd2 => Vec::new(),
        }
    }

    async fn apply_scd2(&mut self) -> Result<(), EngineError> {
        let kind = self.kind;
        let as_of = self.as_of.clone().unwrap_or_default();
        let base_sql = match kind {
            DbKind::Mysql => {
                format!("SELECT CAST(COALESCE(MAX({}), 0) AS SIGNED) FROM {}", sql::quote(kind, "sk"), self.target)
            }
            _ => format!("SELECT COALESCE(MAX({}), 0) FROM {}", sql::quote(kind, "sk"), self.target),
        };
        let base =
            self.db.lock().await.db.scalar(&base_sql).await.map_err(|e| self.db_fail("reading surrogate keys", &e))?;
        let (close, insert) = {
            let names = self.col_names();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let keys = self.spelled(&self.cfg.keys);
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let tracked = self.spelled(&self.cfg.tracked);
            let tracked: Vec<&str> = tracked.iter().map(String::as_str).collect();
            let m = ModeSql { kind, t: &self.target, s: &self.staging, cols: &names };
            (m.scd2_close(&keys, &tracked, self.cfg.expire_missing), m.scd2_insert(&keys))
        };
        let binds = match kind {
            DbKind::Postgres => vec![Bind::Text(as_of.clone()), Bind::Int(base)],
            _ => vec![Bind::Int(base), Bind::Text(as_of.clone())],
        };
        for s in close {
            self.db
                .lock()
                .await
                .db
                .exec_bound(&s, &[Bind::Text(as_of.clone())])
                .await
                .map_err(|e| self.db_fail("publishing", &e))?;
        }
        self.db.lock().await.db.exec_bound(&insert, &binds).await.map_err(|e| self.db_fail("publishing", &e))?;
        Ok(())
    }

    /// Whether `other` writes to the same database (and so commits with this sink).
    pub fn shares_database(&self, other: &StagedTable) -> bool {
        std::sync::Arc::ptr_eq(&self.db, &other.db)
    }

    /// Commits the database's publish transaction (a no-op for the later sinks of that database).
    pub async fn commit(&mut self) -> Result<(), EngineError> {
        self.db.lock().await.commit_once().await.map_err(|e| self.db_fail("committing", &e))
    }

    /// After a failure: roll back, drop what this sink created, close.
    pub async fn discard(self) {
        self.db.lock().await.rollback().await;
        if self.created_outside {
            let _ = self.db.lock().await.db.exec(&format!("DROP TABLE {}", self.target)).await;
        }
        self.finish().await;
    }

    /// Drops the staging table; closes the connection after its last sink.
    pub async fn finish(self) {
        // MySQL's plain DROP TABLE commits; DROP TEMPORARY TABLE does not.
        let temporary = if self.kind == DbKind::Mysql { "TEMPORARY " } else { "" };
        let drop = format!("DROP {temporary}TABLE IF EXISTS {}", self.staging);
        let _ = self.db.lock().await.db.exec(&drop).await;
        session::release(self.db).await;
    }
}
