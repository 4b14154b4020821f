//! The editor's panels around the canvas: the palette (left), the inspector
//! (right) and the problems and preview (bottom) are resized by dragging their
//! edge and collapsed with a button; the preview can take the whole centre;
//! the minimap can be hidden. Sizes are CSS variables on the editor body, so
//! a resize restyles three boxes and never rebuilds a view.

use super::interact::Interact;
use super::state::EditorState;
use crate::dom;
use crate::i18n::t;
use leptos::prelude::*;

/// The narrowest canvas a resize leaves (CSS px).
const MIN_CANVAS: f64 = 240.0;
/// The height of the bottom panels' headers: what a collapsed bottom keeps.
pub const BOTTOM_HEAD: f64 = 34.0;

/// Which edge is being dragged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    Palette,
    Inspector,
    Bottom,
}

/// Panel sizes for a window of `w`×`h` CSS px: (palette, inspector, bottom).
/// Narrow windows (1024×768) get slimmer side panels, so the canvas keeps more
/// than half the width.
pub fn default_sizes(w: f64, h: f64) -> (f64, f64, f64) {
    let (palette, inspector) = if w < 1200.0 { (200.0, 272.0) } else { (264.0, 328.0) };
    let bottom = if h < 820.0 { 180.0 } else { 210.0 };
    (palette, inspector, bottom)
}

/// A size dragged to `want` px, kept within the edge's limits and leaving
/// the canvas at least [`MIN_CANVAS`] wide (`others`: the other side panel's
/// width, or for the bottom the centre's height).
pub fn clamp_size(edge: Edge, want: f64, window_w: f64, others: f64) -> f64 {
    match edge {
        Edge::Palette => want.clamp(160.0, 480.0).min(window_w - others - MIN_CANVAS).max(160.0),
        Edge::Inspector => want.clamp(220.0, 640.0).min(window_w - others - MIN_CANVAS).max(220.0),
        Edge::Bottom => want.clamp(BOTTOM_HEAD + 60.0, (others - 120.0).max(BOTTOM_HEAD + 60.0)),
    }
}

#[derive(Clone, Copy)]
pub struct Panels {
    pub palette_w: RwSignal<f64>,
    pub inspector_w: RwSignal<f64>,
    pub bottom_h: RwSignal<f64>,
    pub palette_open: RwSignal<bool>,
    pub inspector_open: RwSignal<bool>,
    pub bottom_open: RwSignal<bool>,
    pub preview_max: RwSignal<bool>,
    pub minimap: RwSignal<bool>,
    /// The edge being dragged: which, pointer start, size at the start.
    drag: StoredValue<Option<(Edge, f64, f64)>>,
}

fn window_size() -> (f64, f64) {
    let w = dom::window();
    let px = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64()).unwrap_or(1440.0);
    (px(w.inner_width()), px(w.inner_height()))
}

impl Panels {
    pub fn new() -> Self {
        let (w, h) = window_size();
        let (p, i, b) = default_sizes(w, h);
        Panels {
            palette_w: RwSignal::new(p),
            inspector_w: RwSignal::new(i),
            bottom_h: RwSignal::new(b),
            palette_open: RwSignal::new(true),
            inspector_open: RwSignal::new(true),
            bottom_open: RwSignal::new(true),
            preview_max: RwSignal::new(false),
            minimap: RwSignal::new(true),
            drag: StoredValue::new(None),
        }
    }

    /// The CSS variables of the editor body.
    pub fn style(&self) -> String {
        let side = |open: RwSignal<bool>, w: RwSignal<f64>| if open.get() { w.get() } else { 0.0 };
        let bottom = if self.bottom_open.get() { self.bottom_h.get() } else { BOTTOM_HEAD };
        format!(
            "--palette-w:{}px;--inspector-w:{}px;--bottom-h:{}px",
            side(self.palette_open, self.palette_w),
            side(self.inspector_open, self.inspector_w),
            bottom
        )
    }

    fn size_of(&self, edge: Edge) -> RwSignal<f64> {
        match edge {
            Edge::Palette => self.palette_w,
            Edge::Inspector => self.inspector_w,
            Edge::Bottom => self.bottom_h,
        }
    }

    fn begin(&self, edge: Edge, ev: &web_sys::PointerEvent) {
        ev.prevent_default();
        if let Some(el) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        let at = if edge == Edge::Bottom { ev.client_y() } else { ev.client_x() } as f64;
        self.drag.set_value(Some((edge, at, self.size_of(edge).get_untracked())));
    }

    fn moved(&self, ev: &web_sys::PointerEvent) {
        let Some((edge, start, size)) = self.drag.get_value() else {
            return;
        };
        let (w, h) = window_size();
        let (want, others) = match edge {
            Edge::Palette => (size + ev.client_x() as f64 - start, self.inspector_w.get_untracked()),
            Edge::Inspector => (size - (ev.client_x() as f64 - start), self.palette_w.get_untracked()),
            // The centre is the window less the top bar and toolbar, about 110 px.
            Edge::Bottom => (size - (ev.client_y() as f64 - start), h - 110.0),
        };
        self.size_of(edge).set(clamp_size(edge, want, w, others));
    }
}

impl Default for Panels {
    fn default() -> Self {
        Self::new()
    }
}

/// A drag handle on the edge of a panel.
#[component]
fn Resizer(edge: Edge, testid: &'static str) -> impl IntoView {
    let p = expect_context::<Panels>();
    let hidden = move || match edge {
        Edge::Palette => !p.palette_open.get(),
        Edge::Inspector => !p.inspector_open.get(),
        Edge::Bottom => !p.bottom_open.get() || p.preview_max.get(),
    };
    let class = match edge {
        Edge::Palette => "resizer resizer-palette",
        Edge::Inspector => "resizer resizer-inspector",
        Edge::Bottom => "resizer resizer-bottom",
    };
    view! {
        <div class=class class:hidden=hidden data-testid=testid title=t("panels.drag_to_resize")
            on:pointerdown=move |ev| p.begin(edge, &ev)
            on:pointermove=move |ev| p.moved(&ev)
            on:pointerup=move |_| p.drag.set_value(None)
            on:pointercancel=move |_| p.drag.set_value(None)
        ></div>
    }
}

/// The side panels' collapse buttons and the resize handles, laid over the
/// editor body.
#[component]
pub fn PanelHandles() -> impl IntoView {
    let p = expect_context::<Panels>();
    let ed = expect_context::<EditorState>();
    let it = expect_context::<Interact>();
    // The canvas box changes with the panels: measure it again after layout.
    Effect::new(move |_| {
        p.style();
        p.preview_max.track();
        request_animation_frame(move || {
            if ed.alive() {
                it.measure(ed);
            }
        });
    });
    let toggle = |open: RwSignal<bool>| move |_| open.update(|o| *o = !*o);
    view! {
        <Resizer edge=Edge::Palette testid="resize-palette"/>
        <Resizer edge=Edge::Inspector testid="resize-inspector"/>
        <button class="panel-toggle toggle-palette" data-testid="toggle-palette"
            title=move || if p.palette_open.get() { t("panels.hide_palette") } else { t("panels.show_palette") }
            on:click=toggle(p.palette_open)>{move || if p.palette_open.get() { "‹" } else { "›" }}</button>
        <button class="panel-toggle toggle-inspector" data-testid="toggle-inspector"
            title=move || if p.inspector_open.get() { t("panels.hide_inspector") } else { t("panels.show_inspector") }
            on:click=toggle(p.inspector_open)>{move || if p.inspector_open.get() { "›" } else { "‹" }}</button>
    }
}

/// The bottom panels' handle and buttons (collapse, maximise the preview).
#[component]
pub fn BottomHandles() -> impl IntoView {
    let p = expect_context::<Panels>();
    view! {
        <Resizer edge=Edge::Bottom testid="resize-bottom"/>
        <div class="bottom-buttons">
            <button class="icon-btn" data-testid="preview-maximize"
                title=move || if p.preview_max.get() { t("panels.back_to_canvas") } else { t("panels.maximise_preview") }
                aria-pressed=move || p.preview_max.get().to_string()
                on:click=move |_| {
                    p.bottom_open.set(true);
                    p.preview_max.update(|m| *m = !*m);
                }>{move || if p.preview_max.get() { "⤡" } else { "⤢" }}</button>
            <button class="icon-btn" data-testid="toggle-bottom"
                title=move || if p.bottom_open.get() { t("panels.hide_bottom") } else { t("panels.show_bottom") }
                on:click=move |_| {
                    p.preview_max.set(false);
                    p.bottom_open.update(|o| *o = !*o);
                }>{move || if p.bottom_open.get() { "▾" } else { "▴" }}</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_window_gets_slimmer_panels_and_keeps_half_for_the_canvas() {
        let (p, i, b) = default_sizes(1024.0, 768.0);
        assert!(1024.0 - p - i >= 512.0, "canvas {}", 1024.0 - p - i);
        assert!(b <= 180.0);
        assert_eq!(default_sizes(1440.0, 900.0), (264.0, 328.0, 210.0));
    }

    #[test]
    fn resizing_stays_within_limits_and_never_squeezes_the_canvas_away() {
        assert_eq!(clamp_size(Edge::Palette, 50.0, 1440.0, 328.0), 160.0);
        assert_eq!(clamp_size(Edge::Palette, 300.0, 1440.0, 328.0), 300.0);
        assert_eq!(clamp_size(Edge::Palette, 900.0, 1440.0, 328.0), 480.0);
        // At 1024 px with a 500 px inspector the palette may take 284 px at most.
        assert_eq!(clamp_size(Edge::Palette, 400.0, 1024.0, 500.0), 284.0);
        assert_eq!(clamp_size(Edge::Inspector, 700.0, 1440.0, 264.0), 640.0);
        assert_eq!(clamp_size(Edge::Inspector, 100.0, 1440.0, 264.0), 220.0);
        // The bottom leaves the canvas 120 px of a 650 px centre.
        assert_eq!(clamp_size(Edge::Bottom, 600.0, 1024.0, 650.0), 530.0);
        assert_eq!(clamp_size(Edge::Bottom, 10.0, 1024.0, 650.0), BOTTOM_HEAD + 60.0);
    }
}
