//! What a submitted version reads from and writes to, resolved in `prod`
//! (where an approved version runs): each table node's connection name, the
//! connection it leads to (kind, host, database; never a secret) and the table.

use super::super::AppState;
use super::super::error::ApiResult;
use crate::environments::{PROD, target};
use serde::Serialize;
use sluice_shared::Graph;
use sluice_shared::config::NodeConfig;
use sluice_shared::connections::named_by;

/// Reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Read,
    Write,
}

/// Where a graph connection name leads in `prod`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProdConnection {
    /// The stored connection's name (differs from the graph's when bound).
    pub name: String,
    /// `postgres`, `mysql` or `sqlite`.
    pub kind: String,
    pub host: Option<String>,
    pub port: Option<i64>,
    pub database: String,
    pub read_only: bool,
}

/// One table node's use of a connection.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ConnectionUse {
    pub node: String,
    /// The connection name as the graph writes it.
    pub connection: String,
    pub access: Access,
    /// The table (as written, `{param}`s unresolved); `None` for a `query`.
    pub table: Option<String>,
    /// The source reads with its own SELECT (`query`).
    pub query: bool,
    /// `None`: the name leads to no connection in `prod`, so the version would fail there.
    pub resolved: Option<ProdConnection>,
}

/// Every table node of `graph`, in node order, with its connection resolved in `prod`.
pub async fn in_prod(state: &AppState, graph: &Graph) -> ApiResult<Vec<ConnectionUse>> {
    let env = state.store.environment(PROD).await?;
    let stored = state.store.list_connections().await?;
    let mut out = Vec::new();
    for n in &graph.nodes {
        let Some(kind) = sluice_shared::NodeKind::parse(&n.kind) else { continue };
        let Ok(cfg) = NodeConfig::parse(kind, &n.config) else { continue };
        let Some((name, writes)) = named_by(&cfg) else { continue };
        let (table, query) = match &cfg {
            NodeConfig::SourceTable(c) => (c.table.clone(), c.query.is_some()),
            NodeConfig::SinkTable(c) => (Some(c.table.clone()), false),
            _ => (None, false),
        };
        let to = env.as_ref().map_or(name, |e| target(e, name));
        let resolved = stored.iter().find(|c| c.name == to).map(|c| ProdConnection {
            name: c.name.clone(),
            kind: c.kind.clone(),
            host: c.host.clone(),
            port: c.port,
            database: c.db_name.clone(),
            read_only: c.read_only != 0,
        });
        out.push(ConnectionUse {
            node: n.id.clone(),
            connection: name.to_string(),
            access: if writes { Access::Write } else { Access::Read },
            table,
            query,
            resolved,
        });
    }
    Ok(out)
}
