//! The graph a run executes, drawn like the review picture, with every node
//! lit by its live state (`run-<status>`): pending, running (pulsing),
//! succeeded, failed, cancelled or interrupted. Every node shows its rows out.

use super::graph_svg::{H, W, frame, label, positions, wire};
use crate::i18n::tf;
use leptos::prelude::*;
use sluice_shared::api::NodeStatus;
use sluice_shared::{Category, Graph, NodeKind};
use std::collections::HashMap;

/// How a node is lit: its state in the run, or amber for a check node whose
/// warning rules broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lit {
    Node(NodeStatus),
    Warning,
}

impl Lit {
    pub fn as_str(self) -> &'static str {
        match self {
            Lit::Node(s) => s.as_str(),
            Lit::Warning => "warning",
        }
    }

    /// How far along it is; a node never goes back within one run, so an
    /// answer that arrives late cannot undo a newer event.
    fn rank(self) -> u8 {
        match self {
            Lit::Node(NodeStatus::Pending) => 0,
            Lit::Node(NodeStatus::Running) => 1,
            _ => 2,
        }
    }
}

/// One node's state in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLive {
    pub status: Lit,
    pub rows: Option<i64>,
}

/// Records `status` (and `rows`, when known) for `node` unless it would move
/// the node backwards.
pub fn record(states: RwSignal<HashMap<String, NodeLive>>, node: &str, status: Lit, rows: Option<i64>) {
    states.try_update(|m| {
        let entry = m
            .entry(node.to_string())
            .or_insert_with(|| NodeLive { status: Lit::Node(NodeStatus::Pending), rows: None });
        if status.rank() >= entry.status.rank() {
            entry.status = status;
            if rows.is_some() {
                entry.rows = rows;
            }
        }
    });
}

fn is_sink(kind: &str) -> bool {
    NodeKind::parse(kind).map(|k| k.category()) == Some(Category::Distribution)
}

#[component]
pub fn RunPicture(graph: Graph, states: RwSignal<HashMap<String, NodeLive>>) -> impl IntoView {
    let pos = positions(&graph);
    let (view_box, width) = frame(&pos, 18.0);
    let edges = graph
        .edges
        .iter()
        .filter_map(|e| {
            let (a, b) = (pos.get(&e.from)?, pos.get(&e.to)?);
            Some(view! { <path class="review-edge" d=wire(*a, *b) data-edge=format!("{}-{}", e.from, e.to)></path> })
        })
        .collect_view();
    let nodes = graph
        .nodes
        .iter()
        .map(|n| {
            let (x, y) = pos[&n.id];
            let id = n.id.clone();
            let status = {
                let id = id.clone();
                Memo::new(move |_| {
                    states.with(|m| m.get(&id).map_or(NodeStatus::Pending.as_str(), |s| s.status.as_str()))
                })
            };
            let rows = {
                let id = id.clone();
                move || states.with(|m| m.get(&id).and_then(|s| s.rows))
            };
            let sink = is_sink(&n.kind);
            let caption = view! {
                <text x="10" y=H + 14.0 class="run-node-rows" data-testid=format!("run-graph-rows-{id}")>{
                    move || rows().map(|r| {
                        let n = r.to_string();
                        if sink { tf("run_picture.rows_out", &[("count", &n)]) } else { tf("common.rows", &[("count", &n)]) }
                    }).unwrap_or_default()
                }</text>
            };
            view! {
                <g class=move || format!("review-node run-node-pic run-{}", status.get())
                    data-testid=format!("run-graph-node-{id}") data-node=id.clone()
                    data-status=move || status.get() transform=format!("translate({x:.1},{y:.1})")>
                    <rect width=W height=H rx="8"></rect>
                    <text x="10" y="18" class="review-node-id">{id.clone()}</text>
                    <text x="10" y="34" class="review-node-kind">{label(&n.kind)}</text>
                    {caption}
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="review-picture run-picture" data-testid="run-graph" viewBox=view_box
            width=width preserveAspectRatio="xMidYMid meet">
            {edges}
            {nodes}
        </svg>
    }
}
