//! "▶ Run": a dialog that asks for the business date and every parameter
//! before a draft run starts, prefilled with what the live preview uses (the
//! declared defaults), so a run never silently disagrees with its preview.
//! Values are checked as they are typed with the shared parameter rules.
//! Derived date parameters are not asked for: the server resolves them from the
//! business date as it is typed, and the dialog shows each value (or why there is
//! none) before the run starts.

use super::review_bar::saved_version;
use super::state::{EditorState, ParamRow};
use crate::api;
use crate::dom;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::wasm_split;
use sluice_shared::params::ParamValue;
use sluice_shared::{ParamType, params::type_name};
use std::collections::BTreeMap;

/// One input of the dialog: a declared parameter, or the business date when
/// the graph declares no `biz_date`.
#[derive(Clone)]
struct Field {
    name: String,
    ty: ParamType,
    testid: String,
    value: RwSignal<String>,
}

impl Field {
    /// Whether this is the business date input of a graph without `biz_date`.
    fn is_biz_date(&self) -> bool {
        self.testid == "run-biz-date"
    }

    /// Why the typed text cannot run (the shared parameter rules); an empty
    /// business date means the server's default.
    fn error(&self) -> Option<String> {
        let text = self.value.get();
        if text.trim().is_empty() {
            return (self.ty != ParamType::String && !self.is_biz_date())
                .then(|| tf("run_dialog.give_a", &[("type", type_name(self.ty))]));
        }
        ParamValue::parse(self.ty, text.trim()).err()
    }
}

fn fields(params: &[ParamRow]) -> Vec<Field> {
    let mut out: Vec<Field> = params
        .iter()
        .filter(|p| p.derive.is_none())
        .map(|p| Field {
            name: p.name.clone(),
            ty: p.ty,
            testid: format!("run-param-{}", p.name),
            value: RwSignal::new(p.default.clone()),
        })
        .collect();
    if !params.iter().any(|p| p.name == "biz_date") {
        out.insert(
            0,
            Field {
                name: "biz_date".into(),
                ty: ParamType::Date,
                testid: "run-biz-date".into(),
                value: RwSignal::new(String::new()),
            },
        );
    }
    out
}

#[component]
pub fn RunButton() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let open = RwSignal::new(false);
    let inputs = RwSignal::new(Vec::<Field>::new());
    let toggle = move |_| {
        if !open.get_untracked() {
            inputs.set(ed.params.with_untracked(|p| fields(p)));
        }
        open.update(|o| *o = !*o);
    };
    view! {
        <div class="params-anchor">
            <button class="btn" data-testid="run" disabled=move || ed.readonly
                title=t("run_dialog.run_the_saved_draft_in") on:click=toggle>{t("run_dialog.run")}</button>
            {move || open.get().then(|| crate::lazy_pages::show(dialog(inputs.get(), open)))}
        </div>
    }
}

/// The dialog: a WebAssembly chunk of its own, fetched the first time it opens
/// (see `crate::lazy_pages`).
#[wasm_split(run_dialog, wasm_split_path = ::leptos::wasm_split, fallible)]
fn dialog(inputs: Vec<Field>, open: RwSignal<bool>) -> crate::lazy_pages::Page {
    Ok(view! { <RunDialog inputs=inputs on_close=move || open.set(false)/> }.into_any())
}

#[component]
fn RunDialog(inputs: Vec<Field>, on_close: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let all = StoredValue::new(inputs.clone());
    let invalid = move || all.with_value(|fs| fs.iter().any(|f| f.error().is_some()));
    let derived = resolved_dates(ed, all);
    let start = move |_| {
        let fs = all.get_value();
        if let Some(bad) = fs.iter().find_map(|f| f.error().map(|e| format!("{}: {e}", f.name))) {
            error.set(Some(bad));
            return;
        }
        let (biz_date, params) = values(&fs, false);
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let answer = match saved_version(ed).await {
                Some(_) => api::run_draft(&ed.graph_id.get_value(), biz_date, &params).await.map_err(|e| e.to_string()),
                None => Err(t("editor.save_first").into()),
            };
            if !ed.alive() {
                return;
            }
            busy.set(false);
            match answer {
                Ok(run) => dom::navigate(&format!("#/runs/{}", run.id)),
                Err(e) => error.set(Some(tf("run_dialog.not_run", &[("error", &e.to_string())]))),
            }
        });
    };
    view! {
        <div class="popover run-popover" data-testid="run-dialog">
            <div class="popover-head"><b>{t("run_dialog.run_the_saved_draft")}</b>
                <button class="btn ghost small" on:click=move |_| on_close()>"✕"</button></div>
            <p class="muted">{t("run_dialog.runs_in_your_sandbox_production")}</p>
            {inputs.into_iter().map(|f| view! { <FieldRow f=f/> }).collect_view()}
            {move || derived.get().map(|r| match r {
                Ok(r) => crate::pages::derived_dates::derived_dates::<0>(r, "run-dialog-derived").into_any(),
                Err(e) => view! { <div class="form-error" data-testid="run-dialog-derived-error">{e}</div> }.into_any(),
            })}
            {move || error.get().map(|e| view! { <div class="form-error" data-testid="run-error-msg">{e}</div> })}
            <div class="form-actions">
                <button class="btn primary" data-testid="run-start" disabled=move || busy.get() || invalid()
                    on:click=start>{move || if busy.get() { t("run_dialog.starting") } else { t("run_dialog.start") }}</button>
            </div>
        </div>
    }
}

/// The business date (when typed apart from the parameters) and the values, as
/// the run request carries them; `tracked` reads the inputs as signals.
fn values(fs: &[Field], tracked: bool) -> (Option<String>, BTreeMap<String, String>) {
    let mut params = BTreeMap::new();
    let mut biz_date = None;
    for f in fs {
        let v = if tracked { f.value.get() } else { f.value.get_untracked() }.trim().to_string();
        if f.is_biz_date() {
            biz_date = (!v.is_empty()).then_some(v);
        } else {
            params.insert(f.name.clone(), v);
        }
    }
    (biz_date, params)
}

/// The derived date parameters resolved by the server for the values as typed
/// (asked again on every change; a late answer to an older question is dropped);
/// `None` while the graph derives none or the values do not parse yet.
fn resolved_dates(
    ed: EditorState,
    all: StoredValue<Vec<Field>>,
) -> RwSignal<Option<Result<api::ResolvedParams, String>>> {
    let out = RwSignal::new(None);
    let asked = StoredValue::new(0u32);
    let derives = ed.params.with_untracked(|ps| ps.iter().any(|p| p.derive.is_some()));
    Effect::new(move |_| {
        let fs = all.get_value();
        let (biz_date, params) = values(&fs, true);
        if !derives || fs.iter().any(|f| f.error().is_some()) {
            out.set(None);
            return;
        }
        asked.update_value(|n| *n += 1);
        let n = asked.get_value();
        spawn_local(async move {
            let got = api::resolve_params(&ed.graph_id.get_value(), biz_date, &params).await.map_err(|e| e.to_string());
            if ed.alive() && asked.try_get_value() == Some(n) {
                let _ = out.try_set(Some(got));
            }
        });
    });
    out
}

#[component]
fn FieldRow(f: Field) -> impl IntoView {
    let label = if f.is_biz_date() {
        t("run_dialog.biz_date").to_string()
    } else {
        format!("{} ({})", f.name, type_name(f.ty))
    };
    let placeholder = if f.ty == ParamType::Date { "YYYY-MM-DD" } else { "" };
    let value = f.value;
    let check = f.clone();
    view! {
        <label class="field">
            <span class="field-label">{label}</span>
            <input type="text" placeholder=placeholder spellcheck="false" data-testid=f.testid.clone() prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))/>
            {move || check.error().map(|e| view! { <span class="field-problem">{e}</span> })}
        </label>
    }
}
