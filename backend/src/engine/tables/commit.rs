//! The end of a run with table sinks: every table's mode is applied in its
//! database's open transaction (one per database, see [`super::session`]),
//! then the transactions commit one after the other, then the file sinks are
//! renamed into place ([`publish::publish`]).
//!
//! Residual window (see ARCHITECTURE.md): the commits of two databases, and a
//! table commit and the file renames, are not one atomic step. A crash or a
//! lost connection between them leaves the earlier databases new and the rest old.

use super::write::StagedTable;
use crate::engine::error::EngineError;
use crate::engine::publish::{self, Hooks};
use crate::engine::root::DataRoot;
use crate::engine::sinks::Staged;

/// After a failure: every staged table is rolled back and its staging table dropped.
pub async fn discard_all(tables: Vec<StagedTable>) {
    for t in tables {
        t.discard().await;
    }
}

/// Publishes every staged table and file, or (up to the residual window) none.
pub async fn publish_all(
    mut tables: Vec<StagedTable>,
    root: &DataRoot,
    files: Vec<Staged>,
    hooks: &Hooks,
) -> Result<(), EngineError> {
    for i in 0..tables.len() {
        if let Err(e) = tables[i].create_outside().await {
            discard_all(tables).await;
            return Err(e);
        }
    }
    for i in 0..tables.len() {
        if let Err(e) = tables[i].apply().await {
            discard_all(tables).await;
            return Err(e);
        }
    }
    let mut done: Vec<String> = Vec::new();
    let mut rest = tables;
    while !rest.is_empty() {
        let mut t = rest.remove(0);
        // The sinks sharing `t`'s database commit with it, whatever their place in the list.
        let (same, others): (Vec<StagedTable>, Vec<StagedTable>) =
            rest.into_iter().partition(|o| o.shares_database(&t));
        rest = others;
        if let Err(e) = t.commit().await {
            t.discard().await;
            discard_all(same).await;
            discard_all(rest).await;
            return Err(committed_before(e, &done));
        }
        done.push(t.label.clone());
        done.extend(same.iter().map(|s| s.label.clone()));
        for s in same {
            s.finish().await;
        }
        t.finish().await;
    }
    publish::publish(root, files, hooks).await.map_err(|e| committed_before(e, &done))
}

/// An error after some tables committed says which.
fn committed_before(e: EngineError, done: &[String]) -> EngineError {
    if done.is_empty() {
        return e;
    }
    let note = format!("; tables already committed before the failure: {}", done.join(", "));
    match e {
        EngineError::Failed { node, message } => EngineError::Failed { node, message: message + &note },
        other => other,
    }
}
