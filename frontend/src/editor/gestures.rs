//! The pointer state machine: press starts a gesture ([`Drag`]), moves update
//! it in place, release finishes it with one undo step. Positions come from
//! `clientX/Y` minus the canvas box measured when the gesture began (no layout
//! read per move). Wiring gestures are finished in `wire_gesture.rs`.

use super::geometry::{NODE_W, View};
use super::hit;
use super::interact::{Drag, Interact, drop_back};
use super::state::{Change, EditorState, NodeData};
use crate::dom;
use leptos::prelude::*;
use std::collections::HashSet;
use wasm_bindgen::JsCast;

impl Interact {
    /// Pointer pressed on the canvas.
    pub(super) fn pressed(&self, ed: EditorState, ev: &web_sys::PointerEvent) {
        // The controls laid over the canvas (zoom, minimap) handle their own presses.
        let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        if target
            .is_some_and(|t| t.closest(".zoom-controls, .minimap-box, .toast, .group-rename").ok().flatten().is_some())
        {
            return;
        }
        // Focus leaves inspector fields so Delete and Ctrl+Z reach the canvas.
        if let Some(el) = dom::document().active_element().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.blur();
        }
        let (cx, cy) = (ev.client_x() as f64, ev.client_y() as f64);
        let button = ev.button();
        let pan = button == 1 || (button == 0 && (ed.hand_mode.get_untracked() || ed.space_down.get_untracked()));
        if button != 0 && !pan {
            return;
        }
        ev.prevent_default();
        self.set_held(true);
        let (l, t, _, _) = self.rect();
        self.origin.set_value((l, t));
        if let Some(wrap) = self.wrap.get_untracked() {
            let _ = wrap.set_pointer_capture(ev.pointer_id());
        }
        if pan {
            let start = ed.view.get_untracked();
            self.drag.set_value(Drag::Pan { cx, cy, start });
            return;
        }
        let additive = ev.shift_key() || ev.ctrl_key() || ev.meta_key();
        let role = dom::closest_data(ev, "role");
        let key = role.as_ref().and_then(|(el, _)| el.get_attribute("data-key")).and_then(|k| k.parse::<u64>().ok());
        let role = role.map(|(_, r)| r).unwrap_or_default();
        match (role.as_str(), key.and_then(|k| ed.by_key(k))) {
            ("port-out", Some(n)) if !ed.readonly => self.begin_wire(ed, n, None),
            ("port-in", Some(n)) if !ed.readonly => {
                let port = dom::closest_data(ev, "port").map(|(_, p)| p).unwrap_or_default();
                self.pick_up_wire(ed, n, &port);
            }
            ("node" | "port-out" | "port-in", Some(n)) => self.press_node(ed, n, additive, (cx, cy)),
            ("group-toggle" | "group-ungroup", _) if !ed.readonly => {
                let group = dom::closest_data(ev, "group").map(|(_, g)| g).unwrap_or_default();
                if role == "group-toggle" {
                    ed.toggle_group(&group);
                } else {
                    ed.ungroup(&group);
                }
            }
            ("group" | "group-toggle" | "group-ungroup", _) => {
                let group = dom::closest_data(ev, "group").map(|(_, g)| g).unwrap_or_default();
                self.press_group(ed, &group, (cx, cy));
            }
            ("edge", _) => {
                let e = key.and_then(|k| ed.edges.with_untracked(|es| es.iter().find(|e| e.key == k).copied()));
                if let Some(e) = e {
                    if !additive {
                        ed.clear_selection();
                    }
                    e.selected.set(true);
                }
            }
            _ => {
                let base = if additive {
                    ed.selected_nodes().iter().map(|n| n.key).collect()
                } else {
                    ed.clear_selection();
                    HashSet::new()
                };
                let (gx, gy) = ed.view.get_untracked().to_graph(cx - l, cy - t);
                self.drag.set_value(Drag::Rubber { gx, gy, base });
            }
        }
    }

    /// A press on a node card: select it (shift toggles) and get ready to drag
    /// the selection.
    fn press_node(&self, ed: EditorState, n: NodeData, additive: bool, (cx, cy): (f64, f64)) {
        let mut narrow_to = None;
        if additive {
            n.selected.set(!n.selected.get_untracked());
        } else if !n.selected.get_untracked() {
            ed.select_only(n);
        } else {
            narrow_to = Some(n);
        }
        ed.edges
            .with_untracked(|es| es.iter().filter(|e| e.selected.get_untracked()).for_each(|e| e.selected.set(false)));
        if ed.readonly {
            return;
        }
        let items = ed.selected_nodes().into_iter().map(|n| (n, n.pos.get_untracked())).collect();
        self.drag.set_value(Drag::Nodes { cx, cy, items, moved: false, narrow_to });
    }

    /// A press on a group's title bar (or its collapsed box): select its
    /// members and get ready to drag them together (one undo step on release).
    fn press_group(&self, ed: EditorState, group: &str, (cx, cy): (f64, f64)) {
        ed.clear_selection();
        let members = ed.group_members(group);
        for n in &members {
            n.selected.set(true);
        }
        if ed.readonly || members.is_empty() {
            return;
        }
        let items = members.into_iter().map(|n| (n, n.pos.get_untracked())).collect();
        self.drag.set_value(Drag::Nodes { cx, cy, items, moved: false, narrow_to: None });
    }

    /// Pointer moves anywhere in the window. The gesture is updated in place:
    /// cloning it (it may hold a snapshot of the graph) on every move would cost
    /// more than the move itself.
    pub(super) fn moved(&self, ed: EditorState, ev: &web_sys::PointerEvent) {
        let (cx, cy) = (ev.client_x() as f64, ev.client_y() as f64);
        let view = ed.view.get_untracked();
        let (l, t) = self.origin.get_value();
        let this = *self;
        if self.gesture_active() {
            self.set_moving(true);
        }
        self.drag.update_value(|drag| match drag {
            Drag::Idle => {}
            Drag::Pan { cx: x0, cy: y0, start } => {
                ed.view.set(View { x: start.x + cx - *x0, y: start.y + cy - *y0, k: start.k });
            }
            Drag::Nodes { cx: x0, cy: y0, items, moved, narrow_to } => {
                let (dx, dy) = ((cx - *x0) / view.k, (cy - *y0) / view.k);
                if !*moved {
                    if (cx - *x0).hypot(cy - *y0) < 3.0 {
                        return;
                    }
                    // No snapshot of the graph here (the frame the drag starts in):
                    // the release rebuilds the state before from `items`.
                    *moved = true;
                    *narrow_to = None;
                    this.lift(ed, items);
                }
                // Only the dragged nodes' signals change: their cards and wires
                // redraw, nothing else.
                for (n, (x, y)) in items.iter() {
                    n.pos.set((x + dx, y + dy));
                }
                if let [(n, _)] = items.as_slice() {
                    let target = ed.insertable(*n).then(|| ed.wire_under(n.card().rect(), Some(*n))).flatten();
                    super::state::set_if_changed(this.insert_target, &target);
                }
            }
            Drag::Rubber { gx, gy, base } => {
                let (px, py) = view.to_graph(cx - l, cy - t);
                let r = (gx.min(px), gy.min(py), (px - *gx).abs(), (py - *gy).abs());
                this.rubber.set(Some(r));
                let hit: HashSet<u64> = hit::in_band(&ed.cards(), r).into_iter().collect();
                ed.nodes.with_untracked(|ns| {
                    for n in ns {
                        let sel = hit.contains(&n.key) || base.contains(&n.key);
                        if n.selected.get_untracked() != sel {
                            n.selected.set(sel);
                        }
                    }
                });
            }
            Drag::Wire { from, .. } => {
                let p = view.to_graph(cx - l, cy - t);
                let a = from.out_port_at(from.pos.get_untracked());
                this.ghost.set(Some((a, p)));
                let hover = this.port_at(ed, p, view.k, *from).map(|(n, port)| (n.key, port));
                if ed.wire_hover.get_untracked() != hover {
                    ed.wire_hover.set(hover);
                }
            }
            Drag::Palette { kind, cx: x0, cy: y0, moved } => {
                if !*moved && (cx - *x0).hypot(cy - *y0) > 4.0 {
                    *moved = true;
                }
                if *moved {
                    this.palette_ghost.set(Some((*kind, cx, cy)));
                    let (gx, gy) = view.to_graph(cx - l, cy - t);
                    let rect = (gx - NODE_W / 2.0, gy - 20.0, NODE_W, super::geometry::node_height(kind.ports().len()));
                    let target = (!kind.ports().is_empty() && kind.category() != sluice_shared::Category::Distribution)
                        .then(|| ed.wire_under(rect, None))
                        .flatten();
                    super::state::set_if_changed(this.insert_target, &target);
                }
            }
        });
    }

    /// Pointer released anywhere in the window: finish the gesture.
    pub(super) fn released(&self, ed: EditorState, ev: &web_sys::PointerEvent) {
        let drag = self.drag.try_update_value(std::mem::take).unwrap_or_default();
        self.set_moving(false);
        self.set_held(false);
        let (cx, cy) = (ev.client_x() as f64, ev.client_y() as f64);
        let insert = self.insert_target.get_untracked();
        if insert.is_some() {
            self.insert_target.set(None);
        }
        match drag {
            Drag::Idle | Drag::Pan { .. } => {}
            Drag::Nodes { moved, narrow_to, items, .. } => {
                drop_back();
                if moved {
                    let before = before_drag(ed, &items);
                    match (insert, items.as_slice()) {
                        (Some(edge), [(n, _)]) => ed.insert_into_wire(*n, edge, Some(before)),
                        _ => ed.commit(before, Change::Layout),
                    }
                } else if let Some(n) = narrow_to {
                    ed.select_only(n);
                }
            }
            Drag::Rubber { .. } => self.rubber.set(None),
            Drag::Wire { from, detached } => self.release_wire(ed, from, detached.map(|d| *d), (cx, cy)),
            Drag::Palette { kind, moved, .. } => {
                self.palette_ghost.set(None);
                let (l, t, w, h) = self.rect();
                let inside = cx >= l && cx <= l + w && cy >= t && cy <= t + h;
                if !moved {
                    self.palette_click(ed, kind);
                } else if inside {
                    let (gx, gy) = ed.view.get_untracked().to_graph(cx - l, cy - t);
                    let added = ed.add_node(kind, (gx - NODE_W / 2.0, gy - 20.0));
                    if let (Some(n), Some(edge)) = (added, insert) {
                        ed.insert_into_wire(n, edge, None);
                    }
                }
            }
        }
    }

    /// A click on a palette entry: with one node selected, the new node goes to
    /// its right, wired downstream of it; otherwise in the middle of the view,
    /// cascading so repeated clicks do not stack.
    pub fn palette_click(&self, ed: EditorState, kind: sluice_shared::NodeKind) {
        let sel = ed.selected_nodes();
        if let [up] = sel.as_slice()
            && up.has_output()
        {
            ed.add_downstream(*up, kind);
            return;
        }
        let (gx, gy) = ed.view_centre();
        let i = self.cascade.get_value();
        self.cascade.set_value((i + 1) % 8);
        ed.add_node(kind, (gx - NODE_W / 2.0 + 24.0 * i as f64, gy - 33.0 + 24.0 * i as f64));
    }

    /// Wheel zooms at the pointer; ctrl+wheel (a trackpad pinch) zooms faster.
    pub(super) fn wheel(&self, ed: EditorState, ev: &web_sys::WheelEvent) {
        ev.prevent_default();
        let (l, t, _, _) = self.rect();
        let unit = match ev.delta_mode() {
            1 => 16.0,
            2 => 400.0,
            _ => 1.0,
        };
        let speed = if ev.ctrl_key() { 0.01 } else { 0.0015 };
        let factor = (-ev.delta_y() * unit * speed).exp();
        let (sx, sy) = (ev.client_x() as f64 - l, ev.client_y() as f64 - t);
        ed.view.update(|v| *v = v.zoomed_at(sx, sy, factor));
    }
}

/// The graph as it was before a drag of `items`: the graph now with each
/// dragged node back at its starting place (a drag changes nothing else:
/// keyboard edits wait for the gesture to end).
fn before_drag(ed: EditorState, items: &[(NodeData, (f64, f64))]) -> sluice_shared::Graph {
    let mut g = ed.snapshot();
    for (n, (x, y)) in items {
        let id = n.id.get_untracked();
        if let Some(node) = g.nodes.iter_mut().find(|node| node.id == id) {
            node.pos = Some([x.round(), y.round()]);
        }
    }
    g
}
