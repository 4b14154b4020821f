//! Wiring edits: connect, replace the wire of a full input, insert a node into
//! a wire, add a node downstream of another. The editor never decides whether
//! a wire is allowed: `sluice_shared::structure` does (`can_connect`, and
//! `Wiring::check_replacing` for a full single input), and its refusal is the
//! problem the validator would report on the saved graph.

use super::geometry::{self, NODE_W};
use super::hit::{self, Card};
use super::state::{Change, EditorState, NodeData};
use crate::i18n::tf;
use leptos::prelude::*;
use serde_json::Value;
use sluice_shared::structure::{Wiring, can_connect};
use sluice_shared::{Edge, Graph, Node, NodeKind};

impl EditorState {
    /// The graph as the wiring rules see it: ids, kinds and wires, no config.
    pub fn wiring_graph(&self) -> Graph {
        let mut g = Graph::new(String::new());
        g.nodes = self.nodes.with_untracked(|ns| {
            ns.iter()
                .map(|n| Node {
                    id: n.id.get_untracked(),
                    kind: n.kind.get_value(),
                    config: Value::Null,
                    pos: None,
                    ui: None,
                })
                .collect()
        });
        g.edges = self.edges.with_untracked(|es| es.iter().map(|e| e.to_edge()).collect());
        g
    }

    /// Whether a wire from `from` to input `port` of `to` is allowed, in the
    /// words of `can_connect`.
    pub fn check_wire(&self, from: NodeData, to: NodeData, port: &str) -> Result<(), String> {
        can_connect(&self.wiring_graph(), &from.id.get_untracked(), &to.id.get_untracked(), port)
            .map_err(|r| r.to_string())
    }

    /// Whether a wire may end on `port` of `to`, as it is or replacing the wire
    /// of a full single input (what lights up while wiring).
    pub fn wire_allowed(&self, wiring: &Wiring, from_id: &str, to: NodeData, port: &str) -> bool {
        to.id.with_untracked(|to_id| wiring.check_replacing(from_id, to_id, port).is_ok())
    }

    /// Adds the wire without an undo step of its own (the caller commits).
    pub fn push_wire(&self, from: NodeData, to: NodeData, port: &str) {
        let edge = Edge {
            from: from.id.get_untracked(),
            to: to.id.get_untracked(),
            // `in` is the default port; leave it out as the format does.
            port: (port != "in").then(|| port.to_string()),
            ui: None,
        };
        let d = self.make_edge(from, to, &edge);
        self.edges.update(|es| es.push(d));
    }

    /// Adds a wire after `check_wire`; refusals go to the status line.
    pub fn connect(&self, from: NodeData, to: NodeData, port: &str) -> bool {
        if let Err(why) = self.check_wire(from, to, port) {
            self.notify_error(why);
            return false;
        }
        self.edit(None, || self.push_wire(from, to, port));
        true
    }

    /// Connects, or, when `port` already takes its one wire, replaces that wire
    /// (one undo step). Refusals go to the status line.
    pub fn connect_or_replace(&self, from: NodeData, to: NodeData, port: &str) -> bool {
        let graph = self.wiring_graph();
        let answer = to.id.with_untracked(|to_id| {
            from.id.with_untracked(|from_id| Wiring::new(&graph).check_replacing(from_id, to_id, port))
        });
        match answer {
            Ok(None) => self.connect(from, to, port),
            Ok(Some(old)) => {
                self.edit(None, || {
                    self.edges.update(|es| es.retain(|e| !(e.to.key == to.key && e.port_name() == port)));
                    self.push_wire(from, to, port);
                });
                self.notify(tf("wiring_ops.replaced", &[("from", &old)]));
                true
            }
            Err(why) => {
                self.notify_error(why.to_string());
                false
            }
        }
    }

    /// Every node card on show, as hit-testing sees it: members of a collapsed group are hidden and cannot
    /// be hit, wired to or caught by a rubber band.
    pub fn cards(&self) -> Vec<Card> {
        let listed = sluice_shared::star::groups::list_ui(self.ui.get_value().as_ref());
        self.nodes.with_untracked(|ns| {
            ns.iter()
                .filter(|n| n.ui.with_value(|u| sluice_shared::star::groups::hidden_in(u.as_ref(), &listed).is_none()))
                .map(NodeData::card)
                .collect()
        })
    }

    /// Whether `n` can be dropped into a wire: it has an input and an output
    /// and no wires yet.
    pub fn insertable(&self, n: NodeData) -> bool {
        !n.ports().is_empty()
            && n.has_output()
            && self.edges.with_untracked(|es| !es.iter().any(|e| e.from.key == n.key || e.to.key == n.key))
    }

    /// The wire under a card at `rect` (leaving out the wires of `except`).
    pub fn wire_under(&self, rect: (f64, f64, f64, f64), except: Option<NodeData>) -> Option<u64> {
        let skip = except.map(|n| n.key);
        let wires: Vec<_> = self.edges.with_untracked(|es| {
            es.iter()
                .filter(|e| skip.is_none_or(|k| e.from.key != k && e.to.key != k))
                .map(|e| {
                    let a = e.from.out_port_at(e.from.pos.get_untracked());
                    let b = e.to.in_port_at(&e.port_name(), e.to.pos.get_untracked());
                    (e.key, a, b)
                })
                .collect()
        });
        hit::wire_under(rect, &wires)
    }

    /// Puts `n` into the wire `edge_key` (from → to becomes from → n → to), if
    /// the wiring rules allow both new wires; `before` is the state before the
    /// gesture that brought `n` there (a drag), or the last undo step already
    /// holds it (a node just added, which this step joins).
    pub fn insert_into_wire(&self, n: NodeData, edge_key: u64, before: Option<Graph>) {
        let Some(e) = self.edges.with_untracked(|es| es.iter().find(|e| e.key == edge_key).copied()) else {
            return;
        };
        let Some(first) = n.ports().first().map(|p| p.name) else {
            return;
        };
        let port = e.port_name();
        let mut g = self.wiring_graph();
        g.edges
            .retain(|x| !(x.from == e.from.id.get_untracked() && x.to == e.to.id.get_untracked() && x.port() == port));
        let (a, b, m) = (e.from.id.get_untracked(), e.to.id.get_untracked(), n.id.get_untracked());
        let checked = can_connect(&g, &a, &m, first).and_then(|()| {
            g.edges.push(Edge {
                from: a.clone(),
                to: m.clone(),
                port: (first != "in").then(|| first.into()),
                ui: None,
            });
            can_connect(&g, &m, &b, &port)
        });
        let insert = || {
            self.edges.update(|es| es.retain(|x| x.key != edge_key));
            self.push_wire(e.from, n, first);
            self.push_wire(n, e.to, &port);
        };
        match (checked, before) {
            (Ok(()), Some(before)) => {
                insert();
                self.commit(before, Change::Document);
            }
            (Ok(()), None) => {
                // Joins the step that added the node.
                insert();
                self.touched(true);
            }
            (Err(why), before) => {
                if let Some(before) = before {
                    self.commit(before, Change::Layout);
                }
                self.notify_error(why.to_string());
            }
        }
    }

    /// Adds a node of `kind` to the right of `up`, wired from it, and selects it.
    pub fn add_downstream(&self, up: NodeData, kind: NodeKind) -> Option<NodeData> {
        let (x, mut y) = up.pos.get_untracked();
        let x = x + NODE_W + 84.0;
        // The first free place going down, so repeated adds do not stack.
        let cards = self.cards();
        while cards.iter().any(|c| geometry::overlaps(c.rect(), (x, y, NODE_W, geometry::node_height(2)))) {
            y += 110.0;
        }
        let n = self.add_node(kind, (x, y))?;
        if let Some(port) = n.ports().first().map(|p| p.name) {
            let g = self.wiring_graph();
            if up.id.with_untracked(|f| n.id.with_untracked(|t| can_connect(&g, f, t, port).is_ok())) {
                // The wire joins the step that added the node.
                self.push_wire(up, n, port);
                self.touched(true);
            }
        }
        Some(n)
    }
}
