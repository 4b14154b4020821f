//! `#/reviews/<sid>`: one submission as two pictures (approved before, and
//! submitted) with the differences marked, the diff tables, and the decision.

use super::fmt::{error_banner, opt_time, time_ms};
use super::review_picture::{Mark, ReviewPicture};
use super::review_tables::{ConfigDiff, SampleDiffs, SchemaDiffs, empty_like};
use super::review_uses::ConnectionUses;
use crate::api::{self, ReviewDetail, Submission, SubmissionStatus};
use crate::app::AppCtx;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;

fn marks(d: &ReviewDetail) -> HashMap<String, Mark> {
    let mut m = HashMap::new();
    for id in &d.diff.nodes_added {
        m.insert(id.clone(), Mark::Added);
    }
    for id in &d.diff.nodes_removed {
        m.insert(id.clone(), Mark::Removed);
    }
    for c in &d.diff.nodes_changed {
        m.insert(c.id.clone(), Mark::Changed);
    }
    m
}

#[component]
pub fn ReviewPage(sid: String) -> impl IntoView {
    let detail = RwSignal::new(None::<ReviewDetail>);
    let error = RwSignal::new(None::<String>);
    let sid = StoredValue::new(sid);
    spawn_local(async move {
        match api::review(&sid.get_value()).await {
            Ok(d) => detail.try_set(Some(d)).map_or((), drop),
            Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
        }
    });
    let body = move || {
        detail.get().map(|d| {
            let m = marks(&d);
            let base = d.base.clone().unwrap_or_else(|| empty_like(&d.graph));
            let base_title = match d.base_version {
                Some(v) => tf("review.approved_before", &[("version", &v.to_string())]),
                None => t("review.nothing_approved").to_string(),
            };
            let s = d.submission.clone();
            view! {
                <div class="list-head">
                    <h1>{tf("review.title", &[("name", &s.graph_name), ("version", &s.version.to_string())])}</h1>
                    <a class="btn" href="#/reviews">{t("review.back_to_queue")}</a>
                </div>
                <div class="review-meta">
                    <span>{tf("review.submitted_by", &[("user", &s.submitted_by), ("time", &time_ms(s.submitted_at))])}</span>
                    <span class="code muted">{s.hash.chars().take(12).collect::<String>()}</span>
                </div>
                <blockquote class="review-message" data-testid="review-message">
                    {if s.message.is_empty() { t("review.no_message").to_string() } else { s.message.clone() }}
                </blockquote>
                <div class="review-legend">
                    <span><span class="diff-dot diff-added"></span>{t("review.added")}</span>
                    <span><span class="diff-dot diff-removed"></span>{t("review.removed")}</span>
                    <span><span class="diff-dot diff-changed"></span>{t("review.changed")}</span>
                </div>
                <div class="review-sides">
                    <div class="review-side">
                        <h3>{base_title}</h3>
                        <ReviewPicture graph=base marks=m.clone() edge_marks=d.diff.edges_removed.clone()
                            edge_class="diff-removed" owns=|k| k == Mark::Removed side="before"/>
                    </div>
                    <div class="review-side">
                        <h3>{t("review.submitted")}</h3>
                        <ReviewPicture graph=d.graph.clone() marks=m edge_marks=d.diff.edges_added.clone()
                            edge_class="diff-added" owns=|k| k != Mark::Removed side="after"/>
                    </div>
                </div>
                {d.diff.is_empty().then(|| view! { <p class="muted">{t("review.no_differences_from_the_approved")}</p> })}
                <ConnectionUses uses=d.connections.clone()/>
                <ConfigDiff diff=d.diff.clone() graph=d.graph.clone() base=d.base.clone()/>
                <SchemaDiffs schemas=d.schemas.clone()/>
                <SampleDiffs samples=d.samples.clone() graph=d.graph.clone()/>
                <super::run_checks::RuleChanges changes=d.check_changes.clone()/>
                {(!d.last_checks.is_empty()).then(|| view! {
                    <div data-testid="review-last-checks">
                        <p class="muted">{t("review.checks_in_the_last_production")}</p>
                        <super::run_checks::CheckResults checks=d.last_checks.clone()/>
                    </div>
                })}
                <Decision submission=s/>
            }
        })
    };
    view! {
        <div class="list-page wide review-page" data-testid="review-page">
            {error_banner(error)}
            {move || (detail.with(Option::is_none) && error.with(Option::is_none)).then(|| view! { <div class="loading">{t("app.loading")}</div> })}
            {body}
        </div>
    }
}

/// The comment and the approve / reject buttons; after a decision, its outcome.
#[component]
fn Decision(submission: Submission) -> impl IntoView {
    let app = expect_context::<AppCtx>();
    let sid = StoredValue::new(submission.id.clone());
    let outcome = RwSignal::new((submission.status != SubmissionStatus::Submitted).then_some(submission));
    let comment = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let confirm = RwSignal::new(false);
    let decide = move |approve: bool| {
        let text = comment.get_untracked().trim().to_string();
        if !approve && text.is_empty() {
            error.set(Some(t("review.reject_needs_comment").into()));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let answer = api::decide(&sid.get_value(), approve, &text, confirm.get_untracked()).await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match answer {
                Ok(s) => outcome.set(Some(s)),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    move || {
        match outcome.get() {
        Some(s) => view! {
            <section class=format!("review-section outcome status-{}", s.status) data-testid="review-outcome"
                data-status=s.status.as_str()>
                <h2>{match s.status {
                    SubmissionStatus::Approved => t("review.outcome_approved"),
                    SubmissionStatus::Rejected => t("review.outcome_rejected"),
                    SubmissionStatus::Submitted => t("review.submitted"),
                }}</h2>
                <p>{tf("review.reviewed_by", &[("user", &s.reviewed_by.clone().unwrap_or_default()), ("time", &opt_time(s.reviewed_at))])}</p>
                {s.comment.clone().filter(|c| !c.is_empty()).map(|c| view! { <blockquote>{c}</blockquote> })}
            </section>
        }
        .into_any(),
        None if !app.is_admin() => view! {
            <section class="review-section"><p class="muted">{t("review.awaiting_review_by_an_admin")}</p></section>
        }
        .into_any(),
        None => view! {
            <section class="review-section decision">
                <h2>{t("review.decision")}</h2>
                <super::review_impact::ReviewImpact sid=sid.get_value() confirm=confirm/>
                <textarea rows="3" data-testid="review-comment" placeholder=t("review.comment_for_the_author_required")
                    prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                {error_banner(error)}
                <div class="form-actions">
                    <button class="btn danger" data-testid="reject" disabled=move || busy.get()
                        on:click=move |_| decide(false)>{t("review.reject")}</button>
                    <button class="btn primary" data-testid="approve" disabled=move || busy.get()
                        on:click=move |_| decide(true)>{t("review.approve")}</button>
                </div>
            </section>
        }
        .into_any(),
    }
    }
}
