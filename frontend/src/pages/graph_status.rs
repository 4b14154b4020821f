//! One graph's status line in the library: its stage (draft, in review,
//! approved, scheduled) and its last run with the result, linked to the run.

use crate::i18n::{t, tf};
use leptos::prelude::*;
use sluice_shared::api::graph_status::GraphStatus;
use std::collections::BTreeMap;

/// Statuses by graph id, loaded with the list (empty if they could not be read).
pub type Statuses = LocalResource<BTreeMap<String, GraphStatus>>;

#[component]
pub fn GraphStatusLine(id: String, statuses: Statuses) -> impl IntoView {
    move || {
        statuses.map(|m| m.get(&id).cloned()).flatten().map(|s| {
            let stage = s.stage.label();
            let run = match s.last_run {
                Some(r) => {
                    let href = format!("#/runs/{}", r.id);
                    view! {
                        <a class="graph-last-run" data-testid="graph-last-run" data-status=r.status.as_str() href=href
                            on:click=|ev| ev.stop_propagation()>
                            {tf("graph_status.last_run", &[("date", &crate::i18n::date(&r.biz_date))])}
                            <span class=format!("status-pill status-{}", r.status)>{crate::i18n::state("run_status", r.status.as_str())}</span>
                        </a>
                    }
                    .into_any()
                }
                None => {
                    view! { <span class="muted" data-testid="graph-last-run" data-status="none">{t("graph_status.never_run")}</span> }
                        .into_any()
                }
            };
            view! {
                <div class="graph-status">
                    <span class=format!("stage-pill stage-{}", stage.replace(' ', "-")) data-testid="graph-stage"
                        data-stage=stage>{crate::i18n::state("stage", &stage.replace(' ', "_"))}</span>
                    {run}
                </div>
            }
        })
    }
}
