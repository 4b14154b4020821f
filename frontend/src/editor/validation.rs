//! Keeps problems and schemas current. The shared validator runs in the browser
//! after every edit (moves excluded: they cannot change validity). Sources'
//! real columns come from the server (`POST /api/validate` opens the files),
//! cached by node id and config so the local validator can use them. Until the
//! server has answered for a `source.table`, the catalog's columns of its table
//! stand in, and the catalog's connections let the browser check the names.

use super::catalog::Catalog;
use super::state::{EditorState, NodeData, set_if_changed};
use super::table_rules::table_to_inspect;
use crate::api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::checker::Request;
use sluice_shared::{Category, NodeKind, Problem, Schema};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// What the server said about one source, for one config.
#[derive(Clone, Default)]
struct SourceInfo {
    schema: Option<Schema>,
    problems: Vec<Problem>,
}

/// Server answers, keyed by `id`, kind and config JSON: a config change asks again.
#[derive(Clone, Copy)]
pub struct SourceCache {
    entries: StoredValue<HashMap<String, SourceInfo>>,
    /// Keys sent and not answered yet, so one edit does not ask twice.
    pending: StoredValue<HashSet<String>>,
    timer: StoredValue<Option<TimeoutHandle>>,
    /// Bumped when answers arrive, to validate again with them.
    rev: RwSignal<u64>,
}

fn source_key(id: &str, kind: &str, config: &serde_json::Value) -> String {
    format!("{id}\u{1}{kind}\u{1}{config}")
}

/// Starts validation for the editor: local on every edit, server for sources.
pub fn start(ed: EditorState, catalog: Catalog) {
    let cache = SourceCache {
        entries: StoredValue::new(HashMap::new()),
        pending: StoredValue::new(HashSet::new()),
        timer: StoredValue::new(None),
        rev: RwSignal::new(0),
    };
    // Small graphs validate on every edit at once. When a validation costs more
    // than a frame's budget (a thousand nodes), it waits for a short pause in
    // typing instead, so keys never queue up behind it.
    let cost = StoredValue::new(0.0f64);
    let timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        ed.doc_rev.track();
        cache.rev.track();
        catalog.track();
        crate::checker::ready().track();
        // Text typed into number fields that does not read is reported too.
        ed.nodes.with(|ns| ns.iter().for_each(|n| n.typed.track()));
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        let run = move || {
            if !ed.alive() {
                return;
            }
            let t0 = crate::dom::now_ms();
            revalidate(ed, cache, catalog);
            cost.set_value(crate::dom::now_ms() - t0);
        };
        if cost.get_value() < 16.0 {
            run();
        } else {
            let h = set_timeout_with_handle(run, Duration::from_millis(150));
            timer.set_value(h.ok());
        }
    });
    Effect::new(move |_| {
        ed.doc_rev.track();
        schedule_server_check(ed, cache);
    });
}

/// The source nodes of the current document as (id, cache key).
fn source_keys(ed: EditorState) -> Vec<(String, String)> {
    ed.nodes.with_untracked(|ns| {
        ns.iter()
            .filter(|n| n.node_kind().is_some_and(|k| k.category() == Category::Collection))
            .map(|n| {
                let id = n.id.get_untracked();
                let key = n.config.with_untracked(|c| n.kind.with_value(|k| source_key(&id, k, c)));
                (id, key)
            })
            .collect()
    })
}

/// The catalog's columns for the `source.table` nodes the server has not
/// described (yet): (node id, schema).
fn catalog_schemas(ed: EditorState, catalog: Catalog, known: &HashMap<String, Schema>) -> Vec<(String, Schema)> {
    let tables: Vec<(String, (String, String))> = ed.nodes.with_untracked(|ns| {
        ns.iter()
            .filter(|n| n.node_kind() == Some(NodeKind::SourceTable))
            .filter_map(|n| {
                let id = n.id.get_untracked();
                let table = n.config.with_untracked(table_to_inspect)?;
                (!known.contains_key(&id)).then_some((id, table))
            })
            .collect()
    });
    tables.into_iter().filter_map(|(id, (c, t))| catalog.columns(&c, &t).map(|s| (id, s))).collect()
}

fn revalidate(ed: EditorState, cache: SourceCache, catalog: Catalog) {
    let graph = ed.snapshot();
    let keys = source_keys(ed);
    let mut inspected = HashMap::new();
    let mut server_problems = Vec::new();
    cache.entries.with_value(|entries| {
        for (id, key) in &keys {
            if let Some(info) = entries.get(key) {
                if let Some(s) = &info.schema {
                    inspected.insert(id.clone(), s.clone());
                }
                server_problems.extend(info.problems.iter().cloned());
            }
        }
    });
    for (id, schema) in catalog_schemas(ed, catalog, &inspected) {
        inspected.insert(id, schema);
    }
    // The full checker once it has arrived (crate::checker), the structural checks until then.
    let report = crate::checker::validate(Request { graph, source_schemas: inspected, connections: catalog.known() });
    let mut problems = report.problems;
    // The server also knows whether a source's file exists and reads: add what
    // it said about sources that the browser cannot know.
    for p in server_problems {
        if !problems.iter().any(|q| q.node == p.node && q.message == p.message) {
            problems.push(p);
        }
    }
    // Number fields whose text did not read: the config kept its last good
    // value, so the validator cannot see them; the field's own sentence can.
    ed.nodes.with_untracked(|ns| {
        for n in ns {
            for t in n.live_typed_untracked() {
                problems.push(Problem::plain(Some(&n.id.get_untracked()), Some(t.key), t.message));
            }
        }
    });
    let mut per_node: HashMap<&str, Vec<(Option<String>, String)>> = HashMap::new();
    for p in &problems {
        if let Some(n) = &p.node {
            per_node.entry(n.as_str()).or_default().push((p.field.clone(), p.text(crate::i18n::lang())));
        }
    }
    ed.nodes.with_untracked(|ns| {
        for n in ns {
            n.id.with_untracked(|id| {
                let mine = per_node.remove(id.as_str()).unwrap_or_default();
                set_if_changed(n.problems, &mine);
                let schema = report.schemas.get(id).cloned().flatten();
                set_if_changed(n.schema, &schema);
            });
        }
    });
    set_if_changed(ed.problems, &problems);
}

/// After ~400 ms without edits, asks the server about sources whose config it
/// has not seen.
fn schedule_server_check(ed: EditorState, cache: SourceCache) {
    let missing = source_keys(ed).into_iter().any(|(_, k)| {
        !cache.entries.with_value(|e| e.contains_key(&k)) && !cache.pending.with_value(|p| p.contains(&k))
    });
    if !missing {
        return;
    }
    if let Some(h) = cache.timer.get_value() {
        h.clear();
    }
    let handle = set_timeout_with_handle(
        move || {
            if ed.alive() {
                cache.timer.set_value(None);
                server_check(ed, cache);
            }
        },
        Duration::from_millis(400),
    );
    cache.timer.set_value(handle.ok());
}

/// Asks about the sources not seen yet. The server returns schemas only for a
/// graph that is valid as a whole, so it is asked about the sources alone (a
/// half-built graph elsewhere must not hide their columns): all of them in one
/// request, and one by one if that batch has a problem. Sources the browser
/// already finds wrong wait until their config changes.
fn server_check(ed: EditorState, cache: SourceCache) {
    let todo: Vec<(NodeData, String, String)> = ed.nodes.with_untracked(|ns| {
        ns.iter()
            .filter(|n| {
                n.node_kind().is_some_and(|k| k.category() == Category::Collection)
                    && n.problems.with_untracked(Vec::is_empty)
            })
            .map(|n| {
                let id = n.id.get_untracked();
                let key = n.config.with_untracked(|c| n.kind.with_value(|k| source_key(&id, k, c)));
                (*n, id, key)
            })
            .filter(|(_, _, k)| {
                !cache.entries.with_value(|e| e.contains_key(k)) && !cache.pending.with_value(|p| p.contains(k))
            })
            .collect()
    });
    if !todo.is_empty() {
        ask(ed, cache, todo, true);
    }
}

fn ask(ed: EditorState, cache: SourceCache, todo: Vec<(NodeData, String, String)>, batch: bool) {
    cache.pending.update_value(|p| p.extend(todo.iter().map(|(_, _, k)| k.clone())));
    let keys: HashSet<u64> = todo.iter().map(|(n, _, _)| n.key).collect();
    let graph = serde_json::to_value(ed.graph_of(&keys)).unwrap_or_default();
    spawn_local(async move {
        let answer = api::validate(&graph).await;
        if !ed.alive() {
            return;
        }
        cache.pending.update_value(|p| {
            for (_, _, k) in &todo {
                p.remove(k);
            }
        });
        let Ok(check) = answer else {
            // No answer (server down or older): the sources stay "unknown";
            // the next config change asks again.
            return;
        };
        if batch && todo.len() > 1 && !check.problems.is_empty() {
            for one in todo {
                ask(ed, cache, vec![one], false);
            }
            return;
        }
        cache.entries.update_value(|e| {
            for (_, id, key) in todo {
                let problems =
                    check.problems.iter().filter(|p| p.node.as_deref() == Some(id.as_str())).cloned().collect();
                let schema = check.schemas.get(&id).cloned().flatten();
                e.insert(key, SourceInfo { schema, problems });
            }
        });
        cache.rev.update(|r| *r += 1);
    });
}
