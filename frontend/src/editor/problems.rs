//! The problems panel: everything the validator found, always visible. Clicking
//! a problem selects its node and brings it into view.

use super::state::EditorState;
use crate::i18n::{self, t};
use leptos::prelude::*;

#[component]
pub fn ProblemsPanel() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let count = move || ed.problems.with(Vec::len);
    let list = move || {
        ed.problems.with(|ps| {
            if ps.is_empty() {
                return view! { <li class="no-problems" data-testid="no-problems">{t("problems.none")}</li> }
                    .into_any();
            }
            ps.iter()
                .map(|p| {
                    let node = p.node.clone();
                    let target = node.clone();
                    let field = p.field.clone();
                    let (node_attr, field_attr) = (node.clone(), field.clone());
                    view! {
                        <li
                            class="problem"
                            data-testid="problem"
                            data-node=node_attr
                            data-field=field_attr
                            title=t("problems.show_node")
                            on:click=move |_| {
                                if let Some(n) = target.as_deref().and_then(|id| ed.find(id)) {
                                    ed.focus_node(n);
                                }
                            }
                        >
                            <span class="problem-icon">"!"</span>
                            <span class="problem-node">{node.unwrap_or_else(|| t("problems.graph").into())}</span>
                            {field.map(|f| view! { <span class="problem-field">{f}</span> })}
                            <span class="problem-message">{p.text(i18n::lang())}</span>
                        </li>
                    }
                })
                .collect_view()
                .into_any()
        })
    };
    view! {
        <section class="problems panel" data-testid="problems">
            <div class="panel-head">
                {t("problems.title")}
                <span class=move || { if count() > 0 { "count bad" } else { "count good" } }>{count}</span>
            </div>
            <ul class="problem-list">{list}</ul>
        </section>
    }
}
