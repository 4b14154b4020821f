//! The admin page's watermarks: per graph, environment and `source.table`
//! node, the highest value its incremental column reached in the last
//! successful run; "Reset" makes the next run read from `initial` (or every
//! row). The server audits each reset.

use super::fmt::{error_banner, time_ms};
use crate::api;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::api::watermarks::WatermarkView;

#[component]
pub fn WatermarksSection() -> impl IntoView {
    let marks = RwSignal::new(Vec::<WatermarkView>::new());
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            match api::watermarks().await {
                Ok(list) => marks.try_set(list).map_or((), drop),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        })
    };
    reload();
    let reset = move |w: WatermarkView| {
        let question = tf(
            "watermarks.reset_question",
            &[("graph", &graph_label(&w)), ("node", &w.node), ("environment", &w.environment)],
        );
        if !crate::dom::window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        error.set(None);
        spawn_local(async move {
            if let Err(e) = api::reset_watermark(&w).await {
                let _ = error.try_set(Some(e.to_string()));
            }
            reload();
        })
    };
    let row = move |w: WatermarkView| {
        let target = w.clone();
        view! {
            <tr data-testid="watermark-row" data-graph=w.graph_id.clone() data-env=w.environment.clone() data-node=w.node.clone()>
                <td>{graph_label(&w)}</td>
                <td>{w.environment.clone()}</td>
                <td><code>{w.node.clone()}</code></td>
                <td><code>{w.column.clone()}</code></td>
                <td data-testid="watermark-value"><code>{w.value.clone()}</code></td>
                <td>{time_ms(w.updated_at)}</td>
                <td><a href=format!("#/runs/{}", w.run_id)>{t("watermarks.run")}</a></td>
                <td><button class="btn small danger" data-testid="watermark-reset"
                    on:click=move |_| reset(target.clone())>{t("watermarks.reset")}</button></td>
            </tr>
        }
    };
    view! {
        <section class="review-section" data-testid="watermarks-section">
            <h2>{t("watermarks.incremental_reads")}</h2>
            <p class="muted">
                {t("watermarks.intro_1")}<code>"incremental"</code>{t("watermarks.intro_2")}<code>"prod"</code>
                {t("watermarks.intro_3")}<code>"dev"</code>{t("watermarks.intro_4")}
            </p>
            {error_banner(error)}
            <table class="data-table" data-testid="watermarks-table">
                <thead><tr><th>{t("inspector.graph")}</th><th>{t("watermarks.environment")}</th><th>{t("review_tables.node")}</th>
                    <th>{t("watermarks.column")}</th><th>{t("watermarks.watermark")}</th>
                    <th>{t("watermarks.moved")}</th><th></th><th></th></tr></thead>
                <tbody>
                    {move || {
                        let list = marks.get();
                        if list.is_empty() {
                            view! { <tr><td colspan="8" class="muted">{t("watermarks.none_yet")}</td></tr> }.into_any()
                        } else {
                            list.into_iter().map(row).collect_view().into_any()
                        }
                    }}
                </tbody>
            </table>
        </section>
    }
}

fn graph_label(w: &WatermarkView) -> String {
    if w.graph_name.is_empty() { w.graph_id.clone() } else { w.graph_name.clone() }
}
