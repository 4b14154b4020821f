//! Column lineage on the canvas: pick a column (a preview header, an output
//! column in the inspector) and the path its values take from the sources
//! lights up. The server reads the lineage off the engine's plans
//! (`POST /api/lineage`); the path is `shared`'s [`GraphLineage::path`]. Node
//! and edge views only read [`Lineage::node_lit`] / [`Lineage::edge_lit`].

use super::state::EditorState;
use crate::api;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::api::lineage::{ColumnLineage, LitPath, Origin};

#[derive(Clone, PartialEq)]
pub enum Shown {
    Idle,
    Loading(String, String),
    Lit { node: String, column: ColumnLineage, path: LitPath, rows: Vec<Origin> },
    Failed(String),
}

/// The picked column and its lit path, shared by the canvas views.
#[derive(Clone, Copy)]
pub struct Lineage {
    pub shown: RwSignal<Shown>,
    serial: StoredValue<u64>,
}

impl Lineage {
    /// Provides the state; any edit of the graph clears what is lit (it was
    /// the lineage of the graph before the edit).
    pub fn install(ed: EditorState) -> Self {
        let l = Lineage { shown: RwSignal::new(Shown::Idle), serial: StoredValue::new(0) };
        provide_context(l);
        Effect::new(move |prev: Option<u64>| {
            let rev = ed.doc_rev.get();
            if prev.is_some_and(|p| p != rev) {
                l.clear();
            }
            rev
        });
        l
    }

    pub fn clear(self) {
        self.serial.update_value(|s| *s += 1);
        self.shown.set(Shown::Idle);
    }

    /// Traces `column` of `node` in the graph as it is now.
    pub fn pick(self, ed: EditorState, node: String, column: String) {
        self.serial.update_value(|s| *s += 1);
        let ask = self.serial.get_value();
        self.shown.set(Shown::Loading(node.clone(), column.clone()));
        let graph = serde_json::to_value(ed.snapshot()).unwrap_or_default();
        spawn_local(async move {
            let answer = api::lineage::lineage(graph).await;
            if !ed.alive() || self.serial.get_value() != ask {
                return;
            }
            self.shown.set(match answer {
                Err(e) => Shown::Failed(e.to_string()),
                Ok(all) => match all.node(&node) {
                    Some(n) if n.unknown.is_some() => Shown::Failed(tf(
                        "lineage.none_for",
                        &[("node", &node), ("why", &n.unknown.clone().unwrap_or_default())],
                    )),
                    Some(n) => match n.column(&column) {
                        Some(c) => Shown::Lit {
                            path: all.path(&node, &column),
                            column: c.clone(),
                            rows: n.rows.clone(),
                            node: node.clone(),
                        },
                        None => Shown::Failed(tf("lineage.no_column", &[("node", &node), ("column", &column)])),
                    },
                    None => Shown::Failed(tf("lineage.no_node", &[("node", &node)])),
                },
            });
        });
    }

    pub fn node_lit(self, id: &str) -> bool {
        self.shown.with(|s| matches!(s, Shown::Lit { path, .. } if path.nodes.contains(id)))
    }

    /// A source the picked column's values start at.
    pub fn node_source(self, id: &str) -> bool {
        self.shown.with(|s| matches!(s, Shown::Lit { path, .. } if path.sources.iter().any(|o| o.node == id)))
    }

    pub fn edge_lit(self, from: &str, to: &str) -> bool {
        self.shown.with(|s| match s {
            Shown::Lit { path, .. } => path.edges.iter().any(|(f, t)| f == from && t == to),
            _ => false,
        })
    }

    /// Whether `column` of `node` is the picked one (for the header's highlight).
    pub fn is_picked(self, node: &str, column: &str) -> bool {
        self.shown.with(|s| match s {
            Shown::Lit { node: n, column: c, .. } => n == node && c.name == column,
            Shown::Loading(n, c) => n == node && c == column,
            _ => false,
        })
    }
}

fn origin_item(o: Origin, testid: &'static str) -> impl IntoView {
    view! {
        <li data-testid=testid data-node=o.node.clone() data-column=o.column.clone() data-via=o.via.as_str()>
            <b>{format!("{}.{}", o.node, o.column)}</b>
            <span class="muted">{format!(" {}", o.via.as_str())}</span>
        </li>
    }
}

/// What the lit path means, in words: the column's sources and formula.
#[component]
pub fn LineagePanel() -> impl IntoView {
    let l = expect_context::<Lineage>();
    move || {
        match l.shown.get() {
        Shown::Idle => None,
        Shown::Loading(n, c) => Some(
            view! { <div class="lineage-panel" data-testid="lineage-panel" data-state="loading">{tf("lineage.tracing", &[("column", &format!("{n}.{c}"))])}</div> }
                .into_any(),
        ),
        Shown::Failed(msg) => Some(
            view! {
                <div class="lineage-panel error" data-testid="lineage-panel" data-state="failed">
                    {msg}
                    <button class="btn ghost small" data-testid="lineage-clear" on:click=move |_| l.clear()>"✕"</button>
                </div>
            }
            .into_any(),
        ),
        Shown::Lit { node, column, rows, .. } => Some({
            let ColumnLineage { name, origins, expr, .. } = column;
            view! {
                <div class="lineage-panel" data-testid="lineage-panel" data-state="lit" data-node=node.clone()
                    data-column=name.clone()>
                    <div class="lineage-head">
                        <b>{format!("{node}.{name}")}</b>
                        <span class="muted">{t("lineage.comes_from")}</span>
                        <button class="btn ghost small" data-testid="lineage-clear" title=t("lineage.clear") on:click=move |_| l.clear()>"✕"</button>
                    </div>
                    {expr.map(|e| view! { <code class="lineage-expr" data-testid="lineage-expr">{e}</code> })}
                    <ul class="lineage-sources">
                        {if origins.is_empty() {
                            Some(view! { <li class="muted">{t("lineage.no_source_column_a_constant")}</li> })
                        } else {
                            None
                        }}
                        {origins.into_iter().map(|o| origin_item(o, "lineage-source")).collect_view()}
                    </ul>
                    {(!rows.is_empty()).then(|| view! {
                        <div class="muted">{t("lineage.rows_decided_by")}</div>
                        <ul class="lineage-rows" data-testid="lineage-rows">{rows.into_iter().map(|o| origin_item(o, "lineage-row")).collect_view()}</ul>
                    })}
                    <super::lineage_trace::TraceSection node=node.clone() column=name.clone() />
                </div>
            }
            .into_any()
        }),
    }
    }
}
