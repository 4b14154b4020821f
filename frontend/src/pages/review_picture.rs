//! A read-only picture of one graph version for review: rounded cards at the
//! nodes' saved positions, bezier wires, and each node coloured by how it
//! differs from the other version.
//!
//! Each node id carries `data-testid="review-node-<id>"` exactly once on the
//! page: on the submitted picture, or on the approved one for a removed node.

use super::graph_svg::{H, W, frame, label, positions, wire};
use leptos::prelude::*;
use sluice_shared::{Edge, Graph};
use std::collections::HashMap;

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
    let (view_box, width) = frame(&pos, 0.0);
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
            width=width preserveAspectRatio="xMidYMid meet">
            {edges}
            {nodes}
        </svg>
    }
}
