//! The zoom controls over the canvas: in, out, fit, and the hand (pan) mode.

use super::state::EditorState;
use leptos::prelude::*;

#[component]
pub fn ZoomControls() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    view! {
        <div class="zoom-controls">
            <button class="icon-btn" title="Zoom in (+)" aria-label="Zoom in" data-testid="zoom-in" on:click=move |_| ed.zoom_by(1.25)>"+"</button>
            <span class="zoom-level" data-testid="zoom-level">{move || format!("{:.0}%", ed.view.get().k * 100.0)}</span>
            <button class="icon-btn" title="Zoom out (−)" aria-label="Zoom out" data-testid="zoom-out" on:click=move |_| ed.zoom_by(0.8)>"−"</button>
            <button class="icon-btn" title="Fit the graph in view (F)" aria-label="Zoom to fit" data-testid="zoom-fit" on:click=move |_| ed.fit_view()>"⤢"</button>
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
