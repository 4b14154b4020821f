//! What the editor knows of the databases in `dev` (the environment the editor
//! previews and draft-runs in): the connections a graph may name, and per
//! connection its tables and per table its columns, each fetched once when
//! first wanted. Columns stand in for a `source.table`'s schema until the
//! server's validation (the authority) answers for it.

use crate::api::connections as api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::Schema;
use sluice_shared::api::connections::{CatalogConnection, TableList};
use sluice_shared::connections::{ConnectionInfo, Known};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Loaded<T> {
    Loading,
    Ready(T),
    Failed(String),
}

#[derive(Clone, Copy)]
pub struct Catalog {
    pub connections: RwSignal<Loaded<Vec<CatalogConnection>>>,
    tables: RwSignal<HashMap<String, Loaded<TableList>>>,
    columns: RwSignal<HashMap<(String, String), Loaded<Schema>>>,
}

impl Catalog {
    /// A catalog whose connection list is being fetched.
    pub fn new() -> Self {
        let c = Catalog {
            connections: RwSignal::new(Loaded::Loading),
            tables: RwSignal::new(HashMap::new()),
            columns: RwSignal::new(HashMap::new()),
        };
        spawn_local(async move {
            let answer = api::catalog_connections().await.map_err(|e| e.to_string());
            let _ = c.connections.try_set(answer.map_or_else(Loaded::Failed, Loaded::Ready));
        });
        c
    }

    /// Subscribes the running effect to every answer that arrives.
    pub fn track(&self) {
        self.connections.track();
        self.columns.track();
    }

    /// The connections, for the validator: `None` until they are known.
    pub fn known(&self) -> Option<Known> {
        self.connections.with(|l| match l {
            Loaded::Ready(list) => {
                Some(list.iter().map(|c| (c.name.clone(), ConnectionInfo { read_only: c.read_only })).collect())
            }
            _ => None,
        })
    }

    /// The tables of `connection` (tracked); fetches them the first time.
    pub fn tables(&self, connection: &str) -> Loaded<TableList> {
        self.want_tables(connection);
        self.tables.with(|t| t.get(connection).cloned().unwrap_or(Loaded::Loading))
    }

    fn want_tables(&self, connection: &str) {
        if connection.is_empty() || self.tables.with_untracked(|t| t.contains_key(connection)) {
            return;
        }
        let (tables, conn) = (self.tables, connection.to_string());
        tables.update_untracked(|t| {
            t.insert(conn.clone(), Loaded::Loading);
        });
        spawn_local(async move {
            let answer = api::catalog_tables(&conn).await.map_err(|e| e.to_string());
            let _ = tables.try_update(|t| t.insert(conn, answer.map_or_else(Loaded::Failed, Loaded::Ready)));
        });
    }

    /// The columns of `table` on `connection` once they have arrived (tracked);
    /// fetches them the first time.
    pub fn columns(&self, connection: &str, table: &str) -> Option<Schema> {
        let key = (connection.to_string(), table.to_string());
        if !self.columns.with_untracked(|c| c.contains_key(&key)) {
            let columns = self.columns;
            columns.update_untracked(|c| {
                c.insert(key.clone(), Loaded::Loading);
            });
            let key = key.clone();
            spawn_local(async move {
                let answer = api::catalog_columns(&key.0, &key.1).await;
                let loaded = match answer {
                    Ok(list) => Loaded::Ready(Schema(list.columns)),
                    Err(e) => Loaded::Failed(e.to_string()),
                };
                let _ = columns.try_update(|c| c.insert(key, loaded));
            });
        }
        self.columns.with(|c| match c.get(&key) {
            Some(Loaded::Ready(s)) => Some(s.clone()),
            _ => None,
        })
    }
}
