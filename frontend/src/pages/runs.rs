//! `#/runs`: the history of runs, filtered by graph, status and business date.
//! The runs and the graph names are [`LocalResource`]s: a filter change refetches.

use super::fmt::opt_time;
use crate::api::{self, Run, RunStatus};
use crate::dom;
use crate::i18n::t;
use leptos::prelude::*;
use sluice_shared::check::CheckSummary;
use std::collections::HashMap;

#[component]
pub fn RunsPage() -> impl IntoView {
    let (graph, status, date) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    // Refetched when a filter changes (the fetcher reads them) and on "Refresh".
    let runs = LocalResource::new(move || {
        let (g, s, d) = (graph.get(), status.get(), date.get());
        async move { api::runs(&g, s.parse().ok(), &d).await }
    });
    let names = LocalResource::new(|| async {
        let graphs = api::list_graphs().await.unwrap_or_default();
        graphs.into_iter().map(|g| (g.id, g.name)).collect::<HashMap<String, String>>()
    });
    let name_of = move |id: &str| names.map(|n| n.get(id).cloned()).flatten().unwrap_or_else(|| id.to_string());
    let row = move |(r, checks): (Run, Option<CheckSummary>)| {
        let href = format!("#/runs/{}", r.id);
        view! {
            <tr class="clickable" data-testid="run-row" data-id=r.id.clone() data-status=r.status.as_str()
                on:click=move |_| dom::navigate(&href)>
                <td>{name_of(&r.graph_id)}</td>
                <td>{r.biz_date.clone()}</td>
                <td>{crate::i18n::state("run_kind", r.kind.as_str())}</td>
                <td><span class=format!("status-pill status-{}", r.status)>{crate::i18n::state("run_status", r.status.as_str())}</span></td>
                <td>{r.attempt}</td>
                <td>{opt_time(r.started_at)}</td>
                <td>{opt_time(r.finished_at)}</td>
                <td data-testid="run-checks-summary">{checks.map(check_pills)}</td>
            </tr>
        }
    };
    view! {
        <div class="list-page wide">
            <div class="list-head"><h1>{t("nav.runs")}</h1></div>
            <div class="filters">
                <select data-testid="runs-filter-graph" on:change=move |ev| { graph.set(event_target_value(&ev)) }>
                    <option value="">{t("toolbar.all_graphs")}</option>
                    {move || {
                        let mut gs: Vec<(String, String)> = names.get().unwrap_or_default().into_iter().collect();
                        gs.sort_by(|a, b| a.1.cmp(&b.1));
                        gs.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()
                    }}
                </select>
                <select data-testid="runs-filter-status" on:change=move |ev| { status.set(event_target_value(&ev)) }>
                    <option value="">{t("runs.any_status")}</option>
                    {RunStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{crate::i18n::state("run_status", s.as_str())}</option> }).collect_view()}
                </select>
                <input type="date" data-testid="runs-filter-date" on:change=move |ev| { date.set(event_target_value(&ev)) }/>
                <button class="btn" data-testid="runs-refresh" on:click=move |_| runs.refetch()>{t("runs.refresh")}</button>
            </div>
            {move || runs.get().and_then(Result::err).map(|e| view! { <div class="banner error" data-testid="page-error">{e.to_string()}</div> })}
            <table class="data-table" data-testid="runs-table">
                <thead><tr>
                    <th>{t("inspector.graph")}</th><th>{t("runs.business_date")}</th><th>{t("runs.kind")}</th><th>{t("runs.status")}</th>
                    <th>{t("runs.attempt")}</th><th>{t("runs.started")}</th><th>{t("runs.finished")}</th><th>{t("runs.checks")}</th>
                </tr></thead>
                <tbody>
                    {move || match runs.get().and_then(Result::ok) {
                        None => view! { <tr><td colspan="8" class="muted">{t("app.loading")}</td></tr> }.into_any(),
                        Some(list) if list.is_empty() => view! { <tr><td colspan="8" class="muted">{t("runs.no_runs")}</td></tr> }.into_any(),
                        Some(list) => list.into_iter().map(row).collect_view().into_any(),
                    }}
                </tbody>
            </table>
        </div>
    }
}

/// Broken check rules of a run: red for errors, amber for warnings.
fn check_pills(c: sluice_shared::check::CheckSummary) -> impl IntoView {
    let (errors, warnings) = (c.errors.to_string(), c.warnings.to_string());
    let errors = match c.errors {
        1 => t("runs.one_error").to_string(),
        _ => crate::i18n::tf("runs.errors", &[("count", &errors)]),
    };
    let warnings = match c.warnings {
        1 => t("runs.one_warning").to_string(),
        _ => crate::i18n::tf("runs.warnings", &[("count", &warnings)]),
    };
    view! {
        {(c.errors > 0).then(|| view! { <span class="status-pill check-failed">{errors}</span> })}
        {(c.warnings > 0).then(|| view! { <span class="status-pill check-warning">{warnings}</span> })}
    }
}
