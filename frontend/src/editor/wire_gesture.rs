//! Drawing a wire: from an output port (or picked up from an input port) to an
//! input port. Whether a wire is allowed is never decided here: every answer
//! comes from `sluice_shared::structure::can_connect` (through
//! `EditorState::check_wire`), and a refusal is shown with its message.

use super::hit::{self, Under};
use super::interact::{Drag, Interact};
use super::state::{Change, EdgeData, EditorState, NodeData};
use leptos::prelude::*;
use sluice_shared::Graph;
use sluice_shared::structure::Wiring;
use std::collections::HashSet;

impl Interact {
    pub(super) fn begin_wire(&self, ed: EditorState, from: NodeData, detached: Option<(EdgeData, Graph)>) {
        // Every input port the wire may end on lights up (a full single input
        // too: dropping there replaces its wire).
        let graph = ed.wiring_graph();
        let wiring = Wiring::new(&graph);
        let from_id = from.id.get_untracked();
        let targets: HashSet<(u64, &'static str)> = ed.nodes.with_untracked(|ns| {
            ns.iter()
                .flat_map(|n| n.ports().iter().map(move |p| (*n, p.name)))
                .filter(|(n, p)| ed.wire_allowed(&wiring, &from_id, *n, p))
                .map(|(n, p)| (n.key, p))
                .collect()
        });
        ed.wire_targets.set(Some(targets));
        let a = from.out_port_at(from.pos.get_untracked());
        self.ghost.set(Some((a, a)));
        self.drag.set_value(Drag::Wire { from, detached: detached.map(Box::new) });
    }

    /// A press on an input port picks up its last wire, to move or delete it.
    pub(super) fn pick_up_wire(&self, ed: EditorState, n: NodeData, port: &str) {
        let last =
            ed.edges.with_untracked(|es| es.iter().rev().find(|e| e.to.key == n.key && e.port_name() == port).copied());
        if let Some(e) = last {
            let before = ed.snapshot();
            ed.edges.update(|es| es.retain(|x| x.key != e.key));
            self.begin_wire(ed, e.from, Some((e, before)));
        }
    }

    /// The input port a wire would end on at graph point `p`: a port within a
    /// few pixels, or, over a node's card, its first port that accepts the wire.
    pub(super) fn port_at(
        &self,
        ed: EditorState,
        p: (f64, f64),
        k: f64,
        from: NodeData,
    ) -> Option<(NodeData, &'static str)> {
        // The source node counts too, so wiring a node to itself gets a "why not".
        let n = match hit::under(&ed.cards(), p, 16.0 / k) {
            Under::Port(key, port) => return ed.by_key(key).map(|n| (n, port)),
            Under::Card(key) => ed.by_key(key)?,
            Under::Nothing => return None,
        };
        let ports = n.ports();
        let graph = ed.wiring_graph();
        let wiring = Wiring::new(&graph);
        let from_id = from.id.get_untracked();
        ports
            .iter()
            .find(|port| ed.wire_allowed(&wiring, &from_id, n, port.name))
            .or(ports.first())
            .map(|port| (n, port.name))
    }

    /// The pointer is released while wiring.
    pub(super) fn release_wire(
        &self,
        ed: EditorState,
        from: NodeData,
        detached: Option<(EdgeData, Graph)>,
        (cx, cy): (f64, f64),
    ) {
        // A press and release on a port without moving is not a wiring.
        let view = ed.view.get_untracked();
        let barely = self.ghost.get_untracked().is_none_or(|(a, p)| (a.0 - p.0).hypot(a.1 - p.1) * view.k < 6.0);
        self.ghost.set(None);
        ed.wire_targets.set(None);
        ed.wire_hover.set(None);
        let (l, t) = self.origin.get_value();
        let p = view.to_graph(cx - l, cy - t);
        let target = if barely && detached.is_none() { None } else { self.port_at(ed, p, view.k, from) };
        finish_wire(ed, from, detached, target);
    }
}

fn finish_wire(ed: EditorState, from: NodeData, detached: Option<(EdgeData, Graph)>, target: Option<(NodeData, &str)>) {
    match (target, detached) {
        (Some((to, port)), Some((e, before))) => {
            if e.to.key == to.key && e.port_name() == port {
                // Dropped back where it was.
                ed.edges.update(|es| es.push(e));
                return;
            }
            match ed.check_wire(from, to, port) {
                // Picking up and re-dropping is one undo step.
                Ok(()) => {
                    ed.push_wire(from, to, port);
                    ed.commit(before, Change::Document);
                }
                Err(why) => {
                    ed.edges.update(|es| es.push(e));
                    ed.notify_error(why);
                }
            }
        }
        (Some((to, port)), None) => {
            ed.connect_or_replace(from, to, port);
        }
        // A wire pulled off its input and dropped on nothing is deleted.
        (None, Some((_, before))) => ed.commit(before, Change::Document),
        (None, None) => {}
    }
}
