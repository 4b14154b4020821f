//! Derived date parameters resolved before anything runs, one line each:
//! `prev = 2025-09-30 (biz_date −1 business day, calendar cn)`, or the reason
//! there is no value (a year the calendar has no data for). Shown by the run
//! dialog (`run-dialog-derived`) and the run page (`run-derived`).
//!
//! `SITE` makes one copy for each of the two lazily loaded chunks (0: the run
//! dialog, 1: the run page): code both chunks called would land in the
//! first-paint module, whose budget is full.

use crate::api::{ResolvedParam, ResolvedParams};
use crate::i18n::{t, tf};
use leptos::prelude::*;

/// `−1`, `+2`: an offset with its sign (a true minus sign).
fn signed(n: i64) -> String {
    if n < 0 { format!("−{}", n.unsigned_abs()) } else { format!("+{n}") }
}

/// One parameter as a line of text.
pub fn describe<const SITE: u8>(p: &ResolvedParam) -> String {
    let mut how = vec![p.from.clone()];
    if let Some(rule) = &p.rule {
        how.push(rule.clone());
    }
    if p.offset != 0 {
        let n = signed(p.offset);
        how.push(if p.offset.abs() == 1 {
            tf("derived.business_day", &[("n", &n)])
        } else {
            tf("derived.business_days", &[("n", &n)])
        });
    }
    let how = format!("{}, {}", how.join(" "), tf("derived.calendar", &[("name", &p.calendar)]));
    match (&p.value, &p.error) {
        (Some(v), _) => format!("{} = {v} ({how})", p.name),
        (None, e) => format!("{} = ? ({how}): {}", p.name, e.clone().unwrap_or_default()),
    }
}

/// The lines, under a heading; nothing when the graph derives no parameter.
pub fn derived_dates<const SITE: u8>(resolved: ResolvedParams, testid: &'static str) -> impl IntoView {
    (!resolved.derived.is_empty()).then(|| {
        let lines = resolved.derived.into_iter().map(|p| {
            let class = if p.error.is_some() { "derived-date form-error" } else { "derived-date" };
            view! {
                <li class=class data-testid=format!("{testid}-param") data-name=p.name.clone()
                    data-value=p.value.clone().unwrap_or_default()>{describe::<SITE>(&p)}</li>
            }
        });
        view! {
            <div class="derived-dates" data-testid=testid>
                <span class="field-label">{t("derived.resolved_dates")}</span>
                <ul>{lines.collect_view()}</ul>
            </div>
        }
    })
}
