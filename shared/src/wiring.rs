//! Whether one more edge may be drawn, and the words for every wiring mistake.
//!
//! The validator (`structure::check`) and the editor ask the same questions of an
//! edge, so both take their rules and their sentences from here: the editor's
//! refusal for a wire is, word for word, the problem the validator would report
//! on the node if the wire were saved anyway.

use crate::kinds::{Category, NodeKind};
use crate::model::Graph;
use crate::problem::{Coded, Problem};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

/// Why an edge `from → to` (input `port`) may not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// `missing` (an end of the edge) is no node of the graph; `owner` is the end
    /// that is one, if any.
    NoSuchNode { from: String, to: String, missing: String, owner: Option<String> },
    /// The same edge is there already.
    Duplicate { from: String, to: String },
    /// `from` is a sink: it has no output.
    NoOutput { from: String, to: String },
    /// `to` is a source: it takes no input.
    NoInput { from: String, to: String },
    /// `to` has no input called `port`; `ports` are the ones it has.
    UnknownPort { from: String, to: String, port: String, ports: Vec<String> },
    /// Input `port` of `to` takes at most `max` edges; `feeding` lists what would feed it
    /// with this edge added (last).
    PortFull { to: String, port: String, max: usize, feeding: Vec<String> },
    /// The edge would go from `node` to itself.
    SelfLoop { node: String },
    /// The edge would close a cycle: `path[0]` is the edge's start, `path[1]` its end,
    /// and the rest leads back to the start.
    Cycle { path: Vec<String> },
}

impl Refusal {
    /// The node the validator puts this problem on (`None`: the graph as a whole).
    pub fn node(&self) -> Option<&str> {
        match self {
            Refusal::NoSuchNode { owner, .. } => owner.as_deref(),
            Refusal::Duplicate { to, .. } | Refusal::NoInput { to, .. } | Refusal::UnknownPort { to, .. } => Some(to),
            Refusal::PortFull { to, .. } => Some(to),
            Refusal::NoOutput { from, .. } => Some(from),
            Refusal::SelfLoop { node } => Some(node),
            Refusal::Cycle { path } => path.first().map(String::as_str),
        }
    }

    /// The sentence, the same the validator gives for this mistake in a saved graph.
    pub fn message(&self) -> String {
        self.coded().message(crate::Lang::En)
    }

    /// The mistake's problem code and parameters (the sentence in any language).
    pub fn coded(&self) -> Coded {
        match self {
            Refusal::NoSuchNode { from, to, missing, .. } => no_such_node(from, to, missing),
            Refusal::Duplicate { from, .. } => drawn_twice(from),
            Refusal::NoOutput { to, .. } => sink_feeds(to),
            Refusal::NoInput { from, .. } => source_fed(from),
            Refusal::UnknownPort { from, port, ports, .. } => {
                no_port(port, &ports.iter().map(String::as_str).collect::<Vec<_>>(), from)
            }
            Refusal::PortFull { port, max, feeding, .. } => port_over(port, *max, feeding),
            Refusal::SelfLoop { node } => on_cycle(1, |_| node),
            Refusal::Cycle { path } => on_cycle(path.len(), |i| &path[i]),
        }
    }

    /// The refusal as the validator's problem (`<node>: <message>` when displayed).
    pub fn problem(&self) -> Problem {
        match self.node() {
            Some(n) => Problem::coded(Some(n), None, self.coded()),
            None => Problem::coded(None, Some("edges"), self.coded()),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.problem().fmt(f)
    }
}

pub(crate) fn no_such_node(from: &str, to: &str, missing: &str) -> Coded {
    Coded::new("edge_no_node", &[("from", from), ("to", to), ("missing", missing)])
}

pub(crate) fn drawn_twice(from: &str) -> Coded {
    Coded::new("edge_twice", &[("from", from)])
}

pub(crate) fn sink_feeds(to: &str) -> Coded {
    Coded::new("sink_feeds", &[("to", to)])
}

pub(crate) fn source_fed(from: &str) -> Coded {
    Coded::new("source_fed", &[("from", from)])
}

pub(crate) fn no_port(port: &str, ports: &[&str], from: &str) -> Coded {
    Coded::new("no_port", &[("port", port), ("ports", &ports.join(", ")), ("from", from)])
}

pub(crate) fn port_over(port: &str, max: usize, feeding: &[String]) -> Coded {
    let (max, count) = (max.to_string(), feeding.len().to_string());
    Coded::new("port_over", &[("port", port), ("max", &max), ("count", &count), ("from", &feeding.join(", "))])
}

/// Longest cycle spelled out in full; longer ones show their first nodes and a count.
const SPELLED: usize = 40;

/// `is on a cycle: a → b → a` for the `n` nodes `name(0)`, `name(1)`, …; reads
/// only the first few names, so spelling a long cycle costs no more than a short one.
pub(crate) fn on_cycle<'a>(n: usize, name: impl Fn(usize) -> &'a str) -> Coded {
    let shown = n.min(SPELLED);
    let mut parts: Vec<&str> = (0..shown).map(&name).collect();
    let more = (n > shown).then(|| format!("… ({} more)", n - shown));
    if let Some(m) = &more {
        parts.push(m);
    }
    parts.push(name(0));
    Coded::new("cycle", &[("path", &parts.join(" → "))])
}

/// The refusal for the edge `from → to` (input `port`) judged on its own, in the
/// validator's order: both ends exist, not drawn before (`drawn` is asked only once
/// both ends exist), `from` has an output, `to` has that input. `ids` are the
/// graph's node ids, `kinds` the kinds of those that have a known one.
pub(crate) fn edge_refusal(
    ids: &HashSet<&str>,
    kinds: &BTreeMap<String, NodeKind>,
    (from, to, port): (&str, &str, &str),
    drawn: impl FnOnce() -> bool,
) -> Option<Refusal> {
    let edge = || (from.to_string(), to.to_string());
    let (from_ok, to_ok) = (ids.contains(from), ids.contains(to));
    if !from_ok || !to_ok {
        let (owner, missing) = if to_ok { (to, from) } else { (from, to) };
        let owner = (from_ok || to_ok).then(|| owner.to_string());
        let (from, to) = edge();
        return Some(Refusal::NoSuchNode { from, to, missing: missing.to_string(), owner });
    }
    if drawn() {
        let (from, to) = edge();
        return Some(Refusal::Duplicate { from, to });
    }
    if kinds.get(from).is_some_and(|k| k.category() == Category::Distribution) {
        let (from, to) = edge();
        return Some(Refusal::NoOutput { from, to });
    }
    let ports = kinds.get(to)?.ports();
    if ports.is_empty() {
        let (from, to) = edge();
        return Some(Refusal::NoInput { from, to });
    }
    if !ports.iter().any(|p| p.name == port) {
        let (from, to) = edge();
        let ports = ports.iter().map(|p| p.name.to_string()).collect();
        return Some(Refusal::UnknownPort { from, to, port: port.to_string(), ports });
    }
    None
}

/// A graph indexed once for asking about many candidate edges (the editor lights
/// up every port a wire may end on). Holds the edges the validator accepts.
pub struct Wiring<'g> {
    ids: HashSet<&'g str>,
    kinds: BTreeMap<String, NodeKind>,
    drawn: HashSet<(&'g str, &'g str, &'g str)>,
    succ: HashMap<&'g str, Vec<&'g str>>,
    /// (node, port) → the nodes feeding it, in edge order.
    inputs: HashMap<(&'g str, &'g str), Vec<&'g str>>,
}

impl<'g> Wiring<'g> {
    pub fn new(graph: &'g Graph) -> Wiring<'g> {
        let mut w = Wiring {
            ids: HashSet::new(),
            kinds: BTreeMap::new(),
            drawn: HashSet::new(),
            succ: HashMap::new(),
            inputs: HashMap::new(),
        };
        for n in &graph.nodes {
            // The first node with an id is the one that counts, as in the validator.
            if w.ids.insert(n.id.as_str())
                && let Some(k) = NodeKind::parse(&n.kind)
            {
                w.kinds.insert(n.id.clone(), k);
            }
        }
        for e in &graph.edges {
            let key = (e.from.as_str(), e.to.as_str(), e.port());
            if edge_refusal(&w.ids, &w.kinds, key, || !w.drawn.insert(key)).is_none() {
                w.succ.entry(key.0).or_default().push(key.1);
                w.inputs.entry((key.1, key.2)).or_default().push(key.0);
            }
        }
        w
    }

    /// `Ok` when the validator would report nothing about the edge `from → to`
    /// (input `port`) added to the graph; else the first problem it would report.
    /// Linear in the graph: the cycle check is one breadth-first search.
    pub fn check(&self, from: &str, to: &str, port: &str) -> Result<(), Refusal> {
        let drawn = || self.drawn.contains(&(from, to, port));
        if let Some(r) = edge_refusal(&self.ids, &self.kinds, (from, to, port), drawn) {
            return Err(r);
        }
        let max = self.kinds.get(to).and_then(|k| k.ports().iter().find(|p| p.name == port)).and_then(|p| p.max);
        if let Some(max) = max {
            let feeding = self.inputs.get(&(to, port)).map_or(&[][..], Vec::as_slice);
            if feeding.len() >= max {
                let mut feeding: Vec<String> = feeding.iter().map(|f| f.to_string()).collect();
                feeding.push(from.to_string());
                return Err(Refusal::PortFull { to: to.to_string(), port: port.to_string(), max, feeding });
            }
        }
        self.loop_or_cycle(from, to)
    }

    /// `check` for a wire dropped on an input that already takes its one wire,
    /// which the new wire then replaces: `Ok(Some(old))` when the wire from
    /// `old` is to go for it, `Ok(None)` when nothing needs replacing, else the
    /// refusal that remains with the old wire gone. (Removing a wire into `to`
    /// cannot change whether `to` reaches `from`: a path from `to` never needs
    /// to enter `to` again.)
    pub fn check_replacing(&self, from: &str, to: &str, port: &str) -> Result<Option<String>, Refusal> {
        match self.check(from, to, port) {
            Err(Refusal::PortFull { max: 1, mut feeding, .. }) if feeding.len() == 2 => {
                self.loop_or_cycle(from, to)?;
                feeding.truncate(1);
                Ok(feeding.pop())
            }
            other => other.map(|()| None),
        }
    }

    fn loop_or_cycle(&self, from: &str, to: &str) -> Result<(), Refusal> {
        if from == to {
            return Err(Refusal::SelfLoop { node: from.to_string() });
        }
        match self.path(to, from) {
            Some(back) => {
                let mut path = vec![from.to_string()];
                path.extend(back[..back.len() - 1].iter().map(|s| s.to_string()));
                Err(Refusal::Cycle { path })
            }
            None => Ok(()),
        }
    }

    /// A shortest path `start → … → target` over the accepted edges (breadth-first).
    fn path<'a>(&'a self, start: &'a str, target: &str) -> Option<Vec<&'a str>> {
        let mut parent: HashMap<&str, &str> = HashMap::from([(start, start)]);
        let mut queue = VecDeque::from([start]);
        while let Some(v) = queue.pop_front() {
            if v == target {
                let mut path = vec![v];
                let mut cur = v;
                while cur != start {
                    cur = parent[cur];
                    path.push(cur);
                }
                path.reverse();
                return Some(path);
            }
            for &w in self.succ.get(v).into_iter().flatten() {
                if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(w) {
                    e.insert(v);
                    queue.push_back(w);
                }
            }
        }
        None
    }
}

/// Whether the edge `from → to` (input `port`) may be added to `graph`: `Ok` when
/// the validator would report nothing about it, else why not, in the validator's words.
pub fn can_connect(graph: &Graph, from: &str, to: &str, port: &str) -> Result<(), Refusal> {
    Wiring::new(graph).check(from, to, port)
}

/// A cycle in a dependency map (`a → {b, c}`: `a` depends on `b` and `c`), spelled
/// from a node round to it again (`[a, b, a]`), or `None`. Keys are tried in order
/// and each node's dependencies in order, so the answer is deterministic. Linear:
/// an iterative depth-first search.
pub fn find_cycle_in(deps: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    let mut done: HashSet<&str> = HashSet::new();
    for root in deps.keys() {
        if done.contains(root.as_str()) {
            continue;
        }
        // The current path, each node with an iterator over its dependencies.
        let mut path: Vec<&str> = vec![root];
        let mut on_path: HashMap<&str, usize> = HashMap::from([(root.as_str(), 0)]);
        let mut stack = vec![deps.get(root.as_str()).into_iter().flatten()];
        while let Some(next) = stack.last_mut() {
            match next.next().map(String::as_str) {
                Some(m) => {
                    if let Some(&i) = on_path.get(m) {
                        let mut cycle: Vec<String> = path[i..].iter().map(|s| s.to_string()).collect();
                        cycle.push(m.to_string());
                        return Some(cycle);
                    }
                    if done.contains(m) {
                        continue;
                    }
                    on_path.insert(m, path.len());
                    path.push(m);
                    stack.push(deps.get(m).into_iter().flatten());
                }
                None => {
                    stack.pop();
                    let n = path.pop().expect("one path entry per frame");
                    on_path.remove(n);
                    done.insert(n);
                }
            }
        }
    }
    None
}
