//! The canvas: an SVG with a dotted grid, the wires and the node cards under
//! one pan/zoom transform, and every pointer gesture (pan, rubber band, node
//! drag, wiring, drop from the palette). Gestures use pointer events with
//! positions from `clientX/Y` minus the canvas box, which both real mice and
//! test drivers produce; HTML5 drag-and-drop is not used.

use super::edges::{EdgeView, GhostWire};
use super::geometry::{self, NODE_W, View};
use super::minimap::Minimap;
use super::node_view::NodeView;
use super::ops::check_wire_in;
use super::state::{EdgeData, EditorState, NodeData};
use super::zoom::ZoomControls;
use crate::dom;
use leptos::prelude::*;
use sluice_shared::structure::Wiring;
use sluice_shared::{Graph, NodeKind};
use std::collections::HashSet;
use wasm_bindgen::JsCast;

/// A straight piece between two graph points (the ghost wire's ends).
type Segment = ((f64, f64), (f64, f64));

/// The gesture in progress.
#[derive(Clone, Default)]
enum Drag {
    #[default]
    Idle,
    Pan {
        cx: f64,
        cy: f64,
        start: View,
    },
    Nodes {
        cx: f64,
        cy: f64,
        items: Vec<(NodeData, (f64, f64))>,
        /// The state before the first move: one undo step per drag.
        before: Option<Box<Graph>>,
        /// Plain click on an already selected node: select only it on release.
        narrow_to: Option<NodeData>,
    },
    Rubber {
        gx: f64,
        gy: f64,
        /// Selected before the gesture (shift adds to it).
        base: HashSet<u64>,
    },
    Wire {
        from: NodeData,
        /// A wire picked up from an input port, with the state before.
        detached: Option<Box<(EdgeData, Graph)>>,
    },
    Palette {
        kind: NodeKind,
        cx: f64,
        cy: f64,
        moved: bool,
    },
}

thread_local! {
    /// Elements lifted into the overlay during a drag, each with the place it
    /// came from, to be put back exactly there (Leptos keeps its references).
    static LIFTED: std::cell::RefCell<Vec<(web_sys::Element, web_sys::Node, Option<web_sys::Node>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Puts lifted elements back, last first, so each one's old next sibling is
/// already home when it is inserted before it.
fn drop_back() {
    LIFTED.with(|l| {
        for (el, parent, next) in l.borrow_mut().drain(..).rev() {
            let _ = parent.insert_before(&el, next.as_ref());
        }
    });
}

/// Gesture state shared by the canvas and the palette.
#[derive(Clone, Copy)]
pub struct Interact {
    drag: StoredValue<Drag>,
    pub svg: NodeRef<leptos::svg::Svg>,
    /// The overlay layer that holds what is being dragged.
    overlay: NodeRef<leptos::svg::G>,
    /// The rubber band in graph units (x, y, w, h).
    pub rubber: RwSignal<Option<(f64, f64, f64, f64)>>,
    /// The wire being drawn: from point, to point (graph units).
    pub ghost: RwSignal<Option<Segment>>,
    /// A palette entry being dragged: kind and client position.
    pub palette_ghost: RwSignal<Option<(NodeKind, f64, f64)>>,
    /// Where new nodes added by click go next, so they do not stack.
    cascade: StoredValue<u32>,
    /// The canvas's top-left corner in client pixels when the gesture began.
    origin: StoredValue<(f64, f64)>,
}

impl Interact {
    pub fn new() -> Self {
        Interact {
            drag: StoredValue::new(Drag::Idle),
            svg: NodeRef::new(),
            overlay: NodeRef::new(),
            rubber: RwSignal::new(None),
            ghost: RwSignal::new(None),
            palette_ghost: RwSignal::new(None),
            cascade: StoredValue::new(0),
            origin: StoredValue::new((0.0, 0.0)),
        }
    }

    /// The canvas box in client pixels (left, top, width, height).
    fn rect(&self) -> (f64, f64, f64, f64) {
        self.svg
            .get_untracked()
            .map(|el| {
                let r = el.get_bounding_client_rect();
                (r.left(), r.top(), r.width(), r.height())
            })
            .unwrap_or((0.0, 0.0, 800.0, 600.0))
    }

    /// Starts dragging a palette entry (a click without moving adds the node
    /// in the middle of the view).
    pub fn begin_palette(&self, kind: NodeKind, ev: &web_sys::PointerEvent) {
        if ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        self.drag.set_value(Drag::Palette { kind, cx: ev.client_x() as f64, cy: ev.client_y() as f64, moved: false });
    }

    /// Pointer moves anywhere in the window. The gesture is updated in place:
    /// cloning it (it may hold a snapshot of the graph) on every move would cost
    /// more than the move itself.
    fn moved(&self, ed: EditorState, ev: &web_sys::PointerEvent) {
        let (cx, cy) = (ev.client_x() as f64, ev.client_y() as f64);
        let view = ed.view.get_untracked();
        // The canvas box as measured when the gesture began: measuring again
        // here would force a layout on every move.
        let (l, t) = self.origin.get_value();
        let this = *self;
        self.drag.update_value(|drag| match drag {
            Drag::Idle => {}
            Drag::Pan { cx: x0, cy: y0, start } => {
                ed.view.set(View { x: start.x + cx - *x0, y: start.y + cy - *y0, k: start.k });
            }
            Drag::Nodes { cx: x0, cy: y0, items, before, narrow_to } => {
                let (dx, dy) = ((cx - *x0) / view.k, (cy - *y0) / view.k);
                if before.is_none() {
                    if (cx - *x0).hypot(cy - *y0) < 3.0 {
                        return;
                    }
                    *before = Some(Box::new(ed.snapshot()));
                    *narrow_to = None;
                    this.lift(ed, items);
                }
                // Only the dragged nodes' signals change: their cards and wires
                // redraw, nothing else.
                for (n, (x, y)) in items.iter() {
                    n.pos.set((x + dx, y + dy));
                }
            }
            Drag::Rubber { gx, gy, base } => {
                let (px, py) = view.to_graph(cx - l, cy - t);
                let r = (gx.min(px), gy.min(py), (px - *gx).abs(), (py - *gy).abs());
                this.rubber.set(Some(r));
                ed.nodes.with_untracked(|ns| {
                    for n in ns {
                        let (x, y) = n.pos.get_untracked();
                        let hit = geometry::overlaps(r, (x, y, NODE_W, n.height())) || base.contains(&n.key);
                        if n.selected.get_untracked() != hit {
                            n.selected.set(hit);
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
                }
            }
        });
    }

    /// Moves the dragged nodes' cards and their wires into the overlay layer
    /// for the length of the drag. Chrome re-records the paint of a whole SVG
    /// when anything in it changes; with the moving parts in a small SVG of
    /// their own, the big one stays untouched and a drag costs the same with a
    /// thousand nodes as with ten.
    fn lift(&self, ed: EditorState, items: &[(NodeData, (f64, f64))]) {
        let (Some(main), Some(layer)) = (self.svg.get_untracked(), self.overlay.get_untracked()) else {
            return;
        };
        let keys: HashSet<u64> = items.iter().map(|(n, _)| n.key).collect();
        let edge_keys: Vec<u64> = ed.edges.with_untracked(|es| {
            es.iter().filter(|e| keys.contains(&e.from.key) || keys.contains(&e.to.key)).map(|e| e.key).collect()
        });
        let mut lifted = Vec::new();
        let mut take = |role: &str, key: u64| {
            let sel = format!("[data-role={role}][data-key=\"{key}\"]");
            if let Ok(Some(el)) = main.query_selector(&sel)
                && let Some(parent) = el.parent_node()
            {
                lifted.push((el.clone(), parent, el.next_sibling()));
                let _ = layer.append_child(&el);
            }
        };
        // Wires first so they stay under the cards.
        for k in edge_keys {
            take("edge", k);
        }
        for (n, _) in items {
            take("node", n.key);
        }
        LIFTED.with(|l| l.borrow_mut().extend(lifted));
    }

    /// The input port a wire would end on at graph point `p`: a port within a
    /// few pixels, or, over a node's card, its first port that accepts the wire.
    fn port_at(&self, ed: EditorState, p: (f64, f64), k: f64, from: NodeData) -> Option<(NodeData, &'static str)> {
        let radius = 16.0 / k;
        let over_card = ed.nodes.with_untracked(|ns| {
            let mut over_card = None;
            // The source node counts too, so wiring a node to itself gets a "why not".
            for n in ns.iter() {
                let pos = n.pos.get_untracked();
                for port in n.ports() {
                    let (x, y) = n.in_port_at(port.name, pos);
                    if (x - p.0).hypot(y - p.1) <= radius {
                        return Ok((*n, port.name));
                    }
                }
                let (x, y) = pos;
                if over_card.is_none() && p.0 >= x && p.0 <= x + NODE_W && p.1 >= y && p.1 <= y + n.height() {
                    over_card = Some(*n);
                }
            }
            Err(over_card)
        });
        let n = match over_card {
            Ok(hit) => return Some(hit),
            Err(card) => card?,
        };
        let ports = n.ports();
        let graph = ed.wiring_graph();
        let wiring = Wiring::new(&graph);
        ports
            .iter()
            .find(|port| check_wire_in(&wiring, from, n, port.name).is_ok())
            .or(ports.first())
            .map(|port| (n, port.name))
    }

    /// Pointer released anywhere in the window: finish the gesture.
    fn released(&self, ed: EditorState, ev: &web_sys::PointerEvent) {
        let drag = self.drag.try_update_value(std::mem::take).unwrap_or_default();
        let (cx, cy) = (ev.client_x() as f64, ev.client_y() as f64);
        match drag {
            Drag::Idle | Drag::Pan { .. } => {}
            Drag::Nodes { before, narrow_to, .. } => {
                drop_back();
                if let Some(before) = before {
                    ed.history.update_value(|h| {
                        h.seal();
                        h.record(*before)
                    });
                    ed.history_rev.update(|r| *r += 1);
                    ed.touched(false);
                    ed.layout_rev.update(|r| *r += 1);
                } else if let Some(n) = narrow_to {
                    ed.select_only(n);
                }
            }
            Drag::Rubber { .. } => self.rubber.set(None),
            Drag::Wire { from, detached } => {
                // A press and release on a port without moving is not a wiring.
                let view = ed.view.get_untracked();
                let barely =
                    self.ghost.get_untracked().is_none_or(|(a, p)| (a.0 - p.0).hypot(a.1 - p.1) * view.k < 6.0);
                self.ghost.set(None);
                ed.wire_targets.set(None);
                ed.wire_hover.set(None);
                let (l, t) = self.origin.get_value();
                let p = view.to_graph(cx - l, cy - t);
                let target = if barely && detached.is_none() { None } else { self.port_at(ed, p, view.k, from) };
                self.finish_wire(ed, from, detached.map(|d| *d), target);
            }
            Drag::Palette { kind, moved, .. } => {
                self.palette_ghost.set(None);
                let (l, t, w, h) = self.rect();
                let inside = cx >= l && cx <= l + w && cy >= t && cy <= t + h;
                let at = if !moved {
                    // A click: put it in the middle of the view, cascading.
                    let (gx, gy) = ed.view_centre();
                    let i = self.cascade.get_value();
                    self.cascade.set_value((i + 1) % 8);
                    Some((gx - NODE_W / 2.0 + 24.0 * i as f64, gy - 33.0 + 24.0 * i as f64))
                } else if inside {
                    let (gx, gy) = ed.view.get_untracked().to_graph(cx - l, cy - t);
                    Some((gx - NODE_W / 2.0, gy - 20.0))
                } else {
                    None
                };
                if let Some(at) = at {
                    ed.add_node(kind, at);
                }
            }
        }
    }

    fn finish_wire(
        &self,
        ed: EditorState,
        from: NodeData,
        detached: Option<(EdgeData, Graph)>,
        target: Option<(NodeData, &'static str)>,
    ) {
        match (target, detached) {
            (Some((to, port)), detached) => {
                let same = detached.as_ref().is_some_and(|(e, _)| e.to.key == to.key && e.port_name() == port);
                if same {
                    // Dropped back where it was.
                    let (e, _) = detached.expect("checked");
                    ed.edges.update(|es| es.push(e));
                    return;
                }
                match ed.check_wire(from, to, port) {
                    Ok(()) => {
                        if let Some((_, before)) = detached {
                            // Picking up and re-dropping is one undo step.
                            ed.history.update_value(|h| {
                                h.seal();
                                h.record(before)
                            });
                            let edge = sluice_shared::Edge {
                                from: from.id.get_untracked(),
                                to: to.id.get_untracked(),
                                port: (port != "in").then(|| port.to_string()),
                                ui: None,
                            };
                            let d = ed.make_edge(from, to, &edge);
                            ed.edges.update(|es| es.push(d));
                            ed.history_rev.update(|r| *r += 1);
                            ed.touched(true);
                        } else {
                            ed.connect(from, to, port);
                        }
                    }
                    Err(why) => {
                        if let Some((e, _)) = detached {
                            ed.edges.update(|es| es.push(e));
                        }
                        ed.notify_error(why);
                    }
                }
            }
            (None, Some((_, before))) => {
                // A wire pulled off its input and dropped on nothing is deleted.
                ed.history.update_value(|h| {
                    h.seal();
                    h.record(before)
                });
                ed.history_rev.update(|r| *r += 1);
                ed.touched(true);
            }
            (None, None) => {}
        }
    }

    /// Pointer pressed on the canvas.
    fn pressed(&self, ed: EditorState, ev: &web_sys::PointerEvent) {
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
        let (l, t, _, _) = self.rect();
        self.origin.set_value((l, t));
        if let Some(svg) = self.svg.get_untracked() {
            let _ = svg.set_pointer_capture(ev.pointer_id());
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
                let last = ed
                    .edges
                    .with_untracked(|es| es.iter().rev().find(|e| e.to.key == n.key && e.port_name() == port).copied());
                if let Some(e) = last {
                    let before = ed.snapshot();
                    ed.edges.update(|es| es.retain(|x| x.key != e.key));
                    self.begin_wire(ed, e.from, Some((e, before)));
                }
            }
            ("node" | "port-out" | "port-in", Some(n)) => {
                let mut narrow_to = None;
                if additive {
                    n.selected.set(!n.selected.get_untracked());
                } else if !n.selected.get_untracked() {
                    ed.select_only(n);
                } else {
                    narrow_to = Some(n);
                }
                ed.edges.with_untracked(|es| {
                    es.iter().filter(|e| e.selected.get_untracked()).for_each(|e| e.selected.set(false))
                });
                if ed.readonly {
                    return;
                }
                let items = ed.selected_nodes().into_iter().map(|n| (n, n.pos.get_untracked())).collect();
                self.drag.set_value(Drag::Nodes { cx, cy, items, before: None, narrow_to });
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

    fn begin_wire(&self, ed: EditorState, from: NodeData, detached: Option<(EdgeData, Graph)>) {
        // Every input port the wire may end on lights up.
        let graph = ed.wiring_graph();
        let wiring = Wiring::new(&graph);
        let targets: HashSet<(u64, &'static str)> = ed.nodes.with_untracked(|ns| {
            ns.iter()
                .flat_map(|n| n.ports().iter().map(move |p| (*n, p.name)))
                .filter(|(n, p)| check_wire_in(&wiring, from, *n, p).is_ok())
                .map(|(n, p)| (n.key, p))
                .collect()
        });
        ed.wire_targets.set(Some(targets));
        let a = from.out_port_at(from.pos.get_untracked());
        self.ghost.set(Some((a, a)));
        self.drag.set_value(Drag::Wire { from, detached: detached.map(Box::new) });
    }

    /// Wheel zooms at the pointer; ctrl+wheel (a trackpad pinch) zooms faster.
    fn wheel(&self, ed: EditorState, ev: &web_sys::WheelEvent) {
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

    /// Whether a pointer gesture is under way (keyboard edits wait for its end:
    /// they could remove elements that are lifted into the overlay).
    pub fn gesture_active(&self) -> bool {
        self.drag.with_value(|d| !matches!(d, Drag::Idle | Drag::Palette { .. }))
    }

    /// Records the canvas size (for fit, zoom buttons and the minimap).
    pub fn measure(&self, ed: EditorState) {
        let (_, _, w, h) = self.rect();
        if w > 0.0 && h > 0.0 {
            super::state::set_if_changed(ed.canvas_size, &(w, h));
        }
    }
}

impl Default for Interact {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn Canvas() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let it = expect_context::<Interact>();

    let on_move = window_event_listener(leptos::ev::pointermove, move |ev| it.moved(ed, &ev));
    let on_up = window_event_listener(leptos::ev::pointerup, move |ev| it.released(ed, &ev));
    let on_cancel = window_event_listener(leptos::ev::pointercancel, move |_| {
        drop_back();
        it.drag.set_value(Drag::Idle);
        it.rubber.set(None);
        it.ghost.set(None);
        it.palette_ghost.set(None);
        ed.wire_targets.set(None);
    });
    let on_resize = window_event_listener(leptos::ev::resize, move |_| it.measure(ed));
    on_cleanup(move || {
        on_move.remove();
        on_up.remove();
        on_cancel.remove();
        on_resize.remove();
    });
    Effect::new(move |_| {
        if it.svg.get().is_some() {
            it.measure(ed);
        }
    });

    let transform = move || {
        let v = ed.view.get();
        format!("translate({:.2},{:.2}) scale({:.4})", v.x, v.y, v.k)
    };
    let grid = move || {
        let v = ed.view.get();
        format!("translate({:.2},{:.2}) scale({:.4})", v.x, v.y, v.k)
    };
    let class = move || {
        let mut c = String::from("canvas");
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
    let far = Memo::new(move |_| ed.view.get().k < 0.4);
    let layer_class = move || if far.get() { "layer far" } else { "layer" };

    view! {
        <div class="canvas-wrap">
            <svg
                node_ref=it.svg
                class=class
                data-testid="canvas"
                on:pointerdown=move |ev| it.pressed(ed, &ev)
                on:wheel=move |ev| it.wheel(ed, &ev)
                on:contextmenu=|ev| ev.prevent_default()
            >
                <defs>
                    <pattern id="grid-dots" width="24" height="24" patternUnits="userSpaceOnUse" patternTransform=grid>
                        <circle cx="1" cy="1" r="1.1" class="grid-dot"></circle>
                    </pattern>
                </defs>
                <rect class="grid" width="100%" height="100%" fill="url(#grid-dots)"></rect>
                <g class=layer_class transform=transform>
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
            <svg class="canvas-overlay">
                <g node_ref=it.overlay class=layer_class transform=transform></g>
            </svg>
            {move || ed.nodes.with(Vec::is_empty).then(|| view! {
                <div class="canvas-empty">
                    <div class="canvas-empty-title">"Start by dragging a data source onto the canvas"</div>
                    <div>"Drag entries from the palette on the left (or click one). Wire an output port to an input port."</div>
                </div>
            })}
            <ZoomControls/>
            <Minimap/>
            {move || ed.toast.get().map(|t| view! {
                <div class=if t.error { "toast error" } else { "toast" } data-testid="status">{t.text}</div>
            })}
        </div>
    }
}
