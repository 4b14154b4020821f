//! The controls over the canvas: zoom in, out, fit, auto-layout, and the hand (pan) mode.

use super::state::EditorState;
use leptos::prelude::*;

#[component]
pub fn ZoomControls() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let panels = expect_context::<super::panels::Panels>();
    // A memo, so panning (which changes the view but not its zoom) leaves the text alone.
    let percent = Memo::new(move |_| (ed.view.get().k * 100.0).round());
    view! {
        <div class="zoom-controls">
            <button class="icon-btn" title="Zoom in (+)" aria-label="Zoom in" data-testid="zoom-in" on:click=move |_| ed.zoom_by(1.25)>"+"</button>
            <span class="zoom-level" data-testid="zoom-level">{move || format!("{:.0}%", percent.get())}</span>
            <button class="icon-btn" title="Zoom out (−)" aria-label="Zoom out" data-testid="zoom-out" on:click=move |_| ed.zoom_by(0.8)>"−"</button>
            <button class="icon-btn" title="Fit the graph in view (F)" aria-label="Zoom to fit" data-testid="zoom-fit" on:click=move |_| ed.fit_view()>"⤢"</button>
            <button class="icon-btn" title="Tidy up: lay the graph out left to right (L)" aria-label="Auto layout"
                data-testid="auto-layout" disabled=ed.readonly on:click=move |_| ed.auto_layout()>"⇶"</button>
            <button class=move || if panels.minimap.get() { "icon-btn active" } else { "icon-btn" }
                title="Show or hide the minimap" aria-label="Minimap" data-testid="toggle-minimap"
                on:click=move |_| panels.minimap.update(|m| *m = !*m)>"▣"</button>
            <button
                class=move || if ed.hand_mode.get() { "icon-btn active" } else { "icon-btn" }
                title="Hand mode: drag the background to pan (H). Otherwise drag selects; pan with the middle button or Space+drag."
                data-testid="pan-mode"
                aria-label="Hand mode (pan)"
                on:click=move |_| ed.hand_mode.update(|h| *h = !*h)
            >"✥"</button>
        </div>
    }
}
