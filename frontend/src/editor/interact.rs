//! Gesture state shared by the canvas, the wires and the palette: which gesture
//! is under way ([`Drag`]), the rubber band and ghost wire being drawn, and the
//! lifting of dragged elements into the overlay layer. The state machine that
//! drives it is in `gestures.rs` and `wire_gesture.rs`; the view in `canvas.rs`.

use super::state::{EdgeData, EditorState, NodeData};
use leptos::prelude::*;
use sluice_shared::{Graph, NodeKind};
use std::collections::HashSet;

/// A straight piece between two graph points (the ghost wire's ends).
pub type Segment = ((f64, f64), (f64, f64));

/// The gesture in progress.
#[derive(Clone, Default)]
pub enum Drag {
    #[default]
    Idle,
    Pan {
        cx: f64,
        cy: f64,
        start: super::geometry::View,
    },
    Nodes {
        cx: f64,
        cy: f64,
        items: Vec<(NodeData, (f64, f64))>,
        /// The nodes have moved (past the 3-pixel slop): on release, one undo
        /// step back to `items`' starting places.
        moved: bool,
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
pub fn drop_back() {
    LIFTED.with(|l| {
        for (el, parent, next) in l.borrow_mut().drain(..).rev() {
            let _ = parent.insert_before(&el, next.as_ref());
        }
    });
}

/// Gesture state shared by the canvas and the palette.
#[derive(Clone, Copy)]
pub struct Interact {
    pub(super) drag: StoredValue<Drag>,
    /// The canvas area (the gestures' target; its box maps client to canvas pixels).
    pub wrap: NodeRef<leptos::html::Div>,
    /// The SVG holding the wires and cards.
    pub(super) scene: NodeRef<leptos::svg::Svg>,
    /// The overlay layer that holds what is being dragged.
    pub(super) overlay: NodeRef<leptos::svg::G>,
    /// The rubber band in graph units (x, y, w, h).
    pub rubber: RwSignal<Option<(f64, f64, f64, f64)>>,
    /// The wire being drawn: from point, to point (graph units).
    pub ghost: RwSignal<Option<Segment>>,
    /// A palette entry being dragged: kind and client position.
    pub palette_ghost: RwSignal<Option<(NodeKind, f64, f64)>>,
    /// While a node or palette entry is dragged: the wire it would be
    /// inserted into if dropped now (edge key).
    pub insert_target: RwSignal<Option<u64>>,
    /// Where new nodes added by click go next, so they do not stack.
    pub(super) cascade: StoredValue<u32>,
    /// The canvas's top-left corner in client pixels when the gesture began.
    pub(super) origin: StoredValue<(f64, f64)>,
    /// A gesture is moving something (cards, the view, a band, a wire): panels
    /// that would lay out a lot (the preview's rows) wait for it to end, so a
    /// drag never shares a frame with them.
    pub moving: RwSignal<bool>,
    /// The pointer is down on the canvas (a press, perhaps becoming a drag):
    /// the inspector shows a new selection's settings when it comes up, so a
    /// press that starts a drag does not also lay out forms.
    pub held: RwSignal<bool>,
}

impl Interact {
    pub fn new() -> Self {
        Interact {
            drag: StoredValue::new(Drag::Idle),
            wrap: NodeRef::new(),
            scene: NodeRef::new(),
            overlay: NodeRef::new(),
            rubber: RwSignal::new(None),
            ghost: RwSignal::new(None),
            palette_ghost: RwSignal::new(None),
            insert_target: RwSignal::new(None),
            cascade: StoredValue::new(0),
            origin: StoredValue::new((0.0, 0.0)),
            moving: RwSignal::new(false),
            held: RwSignal::new(false),
        }
    }

    /// The canvas box in client pixels (left, top, width, height). A layout
    /// read: called when a gesture begins, never on every move.
    pub(super) fn rect(&self) -> (f64, f64, f64, f64) {
        self.wrap
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
        let (l, t, _, _) = self.rect();
        self.origin.set_value((l, t));
        self.drag.set_value(Drag::Palette { kind, cx: ev.client_x() as f64, cy: ev.client_y() as f64, moved: false });
    }

    /// Whether a pointer gesture is under way (keyboard edits wait for its end:
    /// they could remove elements that are lifted into the overlay).
    pub fn gesture_active(&self) -> bool {
        self.drag.with_value(|d| !matches!(d, Drag::Idle | Drag::Palette { .. }))
    }

    /// Abandons the gesture (the pointer was cancelled).
    pub fn cancel(&self, ed: EditorState) {
        drop_back();
        self.drag.set_value(Drag::Idle);
        self.rubber.set(None);
        self.ghost.set(None);
        self.palette_ghost.set(None);
        self.insert_target.set(None);
        ed.wire_targets.set(None);
        self.set_moving(false);
        self.set_held(false);
    }

    /// Flags that a gesture moves something, or that it ended.
    pub(super) fn set_moving(&self, on: bool) {
        if self.moving.get_untracked() != on {
            self.moving.set(on);
        }
    }

    /// Flags that the pointer went down on the canvas, or up.
    pub(super) fn set_held(&self, on: bool) {
        if self.held.get_untracked() != on {
            self.held.set(on);
        }
    }

    /// Records the canvas size (for fit, zoom buttons and the minimap).
    pub fn measure(&self, ed: EditorState) {
        let (_, _, w, h) = self.rect();
        if w > 0.0 && h > 0.0 {
            super::state::set_if_changed(ed.canvas_size, &(w, h));
        }
    }

    /// Moves the dragged nodes' cards and their wires into the overlay layer
    /// for the length of the drag. Chrome re-records the paint of a whole SVG
    /// when anything in it changes; with the moving parts in a small SVG of
    /// their own, the big one stays untouched and a drag costs the same with a
    /// thousand nodes as with ten.
    pub(super) fn lift(&self, ed: EditorState, items: &[(NodeData, (f64, f64))]) {
        let (Some(main), Some(layer)) = (self.scene.get_untracked(), self.overlay.get_untracked()) else {
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
}

impl Default for Interact {
    fn default() -> Self {
        Self::new()
    }
}
