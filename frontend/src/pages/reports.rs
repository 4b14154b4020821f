//! `#/reports` (the reports the user may read) and `#/reports/<name>`: a
//! business-date picker (latest published first), the rows as a sortable,
//! filterable table formatted by the report's `format` (the shared formatter,
//! as the downloads), the chart drawn by the server, downloads, "as of" and
//! the graph version, a table/chart toggle, and Explore.

use super::explore::ExplorePanel;
use super::fmt::error_banner;
use super::published::PublishedList;
use super::report_viewers::ReportViewers;
use crate::api::reports::{self as api, Target};
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::api::reports::{ReportDate, ReportRows, ReportSummary, RowsQuery};
use sluice_shared::report::ColumnFormat;
use sluice_shared::report_format::format_cell;

#[component]
pub fn ReportsPage() -> impl IntoView {
    let list = RwSignal::new(None::<Vec<ReportSummary>>);
    let error = RwSignal::new(None::<String>);
    spawn_local(async move {
        match api::reports().await {
            Ok(l) => list.try_set(Some(l.reports)).map_or((), drop),
            Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
        }
    });
    let item = |r: ReportSummary| {
        let href = format!("#/reports/{}", r.name);
        let latest = r.latest.clone().unwrap_or_else(|| t("reports.not_published").into());
        view! {
            <li class="report-item" data-testid=format!("report-{}", r.name)>
                <a href=href>
                    <strong>{crate::i18n::demo(&r.title)}</strong>
                    <span class="muted">{format!(" · {}", tf("reports.summary", &[("chart", chart_name(r.chart.as_str())), ("latest", &latest), ("dates", &r.dates.to_string())]))}</span>
                </a>
            </li>
        }
    };
    view! {
        <div class="list-page wide">
            <div class="list-head"><h1>{t("nav.reports")}</h1></div>
            {error_banner(error)}
            <ul class="report-list" data-testid="report-list">
                {move || match list.get() {
                    None => view! { <li class="muted">{t("app.loading")}</li> }.into_any(),
                    Some(l) if l.is_empty() => view! { <li class="muted">{t("reports.no_reports_you_may_read")}</li> }.into_any(),
                    Some(l) => l.into_iter().map(item).collect_view().into_any(),
                }}
            </ul>
            <PublishedList/>
        </div>
    }
}

/// A chart kind in words (`ChartKind::as_str`); an unknown one as it is.
fn chart_name(kind: &str) -> &str {
    match kind {
        "table" => t("reports.chart_table"),
        "bar" => t("reports.chart_bar"),
        "line" => t("reports.chart_line"),
        "pie" => t("reports.chart_pie"),
        "area" => t("reports.chart_area"),
        "kpi" => t("reports.chart_kpi"),
        "pivot" => t("reports.chart_pivot"),
        other => other,
    }
}

/// The choice in the date picker: a published date, or a draft's (`draft:` prefix).
fn date_key(d: &ReportDate) -> String {
    if d.draft { format!("draft:{}", d.biz_date) } else { d.biz_date.clone() }
}

#[component]
pub fn ReportPage(name: String) -> impl IntoView {
    let dates = RwSignal::new(Vec::<ReportDate>::new());
    let title = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<String>);
    let sort = RwSignal::new(None::<(String, bool)>);
    let filter_col = RwSignal::new(String::new());
    let filter = RwSignal::new(String::new());
    let page = RwSignal::new(None::<ReportRows>);
    let error = RwSignal::new(None::<String>);
    let n = name.clone();
    spawn_local(async move {
        match api::report_dates(&n).await {
            Ok(d) => {
                let first = d.dates.iter().find(|x| !x.draft).or(d.dates.first()).map(date_key);
                let _ = title.try_set(crate::i18n::demo(&d.title));
                let _ = dates.try_set(d.dates);
                let _ = chosen.try_set(first);
            }
            Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
        }
    });
    let query = move || {
        let key = chosen.get()?;
        let (draft, date) = match key.strip_prefix("draft:") {
            Some(d) => (true, d.to_string()),
            None => (false, key),
        };
        let (s, desc) = sort.get().map(|(c, d)| (Some(c), d)).unwrap_or((None, false));
        let fc = filter_col.get();
        Some(RowsQuery {
            date: Some(date),
            draft,
            limit: Some(200),
            sort: s,
            desc,
            filter_column: (!fc.is_empty()).then_some(fc),
            filter: Some(filter.get()),
            ..Default::default()
        })
    };
    let n = name.clone();
    Effect::new(move |_| {
        let Some(q) = query() else { return };
        let n = n.clone();
        spawn_local(async move {
            match api::report_rows(&n, &q).await {
                Ok(r) => {
                    let _ = error.try_set(None);
                    let _ = page.try_set(Some(r));
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    });
    let picker = move || {
        view! {
            <select data-testid="report-date" on:change=move |ev| chosen.set(Some(event_target_value(&ev)))>
                {dates.get().into_iter().map(|d| {
                    let key = date_key(&d);
                    let label = if d.draft { tf("reports.your_draft", &[("date", &d.biz_date)]) } else { d.biz_date.clone() };
                    let selected = chosen.get_untracked().as_deref() == Some(key.as_str());
                    view! { <option value=key selected=selected>{label}</option> }
                }).collect_view()}
            </select>
        }
    };
    let n = name.clone();
    let links = move || {
        let q = query()?;
        let n = n.clone();
        Some(view! {
            <div class="report-downloads">
                <a class="btn" data-testid="report-download-xlsx" href=api::download_url(&n, "xlsx", &q) download="">{t("reports.download_xlsx")}</a>
                <a class="btn" data-testid="report-download-csv" href=api::download_url(&n, "csv", &q) download="">{t("reports.download_csv")}</a>
                <a class="btn" data-testid="report-download-svg" href=api::download_url(&n, "svg", &q) download="">{t("reports.download_svg")}</a>
                <a class="btn" data-testid="report-download-png" href=api::download_url(&n, "png", &q) download="">{t("reports.download_png")}</a>
            </div>
        })
    };
    let view_as = RwSignal::new(ViewAs::Both);
    let n = name.clone();
    let chart = move || {
        let q = query()?;
        let src = api::download_url(&n, "svg", &q);
        let hidden = move || if view_as.get() == ViewAs::Table { "none" } else { "" };
        Some(
            view! { <img class="report-chart" data-testid="report-chart" src=src alt=t("reports.chart") style:display=hidden/> },
        )
    };
    let columns = Signal::derive(move || page.get().map(|p| p.columns).unwrap_or_default());
    let date = Signal::derive(move || page.get().filter(|p| !p.date.draft).map(|p| p.date.biz_date));
    view! {
        <div class="list-page wide report-page" data-testid=format!("report-{name}")>
            <div class="list-head">
                <h1>{move || title.get()}</h1>
                <a href="#/reports">{t("reports.all_reports")}</a>
            </div>
            {error_banner(error)}
            <div class="filters">
                <label>{t("runs.business_date")}" " {picker}</label>
                <span class="muted" data-testid="report-as-of">{move || page.get().map(|p| as_of(&p))}</span>
                {links}
            </div>
            {view_toggle(view_as)}
            {chart}
            <div style:display=move || if view_as.get() == ViewAs::Chart { "none" } else { "" }>
                <RowsTable page=page sort=sort filter_col=filter_col filter=filter/>
            </div>
            <ExplorePanel target=Target::Report(name.clone()) columns=columns date=date/>
            <ReportViewers name=name.clone()/>
        </div>
    }
}

/// What the report page shows: the table and the chart, or one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ViewAs {
    Both,
    Table,
    Chart,
}

fn view_toggle(view_as: RwSignal<ViewAs>) -> impl IntoView {
    let button = move |v: ViewAs, testid: &'static str, label: &'static str| {
        view! {
            <button class="btn" class:primary=move || view_as.get() == v data-testid=testid
                aria-pressed=move || (view_as.get() == v).to_string() on:click=move |_| view_as.set(v)>{label}</button>
        }
    };
    view! {
        <div class="filters report-view" data-testid="report-view">
            {button(ViewAs::Both, "report-view-both", t("reports.view_both"))}
            {button(ViewAs::Table, "report-view-table", t("reports.view_table"))}
            {button(ViewAs::Chart, "report-view-chart", t("reports.view_chart"))}
        </div>
    }
}

fn as_of(p: &ReportRows) -> String {
    let short: String = p.date.hash.chars().take(8).collect();
    let text = tf(
        "reports.as_of",
        &[
            ("date", &p.date.biz_date),
            ("version", &p.date.version.to_string()),
            ("hash", &short),
            ("rows", &p.total.to_string()),
        ],
    );
    if p.date.draft { format!("{text} · {}", t("reports.draft")) } else { text }
}

#[component]
fn RowsTable(
    page: RwSignal<Option<ReportRows>>,
    sort: RwSignal<Option<(String, bool)>>,
    filter_col: RwSignal<String>,
    filter: RwSignal<String>,
) -> impl IntoView {
    let click = move |c: String| {
        sort.update(|s| {
            *s = match s.take() {
                Some((old, desc)) if old == c => Some((c, !desc)),
                _ => Some((c, false)),
            }
        })
    };
    let head = move || {
        let p = page.get()?;
        Some(p.columns.into_iter().map(|c| {
            let name = c.name.clone();
            let mark = move || match sort.get() {
                Some((s, d)) if s == name => if d { " ▼" } else { " ▲" },
                _ => "",
            };
            let key = c.name.clone();
            view! {
                <th class="clickable" data-testid=format!("report-sort-{}", c.name) on:click=move |_| click(key.clone())>
                    {c.name.clone()}{mark}
                </th>
            }
        }).collect_view())
    };
    let body = move || {
        let p = page.get()?;
        let plain = ColumnFormat::default();
        let formats: Vec<ColumnFormat> =
            p.columns.iter().map(|c| p.config.format.get(&c.name).cloned().unwrap_or_else(|| plain.clone())).collect();
        Some(
            p.rows
                .into_iter()
                .map(|row| {
                    let cells = row
                        .iter()
                        .zip(&formats)
                        .map(|(v, f)| {
                            let numeric = v.is_number();
                            view! { <td class:num=numeric>{format_cell(v, f)}</td> }
                        })
                        .collect_view();
                    view! { <tr data-testid="report-row">{cells}</tr> }
                })
                .collect_view(),
        )
    };
    let columns =
        move || page.get().map(|p| p.columns.into_iter().map(|c| c.name).collect::<Vec<_>>()).unwrap_or_default();
    view! {
        <div class="filters">
            <select data-testid="report-filter-column" on:change=move |ev| filter_col.set(event_target_value(&ev))>
                <option value="">{t("reports.filter_column")}</option>
                {move || columns().into_iter().map(|c| { let v = c.clone(); view! { <option value=v>{c}</option> } }).collect_view()}
            </select>
            <input data-testid="report-filter" placeholder=t("reports.contains") on:change=move |ev| filter.set(event_target_value(&ev))/>
        </div>
        <table class="data-table" data-testid="report-table">
            <thead><tr>{head}</tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}
