//! The lineage panel's "across graphs" part: the picked column followed back
//! through the other graphs of the library that write what its sources read
//! (`POST /api/lineage/trace`; the walk is `shared`'s `lineage_trace::trace`).

use super::state::EditorState;
use crate::api;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::api::lineage_trace::{ColumnTrace, DRAFT_ID, MAX_GRAPHS, TraceStep};

#[derive(Clone, PartialEq)]
enum Asked {
    Idle,
    Loading,
    Done(ColumnTrace),
    Failed(String),
}

/// One step: `graph › node.column`, the source columns it is made from, and
/// the file or table it reaches the step before through.
fn step_item(s: TraceStep, here: String) -> impl IntoView {
    let own = s.graph == DRAFT_ID || s.graph == here;
    let graph = if own { t("lineage.this_graph").to_string() } else { s.graph_name.clone() };
    let href = format!("#/graphs/{}", s.graph);
    let origins: Vec<String> =
        s.origins.iter().map(|o| format!("{}.{} ({})", o.node, o.column, o.via.as_str())).collect();
    view! {
        <li data-testid="lineage-trace-step" data-graph=s.graph.clone() data-node=s.node.clone()
            data-column=s.column.clone() data-feeds=s.feeds.map(|f| f.to_string()).unwrap_or_default()>
            {if own {
                view! { <b>{graph}</b> }.into_any()
            } else {
                view! { <a href=href data-testid="lineage-trace-open">{graph}</a> }.into_any()
            }}
            {format!(" › {}.{}", s.node, s.column)}
            {s.dataset.map(|d| view! { <div class="muted">{tf("lineage.trace_through", &[("dataset", &d)])}</div> })}
            {s.expr.map(|e| view! { <code class="lineage-expr">{e}</code> })}
            {(!origins.is_empty()).then(|| view! { <div>{format!("← {}", origins.join(", "))}</div> })}
            {s.unknown.map(|u| view! { <div class="muted" data-testid="lineage-trace-unknown">{u}</div> })}
        </li>
    }
}

/// The button that asks, then the steps it answered with.
#[component]
pub fn TraceSection(node: String, column: String) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let asked = RwSignal::new(Asked::Idle);
    let ask = move || {
        asked.set(Asked::Loading);
        let graph = serde_json::to_value(ed.snapshot()).unwrap_or_default();
        let id = ed.graph_id.get_value();
        let (node, column) = (node.clone(), column.clone());
        spawn_local(async move {
            let answer = api::lineage::trace(graph, (!id.is_empty()).then_some(id), node, column).await;
            if ed.alive() {
                // The panel may have moved on to another column: then nobody reads this.
                let _ = asked.try_set(match answer {
                    Ok(t) => Asked::Done(t),
                    Err(e) => Asked::Failed(e.to_string()),
                });
            }
        });
    };
    move || match asked.get() {
        Asked::Idle => {
            let ask = ask.clone();
            view! {
                <button class="btn ghost small" data-testid="lineage-trace" title=t("lineage.trace_hint")
                    on:click=move |_| ask()>{t("lineage.trace")}</button>
            }
            .into_any()
        }
        Asked::Loading => {
            view! { <div class="muted" data-testid="lineage-trace-loading">{t("lineage.trace_loading")}</div> }
                .into_any()
        }
        Asked::Failed(msg) => view! { <div class="error" data-testid="lineage-trace-error">{msg}</div> }.into_any(),
        Asked::Done(trace) => {
            let here = ed.graph_id.get_value();
            let alone = trace.steps.len() <= 1;
            view! {
                <ol class="lineage-trace" data-testid="lineage-trace-steps">
                    {trace.steps.into_iter().map(|s| step_item(s, here.clone())).collect_view()}
                </ol>
                {alone.then(|| view! { <div class="muted" data-testid="lineage-trace-none">{t("lineage.trace_none")}</div> })}
                {trace.truncated.then(|| view! {
                    <div class="muted">{tf("lineage.trace_truncated", &[("n", &MAX_GRAPHS.to_string())])}</div>
                })}
            }
            .into_any()
        }
    }
}
