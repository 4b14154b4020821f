//! The admin page's business calendars: the list (built-in `cn` included), CSV or
//! iCalendar import and export, or a copy of another calendar, and a year of month grids marking
//! open, closed, holiday and make-up working days.

use super::fmt::error_banner;
use crate::api::{self, CalendarDetail, CalendarInfo};
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::calendar::civil;
use sluice_shared::i18n::Lang;
use std::collections::BTreeMap;
use wasm_bindgen_futures::JsFuture;

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEK_HEADS: [&str; 7] = ["M", "T", "W", "T", "F", "S", "S"];
const WEEK_HEADS_ZH: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

/// A month's short name in the current language (`m` from 1).
fn month_name(m: u32) -> String {
    match crate::i18n::lang() {
        Lang::En => MONTHS[m as usize - 1].to_string(),
        Lang::ZhCn => format!("{m}月"),
    }
}

/// A calendar's name for people: a built-in one says which it is (`cn (Mainland China)`).
pub fn calendar_label(name: &str) -> String {
    match name {
        "cn" => format!("{name} ({})", t("calendars.name_cn")),
        _ => name.to_string(),
    }
}

/// The calendar names the admin page knows, shared with the schedule form so a
/// calendar imported here can be chosen there at once.
#[derive(Clone, Copy)]
pub struct CalendarNames(pub RwSignal<Vec<String>>);

#[component]
pub fn CalendarsSection() -> impl IntoView {
    let names = use_context::<CalendarNames>();
    let list = RwSignal::new(Vec::<CalendarInfo>::new());
    let detail = RwSignal::new(None::<CalendarDetail>);
    let year = RwSignal::new(0i32);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let (name, csv) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let reload = move || {
        spawn_local(async move {
            match api::calendars().await {
                Ok(l) => {
                    if let Some(CalendarNames(n)) = names {
                        let _ = n.try_set(l.iter().map(|c| c.name.clone()).collect());
                    }
                    let _ = list.try_set(l);
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        })
    };
    reload();
    let show = move |n: String| {
        spawn_local(async move {
            match api::calendar(&n).await {
                Ok(d) => {
                    let now = js_sys::Date::new_0().get_full_year() as i32;
                    let _ = year.try_set(now.clamp(d.info.first_year, d.info.last_year));
                    let _ = detail.try_set(Some(d));
                    let _ = error.try_set(None);
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        })
    };
    let done = move |r: Result<CalendarInfo, api::ApiError>, imported: bool| match r {
        Ok(c) => {
            let years = format!("{}–{}", c.first_year, c.last_year);
            let p = [("name", c.name.as_str()), ("years", years.as_str())];
            let text = if imported { tf("calendars.imported", &p) } else { tf("calendars.copied", &p) };
            let _ = notice.try_set(Some(text));
            let _ = error.try_set(None);
            reload();
            show(c.name);
        }
        Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
    };
    let import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, text) = (name.get_untracked(), csv.get_untracked());
        spawn_local(async move { done(api::import_calendar(n.trim(), &text).await, true) });
    };
    let copy = move |from: String| {
        let n = name.get_untracked();
        spawn_local(async move { done(api::copy_calendar(n.trim(), &from).await, false) });
    };
    let remove = move |n: String| {
        spawn_local(async move {
            match api::delete_calendar(&n).await {
                Ok(()) => {
                    let _ = notice.try_set(Some(tf("calendars.deleted", &[("name", &n)])));
                    let _ = detail.try_set(None);
                    reload();
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        })
    };
    let read_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        if name.get_untracked().trim().is_empty() {
            name.set(file.name().trim_end_matches(".csv").trim_end_matches(".ics").to_string());
        }
        spawn_local(async move {
            match JsFuture::from(file.text()).await {
                Ok(t) => csv.try_set(t.as_string().unwrap_or_default()).map_or((), drop),
                Err(_) => error.try_set(Some(t("calendars.unreadable_file").into())).map_or((), drop),
            }
        });
    };
    let row = move |c: CalendarInfo| {
        let (n1, n2, n3) = (c.name.clone(), c.name.clone(), c.name.clone());
        view! {
            <tr data-testid="calendar-row" data-name=c.name.clone()>
                <td><a href="" on:click=move |ev| { ev.prevent_default(); show(n1.clone()) }>{calendar_label(&c.name)}</a></td>
                <td>{if c.builtin { t("calendars.builtin") } else { "" }}</td>
                <td>{format!("{}–{}", c.first_year, c.last_year)}</td>
                <td>{c.holidays}</td>
                <td>{c.workdays}</td>
                <td>
                    <a class="btn" href=api::export_url(&c.name, "csv") download=format!("{}.csv", c.name)
                        data-testid="calendar-export-csv">{t("calendars.export_csv")}</a>
                    <a class="btn" href=api::export_url(&c.name, "ics") download=format!("{}.ics", c.name)
                        data-testid="calendar-export-ics">{t("calendars.export_ics")}</a>
                    <button class="btn" type="button" data-testid="calendar-copy" on:click=move |_| copy(n2.clone())>
                        {t("calendars.copy_as_new_name")}
                    </button>
                    {(!c.builtin).then(|| view! {
                        <button class="btn" type="button" data-testid="calendar-delete" on:click=move |_| remove(n3.clone())>
                            {t("graph_list.delete")}
                        </button>
                    })}
                </td>
            </tr>
        }
    };
    view! {
        <section class="review-section" data-testid="calendars-section">
            <h2>{t("calendars.business_calendars")}</h2>
            {error_banner(error)}
            {move || notice.get().map(|n| view! { <div class="banner info">{n}</div> })}
            <table class="data-table" data-testid="calendar-list">
                <thead><tr><th>{t("field.calendar")}</th><th></th><th>{t("calendars.years")}</th><th>{t("calendars.holidays")}</th><th>{t("calendars.make_up_days")}</th><th></th></tr></thead>
                <tbody>{move || list.get().into_iter().map(row).collect_view()}</tbody>
            </table>
            <form class="inline-form" data-testid="calendar-import" on:submit=import>
                <input placeholder=t("calendars.new_calendar_name") data-testid="calendar-import-name" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                <input type="file" accept=".csv,.ics,text/csv,text/calendar" data-testid="calendar-import-file" on:change=read_file/>
                <textarea placeholder=t("calendars.date_kind_note") rows="3" data-testid="calendar-import-csv" prop:value=move || csv.get()
                    on:input=move |ev| csv.set(event_target_value(&ev))></textarea>
                <button class="btn primary" type="submit" data-testid="calendar-import-submit">{t("calendars.import_csv")}</button>
            </form>
            {move || detail.get().map(|d| view! { <YearGrid detail=d year=year/> })}
        </section>
    }
}

/// What a day is: an exception's kind, else open or closed by the weekly pattern.
fn kind_of(day: i32, weekly: &[u8], exceptions: &BTreeMap<String, (String, String)>, date: &str) -> (String, String) {
    match exceptions.get(date) {
        Some((kind, note)) => (kind.clone(), note.clone()),
        None => {
            let open = weekly.get(civil::weekday(day) as usize - 1) == Some(&b'1');
            ((if open { "open" } else { "closed" }).to_string(), String::new())
        }
    }
}

#[component]
fn YearGrid(detail: CalendarDetail, year: RwSignal<i32>) -> impl IntoView {
    let info = detail.info.clone();
    let exceptions: BTreeMap<String, (String, String)> =
        detail.exceptions.iter().map(|e| (e.date.clone(), (e.kind.clone(), e.note.clone()))).collect();
    let month = move |y: i32, m: u32| {
        let first = civil::days_from_civil(y, m, 1).unwrap_or_default();
        let blanks = (civil::weekday(first) - 1) as usize;
        let weekly = info.weekly.clone().into_bytes();
        let days = (1..=civil::month_len(y, m)).map(|d| {
            let day = first + d as i32 - 1;
            let date = civil::format_date(day);
            let (kind, note) = kind_of(day, &weekly, &exceptions, &date);
            view! {
                <span class="cal-day" data-testid=format!("calendar-day-{date}") data-kind=kind title=note>{d}</span>
            }
        });
        view! {
            <div class="cal-month" data-testid="calendar-month" data-month=format!("{y:04}-{m:02}")>
                <div class="cal-title">{month_name(m)}</div>
                <div class="cal-grid">
                    {(if crate::i18n::lang() == Lang::En { WEEK_HEADS } else { WEEK_HEADS_ZH }).map(|w| view! { <span class="cal-head">{w}</span> })}
                    {(0..blanks).map(|_| view! { <span class="cal-blank"></span> }).collect_view()}
                    {days.collect_view()}
                </div>
            </div>
        }
    };
    let (first, last) = (detail.info.first_year, detail.info.last_year);
    view! {
        <div class="cal-year" data-testid="calendar-year-view" data-name=detail.info.name.clone()>
            <label>{t("calendars.year")}
                <select data-testid="calendar-year" on:change=move |ev| {
                    if let Ok(y) = event_target_value(&ev).parse() { year.set(y) }
                }>
                    {(first..=last).rev().map(|y| view! { <option value=y selected=move || year.get() == y>{y}</option> }).collect_view()}
                </select>
            </label>
            <span class="cal-legend">
                <span class="cal-day" data-kind="holiday">{t("calendars.holiday")}</span>
                <span class="cal-day" data-kind="workday">{t("calendars.make_up_workday")}</span>
                <span class="cal-day" data-kind="closed">{t("calendars.weekend")}</span>
            </span>
            <div class="cal-months">{move || { let y = year.get(); (1..=12).map(|m| month(y, m)).collect_view() }}</div>
        </div>
    }
}
