//! Published data: on `#/reports`, the file sinks' outputs the user may
//! explore (`/api/published`); `#/explore/<graph id>/<node>[/<date>]`, one
//! output of a business date (the latest when none is given): its first rows and Explore over it.

use super::explore::ExplorePanel;
use super::fmt::error_banner;
use crate::api::reports::{self as api, Target};
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::api::published::{PublishedOutput, PublishedSample};

fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// The address of a published output's Explore page.
pub fn explore_href(graph: &str, node: &str) -> String {
    format!("#/explore/{}/{}", enc(graph), enc(node))
}

#[component]
pub fn PublishedList() -> impl IntoView {
    let list = RwSignal::new(None::<Vec<PublishedOutput>>);
    spawn_local(async move {
        // Nothing to explore (or no answer): the section stays empty.
        if let Ok(l) = api::published().await {
            let _ = list.try_set(Some(l.outputs));
        }
    });
    let item = |o: PublishedOutput| {
        let latest = o.dates.first().cloned().unwrap_or_default();
        view! {
            <li class="report-item" data-testid=format!("published-{}-{}", o.graph_name, o.node)>
                <a href=explore_href(&o.graph_id, &o.node) data-testid="published-explore">
                    <strong>{format!("{} · {}", o.graph_name, o.node)}</strong>
                    <span class="muted">{format!(" · {}", tf("explore.published_summary", &[("format", o.format.as_str()), ("latest", &latest), ("dates", &o.dates.len().to_string())]))}</span>
                </a>
            </li>
        }
    };
    move || {
        list.get().filter(|l| !l.is_empty()).map(|l| {
            view! {
                <h2>{t("explore.published_data")}</h2>
                <ul class="report-list" data-testid="published-list">{l.into_iter().map(item).collect_view()}</ul>
            }
        })
    }
}

fn sample_table(s: PublishedSample) -> impl IntoView {
    let head = s.columns.iter().map(|c| view! { <th>{c.name.clone()}</th> }).collect_view();
    let body = s
        .rows
        .into_iter()
        .map(|r| {
            let cells = r
                .into_iter()
                .map(|v| {
                    let num = v.is_number();
                    let text = match v {
                        serde_json::Value::String(s) => s,
                        serde_json::Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    view! { <td class:num=num>{text}</td> }
                })
                .collect_view();
            view! { <tr data-testid="published-row">{cells}</tr> }
        })
        .collect_view();
    view! {
        <table class="data-table" data-testid="published-sample">
            <thead><tr>{head}</tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}

#[component]
pub fn PublishedPage(graph: String, node: String, date: Option<String>) -> impl IntoView {
    let sample = RwSignal::new(None::<PublishedSample>);
    let dates = RwSignal::new(Vec::<String>::new());
    let chosen = RwSignal::new(date);
    let error = RwSignal::new(None::<String>);
    let (g, n) = (graph.clone(), node.clone());
    spawn_local(async move {
        if let Ok(l) = api::published().await
            && let Some(o) = l.outputs.into_iter().find(|o| o.graph_id == g && o.node == n)
        {
            let _ = dates.try_set(o.dates);
        }
    });
    let (g, n) = (graph.clone(), node.clone());
    Effect::new(move |_| {
        let date = chosen.get();
        let (g, n) = (g.clone(), n.clone());
        spawn_local(async move {
            match api::published_sample(&g, &n, date.as_deref()).await {
                Ok(s) => {
                    let _ = error.try_set(None);
                    let _ = sample.try_set(Some(s));
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    });
    let columns = Signal::derive(move || sample.get().map(|s| s.columns).unwrap_or_default());
    let date = Signal::derive(move || sample.get().map(|s| s.biz_date));
    let picker = move || {
        let current = sample.get().map(|s| s.biz_date);
        view! {
            <select data-testid="published-date" on:change=move |ev| chosen.set(Some(event_target_value(&ev)))>
                {dates.get().into_iter().map(|d| {
                    let selected = current.as_deref() == Some(d.as_str());
                    view! { <option value=d.clone() selected=selected>{d.clone()}</option> }
                }).collect_view()}
            </select>
        }
    };
    let heading = move || sample.get().map(|s| format!("{} · {}", s.graph_name, s.node)).unwrap_or_default();
    let as_of = move || {
        sample.get().map(|s| tf("explore.published_as_of", &[("date", &s.biz_date), ("rows", &s.total.to_string())]))
    };
    view! {
        <div class="list-page wide report-page" data-testid="published-page">
            <div class="list-head">
                <h1>{heading}</h1>
                <a href="#/reports">{t("reports.all_reports")}</a>
            </div>
            {error_banner(error)}
            <div class="filters">
                <label>{t("runs.business_date")}" " {picker}</label>
                <span class="muted" data-testid="published-as-of">{as_of}</span>
            </div>
            {move || sample.get().map(sample_table)}
            <ExplorePanel target=Target::Published { graph: graph.clone(), node: node.clone() } columns=columns date=date/>
        </div>
    }
}
