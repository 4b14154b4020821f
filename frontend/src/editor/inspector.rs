//! The right-hand panel: the selected node's id and config form, its output
//! columns and problems; or the selected wire; or a summary of a multi-selection.

use super::edges::describe_schema;
use super::fields::{Field, field_matches, fields_for};
use super::lists::columns_list_id;
use super::node_view::{category_class, kind_icon};
use super::raw_config::RawConfig;
use super::state::{EdgeData, EditorState, NodeData};
use super::table_rules::field_visible;
use leptos::prelude::*;
use sluice_shared::{Category, NodeKind};

/// What is selected, as the inspector needs it.
#[derive(Clone, Copy, PartialEq)]
pub enum Selected {
    Nothing,
    Node(NodeData),
    Nodes(usize),
    Edge(EdgeData),
}

impl PartialEq for EdgeData {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

/// The selection, recomputed only when some node's or wire's selection flag changes.
pub fn selection(ed: EditorState) -> Memo<Selected> {
    Memo::new(move |_| {
        let (count, first) = ed.nodes.with(|ns| {
            let mut it = ns.iter().filter(|n| n.selected.get());
            let first = it.next().copied();
            (first.map_or(0, |_| 1 + it.count()), first)
        });
        match (count, first) {
            (1, Some(n)) => Selected::Node(n),
            (0, _) => ed
                .edges
                .with(|es| es.iter().find(|e| e.selected.get()).copied())
                .map_or(Selected::Nothing, Selected::Edge),
            (c, _) => Selected::Nodes(c),
        }
    })
}

/// The columns arriving at input `port` of `n`, from the upstream schemas.
pub(super) fn input_columns(ed: EditorState, n: NodeData, port: &'static str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    ed.edges.with(|es| {
        for e in es.iter().filter(|e| e.to.key == n.key && e.port_name() == port) {
            e.from.schema.with(|s| {
                for f in s.iter().flat_map(|s| s.0.iter()) {
                    if !out.iter().any(|(name, _)| *name == f.name) {
                        let ty = f.ty.map_or("?".to_string(), |t| t.to_string());
                        out.push((f.name.clone(), ty));
                    }
                }
            })
        }
    });
    out
}

#[component]
pub fn Inspector(selected: Memo<Selected>) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    view! {
        <aside class="inspector" data-testid="inspector">
            {move || match selected.get() {
                Selected::Nothing => view! { <GraphInfo/> }.into_any(),
                Selected::Node(n) => view! { <NodeInspector n=n/> }.into_any(),
                Selected::Nodes(c) => view! {
                    <div class="inspector-section">
                        <h2>{format!("{c} nodes selected")}</h2>
                        <p class="muted">"Drag any of them to move all. Ctrl+C copies, Ctrl+D duplicates."</p>
                        <button class="btn danger" data-testid="delete-selection" on:click=move |_| ed.delete_selection()>
                            "Delete selected"
                        </button>
                    </div>
                }.into_any(),
                Selected::Edge(e) => view! { <EdgeInspector e=e/> }.into_any(),
            }}
        </aside>
    }
}

#[component]
fn GraphInfo() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    view! {
        <div class="inspector-section">
            <h2>"Graph"</h2>
            <p class="muted">
                {move || format!("{} nodes · {} wires", ed.nodes.with(Vec::len), ed.edges.with(Vec::len))}
            </p>
            <p class="muted">"Select a node to configure it. Drag from a node’s right port to another node’s left port to connect them."</p>
            <h3>"Shortcuts"</h3>
            <table class="shortcuts">
                <tr><td>"Drag on background"</td><td>"select an area (Shift adds)"</td></tr>
                <tr><td>"Space+drag, middle drag"</td><td>"pan (or the ✥ hand mode)"</td></tr>
                <tr><td>"Wheel, Ctrl+wheel"</td><td>"zoom at the pointer"</td></tr>
                <tr><td>"Del, Backspace"</td><td>"delete the selection"</td></tr>
                <tr><td>"Ctrl+Z, Ctrl+Shift+Z"</td><td>"undo, redo"</td></tr>
                <tr><td>"Ctrl+C, Ctrl+V, Ctrl+D"</td><td>"copy, paste, duplicate"</td></tr>
                <tr><td>"Ctrl+A, F, L"</td><td>"select all, fit to view, tidy up (auto-layout)"</td></tr>
                <tr><td>"Drop a node on a wire"</td><td>"insert it there"</td></tr>
                <tr><td>"Palette click, Enter"</td><td>"add (after the selected node, wired)"</td></tr>
                <tr><td>"Ctrl+S"</td><td>"save"</td></tr>
            </table>
        </div>
    }
}

#[component]
fn EdgeInspector(e: EdgeData) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let port = e.port_name();
    view! {
        <div class="inspector-section">
            <h2>"Wire"</h2>
            <p>
                <code>{move || e.from.id.get()}</code>" → "<code>{move || e.to.id.get()}</code>
                {(port != "in").then(|| format!(" (input {port})"))}
            </p>
            <h3>"Columns on this wire"</h3>
            <pre class="schema-text">{move || e.from.schema.with(|s| describe_schema(s.as_ref()))}</pre>
            <button class="btn danger" data-testid="delete-edge" on:click=move |_| ed.delete_selection()>
                "Delete wire"
            </button>
        </div>
    }
}

#[component]
fn NodeInspector(n: NodeData) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let kind = n.node_kind();
    let draft = RwSignal::new(n.id.get_untracked());
    let id_error = RwSignal::new(None::<String>);
    // Keep the draft in step when the id changes elsewhere (undo).
    Effect::new(move |_| {
        draft.set(n.id.get());
        id_error.set(None);
    });
    let commit = move || match ed.rename_node(n, &draft.get_untracked()) {
        Ok(()) => id_error.set(None),
        Err(e) => id_error.set(Some(e)),
    };

    // Column suggestions for each input port (and `in` for single-input kinds).
    let mut ports: Vec<&'static str> = n.ports().iter().map(|p| p.name).collect();
    if !ports.contains(&"in") {
        ports.push("in");
    }
    let datalists = ports
        .into_iter()
        .map(|port| {
            view! {
                <datalist id=columns_list_id(n, port)>
                    {move || input_columns(ed, n, port)
                        .into_iter()
                        .map(|(name, ty)| view! { <option value=name>{ty}</option> })
                        .collect_view()}
                </datalist>
            }
        })
        .collect_view();

    let form = match kind {
        Some(k) => fields_for(k)
            .into_iter()
            .map(|spec| {
                // Re-rendered only when the field appears or goes (a mode change), not as the config changes.
                let shown = Memo::new(move |_| n.config.with(|c| field_visible(k, spec.key, c)));
                move || shown.get().then(|| view! { <Field n=n spec=spec/> })
            })
            .collect_view()
            .into_any(),
        None => view! {
            <p class="muted">{format!("Unknown kind `{}`: its config is kept as it is.", n.kind.get_value())}</p>
        }
        .into_any(),
    };

    let other_problems = move || {
        n.problems.with(|ps| {
            ps.iter()
                .filter(|(f, _)| {
                    let known = kind.map(fields_for).unwrap_or_default();
                    !f.as_deref().is_some_and(|f| known.iter().any(|s| field_matches(f, s.key)))
                })
                .map(|(f, m)| {
                    let f = f.clone().map(|f| format!("{f}: ")).unwrap_or_default();
                    view! { <li>{f}{m.clone()}</li> }
                })
                .collect_view()
        })
    };

    let is_sink = kind.is_some_and(|k| k.category() == Category::Distribution);
    view! {
        <div class="inspector-section">
            <div class=format!("inspector-kind {}", category_class(kind))>
                <span class="palette-icon">{kind_icon(kind)}</span>
                <div>
                    <div class="inspector-kind-label">{kind.map(NodeKind::label).unwrap_or("Unknown")}</div>
                    <code>{n.kind.get_value()}</code>
                </div>
            </div>
            <div class="field">
                <div class="field-label">"Node id"</div>
                <input
                    data-testid="inspector-node-id"
                    spellcheck="false"
                    prop:value=draft
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:change=move |_| commit()
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            commit()
                        } else if ev.key() == "Escape" {
                            draft.set(n.id.get_untracked());
                            id_error.set(None);
                        }
                    }
                />
                {move || id_error.get().map(|e| view! { <div class="field-problem" data-testid="inspector-node-id-error">{e}</div> })}
            </div>
            {datalists}
            <div class="config-form" data-testid="config-form">{form}</div>
            <RawConfig n=n/>
            <ul class="node-problems">{other_problems}</ul>
            {(!is_sink).then(|| view! {
                <h3>"Output columns"</h3>
                <OutputColumns n=n/>
            })}
            <button class="btn danger small" data-testid="delete-node" on:click=move |_| {
                ed.select_only(n);
                ed.delete_selection();
            }>"Delete node"</button>
        </div>
    }
}

/// The node's columns; clicking one lights its path on the canvas.
#[component]
fn OutputColumns(n: NodeData) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let lineage = expect_context::<super::lineage::Lineage>();
    let trace = move |name: String| {
        let id = n.id.get_untracked();
        view! {
            <button class="btn ghost small" data-testid="trace-column" data-column=name.clone() title="Show where this column comes from"
                on:click=move |_| lineage.pick(ed, id.clone(), name.clone())>"⤺"</button>
        }
    };
    move || {
        match n.schema.get() {
        None => view! { <p class="muted" data-testid="output-columns">"Not known yet: connect inputs and fill in the form."</p> }.into_any(),
        Some(s) => view! {
            <table class="columns" data-testid="output-columns">
                <tbody>
                    {s.0.into_iter().map(|f| view! {
                        <tr><td>{f.name.clone()}</td><td class="muted">{f.ty.map_or("?".to_string(), |t| t.to_string())}</td><td>{trace(f.name)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }.into_any(),
    }
    }
}
