//! Explore on a report page: pick a row column, an optional across column, a
//! measure and its aggregate, an optional filter; the server answers the pivot
//! with DataFusion over the published file. "Save as report" submits the pivot
//! as a new graph for review.

use super::fmt::error_banner;
use crate::api::reports as api;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::api::reports::{
    Agg, FilterOp, PivotFilter, PivotMeasure, PivotRequest, PivotResult, ReportRows, SaveAsReport,
};
use sluice_shared::config::ChartKind;

/// An aggregate's name in words (the option's value stays `sum`, `avg`, …).
fn agg_name(a: Agg) -> &'static str {
    match a {
        Agg::Sum => t("explore.agg_sum"),
        Agg::Avg => t("explore.agg_avg"),
        Agg::Count => t("explore.agg_count"),
        Agg::Min => t("explore.agg_min"),
        Agg::Max => t("explore.agg_max"),
    }
}

fn choice(v: String) -> Vec<String> {
    if v.is_empty() { Vec::new() } else { vec![v] }
}

#[component]
pub fn ExplorePanel(name: String, page: RwSignal<Option<ReportRows>>) -> impl IntoView {
    let rows = RwSignal::new(String::new());
    let across = RwSignal::new(String::new());
    let measure = RwSignal::new(String::new());
    let agg = RwSignal::new("sum".to_string());
    let filter_col = RwSignal::new(String::new());
    let filter = RwSignal::new(String::new());
    let result = RwSignal::new(None::<PivotResult>);
    let error = RwSignal::new(None::<String>);
    let graph_name = RwSignal::new(String::new());
    let saved = RwSignal::new(None::<String>);
    let request = move || {
        let date = page.get_untracked().filter(|p| !p.date.draft).map(|p| p.date.biz_date);
        let f = filter.get_untracked();
        let filters = if filter_col.get_untracked().is_empty() || f.is_empty() {
            Vec::new()
        } else {
            vec![PivotFilter { column: filter_col.get_untracked(), op: FilterOp::Contains, value: f }]
        };
        PivotRequest {
            date,
            rows: choice(rows.get_untracked()),
            columns: choice(across.get_untracked()),
            measures: vec![PivotMeasure {
                column: measure.get_untracked(),
                agg: Agg::parse(&agg.get_untracked()).unwrap_or(Agg::Sum),
            }],
            filters,
        }
    };
    let n = name.clone();
    let run = move |_| {
        let (n, req) = (n.clone(), request());
        spawn_local(async move {
            match api::pivot(&n, &req).await {
                Ok(r) => {
                    let _ = error.try_set(None);
                    let _ = result.try_set(Some(r));
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    };
    let n = name.clone();
    let save = move |_| {
        let req = request();
        let s = SaveAsReport {
            graph_name: graph_name.get_untracked(),
            title: graph_name.get_untracked(),
            chart: if req.rows.is_empty() { ChartKind::Kpi } else { ChartKind::Bar },
            pivot: PivotRequest { date: None, ..req },
        };
        let n = n.clone();
        spawn_local(async move {
            match api::save_as_report(&n, &s).await {
                Ok(r) => saved.try_set(Some(tf("explore.saved", &[("graph", &r.graph_name)]))).map_or((), drop),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    };
    let columns =
        move || page.get().map(|p| p.columns.into_iter().map(|c| c.name).collect::<Vec<_>>()).unwrap_or_default();
    let select = move |testid: &'static str, sig: RwSignal<String>, empty: &'static str| {
        view! {
            <select data-testid=testid on:change=move |ev| sig.set(event_target_value(&ev))>
                <option value="">{empty}</option>
                {move || columns().into_iter().map(|c| { let v = c.clone(); view! { <option value=v>{c}</option> } }).collect_view()}
            </select>
        }
    };
    view! {
        <section class="explore" data-testid="explore">
            <h2>{t("explore.explore")}</h2>
            <div class="filters">
                <label>{t("explore.rows")}" " {select("explore-rows", rows, t("common.none"))}</label>
                <label>{t("explore.columns")}" " {select("explore-columns", across, t("common.none"))}</label>
                <label>{t("explore.measure")}" " {select("explore-measure", measure, t("explore.choose"))}</label>
                <select data-testid="explore-agg" on:change=move |ev| agg.set(event_target_value(&ev))>
                    {Agg::ALL.map(|a| view! { <option value=a.as_str()>{agg_name(a)}</option> })}
                </select>
                <label>{t("explore.filter")}" " {select("explore-filter-column", filter_col, t("common.none"))}</label>
                <input data-testid="explore-filter" placeholder=t("reports.contains") on:input=move |ev| filter.set(event_target_value(&ev))/>
                <button class="btn primary" data-testid="explore-run" on:click=run>{t("explore.pivot")}</button>
            </div>
            {error_banner(error)}
            {move || result.get().map(pivot_table)}
            <div class="filters">
                <input data-testid="explore-name" placeholder=t("explore.new_graph_name") on:input=move |ev| graph_name.set(event_target_value(&ev))/>
                <button class="btn" data-testid="explore-save" on:click=save>{t("explore.save_as_report")}</button>
                {move || saved.get().map(|m| view! { <span data-testid="explore-saved">{m}</span> })}
            </div>
        </section>
    }
}

fn pivot_table(r: PivotResult) -> impl IntoView {
    let head = r.columns.into_iter().map(|c| view! { <th>{c.name}</th> }).collect_view();
    let body = r
        .rows
        .into_iter()
        .map(|row| {
            let cells = row
                .into_iter()
                .map(|v| {
                    let t = match v {
                        serde_json::Value::String(s) => s,
                        serde_json::Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    view! { <td>{t}</td> }
                })
                .collect_view();
            view! { <tr data-testid="explore-row">{cells}</tr> }
        })
        .collect_view();
    view! {
        <table class="data-table" data-testid="explore-table">
            <thead><tr>{head}</tr></thead>
            <tbody>{body}</tbody>
        </table>
        {r.truncated.then(|| view! { <p class="muted">{t("explore.only_the_first_groups_are")}</p> })}
    }
}
