//! The schedules section's suggested dependencies: a schedule whose graph reads
//! a file or table another scheduled graph writes should wait for it
//! (`GET /api/dataflow/schedules`); the ones it does not wait for yet are flagged.

use crate::api;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::api::dataflow::SuggestedDependency;
use std::collections::BTreeMap;

/// `approved`: graph id → name, for the sentences.
#[component]
pub fn ScheduleDeps(approved: RwSignal<BTreeMap<String, String>>) -> impl IntoView {
    let name_of = move |id: &str| approved.with(|a| a.get(id).cloned().unwrap_or_else(|| id.to_string()));
    let found = RwSignal::new(None::<Result<Vec<SuggestedDependency>, String>>);
    spawn_local(async move {
        let answer = api::lineage::schedule_suggestions().await.map(|s| s.suggestions).map_err(|e| e.to_string());
        let _ = found.try_set(Some(answer));
    });
    let item = move |s: SuggestedDependency| {
        let state = if s.missing { "missing" } else { "present" };
        view! {
            <li data-testid="schedule-suggestion" data-schedule=s.schedule.clone() data-upstream=s.upstream_graph.clone()
                data-missing=s.missing.to_string() class=format!("dep-{state}")>
                <b>{name_of(&s.graph)}</b>
                {t("schedule_deps.reads")}<code>{s.dataset.clone()}</code>{t("schedule_deps.which")}<b>{s.upstream_name.clone()}</b>{t("schedule_deps.writes")}
                {if s.missing { t("schedule_deps.not_waiting") } else { t("schedule_deps.waiting") }}
            </li>
        }
    };
    view! {
        <div class="schedule-deps" data-testid="schedule-deps">
            <h3>{t("schedule_deps.dependencies_from_the_data_flow")}</h3>
            {move || match found.get() {
                None => view! { <p class="muted">{t("schedule_deps.reading_what_the_scheduled_graphs")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner error">{e}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="muted">{t("schedule_deps.no_scheduled_graph_reads_what")}</p>
                }.into_any(),
                Some(Ok(list)) => view! { <ul>{list.into_iter().map(item).collect_view()}</ul> }.into_any(),
            }}
        </div>
    }
}
