//! `source.table`: a DataFusion `TableProvider` over one table or query of a
//! connection. Each scan sends one SELECT with the projected columns, the
//! filters the database answers as DataFusion would, and the limit, so a
//! preview of a huge table reads a few rows. Rows stream in batches of
//! [`scan::BATCH_ROWS`] through the session's memory pool.

use super::dialect::{self, DbKind};
use super::scan;
use super::types::Column;
use crate::engine::connect::{Connection, Connections};
use crate::engine::error::EngineError;
use crate::engine::types::to_arrow;
use datafusion::arrow::datatypes::{Field, Schema as ArrowSchema, SchemaRef};
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::TableType;
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::execution::TaskContext;
use datafusion::execution::memory_pool::MemoryConsumer;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::streaming::{PartitionStream, StreamingTableExec};
use datafusion::physical_plan::{ExecutionPlan, SendableRecordBatchStream};
use datafusion::prelude::{DataFrame, SessionContext};
use sluice_shared::config::TableSource;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Opens the `source.table` node `id`: resolves its connection and table (or
/// query), learns the columns, and gives a DataFrame that reads lazily.
pub async fn open(
    ctx: &SessionContext,
    id: &str,
    cfg: &TableSource,
    texts: &BTreeMap<String, String>,
    conns: Option<&Connections>,
) -> Result<DataFrame, EngineError> {
    let Some(conns) = conns else {
        return Err(EngineError::failed(id, "no database connections are defined here"));
    };
    let name = cfg.connection.as_str();
    let conn = conns.get(name).ok_or_else(|| {
        EngineError::invalid(id, Some("connection"), format!("connection `{name}` is not defined here"))
    })?;
    let (from, table, what) = match (&cfg.table, &cfg.query) {
        (Some(t), _) => {
            let t = sluice_shared::table_source::substitute(t, texts)
                .map_err(|e| EngineError::invalid(id, Some("table"), e))?;
            let shown = match &t.schema {
                Some(s) => format!("table `{s}.{}`", t.table),
                None => format!("table `{}`", t.table),
            };
            (dialect::quote_table(conn.kind, &t), Some(t), shown)
        }
        (None, Some(q)) => (format!("({}) AS q", q.trim().trim_end_matches(';')), None, "the query".to_string()),
        (None, None) => return Err(EngineError::invalid(id, Some("table"), "give a `table` or a `query`")),
    };
    let mut db = scan::connect(name, conn).await.map_err(|e| EngineError::failed(id, e))?;
    let described = scan::describe(&mut db, &from, table.as_ref()).await.map_err(|e| {
        EngineError::failed(id, format!("cannot read {what} of connection `{name}`: {}", scan::scrub(conn, e)))
    })?;
    drop(db);
    let cols = scan::map_columns(conn.kind, described).map_err(|e| EngineError::failed(id, e))?;
    let mut seen = std::collections::BTreeSet::new();
    if let Some(dup) = cols.iter().find(|c| !seen.insert(c.name.as_str())) {
        return Err(EngineError::failed(
            id,
            format!("column `{}` appears twice in {what}; give each column its own name", dup.name),
        ));
    }
    let reader = TableReader::new(id, name, conn.clone(), from, cols);
    ctx.read_table(Arc::new(reader)).map_err(|e| EngineError::plan(id, e))
}

/// The provider behind one `source.table` node.
#[derive(Debug)]
pub struct TableReader {
    node: String,
    conn_name: String,
    conn: Connection,
    /// A quoted table name or `(query) AS q`.
    from: String,
    cols: Vec<Column>,
    schema: SchemaRef,
}

impl TableReader {
    fn new(node: &str, conn_name: &str, conn: Connection, from: String, cols: Vec<Column>) -> Self {
        let fields: Vec<Field> = cols.iter().map(|c| Field::new(&c.name, to_arrow(c.ty), true)).collect();
        let schema = Arc::new(ArrowSchema::new(fields));
        TableReader { node: node.into(), conn_name: conn_name.into(), conn, from, cols, schema }
    }

    fn kind(&self) -> DbKind {
        self.conn.kind
    }

    fn push(&self, e: &Expr) -> TableProviderFilterPushDown {
        match dialect::support(self.kind(), &self.cols, e) {
            TableProviderFilterPushDown::Unsupported => TableProviderFilterPushDown::Unsupported,
            _ if dialect::filter_sql(self.kind(), e).is_none() => TableProviderFilterPushDown::Unsupported,
            s => s,
        }
    }

    /// The SELECT a scan with these arguments sends.
    pub fn sql(&self, projection: Option<&Vec<usize>>, filters: &[Expr], limit: Option<usize>) -> String {
        let cols: Vec<&Column> = match projection {
            Some(p) => p.iter().map(|i| &self.cols[*i]).collect(),
            None => self.cols.iter().collect(),
        };
        let wheres: Vec<String> = filters
            .iter()
            .filter(|f| self.push(f) != TableProviderFilterPushDown::Unsupported)
            .filter_map(|f| dialect::filter_sql(self.kind(), f))
            .collect();
        dialect::select(self.kind(), &cols, &self.from, &wheres, limit)
    }
}

#[async_trait::async_trait]
impl TableProvider for TableReader {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> DfResult<Vec<TableProviderFilterPushDown>> {
        Ok(filters.iter().map(|f| self.push(f)).collect())
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let sql = self.sql(projection, filters, limit);
        let schema = match projection {
            Some(p) => Arc::new(self.schema.project(p)?),
            None => self.schema.clone(),
        };
        let cols: Vec<Column> = match projection {
            Some(p) => p.iter().map(|i| self.cols[*i].clone()).collect(),
            None => self.cols.clone(),
        };
        let part = ScanPartition {
            node: self.node.clone(),
            conn_name: self.conn_name.clone(),
            conn: self.conn.clone(),
            sql,
            cols,
            schema: schema.clone(),
        };
        let exec = StreamingTableExec::try_new(schema, vec![Arc::new(part)], None, vec![], false, None)?;
        Ok(Arc::new(exec))
    }
}

/// One SELECT, run when DataFusion asks for its rows.
#[derive(Debug)]
struct ScanPartition {
    node: String,
    conn_name: String,
    conn: Connection,
    sql: String,
    cols: Vec<Column>,
    schema: SchemaRef,
}

impl PartitionStream for ScanPartition {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    fn execute(&self, ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        log_query(&self.sql);
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<_, String>>(2);
        let (name, conn, sql, cols, schema) =
            (self.conn_name.clone(), self.conn.clone(), self.sql.clone(), self.cols.clone(), self.schema.clone());
        let reservation = MemoryConsumer::new(format!("table source {}", self.node)).register(ctx.memory_pool());
        let task = tokio::spawn(async move {
            let mut out = scan::Out { tx, reservation, conn: conn.clone() };
            match scan::connect(&name, &conn).await {
                Ok(mut db) => scan::pump(&mut db, &sql, &cols, schema, &mut out).await,
                Err(e) => {
                    out.send(Err(e)).await;
                }
            }
        });
        let guard = AbortOnDrop(task);
        let node = self.node.clone();
        let stream = futures::stream::unfold((rx, guard), move |(mut rx, guard)| {
            let node = node.clone();
            async move {
                let item = rx.recv().await?;
                let item = item.map_err(|e| DataFusionError::Execution(format!("table source `{node}`: {e}")));
                Some((item, (rx, guard)))
            }
        });
        Box::pin(RecordBatchStreamAdapter::new(self.schema.clone(), stream))
    }
}

/// Stops the reading task when the stream is dropped (a LIMIT satisfied, a
/// run cancelled): the connection closes with it.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

const LOG_CAP: usize = 256;
static QUERY_LOG: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());

fn log_query(sql: &str) {
    if let Ok(mut log) = QUERY_LOG.lock() {
        if log.len() == LOG_CAP {
            log.pop_front();
        }
        log.push_back(sql.to_string());
    }
}

/// The last SELECTs table sources sent from this process (at most 256), oldest
/// first: what pushdown produced, for tests and diagnostics.
pub fn recent_queries() -> Vec<String> {
    QUERY_LOG.lock().map(|l| l.iter().cloned().collect()).unwrap_or_default()
}
