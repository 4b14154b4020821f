//! The node editor page: toolbar on top; palette, canvas and inspector side by
//! side; problems and preview under the canvas, always visible.
//!
//! State lives in [`state::EditorState`] (signals per node), edits in [`ops`],
//! undo in [`history`], validation in [`validation`], server I/O in [`persist`].

mod canvas;
mod catalog;
mod edges;
mod fields;
mod file_picker;
mod forms;
mod formula_help;
mod geometry;
mod gestures;
mod group_frames;
mod group_view;
mod history;
mod hit;
mod inspector;
mod interact;
mod items;
mod keys;
mod layout;
mod leave;
mod lineage;
mod lineage_trace;
mod lists;
mod minimap;
mod model_steps;
mod model_wizard;
mod node_view;
mod ops;
mod options;
mod palette;
mod panels;
mod param_rows;
mod params;
mod persist;
mod preview;
mod problems;
mod raw_config;
mod review_bar;
mod run_dialog;
mod select_checklist;
mod sql_view;
mod state;
mod table_fields;
mod table_rules;
mod toolbar;
mod validation;
mod wire_gesture;
mod wiring_ops;
mod zoom;

use crate::api;
use crate::ctx::AppCtx;
use crate::i18n::{t, tf};
use canvas::Canvas;
use inspector::{Inspector, selection};
use interact::Interact;
use leptos::prelude::*;
use leptos::task::spawn_local;
use node_view::{category_class, kind_icon};
use palette::Palette;
use preview::PreviewPanel;
use problems::ProblemsPanel;
use state::EditorState;
use toolbar::Toolbar;

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Ready,
    Failed(String),
}

#[component]
pub fn Editor(id: String) -> impl IntoView {
    let app = expect_context::<AppCtx>();
    let ed = EditorState::new(id, !app.can_edit());
    provide_context(ed);
    provide_context(group_view::GroupView::new(ed));
    let it = Interact::new();
    provide_context(it);
    let panels = panels::Panels::new();
    provide_context(panels);
    let load = RwSignal::new(Load::Loading);

    spawn_local(async move {
        let loaded = persist::load(ed).await;
        if !ed.alive() {
            return;
        }
        match loaded {
            Ok(()) => {
                load.set(Load::Ready);
                ed.loaded.set(true);
                request_animation_frame(move || {
                    if ed.alive() {
                        it.measure(ed);
                        ed.fit_view();
                        inspector::prefetch();
                    }
                });
            }
            Err(e) => load.set(Load::Failed(e)),
        }
    });
    spawn_local(async move {
        if let Ok(files) = api::files().await
            && ed.alive()
        {
            ed.files.set(files.into_iter().map(|f| f.path).collect());
        }
    });
    let catalog = catalog::Catalog::new();
    provide_context(catalog);
    validation::start(ed, catalog);
    keys::install(ed, it);
    leave::install(ed);
    lineage::Lineage::install(ed);
    let selected = selection(ed);

    let ghost = move || {
        it.palette_ghost.get().map(|(k, x, y)| {
            view! {
                <div class=format!("palette-ghost {}", category_class(Some(k)))
                    style=format!("left:{}px;top:{}px", x + 8.0, y + 8.0)>
                    <span class="palette-icon">{kind_icon(Some(k))}</span>
                    {crate::i18n::kind(k)}
                </div>
            }
        })
    };

    view! {
        <div class="editor">
            <Toolbar/>
            <div class="editor-body" style=move || panels.style()>
                <Palette/>
                <div class="editor-center" class:preview-max=move || panels.preview_max.get()>
                    <Canvas/>
                    <lineage::LineagePanel/>
                    {move || match load.get() {
                        Load::Loading => Some(view! { <div class="overlay">{t("editor.loading_graph")}</div> }.into_any()),
                        Load::Failed(e) => Some(view! {
                            <div class="overlay error" data-testid="load-error">
                                {tf("editor.cannot_open", &[("error", &e.to_string())])}
                                <a class="btn" href="#/graphs">{t("editor.back_to_graphs")}</a>
                            </div>
                        }.into_any()),
                        Load::Ready => None,
                    }}
                    <div class="bottom-panels" class:collapsed=move || !panels.bottom_open.get()>
                        <ProblemsPanel/>
                        <PreviewPanel selected=selected/>
                    </div>
                    <panels::BottomHandles/>
                </div>
                <Inspector selected=selected/>
                <panels::PanelHandles/>
            </div>
            {ghost}
            <datalist id="sluice-files">
                {move || ed.files.get().into_iter().map(|f| view! { <option value=f></option> }).collect_view()}
            </datalist>
            <datalist id="sluice-types">
                {["int64", "float64", "decimal(18,2)", "string", "bool", "date", "timestamp"]
                    .map(|t| view! { <option value=t></option> })}
            </datalist>
        </div>
    }
}
