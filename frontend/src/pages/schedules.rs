//! The admin page's scheduling section: schedules of approved graphs (when
//! each fires in words, the next firings, edit, pause, resume, delete),
//! backfills for a range of business dates, and alerts.

use super::calendars::CalendarNames;
use super::fmt::{error_banner, time_ms};
use super::schedule_form::{FormHooks, ScheduleForm};
use super::schedule_parts::{Backfill, DeleteSchedule, Messages, NextFirings};
use crate::api::{self, Alert, Schedule, SubmissionFilter};
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::cron_words;
use std::collections::BTreeMap;

#[component]
pub fn SchedulesSection() -> impl IntoView {
    let schedules = RwSignal::new(Vec::<Schedule>::new());
    let alerts = RwSignal::new(Vec::<Alert>::new());
    // Approved graphs: id → name.
    let approved = RwSignal::new(BTreeMap::<String, String>::new());
    let msg = Messages { error: RwSignal::new(None), notice: RwSignal::new(None) };
    let editing = RwSignal::new(None::<Schedule>);
    let reload = move || {
        spawn_local(async move {
            match api::schedules().await {
                Ok(list) => schedules.try_set(list).map_or((), drop),
                Err(e) => msg.fail(e),
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
    let calendars = use_context::<CalendarNames>().map_or_else(|| RwSignal::new(Vec::new()), |c| c.0);
    spawn_local(async move {
        if let Ok(list) = api::calendars().await {
            let _ = calendars.try_set(list.into_iter().map(|c| c.name).collect());
        }
    });
    let name_of = move |id: &str| approved.with(|a| a.get(id).cloned().unwrap_or_else(|| id.to_string()));
    let toggle = move |id: String, enabled: bool| {
        msg.clear();
        spawn_local(async move {
            if let Err(e) = api::set_schedule_enabled(&id, enabled).await {
                msg.fail(e);
            }
            reload();
        })
    };
    let done = Callback::new(move |()| reload());
    let row = move |s: Schedule| {
        let enabled = s.enabled;
        let id = s.id.clone();
        let deps = s.depends_on.iter().map(|d| name_of(d)).collect::<Vec<_>>().join(", ");
        let words = cron_words::describe_in(crate::i18n::lang(), &s.cron, Some(&s.calendar)).unwrap_or_else(|e| e);
        let edit = s.clone();
        let name = name_of(&s.graph_id);
        view! {
            <tr data-testid="schedule-row" data-id=s.id.clone() data-graph=s.graph_id.clone()
                class:editing=move || editing.with(|e| e.as_ref().is_some_and(|e| e.id == edit.id))>
                <td>{name.clone()}</td>
                <td><span data-testid="schedule-words">{words}</span><br/><code class="muted">{s.cron.clone()}</code></td>
                <td>{s.timezone.clone()}</td>
                <td>{s.retries}</td>
                <td>{s.sla.clone().unwrap_or_default()}</td>
                <td data-testid="schedule-calendar-name">{s.calendar.clone()}</td>
                <td data-testid="schedule-deps">{deps}</td>
                <td data-testid="schedule-state">{if enabled { t("schedules.active") } else { t("schedules.paused") }}</td>
                <td class="actions">
                    <button class="btn small" data-testid="schedule-edit"
                        on:click={
                            let s = s.clone();
                            move |_| { msg.clear(); editing.set(Some(s.clone())) }
                        }>{t("schedules.edit")}</button>
                    <button class="btn small" data-testid="schedule-toggle" on:click=move |_| toggle(id.clone(), !enabled)>
                        {if enabled { t("schedules.pause") } else { t("schedules.resume") }}
                    </button>
                    <DeleteSchedule id=s.id.clone() name=name.clone() msg=msg deleted=done/>
                </td>
                <td><Backfill id=s.id.clone() msg=msg/></td>
                <td><NextFirings id=s.id.clone() msg=msg/></td>
            </tr>
        }
    };
    let hooks = FormHooks { error: msg.error, notice: msg.notice, saved: done };
    view! {
        <section class="review-section" data-testid="schedules-section">
            <h2>{t("schedules.schedules")}</h2>
            {error_banner(msg.error)}
            {move || msg.notice.get().map(|n| view! { <div class="banner info" data-testid="schedule-notice">{n}</div> })}
            <div class="table-scroll">
            <table class="data-table" data-testid="schedules-table">
                <thead><tr><th>{t("inspector.graph")}</th><th>{t("schedules.when")}</th><th>{t("schedules.time_zone")}</th><th>{t("schedules.retries")}</th><th>{t("schedules.sla")}</th><th>{t("field.calendar")}</th>
                    <th>{t("schedules.depends_on")}</th><th>{t("schedules.state")}</th><th></th><th>{t("schedules.backfill")}</th><th>{t("schedules.next_runs")}</th></tr></thead>
                <tbody>{move || schedules.get().into_iter().map(row).collect_view()}</tbody>
            </table>
            </div>
            <super::schedule_deps::ScheduleDeps approved=approved/>
            <h3>{move || if editing.get().is_some() { t("schedules.edit_schedule") } else { t("schedules.new_schedule") }}</h3>
            <ScheduleForm approved=approved schedules=schedules calendars=calendars editing=editing hooks=hooks/>
            <h2>{t("schedules.alerts")}</h2>
            <table class="data-table" data-testid="alerts-table">
                <thead><tr><th>{t("schedules.when")}</th><th>{t("runs.kind")}</th><th>{t("runs.business_date")}</th><th>{t("schedules.message")}</th><th>{t("schedules.run")}</th></tr></thead>
                <tbody>
                    {move || alerts.get().into_iter().map(|a| view! {
                        <tr data-testid="alert-row">
                            <td>{time_ms(a.at)}</td><td>{crate::i18n::state("alert_kind", &a.kind)}</td><td>{crate::i18n::date(&a.biz_date)}</td><td>{crate::i18n::alert(&a.message)}</td>
                            <td>{a.run_id.clone().map(|r| view! { <a href=format!("#/runs/{r}")>{t("schedules.open")}</a> })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
