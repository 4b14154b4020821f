//! The right-hand panel: the selected node's id and config form, its output
//! columns and problems; or the selected wire; or a summary of a multi-selection.

use super::edges::describe_schema;
use super::fields::{Field, field_matches};
use super::forms::fields_for;
use super::lists::columns_list_id;
use super::node_view::{category_class, kind_icon};
use super::raw_config::RawConfig;
use super::state::{EdgeData, EditorState, NodeData};
use super::table_rules::field_visible;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use sluice_shared::Category;

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
    // What the panel shows: the selection, except that one made while the pointer
    // is down waits for it to come up (forms laid out in the frame a drag starts
    // in would stall the drag).
    let held = use_context::<super::interact::Interact>().map(|it| it.held);
    let shown = Memo::new(move |before: Option<&Selected>| {
        let now = selected.get();
        match before {
            Some(b) if held.is_some_and(|h| h.get()) => *b,
            _ => now,
        }
    });
    view! {
        <aside class="inspector" data-testid="inspector">
            {move || match shown.get() {
                Selected::Nothing => view! { <GraphInfo/> }.into_any(),
                Selected::Node(n) => crate::lazy_pages::show(node_inspector(n)),
                Selected::Nodes(c) => view! {
                    <div class="inspector-section">
                        <h2>{tf("inspector.selected", &[("count", &c.to_string())])}</h2>
                        <p class="muted">{t("inspector.drag_any_of_them_to")}</p>
                        <button class="btn danger" data-testid="delete-selection" on:click=move |_| ed.delete_selection()>
                            {t("inspector.delete_selected")}
                        </button>
                    </div>
                }.into_any(),
                Selected::Edge(e) => view! { <EdgeInspector e=e/> }.into_any(),
            }}
        </aside>
    }
}

/// A node's settings (the forms of every kind): a WebAssembly chunk of its
/// own, fetched right after the editor's first paint ([`prefetch`]) or at the
/// first selection, whichever comes first.
#[wasm_split(inspector, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_inspector))]
fn node_inspector(n: NodeData) -> crate::lazy_pages::Page {
    Ok(view! { <NodeInspector n=n/> }.into_any())
}

/// Fetches the node settings' chunk in the background (a failure is shown
/// when a node is selected).
pub fn prefetch() {
    leptos::task::spawn_local(async {
        let _ = preload_inspector().await;
    });
}

#[component]
fn GraphInfo() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    view! {
        <div class="inspector-section">
            <h2>{t("inspector.graph")}</h2>
            <p class="muted">
                {move || tf("inspector.counts", &[("nodes", &ed.nodes.with(Vec::len).to_string()), ("wires", &ed.edges.with(Vec::len).to_string())])}
            </p>
            <p class="muted">{t("inspector.select_a_node_to_configure")}</p>
            <h3>{t("inspector.shortcuts")}</h3>
            <table class="shortcuts">
                <tr><td>{t("inspector.drag_on_background")}</td><td>{t("inspector.select_an_area_shift_adds")}</td></tr>
                <tr><td>{t("inspector.space_drag_middle_drag")}</td><td>{t("inspector.pan_or_the_hand_mode")}</td></tr>
                <tr><td>{t("inspector.wheel_ctrl_wheel")}</td><td>{t("inspector.zoom_at_the_pointer")}</td></tr>
                <tr><td>{t("inspector.del_backspace")}</td><td>{t("inspector.delete_the_selection")}</td></tr>
                <tr><td>{t("inspector.ctrl_z_ctrl_shift_z")}</td><td>{t("inspector.undo_redo")}</td></tr>
                <tr><td>{t("inspector.ctrl_c_ctrl_v_ctrl")}</td><td>{t("inspector.copy_paste_duplicate")}</td></tr>
                <tr><td>{t("inspector.ctrl_a_f_l")}</td><td>{t("inspector.select_all_fit_to_view")}</td></tr>
                <tr><td>{t("inspector.drop_a_node_on_a")}</td><td>{t("inspector.insert_it_there")}</td></tr>
                <tr><td>{t("inspector.palette_click_enter")}</td><td>{t("inspector.add_after_the_selected_node")}</td></tr>
                <tr><td>{t("inspector.ctrl_s")}</td><td>{t("inspector.save")}</td></tr>
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
            <h2>{t("inspector.wire")}</h2>
            <p>
                <code>{move || e.from.id.get()}</code>" → "<code>{move || e.to.id.get()}</code>
                {(port != "in").then(|| tf("inspector.input_port", &[("port", &port)]))}
            </p>
            <h3>{t("inspector.columns_on_this_wire")}</h3>
            <pre class="schema-text">{move || e.from.schema.with(|s| describe_schema(s.as_ref()))}</pre>
            <button class="btn danger" data-testid="delete-edge" on:click=move |_| ed.delete_selection()>
                {t("inspector.delete_wire")}
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
            <p class="muted">{tf("inspector.unknown_kind", &[("kind", &n.kind.get_value())])}</p>
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
                    <div class="inspector-kind-label">{kind.map(crate::i18n::kind).unwrap_or(t("node_view.unknown_kind"))}</div>
                    <code>{n.kind.get_value()}</code>
                </div>
            </div>
            <div class="field">
                <div class="field-label">{t("inspector.node_id")}</div>
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
                <h3>{t("inspector.output_columns")}</h3>
                <OutputColumns n=n/>
            })}
            <button class="btn danger small" data-testid="delete-node" on:click=move |_| {
                ed.select_only(n);
                ed.delete_selection();
            }>{t("inspector.delete_node")}</button>
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
            <button class="btn ghost small" data-testid="trace-column" data-column=name.clone() title=t("inspector.show_where_this_column_comes")
                on:click=move |_| lineage.pick(ed, id.clone(), name.clone())>"⤺"</button>
        }
    };
    move || {
        match n.schema.get() {
        None => view! { <p class="muted" data-testid="output-columns">{t("inspector.not_known_yet_connect_inputs")}</p> }.into_any(),
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
