//! "View as SQL": what `sluice sql` prints for the graph as it is in the
//! editor, one statement per sink, in the dialect picked (`POST /api/sql`).

use super::state::EditorState;
use crate::api;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::wasm_split;
use sluice_shared::api::sql::{Dialect, SqlExport};

#[derive(Clone, PartialEq)]
enum Shown {
    Closed,
    Loading,
    Ready(SqlExport),
    Failed(String, Vec<String>),
}

fn ask(ed: EditorState, dialect: Dialect, shown: RwSignal<Shown>) {
    shown.set(Shown::Loading);
    let graph = serde_json::to_value(ed.snapshot()).unwrap_or_default();
    spawn_local(async move {
        let answer = api::lineage::export_sql(graph, dialect).await;
        if !ed.alive() || shown.get_untracked() == Shown::Closed {
            return;
        }
        shown.set(match answer {
            Ok(x) => Shown::Ready(x),
            Err(e) => {
                let problems = e.problem_lines();
                Shown::Failed(e.to_string(), problems)
            }
        });
    });
}

#[component]
pub fn SqlButton() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let shown = RwSignal::new(Shown::Closed);
    let dialect = RwSignal::new(Dialect::Generic);
    view! {
        <button class="btn" data-testid="view-sql" title=t("sql_view.the_sql_each_sink_s")
            on:click=move |_| ask(ed, dialect.get_untracked(), shown)>{t("sql_view.view_as_sql")}</button>
        {move || (shown.get() != Shown::Closed).then(|| crate::lazy_pages::show(dialog(ed, shown, dialect)))}
    }
}

/// The dialog: a WebAssembly chunk of its own, fetched the first time it opens
/// (see `crate::lazy_pages`).
#[wasm_split(sql_view, wasm_split_path = ::leptos::wasm_split, fallible)]
fn dialog(ed: EditorState, shown: RwSignal<Shown>, dialect: RwSignal<Dialect>) -> crate::lazy_pages::Page {
    let body = move || match shown.get() {
        Shown::Closed => None,
        Shown::Loading => Some(view! { <p class="muted">{t("sql_view.planning")}</p> }.into_any()),
        Shown::Failed(msg, problems) => Some(
            view! {
                <div class="preview-error" data-testid="sql-error">
                    {msg}
                    <ul>{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                </div>
            }
            .into_any(),
        ),
        Shown::Ready(x) => Some(
            x.statements
                .into_iter()
                .map(|s| {
                    let text = match (&s.sql, &s.reason) {
                        (Some(sql), _) => sql.clone(),
                        (None, Some(why)) => format!("-- {why}"),
                        (None, None) => String::new(),
                    };
                    view! {
                        <div class="sql-sink" data-testid="sql-sink" data-sink=s.sink.clone()>
                            <div class="muted">{format!("-- {}", s.sink)}</div>
                            <pre class="sql-text" data-testid="sql-text">{text}</pre>
                        </div>
                    }
                })
                .collect_view()
                .into_any(),
        ),
    };
    Ok(view! {
        <div class="modal-backdrop" on:click=move |ev| {
            // Only a click on the backdrop itself closes (not one inside the dialog).
            if ev.target() == ev.current_target() {
                shown.set(Shown::Closed);
            }
        }>
        <div class="modal sql-dialog" data-testid="sql-dialog" role="dialog" aria-label=t("sql_view.the_graph_as_sql")>
            <div class="modal-head">
                <b>{t("sql_view.the_graph_as_sql")}</b>
                <select data-testid="sql-dialect" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(d) = Dialect::ALL.into_iter().find(|d| d.as_str() == v) {
                        dialect.set(d);
                        ask(ed, d, shown);
                    }
                }>
                    {Dialect::ALL.map(|d| view! {
                        <option value=d.as_str() selected=move || dialect.get() == d>{d.as_str()}</option>
                    })}
                </select>
                <button class="btn ghost small" data-testid="sql-close" on:click=move |_| shown.set(Shown::Closed)>"✕"</button>
            </div>
            <p class="muted">{t("sql_view.each_source_reads_as_a")}</p>
            {body}
        </div>
        </div>
    }
    .into_any())
}
