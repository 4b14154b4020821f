//! The shape of a graph: node ids, kinds, edges, ports, arity and cycles.
//! The rules for one edge, and their sentences, live in `wiring` (shared with the editor).
//! Produces a topological order for everything downstream.

use crate::kinds::NodeKind;
use crate::model::{FORMAT_V1, Graph};
use crate::problem::{Coded, Problem};
use crate::wiring;
use std::collections::{BTreeMap, HashMap, HashSet};

pub use crate::wiring::{Refusal, Wiring, can_connect, find_cycle_in};

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
        let c = Coded::new("format_version", &[("found", &graph.format), ("expected", FORMAT_V1)]);
        problems.push(Problem::coded(None, Some("format"), c));
    }
    let mut s = Structure::default();
    let mut seen = HashSet::new();
    for node in &graph.nodes {
        if !valid_id(&node.id) {
            let c = Coded::new("node_id_invalid", &[("id", &node.id)]);
            problems.push(Problem::coded(Some(&node.id), Some("id"), c));
        }
        if !seen.insert(node.id.as_str()) {
            let c = Coded::new("node_id_twice", &[("id", &node.id)]);
            problems.push(Problem::coded(Some(&node.id), Some("id"), c));
            continue;
        }
        match NodeKind::parse(&node.kind) {
            Some(k) => {
                s.kinds.insert(node.id.clone(), k);
            }
            None => {
                let c = Coded::new("kind_unknown", &[("kind", &node.kind)]);
                problems.push(Problem::coded(Some(&node.id), Some("kind"), c))
            }
        }
    }
    let mut edge_seen = HashSet::new();
    let mut adj: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in &graph.edges {
        let key = (e.from.as_str(), e.to.as_str(), e.port());
        if let Some(r) = wiring::edge_refusal(&seen, &s.kinds, key, || !edge_seen.insert(key)) {
            problems.push(r.problem());
            continue;
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
                let c = if port.min == 1 {
                    Coded::new("port_unconnected", &[("port", port.name)])
                } else {
                    let (min, count) = (port.min.to_string(), n.to_string());
                    Coded::new("port_too_few", &[("port", port.name), ("min", &min), ("count", &count)])
                };
                problems.push(Problem::coded(Some(&node.id), None, c));
            }
            if let Some(max) = port.max.filter(|m| n > *m) {
                let c = wiring::port_over(port.name, max, feeding.map_or(&[][..], Vec::as_slice));
                problems.push(Problem::coded(Some(&node.id), None, c));
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
        report_cycles(&ids, adj, &stuck, problems);
    }
    order
}

/// Gives every node that lies on a cycle a problem spelling out one cycle through
/// it. Linear in the graph plus the length of the cycles reported: the strongly
/// connected components (Tarjan) tell which nodes are on a cycle, and breadth-first
/// trees from one root per component give a simple cycle through each node.
fn report_cycles(ids: &[&str], adj: &HashMap<&str, Vec<&str>>, stuck: &HashSet<&str>, problems: &mut Vec<Problem>) {
    let nodes: Vec<&str> = ids.iter().copied().filter(|id| stuck.contains(id)).collect();
    let index: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let succ: Vec<Vec<usize>> = nodes
        .iter()
        .map(|id| adj.get(id).into_iter().flatten().filter_map(|t| index.get(t).copied()).collect())
        .collect();
    let comp = components(&succ);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); comp.iter().max().map_or(0, |m| m + 1)];
    for (v, c) in comp.iter().enumerate() {
        members[*c].push(v);
    }
    let mut covered = vec![false; nodes.len()];
    for m in members.iter().filter(|m| m.len() > 1 || succ[m[0]].contains(&m[0])) {
        let trees = Trees::new(m, &succ, &comp);
        for &v in m {
            if covered[v] {
                continue;
            }
            let cycle = trees.cycle_through(v);
            for (k, &w) in cycle.iter().enumerate() {
                if !std::mem::replace(&mut covered[w], true) {
                    let n = cycle.len();
                    let c = wiring::on_cycle(n, |i| nodes[cycle[(k + i) % n]]);
                    problems.push(Problem::coded(Some(nodes[w]), None, c));
                }
            }
        }
    }
}

/// Strongly connected components (Tarjan, iterative): the component of each node.
fn components(succ: &[Vec<usize>]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let n = succ.len();
    let (mut index, mut low, mut comp) = (vec![NONE; n], vec![0; n], vec![NONE; n]);
    let mut on_stack = vec![false; n];
    let (mut stack, mut call): (Vec<usize>, Vec<(usize, usize)>) = (Vec::new(), Vec::new());
    let (mut next, mut ncomp) = (0, 0);
    for s in 0..n {
        if index[s] != NONE {
            continue;
        }
        call.push((s, 0));
        (index[s], low[s], next) = (next, next, next + 1);
        stack.push(s);
        on_stack[s] = true;
        while let Some(top) = call.last_mut() {
            let (v, i) = *top;
            if let Some(&w) = succ[v].get(i) {
                top.1 += 1;
                if index[w] == NONE {
                    (index[w], low[w], next) = (next, next, next + 1);
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            call.pop();
            if let Some(&(u, _)) = call.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = ncomp;
                    if w == v {
                        break;
                    }
                }
                ncomp += 1;
            }
        }
    }
    comp
}

/// Breadth-first trees inside one strongly connected component, rooted at its
/// first node: `fwd[v]` is the node before `v` on a shortest path root → v,
/// `back[v]` the node after `v` on a shortest path v → root.
struct Trees {
    root: usize,
    fwd: HashMap<usize, usize>,
    back: HashMap<usize, usize>,
    /// Predecessors of the root inside the component.
    into_root: Vec<usize>,
}

impl Trees {
    fn new(members: &[usize], succ: &[Vec<usize>], comp: &[usize]) -> Trees {
        let root = members[0];
        let c = comp[root];
        let mut pred: HashMap<usize, Vec<usize>> = HashMap::new();
        for &v in members {
            for &w in succ[v].iter().filter(|w| comp[**w] == c) {
                pred.entry(w).or_default().push(v);
            }
        }
        let bfs = |next: &dyn Fn(usize) -> Vec<usize>| {
            let mut parent = HashMap::from([(root, root)]);
            let mut queue = std::collections::VecDeque::from([root]);
            while let Some(v) = queue.pop_front() {
                for w in next(v) {
                    if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(w) {
                        e.insert(v);
                        queue.push_back(w);
                    }
                }
            }
            parent
        };
        let fwd = bfs(&|v| succ[v].iter().copied().filter(|w| comp[*w] == c).collect());
        let back = bfs(&|v| pred.get(&v).cloned().unwrap_or_default());
        let into_root = pred.get(&root).cloned().unwrap_or_default();
        Trees { root, fwd, back, into_root }
    }

    /// root → … → v along the forward tree.
    fn path_to(&self, v: usize) -> Vec<usize> {
        let mut path = vec![v];
        let mut cur = v;
        while cur != self.root {
            cur = self.fwd[&cur];
            path.push(cur);
        }
        path.reverse();
        path
    }

    /// A simple cycle through `v`, starting at `v`.
    fn cycle_through(&self, v: usize) -> Vec<usize> {
        if v == self.root {
            // root → … → p, closed by the edge p → root; p nearest the root.
            let p = self.into_root.iter().copied().min_by_key(|p| self.path_to(*p).len()).unwrap_or(v);
            return self.path_to(p);
        }
        // Walk v → … towards the root until reaching the tree path root → v; that
        // node, then the tree path on to v, closes a cycle with no repeats.
        let to_v = self.path_to(v);
        let pos: HashMap<usize, usize> = to_v.iter().enumerate().map(|(i, x)| (*x, i)).collect();
        let mut cycle = vec![v];
        let mut cur = self.back[&v];
        while !pos.contains_key(&cur) {
            cycle.push(cur);
            cur = self.back[&cur];
        }
        cycle.extend_from_slice(&to_v[pos[&cur]..to_v.len() - 1]);
        cycle
    }
}
