//! The admin page's scheduling section: schedules of approved graphs (create,
//! pause, resume), backfills for a range of business dates, and alerts.

use super::calendars::CalendarNames;
use super::fmt::{error_banner, time_ms};
use crate::api::{self, Alert, NewSchedule, Schedule, SubmissionFilter};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;

#[component]
pub fn SchedulesSection() -> impl IntoView {
    let schedules = RwSignal::new(Vec::<Schedule>::new());
    let alerts = RwSignal::new(Vec::<Alert>::new());
    // Approved graphs: id → name.
    let approved = RwSignal::new(BTreeMap::<String, String>::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            match api::schedules().await {
                Ok(list) => schedules.try_set(list).map_or((), drop),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
            if let Ok(list) = api::alerts().await {
                let _ = alerts.try_set(list);
            }
        })
    };
    reload();
    spawn_local(async move {
        if let Ok(subs) = api::submissions_with_status(SubmissionFilter::Approved).await {
            let _ = approved.try_set(subs.into_iter().map(|s| (s.graph_id, s.graph_name)).collect());
        }
    });
    let name_of = move |id: &str| approved.with(|a| a.get(id).cloned().unwrap_or_else(|| id.to_string()));
    let toggle = move |id: String, enabled: bool| {
        spawn_local(async move {
            if let Err(e) = api::set_schedule_enabled(&id, enabled).await {
                let _ = error.try_set(Some(e.to_string()));
            }
            reload();
        })
    };
    let row = move |s: Schedule| {
        let enabled = s.enabled;
        let id = s.id.clone();
        let deps = s.depends_on.iter().map(|d| name_of(d)).collect::<Vec<_>>().join(", ");
        view! {
            <tr data-testid="schedule-row" data-id=s.id.clone() data-graph=s.graph_id.clone()>
                <td>{name_of(&s.graph_id)}</td>
                <td class="code">{s.cron.clone()}</td>
                <td>{s.timezone.clone()}</td>
                <td>{s.retries}</td>
                <td>{s.sla.clone().unwrap_or_default()}</td>
                <td data-testid="schedule-calendar-name">{s.calendar.clone()}</td>
                <td>{deps}</td>
                <td>{if enabled { "active" } else { "paused" }}</td>
                <td>
                    <button class="btn small" data-testid="schedule-toggle" on:click=move |_| toggle(id.clone(), !enabled)>
                        {if enabled { "Pause" } else { "Resume" }}
                    </button>
                </td>
                <td><Backfill id=s.id.clone() notice=notice error=error/></td>
                <td><NextFirings id=s.id.clone() error=error/></td>
            </tr>
        }
    };
    view! {
        <section class="review-section" data-testid="schedules-section">
            <h2>"Schedules"</h2>
            {error_banner(error)}
            {move || notice.get().map(|n| view! { <div class="banner info" data-testid="schedule-notice">{n}</div> })}
            <table class="data-table" data-testid="schedules-table">
                <thead><tr><th>"Graph"</th><th>"Cron"</th><th>"Time zone"</th><th>"Retries"</th><th>"SLA"</th><th>"Calendar"</th>
                    <th>"Depends on"</th><th>"State"</th><th></th><th>"Backfill"</th><th>"Next runs"</th></tr></thead>
                <tbody>{move || schedules.get().into_iter().map(row).collect_view()}</tbody>
            </table>
            <super::schedule_deps::ScheduleDeps approved=approved/>
            <NewSchedule approved=approved schedules=schedules error=error on_created=move || reload()/>
            <h2>"Alerts"</h2>
            <table class="data-table" data-testid="alerts-table">
                <thead><tr><th>"When"</th><th>"Kind"</th><th>"Business date"</th><th>"Message"</th><th>"Run"</th></tr></thead>
                <tbody>
                    {move || alerts.get().into_iter().map(|a| view! {
                        <tr data-testid="alert-row">
                            <td>{time_ms(a.at)}</td><td>{a.kind.clone()}</td><td>{a.biz_date.clone()}</td><td>{a.message.clone()}</td>
                            <td>{a.run_id.clone().map(|r| view! { <a href=format!("#/runs/{r}")>"open"</a> })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn Backfill(id: String, notice: RwSignal<Option<String>>, error: RwSignal<Option<String>>) -> impl IntoView {
    let (from, to) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let id = StoredValue::new(id);
    let go = move |_| {
        let (f, t) = (from.get_untracked(), to.get_untracked());
        spawn_local(async move {
            match api::backfill(&id.get_value(), &f, &t).await {
                Ok(n) => notice.try_set(Some(format!("Queued {n} backfill run(s) from {f} to {t}."))).map_or((), drop),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        })
    };
    view! {
        <span class="inline-form">
            <input type="date" data-testid="backfill-from" on:change=move |ev| from.set(event_target_value(&ev))/>
            <input type="date" data-testid="backfill-to" on:change=move |ev| to.set(event_target_value(&ev))/>
            <button class="btn small" data-testid="backfill" on:click=go>"Backfill"</button>
        </span>
    }
}

/// The next 10 firings with their business dates, on demand.
#[component]
fn NextFirings(id: String, error: RwSignal<Option<String>>) -> impl IntoView {
    let firings = RwSignal::new(None::<Vec<api::Firing>>);
    let id = StoredValue::new(id);
    let show = move |_| {
        spawn_local(async move {
            match api::next_firings(&id.get_value()).await {
                Ok(f) => firings.try_set(Some(f)).map_or((), drop),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        })
    };
    view! {
        <button class="btn small" type="button" data-testid="schedule-next-show" on:click=show>"Show"</button>
        {move || firings.get().map(|list| view! {
            <ol class="next-firings" data-testid="schedule-next">
                {list.into_iter().map(|f| view! {
                    <li data-testid="schedule-next-firing" data-biz-date=f.biz_date.clone()>
                        {format!("{} → {}", time_ms(f.at), f.biz_date)}
                    </li>
                }).collect_view()}
            </ol>
        })}
    }
}

#[component]
fn NewSchedule(
    approved: RwSignal<BTreeMap<String, String>>,
    schedules: RwSignal<Vec<Schedule>>,
    error: RwSignal<Option<String>>,
    on_created: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let graph = RwSignal::new(String::new());
    let cron = RwSignal::new("0 6 * * *".to_string());
    let tz = RwSignal::new("Asia/Shanghai".to_string());
    let retries = RwSignal::new("2".to_string());
    let sla = RwSignal::new(String::new());
    let deps = RwSignal::new(Vec::<String>::new());
    let calendar = RwSignal::new(String::new());
    let offset = RwSignal::new(-1i64);
    let calendars = use_context::<CalendarNames>().map_or_else(|| RwSignal::new(Vec::new()), |c| c.0);
    spawn_local(async move {
        if let Ok(list) = api::calendars().await {
            let _ = calendars.try_set(list.into_iter().map(|c| c.name).collect());
        }
    });
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let g = graph.get_untracked();
        let g =
            if g.is_empty() { approved.with_untracked(|a| a.keys().next().cloned()).unwrap_or_default() } else { g };
        let sla_text = sla.get_untracked().trim().to_string();
        let body = NewSchedule {
            graph_id: g,
            cron: cron.get_untracked().trim().to_string(),
            timezone: Some(tz.get_untracked().trim().to_string()),
            retries: Some(retries.get_untracked().trim().parse::<i64>().unwrap_or(2)),
            sla: (!sla_text.is_empty()).then_some(sla_text),
            depends_on: deps.get_untracked(),
            calendar: Some(calendar.get_untracked()).filter(|c| !c.is_empty()),
            biz_date_offset: Some(offset.get_untracked()),
            ..NewSchedule::default()
        };
        spawn_local(async move {
            match api::create_schedule(&body).await {
                Ok(_) => {
                    let _ = error.try_set(None);
                    on_created();
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        })
    };
    let on_deps = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(sel) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) else {
            return;
        };
        let opts = sel.selected_options();
        deps.set((0..opts.length()).filter_map(|i| opts.item(i)).filter_map(|o| o.get_attribute("value")).collect());
    };
    view! {
        <form class="inline-form schedule-form" data-testid="schedule-form" on:submit=create>
            <label>"Graph"
                <select data-testid="schedule-graph" on:change=move |ev| graph.set(event_target_value(&ev))>
                    {move || approved.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
            </label>
            <label>"Cron"<input data-testid="schedule-cron" prop:value=move || cron.get() on:input=move |ev| cron.set(event_target_value(&ev))/></label>
            <label>"Time zone"<input data-testid="schedule-timezone" prop:value=move || tz.get() on:input=move |ev| tz.set(event_target_value(&ev))/></label>
            <label>"Retries"<input type="number" min="0" max="20" class="narrow" data-testid="schedule-retries"
                prop:value=move || retries.get() on:input=move |ev| retries.set(event_target_value(&ev))/></label>
            <label>"SLA"<input placeholder="HH:MM" class="narrow" data-testid="schedule-sla"
                prop:value=move || sla.get() on:input=move |ev| sla.set(event_target_value(&ev))/></label>
            <label>"Depends on"
                <select multiple data-testid="schedule-depends" on:change=on_deps>
                    {move || schedules.get().into_iter().map(|s| {
                        let name = approved.with(|a| a.get(&s.graph_id).cloned().unwrap_or_else(|| s.graph_id.clone()));
                        view! { <option value=s.graph_id.clone()>{name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>"Calendar"
                <select data-testid="schedule-calendar" on:change=move |ev| calendar.set(event_target_value(&ev))>
                    <option value="">"every day"</option>
                    {move || calendars.get().into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label>"Business date"
                <select data-testid="schedule-offset" on:change=move |ev| offset.set(event_target_value(&ev).parse().unwrap_or(-1))>
                    <option value="-1" selected>"T-1 (the business day before)"</option>
                    <option value="0">"T-0 (the firing day)"</option>
                </select>
            </label>
            <button class="btn primary" type="submit" data-testid="schedule-create">"Add schedule"</button>
        </form>
    }
}
