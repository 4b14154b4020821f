//! Edits to the graph: add, delete, wire, rename, configure, copy and paste, and
//! the view moves (fit, zoom, centre). Each edit goes through
//! `EditorState::edit` so it is one undo step.

use super::geometry::{self, NODE_W, View};
use super::items::id_base;
use super::state::{EditorState, NodeData};
use crate::i18n::{t, tf};
use leptos::prelude::*;
use serde_json::{Map, Value, json};
use sluice_shared::structure::valid_id;
use sluice_shared::{Graph, Node, NodeKind};
use std::collections::{HashMap, HashSet};

/// The config a new node starts with: every required key, empty, so the
/// inspector shows what to fill in and the problems panel says what is missing.
pub fn default_config(kind: NodeKind) -> Value {
    match kind {
        NodeKind::SourceCsv
        | NodeKind::SourceParquet
        | NodeKind::SourceJson
        | NodeKind::SourceExcel
        | NodeKind::SinkCsv
        | NodeKind::SinkParquet
        | NodeKind::SinkExcel => json!({ "path": "" }),
        NodeKind::SourceTable => json!({ "connection": "", "table": "" }),
        NodeKind::SourceDates => json!({ "from": "", "to": "" }),
        NodeKind::Filter => json!({ "predicate": "" }),
        NodeKind::Select | NodeKind::Derive => json!({ "columns": [] }),
        NodeKind::Join => json!({ "how": "inner", "on": [] }),
        NodeKind::Union | NodeKind::Distinct => json!({}),
        // One real row to start from (a count), not a blank row that looks set.
        NodeKind::Aggregate => json!({ "group_by": [], "aggregates": [{ "fn": "count", "as": "n" }] }),
        NodeKind::Sort => json!({ "by": [] }),
        NodeKind::Limit => json!({ "n": 100 }),
        NodeKind::Sql => json!({ "query": "" }),
        NodeKind::TransformCheck => json!({ "rules": [] }),
        NodeKind::SinkTable => json!({ "connection": "", "table": "", "mode": "replace" }),
        NodeKind::SinkReport => json!({ "title": "", "chart": "table" }),
    }
}

thread_local! {
    /// Copied nodes. Outside any one editor, so they can be pasted into
    /// another graph too.
    static CLIPBOARD: std::cell::RefCell<Option<Graph>> = const { std::cell::RefCell::new(None) };
}

/// `txns_2` → `txns`: the stem that copies of a node are numbered from.
fn id_stem(id: &str) -> &str {
    match id.rsplit_once('_') {
        Some((stem, n)) if !stem.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => stem,
        _ => id,
    }
}

impl EditorState {
    /// Adds a node of `kind` with its top-left corner at graph point `at`.
    pub fn add_node(&self, kind: NodeKind, at: (f64, f64)) -> Option<NodeData> {
        if self.readonly {
            self.notify_error(t("ops.read_only"));
            return None;
        }
        let id = self.unique_id(id_base(kind), &[]);
        let mut config = default_config(kind);
        // A new file output writes a path of its own: out/<graph>_<node>.<ext>.
        if let Some(path) = super::file_picker::default_output(&self.name.get_untracked(), &id, kind) {
            config["path"] = Value::String(path);
        }
        let node =
            Node { id, kind: kind.as_str().to_string(), config, pos: Some([at.0.round(), at.1.round()]), ui: None };
        let d = self.make_node(&node);
        self.edit(None, || self.nodes.update(|ns| ns.push(d)));
        self.layout_rev.update(|r| *r += 1);
        self.select_only(d);
        Some(d)
    }

    /// Deletes the selected nodes (with their wires) and the selected wires.
    pub fn delete_selection(&self) {
        let gone: HashSet<u64> = self.selected_nodes().iter().map(|n| n.key).collect();
        let edge_sel = self.edges.with_untracked(|es| es.iter().any(|e| e.selected.get_untracked()));
        if gone.is_empty() && !edge_sel {
            return;
        }
        self.edit(None, || {
            self.edges.update(|es| {
                es.retain(|e| !e.selected.get_untracked() && !gone.contains(&e.from.key) && !gone.contains(&e.to.key))
            });
            if !gone.is_empty() {
                self.nodes.update(|ns| ns.retain(|n| !gone.contains(&n.key)));
            }
        });
        self.layout_rev.update(|r| *r += 1);
    }

    /// Renames a node; wires follow because they hold the node, not its id.
    pub fn rename_node(&self, node: NodeData, new_id: &str) -> Result<(), String> {
        let new_id = new_id.trim();
        if node.id.with_untracked(|i| i == new_id) {
            return Ok(());
        }
        if !valid_id(new_id) {
            return Err(t("ops.id_rule").to_string());
        }
        if self.find(new_id).is_some() {
            return Err(tf("ops.id_taken", &[("id", new_id)]));
        }
        self.edit(None, || node.id.set(new_id.to_string()));
        Ok(())
    }

    /// Changes a node's config through `f`; typing in one field coalesces into
    /// one undo step.
    pub fn edit_config(&self, node: NodeData, field: &str, f: impl FnOnce(&mut Map<String, Value>)) {
        let key = format!("cfg:{}:{field}", node.key);
        self.edit(Some(&key), || {
            node.config.update(|c| {
                if !c.is_object() {
                    *c = Value::Object(Map::new());
                }
                if let Value::Object(m) = c {
                    f(m)
                }
            })
        });
    }

    /// Sets (or, with `None`, removes) one config key.
    pub fn set_config(&self, node: NodeData, key: &str, value: Option<Value>) {
        self.edit_config(node, key, |m| match value {
            Some(v) => {
                m.insert(key.to_string(), v);
            }
            None => {
                m.remove(key);
            }
        });
    }

    /// The selected nodes and the wires between them, as a small graph.
    fn selection_graph(&self) -> Option<Graph> {
        let sel = self.selected_nodes();
        if sel.is_empty() {
            return None;
        }
        let keys: HashSet<u64> = sel.iter().map(|n| n.key).collect();
        let mut g = Graph::new("clipboard");
        g.nodes = sel.iter().map(|n| n.to_node()).collect();
        g.edges = self.edges.with_untracked(|es| {
            es.iter().filter(|e| keys.contains(&e.from.key) && keys.contains(&e.to.key)).map(|e| e.to_edge()).collect()
        });
        Some(g)
    }

    pub fn copy_selection(&self) {
        if let Some(g) = self.selection_graph() {
            let n = g.nodes.len();
            CLIPBOARD.with(|c| *c.borrow_mut() = Some(g));
            self.notify(if n == 1 {
                t("ops.copied_one").to_string()
            } else {
                tf("ops.copied", &[("count", &n.to_string())])
            });
        }
    }

    /// Pastes the clipboard, shifted so that repeated pastes cascade.
    pub fn paste(&self) {
        let Some(mut g) = CLIPBOARD.with(|c| c.borrow().clone()) else {
            return;
        };
        for n in &mut g.nodes {
            if let Some(p) = &mut n.pos {
                p[0] += 32.0;
                p[1] += 32.0;
            }
        }
        CLIPBOARD.with(|c| *c.borrow_mut() = Some(g.clone()));
        self.insert_copies(&g);
    }

    /// Ctrl+D: copies of the selection next to it, leaving the clipboard alone.
    pub fn duplicate_selection(&self) {
        if let Some(mut g) = self.selection_graph() {
            for n in &mut g.nodes {
                if let Some(p) = &mut n.pos {
                    p[0] += 32.0;
                    p[1] += 32.0;
                }
            }
            self.insert_copies(&g);
        }
    }

    /// Inserts `g`'s nodes under fresh ids, keeping the wires between them, and
    /// selects them.
    fn insert_copies(&self, g: &Graph) {
        let mut taken = Vec::new();
        let mut rename = HashMap::new();
        let mut new_nodes = Vec::new();
        for n in &g.nodes {
            let id = self.unique_id(id_stem(&n.id), &taken);
            taken.push(id.clone());
            rename.insert(n.id.clone(), id.clone());
            let d = self.make_node(&Node { id, ..n.clone() });
            new_nodes.push((n.id.clone(), d));
        }
        let by_old: HashMap<&str, NodeData> = new_nodes.iter().map(|(o, d)| (o.as_str(), *d)).collect();
        let new_edges: Vec<_> = g
            .edges
            .iter()
            .filter_map(|e| {
                let (f, t) = (by_old.get(e.from.as_str())?, by_old.get(e.to.as_str())?);
                Some(self.make_edge(*f, *t, e))
            })
            .collect();
        self.edit(None, || {
            self.nodes.update(|ns| ns.extend(new_nodes.iter().map(|(_, d)| *d)));
            self.edges.update(|es| es.extend(new_edges));
        });
        self.layout_rev.update(|r| *r += 1);
        self.clear_selection();
        for (_, d) in &new_nodes {
            d.selected.set(true);
        }
    }

    /// The document cut down to `node` and everything upstream of it: what a
    /// preview of `node` needs, so an unfinished branch elsewhere (a sink with
    /// no path yet) does not block it.
    pub fn upstream_graph(&self, node: NodeData) -> Graph {
        self.graph_of(&self.upstream_keys(node))
    }

    /// `node` and every node that feeds it, directly or not.
    pub fn upstream_keys(&self, node: NodeData) -> HashSet<u64> {
        let mut keep = HashSet::from([node.key]);
        let mut stack = vec![node.key];
        let edges: Vec<(u64, u64)> =
            self.edges.with_untracked(|es| es.iter().map(|e| (e.from.key, e.to.key)).collect());
        while let Some(k) = stack.pop() {
            for (f, t) in &edges {
                if *t == k && keep.insert(*f) {
                    stack.push(*f);
                }
            }
        }
        keep
    }

    /// The document with only the nodes in `keys` and the wires between them.
    pub fn graph_of(&self, keys: &HashSet<u64>) -> Graph {
        let mut g = Graph::new(self.name.get_untracked());
        g.format = self.format.get_value();
        g.params = self.snapshot_params();
        g.nodes =
            self.nodes.with_untracked(|ns| ns.iter().filter(|n| keys.contains(&n.key)).map(|n| n.to_node()).collect());
        g.edges = self.edges.with_untracked(|es| {
            es.iter().filter(|e| keys.contains(&e.from.key) && keys.contains(&e.to.key)).map(|e| e.to_edge()).collect()
        });
        g
    }

    pub fn select_all(&self) {
        self.nodes.with_untracked(|ns| {
            for n in ns {
                if !n.selected.get_untracked() {
                    n.selected.set(true);
                }
            }
        });
    }

    /// (min x, min y, max x, max y) around every node, or `None` when empty.
    pub fn bounds(&self) -> Option<(f64, f64, f64, f64)> {
        self.nodes.with_untracked(|ns| {
            ns.iter().fold(None, |acc, n| {
                let (x, y) = n.pos.get_untracked();
                let (x1, y1) = (x + NODE_W, y + n.height());
                Some(match acc {
                    None => (x, y, x1, y1),
                    Some((a, b, c, d)) => (f64::min(a, x), f64::min(b, y), f64::max(c, x1), f64::max(d, y1)),
                })
            })
        })
    }

    pub fn fit_view(&self) {
        let (w, h) = self.canvas_size.get_untracked();
        match self.bounds() {
            Some(b) => self.view.set(geometry::fit(b, w, h)),
            None => self.view.set(View::default()),
        }
    }

    /// Lays the whole graph out in columns, left to right (one undo step), and
    /// shows it.
    pub fn auto_layout(&self) {
        let (nodes, heights): (Vec<NodeData>, Vec<f64>) =
            self.nodes.with_untracked(|ns| ns.iter().map(|n| (*n, n.height())).unzip());
        let index: HashMap<u64, usize> = nodes.iter().enumerate().map(|(i, n)| (n.key, i)).collect();
        let edges: Vec<(usize, usize)> = self.edges.with_untracked(|es| {
            es.iter().filter_map(|e| Some((*index.get(&e.from.key)?, *index.get(&e.to.key)?))).collect()
        });
        let pos = super::layout::layered(&heights, &edges);
        self.edit(None, || {
            for (n, p) in nodes.iter().zip(pos) {
                super::state::set_if_changed(n.pos, &p);
            }
        });
        self.layout_rev.update(|r| *r += 1);
        self.fit_view();
    }

    /// Zooms about the centre of the canvas.
    pub fn zoom_by(&self, factor: f64) {
        let (w, h) = self.canvas_size.get_untracked();
        self.view.update(|v| *v = v.zoomed_at(w / 2.0, h / 2.0, factor));
    }

    /// Selects a node and brings it to the middle of the canvas.
    pub fn focus_node(&self, node: NodeData) {
        self.select_only(node);
        let (x, y) = node.pos.get_untracked();
        let (w, h) = self.canvas_size.get_untracked();
        self.view.update(|v| *v = v.centred_on(x + NODE_W / 2.0, y + node.height() / 2.0, w, h));
    }

    /// The graph point at the middle of the canvas.
    pub fn view_centre(&self) -> (f64, f64) {
        let (w, h) = self.canvas_size.get_untracked();
        self.view.get_untracked().to_graph(w / 2.0, h / 2.0)
    }
}

/// Gives a position to every node that has none: columns by depth from the
/// sources, so an imported graph without layout still reads left to right.
pub fn layout_missing(g: &mut Graph) {
    if g.nodes.iter().all(|n| n.pos.is_some()) {
        return;
    }
    let mut depth: HashMap<String, usize> = g.nodes.iter().map(|n| (n.id.clone(), 0)).collect();
    // Longest path by relaxation; bounded so a cycle cannot loop forever.
    for _ in 0..g.nodes.len().min(200) {
        let mut changed = false;
        for e in &g.edges {
            let d = depth.get(&e.from).copied().unwrap_or(0) + 1;
            if let Some(t) = depth.get_mut(&e.to)
                && *t < d
            {
                *t = d;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut rows: HashMap<usize, usize> = HashMap::new();
    for n in &mut g.nodes {
        if n.pos.is_none() {
            let d = depth.get(&n.id).copied().unwrap_or(0);
            let row = rows.entry(d).or_default();
            n.pos = Some([60.0 + d as f64 * 260.0, 60.0 + *row as f64 * 110.0]);
            *row += 1;
        }
    }
}
