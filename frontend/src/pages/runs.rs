//! `#/runs`: the history of runs, filtered by graph, status and business date.

use super::fmt::{error_banner, opt_time};
use crate::api::{self, Run, RunStatus};
use crate::dom;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::check::CheckSummary;
use std::collections::HashMap;

#[component]
pub fn RunsPage() -> impl IntoView {
    let runs = RwSignal::new(None::<Vec<(Run, Option<CheckSummary>)>>);
    let names = RwSignal::new(HashMap::<String, String>::new());
    let error = RwSignal::new(None::<String>);
    let (graph, status, date) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let reload = move || {
        let (g, s, d) = (graph.get_untracked(), status.get_untracked(), date.get_untracked());
        spawn_local(async move {
            let answer = api::runs(&g, s.parse().ok(), &d).await;
            match answer {
                Ok(list) => runs.try_set(Some(list)).map_or((), drop),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    };
    reload();
    spawn_local(async move {
        if let Ok(gs) = api::list_graphs().await {
            let _ = names.try_set(gs.into_iter().map(|g| (g.id, g.name)).collect());
        }
    });
    let name_of = move |id: &str| names.with(|n| n.get(id).cloned().unwrap_or_else(|| id.to_string()));
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
                <select data-testid="runs-filter-graph" on:change=move |ev| { graph.set(event_target_value(&ev)); reload() }>
                    <option value="">{t("toolbar.all_graphs")}</option>
                    {move || {
                        let mut gs: Vec<(String, String)> = names.get().into_iter().collect();
                        gs.sort_by(|a, b| a.1.cmp(&b.1));
                        gs.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()
                    }}
                </select>
                <select data-testid="runs-filter-status" on:change=move |ev| { status.set(event_target_value(&ev)); reload() }>
                    <option value="">{t("runs.any_status")}</option>
                    {RunStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{crate::i18n::state("run_status", s.as_str())}</option> }).collect_view()}
                </select>
                <input type="date" data-testid="runs-filter-date" on:change=move |ev| { date.set(event_target_value(&ev)); reload() }/>
                <button class="btn" data-testid="runs-refresh" on:click=move |_| reload()>{t("runs.refresh")}</button>
            </div>
            {error_banner(error)}
            <table class="data-table" data-testid="runs-table">
                <thead><tr>
                    <th>{t("inspector.graph")}</th><th>{t("runs.business_date")}</th><th>{t("runs.kind")}</th><th>{t("runs.status")}</th>
                    <th>{t("runs.attempt")}</th><th>{t("runs.started")}</th><th>{t("runs.finished")}</th><th>{t("runs.checks")}</th>
                </tr></thead>
                <tbody>
                    {move || match runs.get() {
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
