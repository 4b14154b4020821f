//! The minimap: every node as a small block and the visible area as a frame.
//! Clicking or dragging in it moves the view there.

use super::geometry::NODE_W;
use super::node_view::category_class;
use super::state::EditorState;
use leptos::prelude::*;

const MAP_W: f64 = 200.0;
const MAP_H: f64 = 130.0;

#[component]
pub fn Minimap() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let map = NodeRef::<leptos::svg::Svg>::new();
    let dragging = RwSignal::new(false);
    // The area shown: all nodes and the visible part of the canvas, as React
    // Flow's minimap does. Node bounds follow `layout_rev` (drag end, add,
    // delete), not every pointer move. While the minimap itself is dragged the
    // area stays put, or it would slide under the pointer.
    let bounds = Memo::new(move |_| {
        ed.layout_rev.track();
        ed.nodes.track();
        ed.bounds()
    });
    let world = Memo::new(move |prev: Option<&(f64, f64, f64, f64)>| {
        if let Some(prev) = prev
            && dragging.get()
        {
            return *prev;
        }
        let (w, h) = ed.canvas_size.get();
        let (vx, vy, vw, vh) = ed.view.get().visible(w, h);
        let (x0, y0, x1, y1) = match bounds.get() {
            Some((a, b, c, d)) => {
                // Rounded out to an eighth of the graph, so a pan changes the
                // area (and repaints every block) only now and then.
                let q = ((c - a).max(d - b) / 8.0).max(200.0);
                let (lo, hi) = (|v: f64| (v / q).floor() * q, |v: f64| (v / q).ceil() * q);
                (lo(a.min(vx)), lo(b.min(vy)), hi(c.max(vx + vw)), hi(d.max(vy + vh)))
            }
            None => (vx, vy, vx + vw, vy + vh),
        };
        let pad = 40.0;
        let (x0, y0, w, h) = (x0 - pad, y0 - pad, x1 - x0 + 2.0 * pad, y1 - y0 + 2.0 * pad);
        // Keep the minimap's aspect so the pointer mapping stays simple.
        let (nw, nh) = if w / h > MAP_W / MAP_H { (w, w * MAP_H / MAP_W) } else { (h * MAP_W / MAP_H, h) };
        (x0 - (nw - w) / 2.0, y0 - (nh - h) / 2.0, nw, nh)
    });

    // The minimap's box, measured when the press begins (no layout read per move).
    let origin = StoredValue::new((0.0, 0.0, MAP_W));
    let go = move |ev: &web_sys::PointerEvent| {
        let (left, top, width) = origin.get_value();
        let (wx, wy, ww, _) = world.get_untracked();
        let scale = width / ww;
        let gx = wx + (ev.client_x() as f64 - left) / scale;
        let gy = wy + (ev.client_y() as f64 - top) / scale;
        let (w, h) = ed.canvas_size.get_untracked();
        ed.view.update(|v| *v = v.centred_on(gx, gy, w, h));
    };

    let frame = move || {
        let (w, h) = ed.canvas_size.get();
        ed.view.get().visible(w, h)
    };

    let view_box = move || {
        let (x, y, w, h) = world.get();
        format!("{x:.0} {y:.0} {w:.0} {h:.0}")
    };
    // The frame is a second SVG on top: moving it while panning repaints that
    // small picture, not a thousand node blocks.
    view! {
        <div class="minimap-box">
        <svg
            node_ref=map
            class="minimap"
            data-testid="minimap"
            width=MAP_W
            height=MAP_H
            viewBox=view_box
            on:pointerdown=move |ev| {
                ev.prevent_default();
                ev.stop_propagation();
                dragging.set(true);
                if let Some(el) = map.get_untracked() {
                    let _ = el.set_pointer_capture(ev.pointer_id());
                    let r = el.get_bounding_client_rect();
                    origin.set_value((r.left(), r.top(), r.width()));
                }
                go(&ev);
            }
            on:pointermove=move |ev| {
                if dragging.get_untracked() {
                    go(&ev);
                }
            }
            on:pointerup=move |_| dragging.set(false)
        >
            <rect
                class="minimap-bg"
                x=move || world.get().0
                y=move || world.get().1
                width=move || world.get().2
                height=move || world.get().3
            ></rect>
            <For each=move || ed.nodes.get() key=|n| n.key let:n>
                <rect
                    class=format!("minimap-node {}", category_class(n.node_kind()))
                    x=move || n.pos.get().0
                    y=move || n.pos.get().1
                    width=NODE_W
                    height=n.height()
                    rx="12"
                ></rect>
            </For>
        </svg>
        <svg class="minimap-frame" width=MAP_W height=MAP_H viewBox=view_box>
            <rect
                class="minimap-view"
                x=move || frame().0
                y=move || frame().1
                width=move || frame().2
                height=move || frame().3
            ></rect>
        </svg>
        </div>
    }
}
