//! `#/reviews`: the submissions awaiting review, oldest decisions first to hand.

use super::fmt::{error_banner, time_ms};
use crate::api::{self, Submission};
use crate::dom;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn ReviewQueue() -> impl IntoView {
    let subs = RwSignal::new(None::<Vec<Submission>>);
    let error = RwSignal::new(None::<String>);
    spawn_local(async move {
        match api::review_queue().await {
            Ok(list) => subs.try_set(Some(list)).map_or((), drop),
            Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
        }
    });
    let item = |s: Submission| {
        let href = format!("#/reviews/{}", s.id);
        let go = href.clone();
        view! {
            <li class="graph-item review-item" data-testid="review-item" data-id=s.id.clone()
                on:click=move |_| dom::navigate(&go)>
                <div class="graph-icon">"✓"</div>
                <div class="graph-main">
                    <a class="graph-name" href=href>{s.graph_name.clone()}</a>
                    <span class="muted">{format!(" · {}", crate::i18n::tf("review_queue.version", &[("version", &s.version.to_string())]))}</span>
                    <div class="graph-desc">{if s.message.is_empty() { crate::i18n::t("review_queue.no_message").to_string() } else { s.message.clone() }}</div>
                    <div class="graph-meta">{crate::i18n::tf("review_queue.submitted_by", &[("user", &s.submitted_by), ("time", &time_ms(s.submitted_at))])}</div>
                </div>
            </li>
        }
    };
    view! {
        <div class="list-page">
            <div class="list-head"><h1>{t("review_queue.review_queue")}</h1></div>
            {error_banner(error)}
            <ul class="graph-list" data-testid="review-queue">
                {move || match subs.get() {
                    None => view! { <li class="empty">{t("app.loading")}</li> }.into_any(),
                    Some(list) if list.is_empty() => {
                        view! { <li class="empty">{t("review_queue.nothing_is_waiting_for_review")}</li> }.into_any()
                    }
                    Some(list) => list.into_iter().map(item).collect_view().into_any(),
                }}
            </ul>
        </div>
    }
}
