//! The editor header's review and run controls: the graph's review status
//! (latest submission and the reviewer's comment), a submit button that asks
//! for a message ("run now" is in `run_dialog`).

use super::persist;
use super::state::EditorState;
use crate::api::{self, Submission, SubmissionStatus};
use crate::ctx::AppCtx;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::wasm_split;

/// The latest submission of the open graph, refreshed after a submit.
#[derive(Clone, Copy)]
pub struct ReviewState {
    pub latest: RwSignal<Option<Submission>>,
}

impl ReviewState {
    pub fn new(ed: EditorState) -> Self {
        let me = ReviewState { latest: RwSignal::new(None) };
        me.refresh(ed);
        me
    }

    pub fn refresh(self, ed: EditorState) {
        let id = ed.graph_id.get_value();
        spawn_local(async move {
            if let Ok(subs) = api::graph_submissions(&id).await {
                let latest = subs.into_iter().max_by_key(|s| (s.submitted_at, s.version));
                let _ = self.latest.try_set(latest);
            }
        });
    }
}

/// Saves first if there are unsaved changes; answers the version to submit or run.
pub(super) async fn saved_version(ed: EditorState) -> Option<i64> {
    if ed.is_dirty() { persist::save_now(ed).await } else { Some(ed.version.get_untracked()) }
}

#[component]
pub fn ReviewStatus(rs: ReviewState) -> impl IntoView {
    move || {
        rs.latest.get().map(|s| {
            let label = match s.status {
                SubmissionStatus::Submitted => tf("review_bar.in_review", &[("version", &s.version.to_string())]),
                SubmissionStatus::Approved => tf("review_bar.approved", &[("version", &s.version.to_string())]),
                SubmissionStatus::Rejected => tf("review_bar.rejected", &[("version", &s.version.to_string())]),
            };
            let title = match &s.reviewed_by {
                Some(r) => format!("{} by {r}", s.status),
                None => tf("review_bar.submitted_by", &[("user", &s.submitted_by)]),
            };
            let comment = s.comment.clone().filter(|c| !c.trim().is_empty());
            view! {
                <span class=format!("review-status status-{}", s.status) data-testid="review-status"
                    data-status=s.status.as_str() title=title>
                    {label}
                    {comment.map(|c| view! {
                        <span class="review-status-comment" data-testid="review-status-comment">{format!("“{c}”")}</span>
                    })}
                </span>
            }
        })
    }
}

#[component]
pub fn SubmitButton(rs: ReviewState) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let app = expect_context::<AppCtx>();
    let open = RwSignal::new(false);
    let message = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let allowed = move || app.user.with(|u| u.as_ref().is_some_and(|u| u.role.edits()));
    let pending = move || rs.latest.with(|s| s.as_ref().is_some_and(|s| s.status == SubmissionStatus::Submitted));
    view! {
        <Show when=move || allowed() && !ed.readonly>
            <div class="params-anchor">
                <button class="btn" data-testid="submit" disabled=move || busy.get() || pending()
                    title=move || if pending() { t("review_bar.awaiting") } else { t("review_bar.submit_for_review") }
                    on:click=move |_| open.update(|o| *o = !*o)>{t("review_bar.submit")}</button>
                {move || open.get().then(|| crate::lazy_pages::show(popover(ed, rs, open, message, busy, error)))}
            </div>
        </Show>
    }
}

/// The submit popover: a WebAssembly chunk of its own, fetched the first time
/// it opens (see `crate::lazy_pages`).
#[wasm_split(submit, wasm_split_path = ::leptos::wasm_split, fallible)]
fn popover(
    ed: EditorState,
    rs: ReviewState,
    open: RwSignal<bool>,
    message: RwSignal<String>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
) -> crate::lazy_pages::Page {
    let send = move || {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let outcome = match saved_version(ed).await {
                Some(v) => {
                    api::submit(&ed.graph_id.get_value(), v, message.get_untracked().trim()).await.map_err(|e| {
                        let ps = e.problems();
                        if ps.is_empty() {
                            e.to_string()
                        } else {
                            format!(
                                "{}: {}",
                                e,
                                ps.iter().map(crate::i18n::problem_line).collect::<Vec<_>>().join("; ")
                            )
                        }
                    })
                }
                None => Err(t("editor.save_first").to_string()),
            };
            if !ed.alive() {
                return;
            }
            busy.set(false);
            match outcome {
                Ok(s) => {
                    ed.notify(tf("review_bar.submitted", &[("version", &s.version.to_string())]));
                    rs.latest.set(Some(s));
                    message.set(String::new());
                    open.set(false);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    Ok(view! {
        <div class="popover submit-popover" data-testid="submit-dialog">
            <div class="popover-head"><b>{t("review_bar.submit_for_review")}</b>
                <button class="btn ghost small" on:click=move |_| open.set(false)>"✕"</button></div>
            <p class="muted">{t("review_bar.the_latest_saved_version_goes")}</p>
            <textarea rows="3" data-testid="submit-message" placeholder=t("review_bar.what_changed_and_why")
                prop:value=move || message.get()
                on:input=move |ev| message.set(event_target_value(&ev))></textarea>
            {move || error.get().map(|e| view! { <div class="form-error" data-testid="submit-error">{e}</div> })}
            <div class="form-actions">
                <button class="btn primary" data-testid="submit-confirm" disabled=move || busy.get()
                    on:click=move |_| send()>{move || if busy.get() { t("review_bar.submitting") } else { t("review_bar.submit") }}</button>
            </div>
        </div>
    }
    .into_any())
}
