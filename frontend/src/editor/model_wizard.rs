//! The model wizard: a dialog that builds a star schema from the graph's
//! sources in four steps (fact → dimensions and their keys → grain and
//! measures → generate). Keys come from `POST /api/model/keys`; the rules
//! (measures, the generated nodes, the group) are `sluice_shared::star`'s; the
//! result goes into the graph as one undo step. Step views: `model_steps.rs`.

use super::model_steps::{GrainStep, KeysStep};
use super::state::EditorState;
use crate::api;
use crate::i18n::{t, tf};
use crate::lazy_pages::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::wasm_split;
use sluice_shared::api::model::KeysResponse;
use sluice_shared::config::AggFn;
use sluice_shared::star::{self, Additivity, DimensionSpec, History, Mart, Measure, StarSpec};
use sluice_shared::{Category, NodeKind};
use std::collections::BTreeMap;

/// A dimension's choices: the key pair (None: not joined) and history.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DimChoice {
    pub key: Option<(String, String)>,
    pub history: bool,
    pub connection: String,
    pub table: String,
}

/// Everything the wizard holds, as signals the steps share.
#[derive(Clone, Copy)]
pub struct Wizard {
    pub open: RwSignal<bool>,
    pub step: RwSignal<u8>,
    pub fact: RwSignal<String>,
    pub dims: RwSignal<Vec<String>>,
    pub keys: RwSignal<Option<KeysResponse>>,
    pub busy: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    pub choices: RwSignal<BTreeMap<String, DimChoice>>,
    pub date: RwSignal<Option<String>>,
    pub grain: RwSignal<Vec<String>>,
    /// Per column: the aggregate (None: not a measure) and its additivity.
    pub measures: RwSignal<BTreeMap<String, (Option<AggFn>, Additivity)>>,
    pub name: RwSignal<String>,
    pub mart: RwSignal<String>,
}

impl Wizard {
    fn new() -> Self {
        Wizard {
            open: RwSignal::new(false),
            step: RwSignal::new(1),
            fact: RwSignal::new(String::new()),
            dims: RwSignal::new(Vec::new()),
            keys: RwSignal::new(None),
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
            choices: RwSignal::new(BTreeMap::new()),
            date: RwSignal::new(None),
            grain: RwSignal::new(Vec::new()),
            measures: RwSignal::new(BTreeMap::new()),
            name: RwSignal::new("star".into()),
            mart: RwSignal::new("out/star_mart.csv".into()),
        }
    }

    /// The choices as the shared generator reads them.
    pub fn spec(&self) -> Option<StarSpec> {
        let keys = self.keys.get()?;
        let choices = self.choices.get();
        let dimensions = keys
            .dimensions
            .iter()
            .filter_map(|d| {
                let c = choices.get(&d.node)?;
                let (fact_key, key) = c.key.clone()?;
                let columns: Vec<String> = d.columns.iter().map(|f| f.name.clone()).collect();
                let tracked = columns.iter().filter(|n| **n != key).cloned().collect();
                let history = c.history.then(|| History {
                    connection: c.connection.trim().to_string(),
                    table: c.table.trim().to_string(),
                    tracked,
                });
                Some(DimensionSpec { node: d.node.clone(), columns, fact_key, key, history })
            })
            .collect();
        let measures = self
            .measures
            .get()
            .into_iter()
            .filter_map(|(column, (f, additivity))| {
                Some(Measure { column, func: f?, additivity, alias: String::new() })
            })
            .collect();
        Some(StarSpec {
            name: self.name.get().trim().to_string(),
            fact: keys.fact.clone(),
            fact_columns: keys.fact_columns.iter().map(|f| f.name.clone()).collect(),
            date_column: self.date.get(),
            dimensions,
            grain: self.grain.get(),
            measures,
            mart: Mart::File { path: self.mart.get().trim().to_string() },
        })
    }

    /// Asks the server for keys, then preselects each dimension's best proposal.
    fn discover(&self, ed: EditorState) {
        let (w, graph) = (*self, serde_json::to_value(ed.snapshot()).unwrap_or_default());
        let (fact, dims) = (self.fact.get_untracked(), self.dims.get_untracked());
        w.busy.set(true);
        w.error.set(None);
        spawn_local(async move {
            let answer = api::lineage::model_keys(graph, fact, dims).await;
            if !ed.alive() {
                return;
            }
            w.busy.set(false);
            match answer {
                Ok(k) => {
                    let choices = k
                        .dimensions
                        .iter()
                        .map(|d| {
                            // The best proposal, if any fact row matches it at all.
                            let key = d
                                .proposals
                                .iter()
                                .find(|p| p.matched_rows > 0)
                                .map(|p| (p.fact_column.clone(), p.dimension_column.clone()));
                            let table = format!("dim_{}", d.node);
                            (d.node.clone(), DimChoice { key, table, ..Default::default() })
                        })
                        .collect();
                    let date =
                        k.fact_columns.iter().find(|f| f.ty.is_some_and(|t| t.is_temporal())).map(|f| f.name.clone());
                    w.choices.set(choices);
                    w.date.set(date);
                    w.name.set(tf("model.default_label", &[("fact", &k.fact)]));
                    w.mart.set(format!("out/{}_mart.csv", k.fact));
                    w.keys.set(Some(k));
                    w.step.set(2);
                }
                Err(e) => w.error.set(Some(e.to_string())),
            }
        });
    }

    /// Generates the nodes and inserts them as one undo step.
    fn generate(&self, ed: EditorState) {
        let Some(spec) = self.spec() else { return };
        let graph = ed.snapshot();
        let (x, y) = ed.bounds().map(|b| (b.0, b.3 + 80.0)).unwrap_or((40.0, 40.0));
        match star::generate(&graph, &spec, [x, y]) {
            Ok(g) => {
                let next = star::insert(&graph, &g);
                ed.edit(None, || ed.restore(&next));
                ed.fit_view();
                ed.notify(tf("model.added", &[("count", &g.nodes.len().to_string()), ("label", &g.label)]));
                self.open.set(false);
            }
            Err(problems) => {
                let text: Vec<String> = problems.iter().map(|p| crate::i18n::star(p)).collect();
                self.error.set(Some(text.join("; ")))
            }
        }
    }
}

/// The source nodes of the graph being edited, by id.
fn sources(ed: EditorState) -> Vec<String> {
    ed.nodes.with_untracked(|ns| {
        ns.iter()
            .filter(|n| n.kind.with_value(|k| NodeKind::parse(k).map(|k| k.category()) == Some(Category::Collection)))
            .map(|n| n.id.get_untracked())
            .collect()
    })
}

#[component]
pub fn ModelWizardButton() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let w = Wizard::new();
    // The generated nodes' signals must outlive the dialog: they are made under
    // this button's owner (the editor's toolbar), not the dialog's, which is
    // disposed when it closes.
    let owner = StoredValue::new(Owner::current());
    let start = move |_| {
        w.step.set(1);
        w.error.set(None);
        w.keys.set(None);
        let s = sources(ed);
        w.fact.set(s.first().cloned().unwrap_or_default());
        w.dims.set(Vec::new());
        w.open.set(true);
    };
    view! {
        <button class="btn" data-testid="model-wizard-open" disabled=ed.readonly
            title=t("model.button_title") on:click=start>{t("model.button")}</button>
        {move || w.open.get().then(|| crate::lazy_pages::show(dialog(w, ed, owner)))}
    }
}

/// The dialog itself: a WebAssembly chunk of its own, fetched the first time
/// the wizard opens (see `crate::lazy_pages`).
#[wasm_split(model_wizard, wasm_split_path = ::leptos::wasm_split, fallible)]
fn dialog(w: Wizard, ed: EditorState, owner: StoredValue<Option<Owner>>) -> Page {
    Ok(view! {
        <div class="modal-backdrop">
        <div class="modal model-wizard" data-testid="model-wizard" role="dialog" aria-label=t("model.wizard")>
            <div class="modal-head">
                <b>{move || tf("model.step_of", &[("step", &w.step.get().to_string())])}</b>
                <button class="btn ghost small" data-testid="model-close" on:click=move |_| w.open.set(false)>"✕"</button>
            </div>
            {move || match w.step.get() {
                1 => view! { <FactStep w=w/> }.into_any(),
                2 => view! { <KeysStep w=w/> }.into_any(),
                _ => view! { <GrainStep w=w/> }.into_any(),
            }}
            {move || w.error.get().map(|e| view! { <div class="preview-error" data-testid="model-error">{e}</div> })}
            <div class="form-actions">
                {move || (w.step.get() > 1).then(|| view! {
                    <button class="btn" data-testid="model-back" on:click=move |_| w.step.update(|s| *s -= 1)>{t("model.back")}</button>
                })}
                {move || match w.step.get() {
                    1 => view! {
                        <button class="btn primary" data-testid="model-next"
                            disabled=move || w.busy.get() || w.fact.get().is_empty() || w.dims.with(Vec::is_empty)
                            on:click=move |_| w.discover(ed)>
                            {move || if w.busy.get() { t("model.measuring") } else { t("model.next") }}
                        </button>
                    }.into_any(),
                    2 => view! {
                        <button class="btn primary" data-testid="model-next" on:click=move |_| w.step.set(3)>{t("model.next")}</button>
                    }.into_any(),
                    _ => view! {
                        <button class="btn primary" data-testid="model-generate"
                            on:click=move |_| owner.with_value(|o| match o {
                                Some(o) => o.with(|| w.generate(ed)),
                                None => w.generate(ed),
                            })>{t("model.generate")}</button>
                    }.into_any(),
                }}
            </div>
        </div>
        </div>
    }
    .into_any())
}

/// Step 1: which source is the fact, which are candidate dimensions.
#[component]
fn FactStep(w: Wizard) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let all = sources(ed);
    let options = all.clone();
    let dims = move || {
        let fact = w.fact.get();
        all.iter()
            .filter(|s| **s != fact)
            .map(|s| {
                let (id, id2) = (s.clone(), s.clone());
                let testid = format!("model-dim-{s}");
                view! {
                    <label class="check-row">
                        <input type="checkbox" data-testid=testid
                            prop:checked=move || w.dims.with(|d| d.contains(&id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                w.dims.update(|d| {
                                    d.retain(|x| *x != id2);
                                    if on { d.push(id2.clone()); }
                                });
                            }/>
                        {s.clone()}
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <p class="muted">{t("model.fact_intro")}</p>
        <label>{t("model.fact_source")}" "
            <select data-testid="model-fact" on:change=move |ev| {
                let v = event_target_value(&ev);
                w.dims.update(|d| d.retain(|x| *x != v));
                w.fact.set(v);
            }>
                {options.into_iter().map(|s| {
                    let (s2, v) = (s.clone(), s.clone());
                    view! { <option value=v selected=move || w.fact.get() == s2>{s}</option> }
                }).collect_view()}
            </select>
        </label>
        <div class="model-dims"><b>{t("model.dimensions")}</b>{dims}</div>
    }
}
