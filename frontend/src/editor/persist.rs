//! Loading and saving the graph, import and export. A save sends the version the
//! editor started from; a 409 means someone saved after it, and the user
//! chooses between their version and the newer one.

use super::ops::layout_missing;
use super::state::EditorState;
use crate::i18n::{t, tf};
use crate::{api, dom};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::Problem;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Loads graph `id` into the editor (no undo step).
pub async fn load(ed: EditorState) -> Result<(), String> {
    let id = ed.graph_id.get_value();
    let doc = api::get_graph(&id).await.map_err(|e| e.to_string())?;
    if !ed.alive() {
        return Ok(());
    }
    let mut graph = doc.graph;
    layout_missing(&mut graph);
    ed.restore(&graph);
    ed.version.set(doc.version);
    ed.saved_at.set(ed.edit_count.get_untracked());
    Ok(())
}

pub fn save(ed: EditorState) {
    spawn_local(async move {
        save_now(ed).await;
    });
}

/// Saves now and answers the saved version, or `None` when nothing was saved
/// (read-only, a save already under way, a conflict or an error, which the
/// editor shows).
pub async fn save_now(ed: EditorState) -> Option<i64> {
    if ed.readonly || ed.saving.get_untracked() {
        return None;
    }
    ed.saving.set(true);
    let graph = serde_json::to_value(ed.snapshot()).unwrap_or_default();
    let at = ed.edit_count.get_untracked();
    let base = ed.version.get_untracked();
    let id = ed.graph_id.get_value();
    let answer = api::save_graph(&id, &graph, base).await;
    if !ed.alive() {
        return None;
    }
    let saved = match answer {
        Ok(saved) => {
            ed.version.set(saved.version);
            ed.saved_at.set(at);
            ed.conflict.set(None);
            ed.notify(tf("persist.saved", &[("version", &saved.version.to_string())]));
            Some(saved.version)
        }
        Err(e) if e.status == 409 => {
            ed.conflict.set(Some(e.message));
            None
        }
        Err(e) => {
            ed.notify_error(tf("persist.not_saved", &[("error", &e.to_string())]));
            None
        }
    };
    ed.saving.set(false);
    saved
}

/// Takes the newest saved version, dropping local edits (Ctrl+Z brings them back).
pub fn reload(ed: EditorState) {
    spawn_local(async move {
        let before = ed.snapshot();
        let loaded = load(ed).await;
        if !ed.alive() {
            return;
        }
        match loaded {
            Ok(()) => {
                ed.history.update_value(|h| {
                    h.seal();
                    h.record(before)
                });
                ed.history_rev.update(|r| *r += 1);
                ed.conflict.set(None);
                ed.notify(t("persist.loaded_latest"));
            }
            Err(e) => ed.notify_error(tf("persist.reload_failed", &[("error", &e.to_string())])),
        }
    });
}

/// Saves over the newer version anyway.
pub fn overwrite(ed: EditorState) {
    let id = ed.graph_id.get_value();
    spawn_local(async move {
        let answer = api::get_graph(&id).await;
        if !ed.alive() {
            return;
        }
        match answer {
            Ok(doc) => {
                ed.version.set(doc.version);
                ed.conflict.set(None);
                save(ed);
            }
            Err(e) => ed.notify_error(tf("persist.overwrite_failed", &[("error", &e.to_string())])),
        }
    });
}

/// Downloads the graph as `<name>.json`.
pub fn export(ed: EditorState) {
    let graph = ed.snapshot();
    let name: String =
        graph.name.chars().map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    let name = if name.is_empty() { "graph".into() } else { name };
    let text = serde_json::to_string_pretty(&graph).unwrap_or_default();
    dom::download(&format!("{name}.json"), &text, "application/json");
}

/// Reads a chosen `.json` file and, if it parses as a graph, replaces the
/// document with it (one undo step); otherwise shows why not.
pub fn import(ed: EditorState, input: web_sys::HtmlInputElement) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    // Clear the input so choosing the same file again fires `change`.
    input.set_value("");
    spawn_local(async move {
        let text = JsFuture::from(file.text()).await;
        if !ed.alive() {
            return;
        }
        let text = match text {
            Ok(t) => t.as_string().unwrap_or_default(),
            Err(_) => {
                ed.import_problems.set(Some(vec![Problem::graph(None, t("persist.unreadable"))]));
                return;
            }
        };
        match sluice_shared::parse_graph(&text) {
            Ok(mut g) => {
                layout_missing(&mut g);
                ed.import_problems.set(None);
                ed.history.update_value(|h| h.seal());
                ed.edit(None, || ed.restore(&g));
                ed.clear_selection();
                request_animation_frame(move || {
                    if ed.alive() {
                        ed.fit_view()
                    }
                });
                ed.notify(tf("persist.imported", &[("name", &file.name())]));
            }
            Err(problems) => ed.import_problems.set(Some(problems)),
        }
    });
}

/// The file input behind the Import button.
pub fn input_of(ev: &leptos::ev::Event) -> Option<web_sys::HtmlInputElement> {
    ev.target()?.dyn_into().ok()
}
