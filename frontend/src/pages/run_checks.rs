//! The run page's check results: per check node, rows checked and each rule's
//! failures (broken error rules red, broken warnings amber), then a sample of
//! the failing rows with the rules they failed.

use crate::i18n::t;
use leptos::prelude::*;
use sluice_shared::check::{CheckResult, RuleLevel};
use sluice_shared::check_diff::{Change, RuleChange};

fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[component]
pub fn CheckResults(checks: Vec<CheckResult>) -> impl IntoView {
    if checks.is_empty() {
        return None;
    }
    let blocks = checks
        .into_iter()
        .map(|c| {
            let rows = c.rows;
            let rules = c
                .rules
                .iter()
                .map(|r| {
                    let state = match (r.broken, r.level) {
                        (false, _) => "passed",
                        (true, RuleLevel::Warn) => "warning",
                        (true, RuleLevel::Error) => "failed",
                    };
                    view! {
                        <tr data-testid="check-rule" data-rule=r.name.clone() data-state=state>
                            <td class="code">{r.name.clone()}</td>
                            <td>{r.kind.as_str()}</td>
                            <td>{r.level.as_str()}</td>
                            <td>{crate::i18n::tf("run_checks.failures_of", &[("failures", &r.failures.to_string()), ("rows", &rows.to_string())])}</td>
                            <td><span class=format!("status-pill check-{state}")>{state}</span></td>
                            <td>{r.detail.clone().unwrap_or_default()}</td>
                        </tr>
                    }
                })
                .collect_view();
            let head = c.sample_columns.iter().map(|n| view! { <th>{n.clone()}</th> }).collect_view();
            let sample = c
                .sample
                .iter()
                .map(|row| view! { <tr>{row.iter().map(|v| view! { <td>{cell(v)}</td> }).collect_view()}</tr> })
                .collect_view();
            let has_sample = !c.sample.is_empty();
            view! {
                <section data-testid="check-result" data-node=c.node.clone()>
                    <h3>{crate::i18n::tf("run_checks.heading", &[("node", &c.node), ("rows", &rows.to_string())])}</h3>
                    <table class="data-table">
                        <thead><tr><th>{t("run_checks.rule")}</th><th>{t("runs.kind")}</th><th>{t("run_checks.level")}</th><th>{t("run_checks.failing_rows")}</th><th>{t("run_checks.result")}</th><th>{t("run_checks.detail")}</th></tr></thead>
                        <tbody>{rules}</tbody>
                    </table>
                    {has_sample.then(|| view! {
                        <h4>{t("run_checks.failing_rows_sample")}</h4>
                        <table class="data-table" data-testid="check-sample"><thead><tr>{head}</tr></thead><tbody>{sample}</tbody></table>
                    })}
                </section>
            }
        })
        .collect_view();
    Some(view! {
        <h2>{t("runs.checks")}</h2>
        <div data-testid="run-checks">{blocks}</div>
    })
}

/// The review's list of check rules a version adds, removes, loosens or changes.
#[component]
pub fn RuleChanges(changes: Vec<RuleChange>) -> impl IntoView {
    if changes.is_empty() {
        return None;
    }
    let rows = changes
        .into_iter()
        .map(|c| {
            let what = match c.change {
                Change::Added => "added",
                Change::Removed => "removed",
                Change::Loosened => "loosened",
                Change::Changed => "changed",
            };
            view! {
                <tr data-testid="check-change" data-rule=c.rule.clone() data-change=what>
                    <td class="code">{c.node.clone()}</td>
                    <td class="code">{c.rule.clone()}</td>
                    <td><span class=format!("status-pill check-change-{what}")>{what}</span></td>
                    <td>{c.detail.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    Some(view! {
        <h2>{t("run_checks.check_rules")}</h2>
        <table class="data-table" data-testid="review-check-changes">
            <thead><tr><th>{t("run_checks.check")}</th><th>{t("run_checks.rule")}</th><th>{t("run_checks.change")}</th><th>{t("run_checks.what")}</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    })
}
