//! The editor's header: name and description, the environment it works in (`dev`), parameters, undo/redo, import and
//! export, save state, review status, run, submit and save; plus the banners for a save conflict and
//! an import that did not parse.

use super::model_wizard::ModelWizardButton;
use super::params::ParamsEditor;
use super::persist;
use super::review_bar::{ReviewState, ReviewStatus, SubmitButton};
use super::run_dialog::RunButton;
use super::sql_view::SqlButton;
use super::state::EditorState;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use sluice_shared::api::connections::DEV;

#[component]
pub fn Toolbar() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let params_open = RwSignal::new(false);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let can_undo = move || {
        ed.history_rev.track();
        ed.history.with_value(|h| h.can_undo())
    };
    let can_redo = move || {
        ed.history_rev.track();
        ed.history.with_value(|h| h.can_redo())
    };
    let save_state = move || {
        if ed.saving.get() {
            t("toolbar.saving").to_string()
        } else if ed.is_dirty() {
            t("toolbar.unsaved").to_string()
        } else {
            tf("toolbar.saved_version", &[("version", &ed.version.get().to_string())])
        }
    };
    let param_count = move || ed.params.with(Vec::len);
    let rs = ReviewState::new(ed);

    view! {
        <div class="toolbar">
            <a class="btn ghost back" href="#/graphs" title=t("toolbar.all_graphs") aria-label=t("toolbar.all_graphs")>"←"</a>
            <div class="title-fields">
                <input
                    class="name-input"
                    data-testid="graph-name"
                    placeholder=t("toolbar.graph_name")
                    spellcheck="false"
                    readonly=move || ed.readonly || !ed.loaded.get()
                    prop:value=move || ed.name.get()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        ed.edit(Some("name"), || ed.name.set(v));
                    }
                />
                <input
                    class="desc-input"
                    data-testid="graph-description"
                    placeholder=t("toolbar.add_a_description")
                    readonly=move || ed.readonly || !ed.loaded.get()
                    prop:value=move || ed.description.get()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        ed.edit(Some("description"), || ed.description.set(v));
                    }
                />
            </div>
            <div class="spacer"></div>
            <div class="params-anchor">
                <button
                    class=move || if params_open.get() { "btn active" } else { "btn" }
                    data-testid="params-toggle"
                    on:click=move |_| params_open.update(|o| *o = !*o)
                >
                    {move || tf("toolbar.parameters", &[("count", &param_count().to_string())])}
                </button>
                {move || params_open.get().then(|| crate::lazy_pages::show(params_dialog(params_open)))}
            </div>
            <div class="btn-group">
                <button class="btn icon" title=t("toolbar.undo_ctrl_z") aria-label=t("toolbar.undo") data-testid="undo" disabled=move || !can_undo() on:click=move |_| ed.undo()>"↶"</button>
                <button class="btn icon" title=t("toolbar.redo_ctrl_shift_z") aria-label=t("toolbar.redo") data-testid="redo" disabled=move || !can_redo() on:click=move |_| ed.redo()>"↷"</button>
            </div>
            <div class="btn-group">
                <button class="btn" data-testid="import" disabled=ed.readonly title=t("toolbar.replace_this_graph_with_a")
                    on:click=move |_| {
                        if let Some(i) = file_input.get_untracked() {
                            i.click();
                        }
                    }>{t("toolbar.import")}</button>
                <input
                    node_ref=file_input
                    type="file"
                    accept=".json,application/json"
                    class="hidden"
                    data-testid="import-file"
                    on:change=move |ev| {
                        if let Some(input) = persist::input_of(&ev) {
                            persist::import(ed, input);
                        }
                    }
                />
                <button class="btn" data-testid="export" title=t("toolbar.download_as_json") on:click=move |_| persist::export(ed)>{t("toolbar.export")}</button>
                <SqlButton/>
                <ModelWizardButton/>
            </div>
            <span class="env-badge" title=t("toolbar.preview_validation_and_draft_runs")
                data-testid="environment">{DEV}</span>
            <span class=move || if ed.is_dirty() { "save-state dirty" } else { "save-state" } data-testid="save-state">{save_state}</span>
            <ReviewStatus rs=rs/>
            <RunButton/>
            <SubmitButton rs=rs/>
            <button
                class="btn primary"
                data-testid="save"
                disabled=move || ed.readonly || ed.saving.get()
                title=t("toolbar.save_ctrl_s")
                on:click=move |_| persist::save(ed)
            >{t("toolbar.save")}</button>
        </div>
        {move || ed.conflict.get().map(|msg| view! {
            <div class="banner warn" data-testid="conflict">
                <b>{t("toolbar.someone_else_saved_a_newer")}</b>
                <span class="muted">{msg}</span>
                <button class="btn small" data-testid="conflict-reload" on:click=move |_| persist::reload(ed)>{t("toolbar.reload_their_version")}</button>
                <button class="btn small" data-testid="conflict-overwrite" on:click=move |_| persist::overwrite(ed)>{t("toolbar.overwrite_with_mine")}</button>
                <button class="btn ghost small" on:click=move |_| ed.conflict.set(None)>"✕"</button>
            </div>
        })}
        {move || ed.import_problems.get().map(|ps| view! {
            <div class="banner error" data-testid="import-problems">
                <b>{t("toolbar.that_file_is_not_a")}</b>
                <ul>
                    {ps.into_iter().map(|p| view! { <li data-testid="import-problem">{crate::i18n::problem_line(&p)}</li> }).collect_view()}
                </ul>
                <button class="btn ghost small" on:click=move |_| ed.import_problems.set(None)>"✕"</button>
            </div>
        })}
        {ed.readonly.then(|| view! {
            <div class="banner info">{t("toolbar.read_only_your_role_can")}</div>
        })}
    }
}

/// The parameters editor: a WebAssembly chunk of its own, fetched the first
/// time it opens (see `crate::lazy_pages`).
#[wasm_split(params, wasm_split_path = ::leptos::wasm_split, fallible)]
fn params_dialog(open: RwSignal<bool>) -> crate::lazy_pages::Page {
    Ok(view! { <ParamsEditor on_close=move || open.set(false)/> }.into_any())
}
