//! Explore's parts: the builder's state ([`Builder`]), the field list (drag a
//! field or click one of its buttons), the four zones (rows, across, measures,
//! filters) and the answer as a table or a chart.

use super::explore::{Show, agg_name};
use crate::i18n::t;
use leptos::prelude::*;
use sluice_shared::api::reports::{
    Agg, FilterOp, MAX_FILTER_VALUES, MAX_PIVOT_FILTERS, MAX_PIVOT_KEYS, MAX_PIVOT_MEASURES, PivotFilter, PivotMeasure,
    PivotRequest, PivotResult,
};
use sluice_shared::config::ChartKind;
use sluice_shared::{DataType, Field};

/// What the user has built so far; every part a signal.
#[derive(Clone, Copy)]
pub struct Builder {
    pub rows: RwSignal<Vec<String>>,
    pub across: RwSignal<Option<String>>,
    pub measures: RwSignal<Vec<PivotMeasure>>,
    /// `in` filters keep their values comma-separated in `value` until sent.
    pub filters: RwSignal<Vec<PivotFilter>>,
    /// The field being dragged.
    pub dragged: RwSignal<Option<String>>,
    pub quick_col: RwSignal<String>,
    pub quick_text: RwSignal<String>,
}

fn keys(b: &Builder) -> usize {
    b.rows.get_untracked().len() + usize::from(b.across.get_untracked().is_some())
}

impl Builder {
    pub fn new() -> Builder {
        Builder {
            rows: RwSignal::new(Vec::new()),
            across: RwSignal::new(None),
            measures: RwSignal::new(Vec::new()),
            filters: RwSignal::new(Vec::new()),
            dragged: RwSignal::new(None),
            quick_col: RwSignal::new(String::new()),
            quick_text: RwSignal::new(String::new()),
        }
    }

    pub fn add_row(&self, c: String) {
        if c.is_empty() || keys(self) >= MAX_PIVOT_KEYS || self.across.get_untracked().as_ref() == Some(&c) {
            return;
        }
        self.rows.update(|r| {
            if !r.contains(&c) {
                r.push(c)
            }
        });
    }

    pub fn set_across(&self, c: String) {
        self.rows.update(|r| r.retain(|x| *x != c));
        self.across.set((!c.is_empty()).then_some(c));
    }

    /// A measure of `c`: summed when it is a number, else counted.
    pub fn add_measure(&self, c: String, columns: Vec<Field>) {
        if c.is_empty() || self.measures.get_untracked().len() >= MAX_PIVOT_MEASURES {
            return;
        }
        let numeric = columns.iter().any(|f| f.name == c && f.ty.is_some_and(DataType::is_numeric));
        let agg = if numeric { Agg::Sum } else { Agg::Count };
        self.measures.update(|m| m.push(PivotMeasure { column: c, agg }));
    }

    /// The aggregate of the measure added last.
    pub fn set_last_agg(&self, a: &str) {
        let Some(agg) = Agg::parse(a) else { return };
        self.measures.update(|m| {
            if let Some(last) = m.last_mut() {
                last.agg = agg
            }
        });
    }

    pub fn add_filter(&self, c: String) {
        if self.filters.get_untracked().len() < MAX_PIVOT_FILTERS {
            let f = PivotFilter { column: c, op: FilterOp::Eq, value: String::new(), values: Vec::new() };
            self.filters.update(|l| l.push(f));
        }
    }

    /// The request: filters with an empty value are left out; `in` values split at commas.
    pub fn request(&self, date: Option<String>, chart: Option<ChartKind>) -> PivotRequest {
        let mut filters: Vec<PivotFilter> = self
            .filters
            .get_untracked()
            .into_iter()
            .filter(|f| !f.value.trim().is_empty())
            .map(|mut f| {
                if f.op == FilterOp::In {
                    f.values = f.value.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
                    f.values.truncate(MAX_FILTER_VALUES);
                    f.value = String::new();
                }
                f
            })
            .collect();
        let (qc, qt) = (self.quick_col.get_untracked(), self.quick_text.get_untracked());
        if !qc.is_empty() && !qt.is_empty() && filters.len() < MAX_PIVOT_FILTERS {
            filters.push(PivotFilter { column: qc, op: FilterOp::Contains, value: qt, values: Vec::new() });
        }
        PivotRequest {
            date,
            rows: self.rows.get_untracked(),
            columns: self.across.get_untracked().into_iter().collect(),
            measures: self.measures.get_untracked(),
            filters,
            chart,
        }
    }
}

/// The fields, each draggable and with a button per zone.
#[component]
pub fn FieldList(columns: Signal<Vec<Field>>, builder: Builder) -> impl IntoView {
    let b = builder;
    let field = move |f: Field| {
        let c = f.name.clone();
        let (r, a, m, fl, d) = (c.clone(), c.clone(), c.clone(), c.clone(), c.clone());
        view! {
            <li class="explore-field" draggable="true" data-testid=format!("explore-field-{c}")
                on:dragstart=move |_| b.dragged.set(Some(d.clone()))>
                <span>{c.clone()}</span>
                <button class="btn small" data-testid=format!("explore-add-row-{c}") title=t("explore.rows")
                    on:click=move |_| b.add_row(r.clone())>{t("explore.add_row")}</button>
                <button class="btn small" data-testid=format!("explore-add-column-{c}") title=t("explore.columns")
                    on:click=move |_| b.set_across(a.clone())>{t("explore.add_column")}</button>
                <button class="btn small" data-testid=format!("explore-add-measure-{c}") title=t("explore.measure")
                    on:click=move |_| b.add_measure(m.clone(), columns.get_untracked())>{t("explore.add_measure")}</button>
                <button class="btn small" data-testid=format!("explore-add-filter-{c}") title=t("explore.filter")
                    on:click=move |_| b.add_filter(fl.clone())>{t("explore.add_filter")}</button>
            </li>
        }
    };
    view! {
        <div class="explore-fields">
            <h3>{t("explore.fields")}</h3>
            <ul data-testid="explore-fields">{move || columns.get().into_iter().map(field).collect_view()}</ul>
        </div>
    }
}

/// A chip in a zone, with a button that takes it out.
fn chip(testid: String, label: String, remove: impl Fn() + 'static) -> impl IntoView {
    view! {
        <span class="explore-chip" data-testid=testid>
            {label}
            <button class="btn small" title=t("explore.remove") on:click=move |_| remove()>"×"</button>
        </span>
    }
}

/// A drop target: what is dropped on it goes where `add` puts it.
fn zone(
    b: Builder,
    testid: &'static str,
    label: &'static str,
    add: impl Fn(String) + Copy + 'static,
    body: impl IntoView + 'static,
) -> impl IntoView {
    view! {
        <div class="explore-zone" data-testid=testid
            on:dragover=move |ev| ev.prevent_default()
            on:drop=move |ev| {
                ev.prevent_default();
                if let Some(c) = b.dragged.get_untracked() {
                    b.dragged.set(None);
                    add(c);
                }
            }>
            <h3>{label}</h3>
            {body}
        </div>
    }
}

fn measure_chip(b: Builder, i: usize, m: PivotMeasure) -> impl IntoView {
    view! {
        <span class="explore-chip" data-testid=format!("explore-measure-{i}")>
            <select data-testid=format!("explore-measure-agg-{i}") on:change=move |ev| {
                if let Some(a) = Agg::parse(&event_target_value(&ev)) {
                    b.measures.update(|l| if let Some(x) = l.get_mut(i) { x.agg = a });
                }
            }>
                {Agg::ALL.map(|a| view! { <option value=a.as_str() selected=a == m.agg>{agg_name(a)}</option> })}
            </select>
            {m.column.clone()}
            <button class="btn small" data-testid=format!("explore-measure-remove-{i}") title=t("explore.remove")
                on:click=move |_| b.measures.update(|l| if i < l.len() { l.remove(i); })>"×"</button>
        </span>
    }
}

fn op_label(o: FilterOp) -> &'static str {
    match o {
        FilterOp::Eq => "=",
        FilterOp::Ne => "≠",
        FilterOp::Lt => "<",
        FilterOp::Le => "≤",
        FilterOp::Gt => ">",
        FilterOp::Ge => "≥",
        FilterOp::Contains => t("explore.op_contains"),
        FilterOp::In => t("explore.op_in"),
    }
}

fn filter_row(b: Builder, i: usize, f: PivotFilter) -> impl IntoView {
    let set = move |g: &dyn Fn(&mut PivotFilter)| {
        b.filters.update(|l| {
            if let Some(x) = l.get_mut(i) {
                g(x)
            }
        })
    };
    view! {
        <div class="explore-filter" data-testid=format!("explore-filter-{i}")>
            <span>{f.column.clone()}</span>
            <select data-testid=format!("explore-filter-op-{i}") on:change=move |ev| {
                if let Some(o) = FilterOp::parse(&event_target_value(&ev)) { set(&|x| x.op = o) }
            }>
                {FilterOp::ALL.map(|o| view! { <option value=o.as_str() selected=o == f.op>{op_label(o)}</option> })}
            </select>
            <input data-testid=format!("explore-filter-value-{i}") prop:value=f.value.clone()
                placeholder=t("explore.value_or_values")
                on:input=move |ev| {
                    // Untracked: the list is not drawn again under the typing.
                    let v = event_target_value(&ev);
                    b.filters.update_untracked(|l| if let Some(x) = l.get_mut(i) { x.value = v });
                }/>
            <button class="btn small" data-testid=format!("explore-filter-remove-{i}") title=t("explore.remove")
                on:click=move |_| b.filters.update(|l| if i < l.len() { l.remove(i); })>"×"</button>
        </div>
    }
}

/// Rows, across, measures and filters.
#[component]
pub fn Zones(columns: Signal<Vec<Field>>, builder: Builder) -> impl IntoView {
    let b = builder;
    let rows = move || {
        b.rows
            .get()
            .into_iter()
            .map(|c| {
                let k = c.clone();
                chip(format!("explore-row-dim-{c}"), c, move || b.rows.update(|r| r.retain(|x| *x != k)))
            })
            .collect_view()
    };
    let across = move || b.across.get().map(|c| chip(format!("explore-column-dim-{c}"), c, move || b.across.set(None)));
    let measures = move || b.measures.get().into_iter().enumerate().map(|(i, m)| measure_chip(b, i, m)).collect_view();
    let filters = move || b.filters.get().into_iter().enumerate().map(|(i, f)| filter_row(b, i, f)).collect_view();
    view! {
        <div class="explore-zones">
            {zone(b, "explore-zone-rows", t("explore.rows"), move |c| b.add_row(c), rows)}
            {zone(b, "explore-zone-columns", t("explore.columns"), move |c| b.set_across(c), across)}
            {zone(b, "explore-zone-measures", t("explore.measures"), move |c| b.add_measure(c, columns.get_untracked()), measures)}
            {zone(b, "explore-zone-filters", t("explore.filters"), move |c| b.add_filter(c), filters)}
        </div>
    }
}

fn cell_text(v: serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The answer: the table, or the chart the server drew with it.
pub fn result_view(r: PivotResult, show: RwSignal<Show>) -> impl IntoView {
    let head = r.columns.into_iter().map(|c| view! { <th>{c.name}</th> }).collect_view();
    let body = r
        .rows
        .into_iter()
        .map(|row| {
            let cells = row
                .into_iter()
                .map(|v| {
                    let num = v.is_number();
                    view! { <td class:num=num>{cell_text(v)}</td> }
                })
                .collect_view();
            view! { <tr data-testid="explore-row">{cells}</tr> }
        })
        .collect_view();
    let svg = r.svg.unwrap_or_default();
    view! {
        <table class="data-table" data-testid="explore-table" style:display=move || if show.get() == Show::Table { "" } else { "none" }>
            <thead><tr>{head}</tr></thead>
            <tbody>{body}</tbody>
        </table>
        <div class="explore-chart" data-testid="explore-chart" inner_html=svg
            style:display=move || if show.get() == Show::Chart { "" } else { "none" }></div>
        {r.truncated.then(|| view! { <p class="muted">{t("explore.only_the_first_groups_are")}</p> })}
    }
}
