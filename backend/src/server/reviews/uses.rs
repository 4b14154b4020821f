//! What a submitted version reads from and writes to, resolved in `prod`
//! (where an approved version runs): each table node's connection name, the
//! connection it leads to (kind, host, database; never a secret) and the table.

use super::super::AppState;
use super::super::error::ApiResult;
use crate::environments::{PROD, target};
use sluice_shared::Graph;
use sluice_shared::config::NodeConfig;
use sluice_shared::connections::{DbKind, named_by};

pub use sluice_shared::api::reviews::{Access, ConnectionUse, ProdConnection};

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
        let resolved = stored.iter().find(|c| c.name == to).and_then(|c| {
            Some(ProdConnection {
                name: c.name.clone(),
                kind: DbKind::ALL.into_iter().find(|k| k.as_str() == c.kind)?,
                host: c.host.clone(),
                port: c.port,
                database: c.db_name.clone(),
                read_only: c.read_only != 0,
            })
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
