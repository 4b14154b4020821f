//! Per-schedule pieces of the schedules table: the coming firings (five shown,
//! ten on demand), the backfill range, and delete with a confirmation.

use super::fmt::time_ms;
use crate::api;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Messages of the schedules section: a new action clears the old ones.
#[derive(Clone, Copy)]
pub struct Messages {
    pub error: RwSignal<Option<String>>,
    pub notice: RwSignal<Option<String>>,
}

impl Messages {
    pub fn clear(&self) {
        self.error.set(None);
        self.notice.set(None);
    }
    pub fn fail(&self, e: impl ToString) {
        let _ = self.notice.try_set(None);
        let _ = self.error.try_set(Some(e.to_string()));
    }
    pub fn tell(&self, text: String) {
        let _ = self.error.try_set(None);
        let _ = self.notice.try_set(Some(text));
    }
}

/// Checks a backfill range before asking the server, in words.
pub fn backfill_problem(from: &str, to: &str) -> Option<&'static str> {
    match (from.trim().is_empty(), to.trim().is_empty()) {
        (true, true) => Some(t("schedule_parts.choose_both")),
        (true, false) => Some(t("schedule_parts.choose_first")),
        (false, true) => Some(t("schedule_parts.choose_last")),
        _ => (to < from).then(|| t("schedule_parts.backwards")),
    }
}

#[component]
pub fn Backfill(id: String, msg: Messages) -> impl IntoView {
    let (from, to) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let id = StoredValue::new(id);
    let go = move |_| {
        msg.clear();
        let (f, t) = (from.get_untracked(), to.get_untracked());
        if let Some(p) = backfill_problem(&f, &t) {
            msg.fail(p);
            return;
        }
        spawn_local(async move {
            match api::backfill(&id.get_value(), &f, &t).await {
                Ok(n) => msg.tell(tf("schedule_parts.queued", &[("count", &n.to_string()), ("from", &f), ("to", &t)])),
                Err(e) => msg.fail(e),
            }
        })
    };
    view! {
        <span class="inline-form">
            <input type="date" data-testid="backfill-from" on:change=move |ev| from.set(event_target_value(&ev))/>
            <input type="date" data-testid="backfill-to" on:change=move |ev| to.set(event_target_value(&ev))/>
            <button class="btn small" data-testid="backfill" on:click=go>{t("schedules.backfill")}</button>
        </span>
    }
}

/// The next firings with their business dates: five at once, ten on "more".
#[component]
pub fn NextFirings(id: String, msg: Messages) -> impl IntoView {
    let firings = RwSignal::new(None::<Vec<api::Firing>>);
    let all = RwSignal::new(false);
    let id = StoredValue::new(id);
    spawn_local(async move {
        match api::next_firings(&id.get_value()).await {
            Ok(f) => firings.try_set(Some(f)).map_or((), drop),
            Err(e) => msg.fail(e),
        }
    });
    view! {
        {move || firings.get().map(|list| {
            let n = if all.get() { list.len() } else { list.len().min(5) };
            view! {
                <ol class="next-firings" data-testid="schedule-next">
                    {list.into_iter().take(n).map(|f| view! {
                        <li data-testid="schedule-next-firing" data-biz-date=f.biz_date.clone()>
                            {format!("{} → {}", time_ms(f.at), f.biz_date)}
                        </li>
                    }).collect_view()}
                </ol>
            }
        })}
        <button class="btn small link" type="button" data-testid="schedule-next-show"
            class:hidden=move || all.get() on:click=move |_| all.set(true)>{t("schedule_parts.more")}</button>
    }
}

/// Delete, asked twice: the first click shows "Delete?" with yes / no.
#[component]
pub fn DeleteSchedule(id: String, name: String, msg: Messages, deleted: Callback<()>) -> impl IntoView {
    let asking = RwSignal::new(false);
    let id = StoredValue::new(id);
    let name = StoredValue::new(name);
    let yes = move |_| {
        msg.clear();
        spawn_local(async move {
            match api::delete_schedule(&id.get_value()).await {
                Ok(()) => {
                    msg.tell(tf("schedule_parts.deleted", &[("graph", &name.get_value())]));
                    deleted.run(());
                }
                Err(e) => msg.fail(e),
            }
        })
    };
    view! {
        {move || if asking.get() {
            view! {
                <span class="confirm">{t("schedule_parts.delete")}
                    <button class="btn small danger" data-testid="schedule-delete-confirm" on:click=yes>{t("schedule_parts.yes_delete")}</button>
                    <button class="btn small" on:click=move |_| asking.set(false)>{t("schedule_parts.no")}</button>
                </span>
            }.into_any()
        } else {
            view! { <button class="btn small" data-testid="schedule-delete" on:click=move |_| asking.set(true)>{t("graph_list.delete")}</button> }.into_any()
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::backfill_problem;

    #[test]
    fn an_empty_backfill_date_is_named_in_words() {
        assert_eq!(backfill_problem("", "2026-11-02"), Some("Choose the first business date to backfill."));
        assert_eq!(backfill_problem("2026-11-02", ""), Some("Choose the last business date to backfill."));
        assert!(backfill_problem("2026-11-03", "2026-11-02").is_some());
        assert_eq!(backfill_problem("2026-11-02", "2026-11-03"), None);
    }
}
