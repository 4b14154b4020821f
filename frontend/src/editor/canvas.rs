//! The canvas view: a dotted grid, and the wires and node cards under one
//! pan/zoom transform, with the overlay layer that holds what is being dragged.
//! Gestures are in `gestures.rs` (pointer events, positions from `clientX/Y`
//! minus the canvas box, which both real mice and test drivers produce; HTML5
//! drag-and-drop is not used), hit-testing in `hit.rs`.

use super::edges::{EdgeView, GhostWire};
use super::group_frames::{GroupFrames, GroupRename};
use super::group_view::GroupView;
use super::interact::Interact;
use super::minimap::Minimap;
use super::node_view::NodeView;
use super::panels::Panels;
use super::state::EditorState;
use super::zoom::ZoomControls;
use crate::i18n::t;
use leptos::prelude::*;

/// How far the grid background reaches past each edge of the canvas (CSS px,
/// at least one grid cell at the largest zoom).
const GRID_PAD: f64 = 64.0;

#[component]
pub fn Canvas() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let it = expect_context::<Interact>();
    let panels = expect_context::<Panels>();
    let gv = expect_context::<GroupView>();

    let on_move = window_event_listener(leptos::ev::pointermove, move |ev| it.moved(ed, &ev));
    let on_up = window_event_listener(leptos::ev::pointerup, move |ev| it.released(ed, &ev));
    let on_cancel = window_event_listener(leptos::ev::pointercancel, move |_| it.cancel(ed));
    let on_resize = window_event_listener(leptos::ev::resize, move |_| it.measure(ed));
    on_cleanup(move || {
        on_move.remove();
        on_up.remove();
        on_cancel.remove();
        on_resize.remove();
    });
    Effect::new(move |_| {
        if it.wrap.get().is_some() {
            it.measure(ed);
        }
    });

    // Panning moves one CSS translate on the scene SVG (an element of its own,
    // `will-change: transform`, overflow visible): the compositor shifts the
    // already painted picture and nothing is painted again, however many nodes
    // there are (a transform on a group inside an SVG repaints the whole SVG).
    // The zoom is an SVG scale inside it, so a zoom paints afresh, sharp.
    let pan = move || {
        let v = ed.view.get();
        format!("translate({:.1}px,{:.1}px)", v.x, v.y)
    };
    let k = Memo::new(move |_| ed.view.get().k);
    let scale = move || format!("scale({:.4})", k.get());
    // The dotted grid: a background one cell larger than the canvas each way,
    // shifted by the pan modulo one cell (again only a composited move).
    let cell = move || 24.0 * k.get();
    let grid_shift = move || {
        let (v, c) = (ed.view.get(), cell());
        format!("translate({:.1}px,{:.1}px)", v.x.rem_euclid(c), v.y.rem_euclid(c))
    };
    let grid_size = move || format!("{0:.2}px {0:.2}px", cell());
    let grid_origin = move || {
        let p = GRID_PAD.rem_euclid(cell());
        format!("{p:.2}px {p:.2}px")
    };
    let grid_dot = move || {
        let k = k.get();
        format!(
            "radial-gradient(circle at {:.2}px {:.2}px, #ccd3dd {:.2}px, transparent {:.2}px)",
            k,
            k,
            1.1 * k,
            1.1 * k + 0.6
        )
    };
    let class = move || {
        let mut c = String::from("canvas-wrap");
        if ed.hand_mode.get() || ed.space_down.get() {
            c.push_str(" panning");
        }
        if ed.wire_targets.with(Option::is_some) {
            c.push_str(" wiring");
        }
        c
    };
    // Far out, text is a few pixels high and unreadable; not drawing it keeps
    // panning and dragging a thousand-node overview smooth.
    let far = Memo::new(move |_| k.get() < 0.4);
    let layer_class = move || if far.get() { "layer far" } else { "layer" };

    view! {
        <div
            node_ref=it.wrap
            class=class
            data-testid="canvas"
            on:pointerdown=move |ev| it.pressed(ed, &ev)
            on:wheel=move |ev| it.wheel(ed, &ev)
            on:dblclick=move |ev| {
                // The canvas captures the pointer, so the event's target is the
                // canvas itself: look at what is under the pointer instead.
                let under = crate::dom::document().element_from_point(ev.client_x() as f32, ev.client_y() as f32);
                if let Some(el) = under.and_then(|el| el.closest("[data-role=group]").ok().flatten())
                    && !ed.readonly
                {
                    gv.renaming.set(el.get_attribute("data-group"));
                }
            }
            on:contextmenu=|ev| ev.prevent_default()
        >
            <div
                class="grid"
                style:transform=grid_shift
                style:background-size=grid_size
                style:background-position=grid_origin
                style:background-image=grid_dot
            ></div>
            <svg node_ref=it.scene class="scene" style:transform=pan>
                <g class=layer_class transform=scale>
                    <GroupFrames/>
                    <g class="edges">
                        <For each=move || ed.edges.get() key=|e| e.key let:e>
                            <EdgeView e=e/>
                        </For>
                    </g>
                    <GhostWire/>
                    <g class="nodes">
                        <For each=move || ed.nodes.get() key=|n| n.key let:n>
                            <NodeView n=n/>
                        </For>
                    </g>
                    {move || it.rubber.get().map(|(x, y, w, h)| view! {
                        <rect class="rubber" x=x y=y width=w height=h></rect>
                    })}
                </g>
            </svg>
            <svg class="scene canvas-overlay" style:transform=pan>
                <g node_ref=it.overlay class=layer_class transform=scale></g>
            </svg>
            {move || ed.nodes.with(Vec::is_empty).then(|| view! {
                <div class="canvas-empty">
                    <div class="canvas-empty-title">{t("canvas.start_by_dragging_a_data")}</div>
                    <div>{t("canvas.drag_entries_from_the_palette")}</div>
                </div>
            })}
            <GroupRename/>
            <ZoomControls/>
            {move || panels.minimap.get().then(|| view! { <Minimap/> })}
            {move || ed.toast.get().map(|t| view! {
                <div class=if t.error { "toast error" } else { "toast" } data-testid="status">{t.text}</div>
            })}
        </div>
    }
}
