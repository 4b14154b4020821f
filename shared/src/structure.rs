//! The shape of a graph: node ids, kinds, edges, ports, arity and cycles.
//! Produces a topological order for everything downstream.

use crate::kinds::NodeKind;
use crate::model::{FORMAT_V1, Graph};
use crate::problem::Problem;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What the structural pass learned about a graph.
#[derive(Debug, Default)]
pub struct Structure {
    /// Node ids in an order where every node comes after its inputs.
    /// Nodes on a cycle, and anything downstream of one, are left out.
    pub order: Vec<String>,
    pub kinds: BTreeMap<String, NodeKind>,
    /// For each node, the ids feeding each input port, in edge order.
    pub inputs: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// Whether `id` is a valid node id: a letter, then letters, digits or `_`, at most 64.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    id.len() <= 64
        && matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub fn check(graph: &Graph, problems: &mut Vec<Problem>) -> Structure {
    if graph.format != FORMAT_V1 {
        problems.push(Problem::graph(
            Some("format"),
            format!("format is `{}`; this version reads `{FORMAT_V1}`", graph.format),
        ));
    }
    let mut s = Structure::default();
    let mut seen = HashSet::new();
    for node in &graph.nodes {
        if !valid_id(&node.id) {
            problems.push(Problem::node(
                &node.id,
                Some("id"),
                format!("node id `{}` is not valid: 1 to 64 letters, digits or _, starting with a letter", node.id),
            ));
        }
        if !seen.insert(node.id.as_str()) {
            problems.push(Problem::node(&node.id, Some("id"), format!("node id `{}` is used twice", node.id)));
            continue;
        }
        match NodeKind::parse(&node.kind) {
            Some(k) => {
                s.kinds.insert(node.id.clone(), k);
            }
            None => problems.push(Problem::node(&node.id, Some("kind"), format!("unknown node kind `{}`", node.kind))),
        }
    }
    let mut edge_seen = HashSet::new();
    let mut adj: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in &graph.edges {
        let (from_ok, to_ok) = (seen.contains(e.from.as_str()), seen.contains(e.to.as_str()));
        if !from_ok || !to_ok {
            let (owner, missing) = if to_ok { (&e.to, &e.from) } else { (&e.from, &e.to) };
            let msg = format!("edge {} → {}: no node has the id `{missing}`", e.from, e.to);
            problems.push(if from_ok || to_ok {
                Problem::node(owner, None, msg)
            } else {
                Problem::graph(Some("edges"), msg)
            });
            continue;
        }
        if !edge_seen.insert((e.from.as_str(), e.to.as_str(), e.port())) {
            problems.push(Problem::node(&e.to, None, format!("the edge from `{}` is drawn twice", e.from)));
            continue;
        }
        if let Some(k) = s.kinds.get(&e.from)
            && k.category() == crate::kinds::Category::Distribution
        {
            problems.push(Problem::node(&e.from, None, format!("a sink has no output, so it cannot feed `{}`", e.to)));
            continue;
        }
        if let Some(k) = s.kinds.get(&e.to) {
            let ports = k.ports();
            if ports.is_empty() {
                problems.push(Problem::node(
                    &e.to,
                    None,
                    format!("a source takes no input; remove the edge from `{}`", e.from),
                ));
                continue;
            }
            if !ports.iter().any(|p| p.name == e.port()) {
                let names: Vec<&str> = ports.iter().map(|p| p.name).collect();
                problems.push(Problem::node(
                    &e.to,
                    None,
                    format!(
                        "has no input port `{}` (ports: {}); check the edge from `{}`",
                        e.port(),
                        names.join(", "),
                        e.from
                    ),
                ));
                continue;
            }
        }
        s.inputs.entry(e.to.clone()).or_default().entry(e.port().to_string()).or_default().push(e.from.clone());
        adj.entry(e.from.as_str()).or_default().push(e.to.as_str());
    }
    for node in &graph.nodes {
        let Some(kind) = s.kinds.get(&node.id) else {
            continue;
        };
        for port in kind.ports() {
            let feeding = s.inputs.get(&node.id).and_then(|p| p.get(port.name));
            let n = feeding.map_or(0, Vec::len);
            if n < port.min {
                let msg = if port.min == 1 {
                    format!("input port `{}` is not connected", port.name)
                } else {
                    format!("input port `{}` needs at least {} edges, has {n}", port.name, port.min)
                };
                problems.push(Problem::node(&node.id, None, msg));
            }
            if let Some(max) = port.max.filter(|m| n > *m) {
                problems.push(Problem::node(
                    &node.id,
                    None,
                    format!(
                        "input port `{}` takes {max} edge, has {n} (from {})",
                        port.name,
                        feeding.map(|f| f.join(", ")).unwrap_or_default()
                    ),
                ));
            }
        }
    }
    s.order = topo_order(graph, &adj, problems);
    s
}

/// Kahn's algorithm; the nodes it cannot order are on or behind a cycle, and each
/// node on a cycle gets a problem that spells the cycle out.
fn topo_order(graph: &Graph, adj: &HashMap<&str, Vec<&str>>, problems: &mut Vec<Problem>) -> Vec<String> {
    let ids: Vec<&str> = {
        let mut seen = HashSet::new();
        graph.nodes.iter().map(|n| n.id.as_str()).filter(|id| seen.insert(*id)).collect()
    };
    let mut indeg: HashMap<&str, usize> = ids.iter().map(|id| (*id, 0)).collect();
    for targets in adj.values() {
        for t in targets {
            *indeg.get_mut(t).expect("edge targets are known nodes") += 1;
        }
    }
    let mut ready: Vec<&str> = ids.iter().copied().filter(|id| indeg[id] == 0).collect();
    ready.reverse();
    let mut order = Vec::new();
    while let Some(id) = ready.pop() {
        order.push(id.to_string());
        for t in adj.get(id).into_iter().flatten() {
            let d = indeg.get_mut(t).expect("known");
            *d -= 1;
            if *d == 0 {
                ready.push(t);
            }
        }
    }
    if order.len() < ids.len() {
        let stuck: HashSet<&str> = ids.iter().copied().filter(|id| indeg[id] > 0).collect();
        let mut reported = HashSet::new();
        for start in ids.iter().copied().filter(|id| stuck.contains(id)) {
            if reported.contains(start) {
                continue;
            }
            if let Some(cycle) = find_cycle(start, adj, &stuck) {
                let text = cycle.iter().chain(cycle.first()).copied().collect::<Vec<_>>().join(" → ");
                for id in &cycle {
                    if reported.insert(*id) {
                        problems.push(Problem::node(id, None, format!("is on a cycle: {text}")));
                    }
                }
            }
        }
    }
    order
}

/// Walks predecessors inside `stuck` from `start` until a node repeats. Every
/// stuck node has a stuck predecessor, so the walk always closes a cycle.
fn find_cycle<'a>(start: &'a str, adj: &HashMap<&'a str, Vec<&'a str>>, stuck: &HashSet<&str>) -> Option<Vec<&'a str>> {
    let pred = |node: &str| -> Option<&'a str> {
        adj.iter().find(|(from, tos)| stuck.contains(*from) && tos.contains(&node)).map(|(from, _)| *from)
    };
    let mut path = vec![start];
    let mut pos: HashMap<&str, usize> = HashMap::from([(start, 0)]);
    let mut cur = start;
    loop {
        let prev = pred(cur)?;
        if let Some(&i) = pos.get(prev) {
            let mut cycle = path[i..].to_vec();
            cycle.reverse();
            return Some(cycle);
        }
        pos.insert(prev, path.len());
        path.push(prev);
        cur = prev;
    }
}
