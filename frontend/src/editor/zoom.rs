//! The controls over the canvas: zoom in, out, fit, auto-layout, and the hand (pan) mode.

use super::state::EditorState;
use crate::i18n::t;
use leptos::prelude::*;

#[component]
pub fn ZoomControls() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let panels = expect_context::<super::panels::Panels>();
    // A memo, so panning (which changes the view but not its zoom) leaves the text alone.
    let percent = Memo::new(move |_| (ed.view.get().k * 100.0).round());
    view! {
        <div class="zoom-controls">
            <button class="icon-btn" title=t("zoom.zoom_in") aria-label=t("zoom.zoom_in2") data-testid="zoom-in" on:click=move |_| ed.zoom_by(1.25)>"+"</button>
            <span class="zoom-level" data-testid="zoom-level">{move || format!("{:.0}%", percent.get())}</span>
            <button class="icon-btn" title=t("zoom.zoom_out") aria-label=t("zoom.zoom_out2") data-testid="zoom-out" on:click=move |_| ed.zoom_by(0.8)>"−"</button>
            <button class="icon-btn" title=t("zoom.fit_the_graph_in_view") aria-label=t("zoom.zoom_to_fit") data-testid="zoom-fit" on:click=move |_| ed.fit_view()>"⤢"</button>
            <button class="icon-btn" title=t("zoom.tidy_up_lay_the_graph") aria-label=t("zoom.auto_layout")
                data-testid="auto-layout" disabled=ed.readonly on:click=move |_| ed.auto_layout()>"⇶"</button>
            <button class=move || if panels.minimap.get() { "icon-btn active" } else { "icon-btn" }
                title=t("zoom.show_or_hide_the_minimap") aria-label=t("zoom.minimap") data-testid="toggle-minimap"
                on:click=move |_| panels.minimap.update(|m| *m = !*m)>"▣"</button>
            <button
                class=move || if ed.hand_mode.get() { "icon-btn active" } else { "icon-btn" }
                title=t("zoom.hand_mode_drag_the_background")
                data-testid="pan-mode"
                aria-label=t("zoom.hand_mode_pan")
                on:click=move |_| ed.hand_mode.update(|h| *h = !*h)
            >"✥"</button>
        </div>
    }
}
