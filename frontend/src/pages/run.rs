//! `#/runs/<id>`: one run, node by node, kept current by the run's
//! server-sent events (each event refetches the run), with cancel while it
//! is queued or running. Above the tables, the run's graph with every node
//! lit by its live state, updated straight from the `node` events.

use super::fmt::{error_banner, opt_time};
use super::run_nodes::{RunNodes, RunOutputs, duration_text};
use super::run_picture::{Lit, NodeLive, RunPicture, record};
use crate::api::{self, NodeStatus, RunDetail, RunStatus};
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::Graph;
use sluice_shared::api::run_events::RunEvent;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Closes the event source an event came from.
fn close_source(ev: &web_sys::Event) {
    if let Some(es) = ev.target().and_then(|t| t.dyn_into::<web_sys::EventSource>().ok()) {
        es.close();
    }
}

/// Lights the picture from one event, without waiting for the refetch.
fn apply_event(states: RwSignal<HashMap<String, NodeLive>>, ev: &web_sys::Event) {
    let Some(text) = ev.dyn_ref::<web_sys::MessageEvent>().and_then(|m| m.data().as_string()) else {
        return;
    };
    if let Ok(RunEvent::Node { node, status, rows, .. }) = serde_json::from_str::<RunEvent>(&text) {
        record(states, &node, Lit::Node(status), rows);
    }
}

/// Lights the picture from a fetched run: each node's recorded state, and a
/// cancelled or interrupted run's unfinished nodes take the run's status.
fn apply_detail(states: RwSignal<HashMap<String, NodeLive>>, graph: Option<&Graph>, d: &RunDetail) {
    for n in &d.nodes {
        record(states, &n.node_id, Lit::Node(n.status), n.rows_out);
    }
    // A check node whose warnings broke (and no error) turns amber; a broken error already failed it.
    for c in d.checks.iter().filter(|c| !c.failed() && c.rules.iter().any(|r| r.broken)) {
        record(states, &c.node, Lit::Warning, None);
    }
    let ended = match d.run.status {
        RunStatus::Cancelled => Some(NodeStatus::Cancelled),
        RunStatus::Interrupted => Some(NodeStatus::Interrupted),
        _ => None,
    };
    if let Some(ended) = ended {
        let ids: Vec<String> = match graph {
            Some(g) => g.nodes.iter().map(|n| n.id.clone()).collect(),
            None => d.nodes.iter().map(|n| n.node_id.clone()).collect(),
        };
        for id in ids {
            let unfinished = states
                .try_with_untracked(|m| m.get(&id).is_none_or(|s| matches!(s.status, Lit::Node(n) if n.is_open())));
            if unfinished == Some(true) {
                states.try_update(|m| {
                    m.insert(id.clone(), NodeLive { status: Lit::Node(ended), rows: None });
                });
            }
        }
    }
}

/// Live updates: every `run` or `node` event lights the picture and calls
/// `reload` (which refetches the tables); `live` says whether the stream is open.
/// The callbacks live as long as the stream; the stream closes when the page
/// goes away (noticed at cleanup, or at the next event after it).
fn follow(
    id: &str,
    detail: RwSignal<Option<RunDetail>>,
    live: RwSignal<bool>,
    states: RwSignal<HashMap<String, NodeLive>>,
    reload: impl Fn() + Copy + 'static,
) {
    let Ok(es) = web_sys::EventSource::new(&api::run_events_url(id)) else {
        return;
    };
    let on_event = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        if detail.is_disposed() {
            close_source(&ev);
            return;
        }
        apply_event(states, &ev);
        reload();
    });
    let _ = es.add_event_listener_with_callback("run", on_event.as_ref().unchecked_ref());
    let _ = es.add_event_listener_with_callback("node", on_event.as_ref().unchecked_ref());
    let on_open = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        if live.try_set(true).is_some() {
            close_source(&ev);
            return;
        }
        // Catch up on anything that happened before the stream opened.
        reload();
    });
    es.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        if live.try_set(false).is_some() {
            close_source(&ev);
        }
    });
    es.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_event.forget();
    on_open.forget();
    on_error.forget();
    // `on_cleanup` wants `Send`; the event source lives on the one browser
    // thread, which `SendWrapper` checks at run time instead of asserting it.
    let held = send_wrapper::SendWrapper::new(es);
    on_cleanup(move || held.close());
}

#[component]
pub fn RunPage(id: String) -> impl IntoView {
    let detail = RwSignal::new(None::<RunDetail>);
    let error = RwSignal::new(None::<String>);
    let live = RwSignal::new(false);
    let derived = RwSignal::new(None::<api::ResolvedParams>);
    let graph_name = RwSignal::new(None::<String>);
    let graph = RwSignal::new(None::<Graph>);
    let states = RwSignal::new(HashMap::<String, NodeLive>::new());
    let id = StoredValue::new(id);
    let reload = move || {
        spawn_local(async move {
            match api::run(&id.get_value()).await {
                Ok(d) => {
                    if graph_name.try_with_untracked(Option::is_none) == Some(true) {
                        let gid = d.run.graph_id.clone();
                        let _ = graph_name.try_set(Some(gid.clone()));
                        spawn_local(async move {
                            if let Ok(g) = api::get_graph(&gid).await {
                                let _ = graph_name.try_set(Some(g.graph.name));
                            }
                        });
                        let (gid, hash) = (d.run.graph_id.clone(), d.run.hash.clone());
                        spawn_local(async move {
                            match api::run_graph(&gid, &hash).await {
                                Ok(g) => {
                                    let _ = graph.try_set(Some(g));
                                    // Unfinished nodes of an ended run follow the run.
                                    if let Some(Some(d)) = detail.try_get_untracked() {
                                        graph.with_untracked(|g| apply_detail(states, g.as_ref(), &d));
                                    }
                                }
                                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
                            }
                        });
                    }
                    let _ = graph.try_with_untracked(|g| apply_detail(states, g.as_ref(), &d));
                    let _ = detail.try_set(Some(d));
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    };
    reload();
    spawn_local(async move {
        if let Ok(r) = api::run_resolved_params(&id.get_value()).await {
            let _ = derived.try_set(Some(r));
        }
    });

    follow(&id.get_value(), detail, live, states, reload);

    let cancel = move |_| {
        spawn_local(async move {
            match api::cancel_run(&id.get_value()).await {
                Ok(()) => reload(),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    };
    let body = move || {
        detail.get().map(|d| {
            let r = d.run.clone();
            view! {
                <div class="list-head">
                    <h1 data-testid="run-title">{
                        let date = r.biz_date.clone();
                        move || crate::i18n::tf("run.title", &[("graph", &graph_name.get().unwrap_or_default()), ("date", &date)])
                    }</h1>
                    {r.status.is_active().then(|| view! {
                        <button class="btn danger" data-testid="run-cancel" on:click=cancel>{t("run.cancel")}</button>
                    })}
                    <a class="btn" data-testid="run-graph-link" href=format!("#/graphs/{}", r.graph_id)>{t("run.open_the_graph")}</a>
                    <a class="btn" href="#/runs">{t("run.all_runs")}</a>
                </div>
                <table class="data-table kv" data-testid="run-summary">
                    <tbody>
                        <tr><th>{t("runs.status")}</th><td><span class=format!("status-pill status-{}", r.status)
                            data-testid="run-status" data-status=r.status.as_str()>{crate::i18n::state("run_status", r.status.as_str())}</span></td></tr>
                        <tr><th>{t("runs.kind")}</th><td>{crate::i18n::state("run_kind", r.kind.as_str())}</td></tr>
                        <tr><th>{t("runs.attempt")}</th><td>{r.attempt}</td></tr>
                        <tr><th>{t("run.requested_by")}</th><td>{r.requested_by.clone()}</td></tr>
                        <tr><th>{t("params.parameters")}</th><td data-testid="run-params">{params_text(&r)}
                            {move || derived.get().map(|r| super::derived_dates::derived_dates::<1>(r, "run-derived"))}
                        </td></tr>
                        <tr><th>{t("runs.started")}</th><td>{opt_time(r.started_at)}</td></tr>
                        <tr><th>{t("runs.finished")}</th><td>{opt_time(r.finished_at)}</td></tr>
                        <tr><th>{t("run.duration")}</th><td data-testid="run-duration">{
                            r.started_at.zip(r.finished_at).map(|(a, b)| duration_text(b.millis() - a.millis())).unwrap_or_else(|| "—".into())
                        }</td></tr>
                        {r.error.clone().map(|e| view! { <tr><th>{t("run.error")}</th><td class="error-cell" data-testid="run-error">{e}</td></tr> })}
                    </tbody>
                </table>
                {empty_outputs(&d).map(|names| view! {
                    <div class="banner warn" data-testid="run-warning">
                        <b>{t("run.wrote_0_rows")}</b>{names}
                        <span class="muted">{t("run.check_the_business_date_and")}</span>
                    </div>
                })}
            }
        })
    };
    let nodes_table =
        move || detail.get().map(|d| view! { <RunNodes detail=d.clone() graph=graph.get()/> <RunOutputs detail=d/> });
    view! {
        <div class="list-page wide" data-testid="run-page">
            {error_banner(error)}
            <div class="live muted" data-testid="run-live">{move || if live.get() { t("run.live") } else { t("run.not_live") }}</div>
            {body}
            {move || graph.get().map(|g| view! { <h2>{t("inspector.graph")}</h2> <RunPicture graph=g states=states/> })}
            {nodes_table}
            {move || detail.get().map(|d| view! { <super::run_checks::CheckResults checks=d.checks/> })}
        </div>
    }
}

/// The business date and the parameter values a run was started with.
fn params_text(r: &api::Run) -> String {
    std::iter::once(format!("biz_date = {}", r.biz_date))
        .chain(r.params.iter().map(|(k, v)| format!("{k} = {v}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Outputs of a finished run that wrote no rows: succeeded, but most likely
/// not what the user meant (a wrong date, a filter that matches nothing).
fn empty_outputs(d: &api::RunDetail) -> Option<String> {
    let names: Vec<&str> = d
        .nodes
        .iter()
        .filter(|n| n.kind.starts_with("sink.") && n.status == NodeStatus::Succeeded && n.rows_out == Some(0))
        .map(|n| n.node_id.as_str())
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}
