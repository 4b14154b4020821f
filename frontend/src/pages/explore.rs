//! Explore: a pivot builder over a report's published rows or a file sink's
//! published output. The field list on the left; drag a field (or click one
//! of its buttons) into rows (several), across (one column dimension),
//! measures (several, each with its aggregate) or filters (several: column,
//! comparison, value or values). The server answers the pivot with
//! DataFusion and draws it too (the chart comes as SVG with the answer, so the
//! table/chart toggle is instant). "Save as report" submits all of it (every
//! dimension, measure and filter and the chart kind) as a new graph for review.

use super::explore_view::{Builder, FieldList, Zones, result_view};
use super::fmt::error_banner;
use crate::api::reports::{self as api, Target};
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::Field;
use sluice_shared::api::reports::{Agg, PivotResult, SaveAsReport};
use sluice_shared::config::ChartKind;

/// An aggregate's name in words (the option's value stays `sum`, `avg`, …).
pub(super) fn agg_name(a: Agg) -> &'static str {
    match a {
        Agg::Sum => t("explore.agg_sum"),
        Agg::Avg => t("explore.agg_avg"),
        Agg::Count => t("explore.agg_count"),
        Agg::Min => t("explore.agg_min"),
        Agg::Max => t("explore.agg_max"),
    }
}

/// The chart kinds a pivot may be drawn as.
const CHARTS: [ChartKind; 6] =
    [ChartKind::Bar, ChartKind::Line, ChartKind::Area, ChartKind::Pie, ChartKind::Pivot, ChartKind::Kpi];

fn chart_label(k: ChartKind) -> &'static str {
    match k {
        ChartKind::Bar => t("reports.chart_bar"),
        ChartKind::Line => t("reports.chart_line"),
        ChartKind::Area => t("reports.chart_area"),
        ChartKind::Pie => t("reports.chart_pie"),
        ChartKind::Pivot => t("reports.chart_pivot"),
        ChartKind::Kpi => t("reports.chart_kpi"),
        ChartKind::Table => t("reports.chart_table"),
    }
}

/// The quick controls of the first Explore (one row column, one measure,
/// one "contains" filter): each adds to the builder.
fn quick_bar(b: Builder, columns: Signal<Vec<Field>>) -> impl IntoView {
    let options = move || {
        columns
            .get()
            .into_iter()
            .map(|c| view! { <option value=c.name.clone()>{c.name.clone()}</option> })
            .collect_view()
    };
    view! {
        <div class="filters explore-quick">
            <label>{t("explore.rows")}" "
                <select data-testid="explore-rows" on:change=move |ev| b.add_row(event_target_value(&ev))>
                    <option value="">{t("common.none")}</option>{options}
                </select>
            </label>
            <label>{t("explore.columns")}" "
                <select data-testid="explore-columns" on:change=move |ev| b.set_across(event_target_value(&ev))>
                    <option value="">{t("common.none")}</option>{options}
                </select>
            </label>
            <label>{t("explore.measure")}" "
                <select data-testid="explore-measure" on:change=move |ev| b.add_measure(event_target_value(&ev), columns.get_untracked())>
                    <option value="">{t("explore.choose")}</option>{options}
                </select>
            </label>
            <select data-testid="explore-agg" on:change=move |ev| b.set_last_agg(&event_target_value(&ev))>
                {Agg::ALL.map(|a| view! { <option value=a.as_str()>{agg_name(a)}</option> })}
            </select>
            <label>{t("explore.filter")}" "
                <select data-testid="explore-filter-column" on:change=move |ev| b.quick_col.set(event_target_value(&ev))>
                    <option value="">{t("common.none")}</option>{options}
                </select>
            </label>
            <input data-testid="explore-filter" placeholder=t("reports.contains") on:input=move |ev| b.quick_text.set(event_target_value(&ev))/>
        </div>
    }
}

/// Table or chart, and which chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Show {
    Table,
    Chart,
}

fn toggle(show: RwSignal<Show>, chart: RwSignal<ChartKind>) -> impl IntoView {
    let button = move |s: Show, testid: &'static str, label: &'static str| {
        view! {
            <button class="btn" class:primary=move || show.get() == s data-testid=testid
                aria-pressed=move || (show.get() == s).to_string() on:click=move |_| show.set(s)>{label}</button>
        }
    };
    view! {
        <div class="filters explore-toggle">
            {button(Show::Table, "explore-view-table", t("reports.view_table"))}
            {button(Show::Chart, "explore-view-chart", t("reports.view_chart"))}
            <select data-testid="explore-chart-kind" on:change=move |ev| {
                if let Some(k) = ChartKind::parse(&event_target_value(&ev)) { chart.set(k) }
            }>
                {CHARTS.map(|k| view! { <option value=k.as_str()>{chart_label(k)}</option> })}
            </select>
        </div>
    }
}

#[component]
pub fn ExplorePanel(
    target: Target,
    #[prop(into)] columns: Signal<Vec<Field>>,
    #[prop(into)] date: Signal<Option<String>>,
) -> impl IntoView {
    let b = Builder::new();
    let result = RwSignal::new(None::<PivotResult>);
    let error = RwSignal::new(None::<String>);
    let graph_name = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let saved = RwSignal::new(None::<String>);
    let show = RwSignal::new(Show::Table);
    let chart = RwSignal::new(ChartKind::Bar);
    let tg = target.clone();
    let run = move || {
        let (tg, req) = (tg.clone(), b.request(date.get_untracked(), Some(chart.get_untracked())));
        spawn_local(async move {
            match api::pivot_at(&tg, &req).await {
                Ok(r) => {
                    let _ = error.try_set(None);
                    let _ = result.try_set(Some(r));
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    };
    // A new chart kind is drawn at once when there is an answer to draw.
    let again = run.clone();
    Effect::new(move |prev: Option<ChartKind>| {
        let k = chart.get();
        if prev.is_some_and(|p| p != k) && result.get_untracked().is_some() {
            again();
        }
        k
    });
    let save = move |_| {
        let req = b.request(None, None);
        let kind = if req.rows.is_empty() && req.columns.is_empty() { ChartKind::Kpi } else { chart.get_untracked() };
        let name = graph_name.get_untracked();
        let heading = Some(title.get_untracked()).filter(|s| !s.trim().is_empty()).unwrap_or_else(|| name.clone());
        let s = SaveAsReport { graph_name: name, title: heading, chart: kind, pivot: req };
        let tg = target.clone();
        spawn_local(async move {
            match api::save_at(&tg, &s).await {
                Ok(r) => saved.try_set(Some(tf("explore.saved", &[("graph", &r.graph_name)]))).map_or((), drop),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    };
    view! {
        <section class="explore" data-testid="explore">
            <h2>{t("explore.explore")}</h2>
            <div class="explore-builder">
                <FieldList columns=columns builder=b/>
                <Zones columns=columns builder=b/>
            </div>
            {quick_bar(b, columns)}
            <div class="filters">
                <button class="btn primary" data-testid="explore-run" on:click=move |_| run()>{t("explore.pivot")}</button>
            </div>
            {error_banner(error)}
            {toggle(show, chart)}
            {move || result.get().map(|r| result_view(r, show))}
            <div class="filters">
                <input data-testid="explore-name" placeholder=t("explore.new_graph_name") on:input=move |ev| graph_name.set(event_target_value(&ev))/>
                <input data-testid="explore-title" placeholder=t("explore.report_title") on:input=move |ev| title.set(event_target_value(&ev))/>
                <button class="btn" data-testid="explore-save" on:click=save>{t("explore.save_as_report")}</button>
                {move || saved.get().map(|m| view! { <span data-testid="explore-saved">{m}</span> })}
            </div>
        </section>
    }
}
