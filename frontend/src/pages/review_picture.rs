//! A read-only picture of one graph version for review: rounded cards at the
//! nodes' saved positions, bezier wires, and each node coloured by how it
//! differs from the other version.
//!
//! Each node id carries `data-testid="review-node-<id>"` exactly once on the
//! page: on the submitted picture, or on the approved one for a removed node.

use leptos::prelude::*;
use sluice_shared::{Edge, Graph, NodeKind};
use std::collections::HashMap;

const W: f64 = 150.0;
const H: f64 = 44.0;
/// Pixels per graph unit at most; wide graphs shrink to the page width.
const SCALE: f64 = 0.8;

/// How a node differs between the approved and the submitted version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Added,
    Removed,
    Changed,
    Same,
}

impl Mark {
    pub fn name(self) -> &'static str {
        match self {
            Mark::Added => "added",
            Mark::Removed => "removed",
            Mark::Changed => "changed",
            Mark::Same => "same",
        }
    }
}

/// Node positions: the saved `pos`, or a simple grid for nodes without one.
fn positions(g: &Graph) -> HashMap<String, (f64, f64)> {
    g.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let p = n.pos.map(|[x, y]| (x, y)).unwrap_or(((i % 4) as f64 * 220.0, (i / 4) as f64 * 110.0));
            (n.id.clone(), p)
        })
        .collect()
}

fn wire(a: (f64, f64), b: (f64, f64)) -> String {
    let (x1, y1, x2, y2) = (a.0 + W, a.1 + H / 2.0, b.0, b.1 + H / 2.0);
    let dx = ((x2 - x1).abs() / 2.0).max(40.0);
    format!("M{x1:.1},{y1:.1} C{:.1},{y1:.1} {:.1},{y2:.1} {x2:.1},{y2:.1}", x1 + dx, x2 - dx)
}

fn label(kind: &str) -> String {
    NodeKind::parse(kind).map(|k| k.label().to_string()).unwrap_or_else(|| kind.to_string())
}

/// `marks` says how each node differs; `edge_marks` lists edges drawn as
/// added or removed on this side; `owns` says which nodes carry the test hook here.
#[component]
pub fn ReviewPicture(
    graph: Graph,
    marks: HashMap<String, Mark>,
    edge_marks: Vec<Edge>,
    edge_class: &'static str,
    owns: fn(Mark) -> bool,
    side: &'static str,
) -> impl IntoView {
    let pos = positions(&graph);
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in pos.values() {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + W), y1.max(y + H));
    }
    if pos.is_empty() {
        (x0, y0, x1, y1) = (0.0, 0.0, 300.0, 100.0);
    }
    let pad = 24.0;
    let (vw, vh) = (x1 - x0 + 2.0 * pad, y1 - y0 + 2.0 * pad);
    let view_box = format!("{} {} {vw} {vh}", x0 - pad, y0 - pad);
    let edges = graph
        .edges
        .iter()
        .filter_map(|e| {
            let (a, b) = (pos.get(&e.from)?, pos.get(&e.to)?);
            let marked = edge_marks.iter().any(|m| m.from == e.from && m.to == e.to && m.port() == e.port());
            let class = if marked { format!("review-edge {edge_class}") } else { "review-edge".to_string() };
            Some(view! { <path class=class d=wire(*a, *b) data-edge=format!("{}-{}", e.from, e.to)></path> })
        })
        .collect_view();
    let nodes = graph
        .nodes
        .iter()
        .map(|n| {
            let (x, y) = pos[&n.id];
            let mark = marks.get(&n.id).copied().unwrap_or(Mark::Same);
            let testid = owns(mark).then(|| format!("review-node-{}", n.id));
            view! {
                <g class=format!("review-node diff-{}", mark.name()) data-testid=testid data-node=n.id.clone()
                    data-diff=mark.name() transform=format!("translate({x:.1},{y:.1})")>
                    <rect width=W height=H rx="8"></rect>
                    <text x="10" y="18" class="review-node-id">{n.id.clone()}</text>
                    <text x="10" y="34" class="review-node-kind">{label(&n.kind)}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="review-picture" data-testid=format!("review-picture-{side}") viewBox=view_box
            width=format!("{:.0}", vw * SCALE) preserveAspectRatio="xMidYMid meet">
            {edges}
            {nodes}
        </svg>
    }
}
