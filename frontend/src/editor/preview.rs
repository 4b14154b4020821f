//! The preview panel: sample rows of the selected node, from `POST /api/preview`.
//! Asks ~300 ms after the selection or the graph last changed, and drops answers
//! to older questions so a slow reply never overwrites a newer one. Rows that
//! arrive during a drag are shown when it ends.

use super::inspector::Selected;
use super::state::{EditorState, NodeData};
use crate::api::{self, Preview};
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::wasm_split;
use serde_json::Value;
use std::time::Duration;

#[derive(Clone, PartialEq)]
enum State {
    Idle,
    Loading(String),
    Ready(String, Preview),
    Failed(String, String, Vec<String>),
}

fn cell_text(v: &Value) -> (String, bool) {
    match v {
        Value::Null => ("null".into(), true),
        Value::String(s) => (s.clone(), false),
        other => (other.to_string(), false),
    }
}

/// The panel's answer and the bookkeeping that drops answers to older questions.
#[derive(Clone, Copy)]
struct Asker {
    state: RwSignal<State>,
    /// The number of the latest question; an answer to another is dropped.
    serial: StoredValue<u64>,
    busy: RwSignal<bool>,
    /// One id per editor tab: the server cancels this tab's older preview.
    editor_id: StoredValue<String>,
}

impl Asker {
    /// Asks for node `n`'s (`id`) rows as question number `ask`, unless the browser
    /// already knows its upstream is wrong (that would only come back as a 422:
    /// say it now and spare the server).
    fn ask(self, ed: EditorState, n: NodeData, id: String, full: bool, ask: u64) {
        let keys = ed.upstream_keys(n);
        let known: Vec<String> = ed.nodes.with_untracked(|ns| {
            ns.iter()
                .filter(|u| keys.contains(&u.key))
                .flat_map(|u| {
                    let uid = u.id.get_untracked();
                    u.problems.get_untracked().into_iter().map(move |(_, m)| format!("{uid}: {m}"))
                })
                .collect()
        });
        if !known.is_empty() {
            self.busy.set(false);
            self.state.set(State::Failed(id, t("preview.fix_first").into(), known));
            return;
        }
        let graph = serde_json::to_value(ed.upstream_graph(n)).unwrap_or_default();
        spawn_local(async move {
            let answer = api::preview(&graph, &id, 100, full, &self.editor_id.get_value()).await;
            if !ed.alive() || self.serial.get_value() != ask {
                return; // a newer question is on its way
            }
            self.busy.set(false);
            self.state.set(match answer {
                Ok(p) => State::Ready(id, p),
                Err(e) => {
                    let mine = e.problem_lines();
                    State::Failed(id, e.to_string(), mine)
                }
            });
        });
    }
}

/// What the panel shows: `state`, except that rows arriving while a gesture
/// moves something wait for its end (laying out a table mid-drag drops
/// frames). Rows held back are shown a few frames after the drop, not in the
/// drop's frame, which already puts the cards back and lays out the inspector.
fn held_during_gestures(state: RwSignal<State>) -> RwSignal<State> {
    let it = expect_context::<super::interact::Interact>();
    let shown = RwSignal::new(State::Idle);
    let held_back = StoredValue::new(false);
    Effect::new(move |_| {
        let now = state.get();
        if it.moving.get() && matches!(now, State::Ready(..)) {
            held_back.set_value(true);
        } else if held_back.try_update_value(std::mem::take).unwrap_or(false) {
            let later = move || {
                if let Some(latest) = state.try_get_untracked() {
                    shown.try_set(latest);
                }
            };
            set_timeout(later, Duration::from_millis(50));
        } else {
            shown.set(now);
        }
    });
    shown
}

#[component]
pub fn PreviewPanel(selected: Memo<Selected>) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let lineage = expect_context::<super::lineage::Lineage>();
    let asker = Asker {
        state: RwSignal::new(State::Idle),
        serial: StoredValue::new(0u64),
        busy: RwSignal::new(false),
        editor_id: StoredValue::new(format!("{:x}", (js_sys::Math::random() * 1e15) as u64)),
    };
    let Asker { state, serial, busy, .. } = asker;
    let shown = held_during_gestures(state);
    let timer = StoredValue::new(None::<TimeoutHandle>);
    // "Full preview" for the selected node: blocking steps see every row.
    let full = RwSignal::new(false);

    Effect::new(move |_| {
        ed.doc_rev.track();
        let full_now = full.get();
        let node = match selected.get() {
            Selected::Node(n) => Some(n),
            _ => None,
        };
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        let ask = serial.get_value() + 1;
        serial.set_value(ask);
        let Some(n) = node else {
            state.set(State::Idle);
            busy.set(false);
            return;
        };
        let id = n.id.get_untracked();
        // Keep showing the rows of the same node while new ones come (no
        // flicker while typing); another node starts from "Running preview".
        let same = state.with_untracked(|s| match s {
            State::Ready(i, _) | State::Failed(i, _, _) | State::Loading(i) => *i == id,
            State::Idle => false,
        });
        if !same {
            state.set(State::Loading(id.clone()));
            if full_now {
                full.set(false); // a new node starts from the fast, sampled preview
                return;
            }
        }
        busy.set(true);
        let handle = set_timeout_with_handle(
            move || {
                if ed.alive() {
                    asker.ask(ed, n, id, full_now, ask);
                }
            },
            Duration::from_millis(300),
        );
        timer.set_value(handle.ok());
    });

    let body = move || match shown.get() {
        State::Idle => view! {
            <div class="muted preview-empty">{t("preview.select_a_node_to_see")}</div>
        }
        .into_any(),
        State::Loading(id) => view! {
            <div class="muted preview-empty" data-node=id>{t("preview.running_preview")}</div>
        }
        .into_any(),
        State::Failed(id, msg, problems) => view! {
            <div class="preview-error" data-testid="preview-error" data-node=id.clone()>
                <b>{tf("preview.none_for", &[("id", &id)])}</b>
                {msg}
                <ul>{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
            </div>
        }
        .into_any(),
        State::Ready(id, p) => crate::lazy_pages::show(rows_view(ed, lineage, full, id, p)),
    };

    view! {
        <section class="preview panel" data-testid="preview">
            <div class="panel-head">
                {t("preview.preview")}
                {move || busy.get().then(|| view! { <span class="spinner" title=t("preview.updating")></span> })}
            </div>
            <div class="preview-body">{body}</div>
        </section>
    }
}

/// The sample rows of node `id`: a column head picks the column for lineage.
/// In the node settings' chunk (`inspector.rs`): rows come only for a selected node.
#[wasm_split(inspector, wasm_split_path = ::leptos::wasm_split, fallible)]
fn rows_view(
    ed: EditorState,
    lineage: super::lineage::Lineage,
    full: RwSignal<bool>,
    id: String,
    p: Preview,
) -> crate::lazy_pages::Page {
    let n = p.rows.len();
    let head = p
        .columns
        .iter()
        .map(|c| {
            let (node, name) = (id.clone(), c.name.clone());
            let (n2, c2) = (id.clone(), c.name.clone());
            view! {
                <th data-testid="preview-column" data-column=c.name.clone() title=t("inspector.show_where_this_column_comes")
                    class:picked=move || lineage.is_picked(&n2, &c2)
                    on:click=move |_| lineage.pick(ed, node.clone(), name.clone())>
                    {c.name.clone()}<small>{c.type_text()}</small>
                </th>
            }
        })
        .collect_view();
    let rows = p
        .rows
        .iter()
        .map(|r| {
            let cells = r
                .iter()
                .map(|v| {
                    let (t, null) = cell_text(v);
                    view! { <td class:null=null>{t}</td> }
                })
                .collect_view();
            view! { <tr data-testid="preview-row">{cells}</tr> }
        })
        .collect_view();
    Ok(view! {
        <div class="preview-meta" data-node=id.clone()>
            <b>{id.clone()}</b>
            <span data-testid="preview-count">{if n == 1 { t("preview.one_row").to_string() } else { tf("preview.rows", &[("n", &n.to_string())]) }}</span>
            {p.sample.then(|| view! {
                <span class="badge" data-testid="preview-sample" title=t("preview.blocking_steps_upstream_saw_only")>{t("preview.sample")}</span>
                <button class="btn small" data-testid="preview-full" title=t("preview.run_the_blocking_steps_over")
                    on:click=move |_| full.set(true)>{t("preview.full_preview")}</button>
            })}
            <span class="muted">{format!("{:.0} ms", p.elapsed_ms)}</span>
        </div>
        {p.check.clone().map(check_summary)}
        <div class="preview-table-wrap">
            <table class="preview-table">
                <thead><tr>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any())
}

/// A check node's rules on the previewed rows: failures per rule, broken ones marked.
fn check_summary(c: sluice_shared::check::CheckResult) -> impl IntoView {
    let rows = c.rows;
    let items = c
        .rules
        .into_iter()
        .map(|r| {
            let state = match (r.broken, r.level) {
                (false, _) => "passed",
                (true, sluice_shared::check::RuleLevel::Warn) => "warning",
                (true, sluice_shared::check::RuleLevel::Error) => "failed",
            };
            view! {
                <span class=format!("status-pill check-{state}") data-testid="preview-check-rule" data-rule=r.name.clone()
                    data-state=state>{tf("preview.rule_failures", &[("name", &r.name), ("failures", &r.failures.to_string()), ("rows", &rows.to_string())])}</span>
            }
        })
        .collect_view();
    view! { <div class="preview-meta" data-testid="preview-check">{items}</div> }
}
