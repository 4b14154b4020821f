//! The schedule form, for a new schedule and for an edit: the cron is read back
//! in words as it is typed (`shared::cron_words`, the same reading the server
//! uses for its messages), and "Depends on" offers every other scheduled graph,
//! never the graph itself.

use crate::api::{self, NewSchedule, Schedule, ScheduleUpdate};
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::cron_words;
use std::collections::{BTreeMap, BTreeSet};

/// Where the form's answers go.
#[derive(Clone, Copy)]
pub struct FormHooks {
    pub error: RwSignal<Option<String>>,
    pub notice: RwSignal<Option<String>>,
    /// Called after a successful save.
    pub saved: Callback<()>,
}

/// `Some(schedule)` while editing it.
pub type Editing = RwSignal<Option<Schedule>>;

/// The graphs another schedule may wait for: scheduled ones other than `graph`, once each.
pub fn dependency_choices(schedules: &[Schedule], graph: &str) -> Vec<String> {
    let set: BTreeSet<String> = schedules.iter().map(|s| s.graph_id.clone()).filter(|g| g != graph).collect();
    set.into_iter().collect()
}

/// The form's inputs, as typed.
#[derive(Clone, Copy)]
struct Inputs {
    graph: RwSignal<String>,
    cron: RwSignal<String>,
    tz: RwSignal<String>,
    retries: RwSignal<String>,
    sla: RwSignal<String>,
    deps: RwSignal<Vec<String>>,
    calendar: RwSignal<String>,
    offset: RwSignal<i64>,
}

impl Inputs {
    fn new() -> Self {
        Inputs {
            graph: RwSignal::new(String::new()),
            cron: RwSignal::new("0 6 * * *".to_string()),
            tz: RwSignal::new("Asia/Shanghai".to_string()),
            retries: RwSignal::new("2".to_string()),
            sla: RwSignal::new(String::new()),
            deps: RwSignal::new(Vec::new()),
            calendar: RwSignal::new(String::new()),
            offset: RwSignal::new(-1),
        }
    }

    /// Fills the form with a schedule's settings (opening an edit).
    fn fill(self, s: &Schedule) {
        self.graph.set(s.graph_id.clone());
        self.cron.set(s.cron.clone());
        self.tz.set(s.timezone.clone());
        self.retries.set(s.retries.to_string());
        self.sla.set(s.sla.clone().unwrap_or_default());
        self.deps.set(s.depends_on.clone());
        self.calendar.set(s.calendar.clone());
    }

    /// The request for an edit and the one for a new schedule of `graph_id`.
    /// The business-date offset and the graph are not edited; an empty SLA removes it.
    fn requests(self, graph_id: String) -> (ScheduleUpdate, NewSchedule) {
        let sla_text = self.sla.get_untracked().trim().to_string();
        let retry_count = self.retries.get_untracked().trim().parse::<i64>().unwrap_or(2);
        let cron_text = self.cron.get_untracked().trim().to_string();
        let tz_text = self.tz.get_untracked().trim().to_string();
        let (dep_ids, calendar_name) = (self.deps.get_untracked(), self.calendar.get_untracked());
        let update = ScheduleUpdate {
            cron: Some(cron_text.clone()),
            timezone: Some(tz_text.clone()),
            retries: Some(retry_count),
            sla: Some(sla_text.clone()),
            depends_on: Some(dep_ids.clone()),
            calendar: Some(calendar_name.clone()),
            ..Default::default()
        };
        let new = NewSchedule {
            graph_id,
            cron: cron_text,
            timezone: Some(tz_text),
            biz_date_offset: Some(self.offset.get_untracked()),
            retries: Some(retry_count),
            backoff_secs: None,
            timeout_secs: None,
            sla: Some(sla_text).filter(|s| !s.is_empty()),
            depends_on: dep_ids,
            enabled: None,
            calendar: Some(calendar_name),
        };
        (update, new)
    }
}

/// Saves the edit (`edit`) or adds the schedule, and says so through `hooks`.
fn send(edit: Option<Schedule>, update: ScheduleUpdate, new: NewSchedule, editing: Editing, hooks: FormHooks) {
    spawn_local(async move {
        let result = match &edit {
            Some(s) => api::update_schedule(&s.id, &update).await,
            None => api::create_schedule(&new).await,
        };
        match result {
            Ok(s) => {
                let what = if edit.is_some() { t("schedule_form.saved") } else { t("schedule_form.added") };
                let text = cron_words::describe_in(crate::i18n::lang(), &s.cron, Some(&s.calendar)).unwrap_or_default();
                let _ = hooks.notice.try_set(Some(format!("{what}: {text}.")));
                let _ = editing.try_set(None);
                hooks.saved.run(());
            }
            Err(e) => hooks.error.try_set(Some(e.to_string())).map_or((), drop),
        }
    })
}

#[component]
pub fn ScheduleForm(
    approved: RwSignal<BTreeMap<String, String>>,
    schedules: RwSignal<Vec<Schedule>>,
    calendars: RwSignal<Vec<String>>,
    editing: Editing,
    hooks: FormHooks,
) -> impl IntoView {
    let inputs = Inputs::new();
    let Inputs { graph, cron, tz, retries, sla, deps, calendar, offset } = inputs;
    // Opening an edit fills the form with the schedule's settings.
    Effect::new(move |_| {
        if let Some(s) = editing.get() {
            inputs.fill(&s);
        }
    });
    let chosen = move || {
        let g = graph.get();
        if g.is_empty() { approved.with(|a| a.keys().next().cloned()).unwrap_or_default() } else { g }
    };
    let words = move || cron_words::describe_in(crate::i18n::lang(), &cron.get(), Some(&calendar.get()));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        hooks.error.set(None);
        hooks.notice.set(None);
        if let Err(e) = cron_words::describe_in(crate::i18n::lang(), &cron.get_untracked(), None) {
            hooks.error.set(Some(tf("schedule_form.cron_unreadable", &[("why", &e)])));
            return;
        }
        let g = graph.get_untracked();
        let graph_id =
            if g.is_empty() { approved.with_untracked(|a| a.keys().next().cloned()).unwrap_or_default() } else { g };
        let (update, new) = inputs.requests(graph_id);
        send(editing.get_untracked(), update, new, editing, hooks);
    };
    let on_deps = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(sel) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) else {
            return;
        };
        let opts = sel.selected_options();
        deps.set((0..opts.length()).filter_map(|i| opts.item(i)).filter_map(|o| o.get_attribute("value")).collect());
    };
    let name_of = move |id: &str| approved.with(|a| a.get(id).cloned().unwrap_or_else(|| id.to_string()));
    view! {
        <form class="inline-form schedule-form" data-testid="schedule-form" data-editing=move || editing.get().map(|s| s.id)
            on:submit=save>
            <label>{t("inspector.graph")}
                <select data-testid="schedule-graph" prop:disabled=move || editing.get().is_some()
                    on:change=move |ev| { graph.set(event_target_value(&ev)); deps.update(|d| d.clear()) }>
                    {move || approved.get().into_iter().map(|(id, name)| {
                        let selected = id == chosen();
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>{t("schedule_form.cron")}<input data-testid="schedule-cron" prop:value=move || cron.get() on:input=move |ev| cron.set(event_target_value(&ev))/>
                <small data-testid="schedule-cron-words" class=move || if words().is_ok() { "hint" } else { "hint bad" }>
                    {move || words().unwrap_or_else(|e| e)}
                </small>
            </label>
            <label>{t("schedules.time_zone")}<input data-testid="schedule-timezone" prop:value=move || tz.get() on:input=move |ev| tz.set(event_target_value(&ev))/></label>
            <label>{t("schedules.retries")}<input type="number" min="0" max="20" class="narrow" data-testid="schedule-retries"
                prop:value=move || retries.get() on:input=move |ev| retries.set(event_target_value(&ev))/></label>
            <label>{t("schedules.sla")}<input placeholder=t("schedule_form.hh_mm") class="narrow" data-testid="schedule-sla"
                prop:value=move || sla.get() on:input=move |ev| sla.set(event_target_value(&ev))/></label>
            <label>{t("schedules.depends_on")}
                <select multiple data-testid="schedule-depends" on:change=on_deps>
                    {move || dependency_choices(&schedules.get(), &chosen()).into_iter().map(|g| {
                        let selected = deps.with(|d| d.contains(&g));
                        view! { <option value=g.clone() selected=selected>{name_of(&g)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>{t("field.calendar")}
                <select data-testid="schedule-calendar" on:change=move |ev| calendar.set(event_target_value(&ev))>
                    <option value="" selected=move || calendar.get().is_empty()>{t("schedule_form.every_day")}</option>
                    {move || calendars.get().into_iter().map(|c| {
                        let selected = calendar.get() == c;
                        view! { <option value=c.clone() selected=selected>{super::calendars::calendar_label(&c)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class:hidden=move || editing.get().is_some()>{t("runs.business_date")}
                <select data-testid="schedule-offset" on:change=move |ev| offset.set(event_target_value(&ev).parse().unwrap_or(-1))>
                    <option value="-1" selected>{t("schedule_form.t_1_the_business_day")}</option>
                    <option value="0">{t("schedule_form.t_0_the_firing_day")}</option>
                </select>
            </label>
            {move || match editing.get() {
                None => view! { <button class="btn primary" type="submit" data-testid="schedule-create">{t("schedule_form.add_schedule")}</button> }.into_any(),
                Some(_) => view! {
                    <span>
                        <button class="btn primary" type="submit" data-testid="schedule-save">{t("schedule_form.save_changes")}</button>
                        <button class="btn" type="button" data-testid="schedule-cancel"
                            on:click=move |_| { editing.set(None); hooks.error.set(None) }>{t("run.cancel")}</button>
                    </span>
                }.into_any(),
            }}
        </form>
    }
}
