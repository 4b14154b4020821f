//! The review's impact: sink columns the submitted version removes, renames or
//! retypes, and the approved graphs downstream that use them
//! (`GET /api/reviews/{sid}/impact`). Approving over a break needs the box ticked.

use crate::api;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::api::impact::{ChangeKind, Impact};

/// The change's name (the `data-kind` hook, English).
fn kind_name(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Removed => "removed",
        ChangeKind::Renamed => "renamed",
        ChangeKind::Retyped => "retyped",
    }
}

fn kind_text(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Removed => t("review.removed"),
        ChangeKind::Renamed => t("review_impact.renamed"),
        ChangeKind::Retyped => t("review_impact.retyped"),
    }
}

#[component]
pub fn ReviewImpact(sid: String, confirm: RwSignal<bool>) -> impl IntoView {
    let found = RwSignal::new(None::<Result<Impact, String>>);
    spawn_local(async move {
        let answer = api::review_impact(&sid).await.map_err(|e| e.to_string());
        let _ = found.try_set(Some(answer));
    });
    let shown = move |i: Impact| {
        let changes = i
            .changes
            .iter()
            .map(|c| {
                let what = match (&c.renamed_to, c.kind) {
                    (Some(to), _) => tf("review_impact.renamed_to", &[("to", to)]),
                    (None, ChangeKind::Retyped) => tf(
                        "review_impact.retyped_from_to",
                        &[
                            ("from", &c.type_before.clone().unwrap_or("?".into())),
                            ("to", &c.type_after.clone().unwrap_or("?".into())),
                        ],
                    ),
                    (None, k) => kind_text(k).to_string(),
                };
                view! {
                    <li data-testid="impact-change" data-sink=c.sink.clone() data-column=c.column.clone() data-kind=kind_name(c.kind)>
                        <code>{format!("{}.{}", c.sink, c.column)}</code>" "{what}
                    </li>
                }
            })
            .collect_view();
        let uses = i
            .downstream
            .iter()
            .map(|d| {
                let used = if d.used_by.is_empty() {
                    d.unknown.clone().map(|u| tf("review_impact.unknown_use", &[("why", &u)])).unwrap_or_default()
                } else {
                    tf("review_impact.used_by", &[("nodes", &d.used_by.join(", "))])
                };
                view! {
                    <li data-testid="impact-downstream" data-graph=d.graph.clone() data-column=d.column.clone()>
                        <a href=format!("#/graphs/{}", d.graph)>{d.graph_name.clone()}</a>
                        {tf("review_impact.reads_through", &[("column", &d.column), ("reader", &d.reader), ("dataset", &d.dataset), ("used", &used)])}
                    </li>
                }
            })
            .collect_view();
        let breaks = i.breaks();
        view! {
            <div class=if breaks { "review-impact breaks" } else { "review-impact" } data-testid="review-impact"
                data-breaks=breaks.to_string()>
                <h3>{t("review_impact.impact_downstream")}</h3>
                {i.changes.is_empty().then(|| view! { <p class="muted">{t("review_impact.no_sink_column_is_removed")}</p> })}
                <ul>{changes}</ul>
                <ul>{uses}</ul>
                {i.notes.into_iter().map(|n| view! { <p class="muted">{n}</p> }).collect_view()}
                {breaks.then(|| view! {
                    <label class="impact-confirm">
                        <input type="checkbox" data-testid="confirm-impact" prop:checked=move || confirm.get()
                            on:change=move |ev| confirm.set(event_target_checked(&ev))/>
                        {t("review_impact.approve_anyway_the_graphs_above")}
                    </label>
                })}
            </div>
        }
    };
    move || {
        match found.get() {
        None => view! { <p class="muted">{t("review_impact.working_out_the_impact_downstream")}</p> }.into_any(),
        Some(Err(e)) => {
            view! { <p class="muted" data-testid="review-impact-error">{tf("review_impact.unknown", &[("why", &e.to_string())])}</p> }.into_any()
        }
        Some(Ok(i)) => shown(i).into_any(),
    }
    }
}
