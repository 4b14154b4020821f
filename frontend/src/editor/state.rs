//! The editor's state. The graph is held as fine-grained signals (one per node
//! position, config, selection, problems...) so that dragging a node touches
//! only that node and its wires, never the whole graph. `snapshot` turns the
//! signals back into a `sluice_shared::Graph` for validation, saving and undo.

use super::geometry::View;
use super::history::History;
pub use super::items::{EdgeData, NodeData};
pub use super::param_rows::ParamRow;
use crate::dom;
use leptos::prelude::*;
use serde_json::Value;
use sluice_shared::{Edge, Graph, Node, ParamDecl, Problem};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What a committed change touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Only positions: nothing to validate again.
    Layout,
    /// Nodes, wires or settings.
    Document,
}

/// A short message at the bottom of the canvas.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub serial: u64,
}

/// Everything the editor's components share, given to them as context.
#[derive(Clone, Copy)]
pub struct EditorState {
    pub graph_id: StoredValue<String>,
    /// The server version this editor started from (`base_version` of a save).
    pub version: RwSignal<i64>,
    pub format: StoredValue<String>,
    pub name: RwSignal<String>,
    pub description: RwSignal<String>,
    pub params: RwSignal<Vec<ParamRow>>,
    pub ui: StoredValue<Option<Value>>,
    pub nodes: RwSignal<Vec<NodeData>>,
    pub edges: RwSignal<Vec<EdgeData>>,
    /// Edges whose ends are not on the canvas (a broken import): kept so a save
    /// loses nothing, and reported by the validator.
    pub dangling: StoredValue<Vec<Edge>>,
    next_key: StoredValue<u64>,
    /// Bumped by every edit that can change validity (not by moves).
    pub doc_rev: RwSignal<u64>,
    /// Bumped when node positions settle (drag end, add, delete): the minimap
    /// bounds follow it instead of every pointer move.
    pub layout_rev: RwSignal<u64>,
    /// Counts every edit, moves included; unsaved while it differs from `saved_at`.
    pub edit_count: RwSignal<u64>,
    pub saved_at: RwSignal<u64>,
    pub history: StoredValue<History>,
    pub history_rev: RwSignal<u64>,
    pub view: RwSignal<View>,
    pub canvas_size: RwSignal<(f64, f64)>,
    pub toast: RwSignal<Option<Toast>>,
    /// Files in the data root, offered for `path` fields.
    pub files: RwSignal<Vec<String>>,
    /// All problems of the last validation, for the panel.
    pub problems: RwSignal<Vec<Problem>>,
    pub readonly: bool,
    /// Plain drags on the background pan instead of selecting.
    pub hand_mode: RwSignal<bool>,
    /// Space is held: drags pan.
    pub space_down: RwSignal<bool>,
    /// While wiring: the input ports (node key, port) the wire may end on.
    pub wire_targets: RwSignal<Option<HashSet<(u64, &'static str)>>>,
    /// While wiring: the port under the pointer.
    pub wire_hover: RwSignal<Option<(u64, &'static str)>>,
    /// The last save was refused because someone saved a newer version.
    pub conflict: RwSignal<Option<String>>,
    pub saving: RwSignal<bool>,
    /// The graph has arrived from the server: until then the name and
    /// description fields take no typing (the load would overwrite it).
    pub loaded: RwSignal<bool>,
    /// Problems of an import that did not parse.
    pub import_problems: RwSignal<Option<Vec<Problem>>>,
}

impl EditorState {
    pub fn new(graph_id: String, readonly: bool) -> Self {
        EditorState {
            graph_id: StoredValue::new(graph_id),
            version: RwSignal::new(0),
            format: StoredValue::new(sluice_shared::FORMAT_V1.to_string()),
            name: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            params: RwSignal::new(Vec::new()),
            ui: StoredValue::new(None),
            nodes: RwSignal::new(Vec::new()),
            edges: RwSignal::new(Vec::new()),
            dangling: StoredValue::new(Vec::new()),
            next_key: StoredValue::new(1),
            doc_rev: RwSignal::new(0),
            layout_rev: RwSignal::new(0),
            edit_count: RwSignal::new(0),
            saved_at: RwSignal::new(0),
            history: StoredValue::new(History::default()),
            history_rev: RwSignal::new(0),
            view: RwSignal::new(View::default()),
            canvas_size: RwSignal::new((800.0, 600.0)),
            toast: RwSignal::new(None),
            files: RwSignal::new(Vec::new()),
            problems: RwSignal::new(Vec::new()),
            readonly,
            hand_mode: RwSignal::new(false),
            space_down: RwSignal::new(false),
            wire_targets: RwSignal::new(None),
            wire_hover: RwSignal::new(None),
            conflict: RwSignal::new(None),
            saving: RwSignal::new(false),
            loaded: RwSignal::new(false),
            import_problems: RwSignal::new(None),
        }
    }

    /// Whether the editor is still on screen. Timers and server answers that
    /// arrive after the user left must not touch its (disposed) signals.
    pub fn alive(&self) -> bool {
        !self.doc_rev.is_disposed()
    }

    fn key(&self) -> u64 {
        let k = self.next_key.get_value();
        self.next_key.set_value(k + 1);
        k
    }

    pub fn make_node(&self, n: &Node) -> NodeData {
        let pos = n.pos.map(|[x, y]| (x, y)).unwrap_or((0.0, 0.0));
        NodeData {
            key: self.key(),
            id: RwSignal::new(n.id.clone()),
            kind: StoredValue::new(n.kind.clone()),
            config: RwSignal::new(n.config.clone()),
            pos: RwSignal::new(pos),
            ui: StoredValue::new(n.ui.clone()),
            selected: RwSignal::new(false),
            problems: RwSignal::new(Vec::new()),
            schema: RwSignal::new(None),
            typed: RwSignal::new(Vec::new()),
        }
    }

    pub fn make_edge(&self, from: NodeData, to: NodeData, e: &Edge) -> EdgeData {
        EdgeData {
            key: self.key(),
            from,
            to,
            port: StoredValue::new(e.port.clone()),
            ui: StoredValue::new(e.ui.clone()),
            selected: RwSignal::new(false),
        }
    }

    /// The document as it stands, read without subscribing to anything.
    pub fn snapshot(&self) -> Graph {
        let mut edges: Vec<Edge> = self.edges.with_untracked(|es| es.iter().map(|e| e.to_edge()).collect());
        edges.extend(self.dangling.get_value());
        Graph {
            format: self.format.get_value(),
            name: self.name.get_untracked(),
            description: self.description.get_untracked(),
            params: self.snapshot_params(),
            nodes: self.nodes.with_untracked(|ns| ns.iter().map(|n| n.to_node()).collect()),
            edges,
            ui: self.ui.get_value(),
        }
    }

    pub fn snapshot_params(&self) -> BTreeMap<String, ParamDecl> {
        self.params.with_untracked(|ps| {
            ps.iter().filter(|p| !p.name.trim().is_empty()).map(|p| (p.name.trim().to_string(), p.to_decl())).collect()
        })
    }

    pub fn find(&self, id: &str) -> Option<NodeData> {
        self.nodes.with_untracked(|ns| ns.iter().find(|n| n.id.with_untracked(|i| i == id)).copied())
    }

    pub fn by_key(&self, key: u64) -> Option<NodeData> {
        self.nodes.with_untracked(|ns| ns.iter().find(|n| n.key == key).copied())
    }

    /// Replaces the document with `g`, reusing the canvas nodes whose id and kind
    /// did not change so that undo does not rebuild a thousand views.
    pub fn restore(&self, g: &Graph) {
        self.format.set_value(g.format.clone());
        set_if_changed(self.name, &g.name);
        set_if_changed(self.description, &g.description);
        let rows: Vec<ParamRow> = g.params.iter().map(|(n, d)| ParamRow::from_decl(n, d)).collect();
        set_if_changed(self.params, &rows);
        self.ui.set_value(g.ui.clone());

        let mut old: HashMap<String, NodeData> =
            self.nodes.with_untracked(|ns| ns.iter().map(|n| (n.id.get_untracked(), *n)).collect());
        let mut nodes = Vec::with_capacity(g.nodes.len());
        let mut by_id: HashMap<&str, NodeData> = HashMap::new();
        for n in &g.nodes {
            let reused = old.remove(&n.id).filter(|d| d.kind.with_value(|k| *k == n.kind));
            let d = match reused {
                Some(d) => {
                    set_if_changed(d.config, &n.config);
                    if let Some([x, y]) = n.pos {
                        set_if_changed(d.pos, &(x, y));
                    }
                    d.ui.set_value(n.ui.clone());
                    d
                }
                None => self.make_node(n),
            };
            by_id.entry(n.id.as_str()).or_insert(d);
            nodes.push(d);
        }
        let old_edges: HashMap<(u64, u64, Option<String>), EdgeData> = self
            .edges
            .with_untracked(|es| es.iter().map(|e| ((e.from.key, e.to.key, e.port.get_value()), *e)).collect());
        let mut edges = Vec::with_capacity(g.edges.len());
        let mut used = HashSet::new();
        let mut dangling = Vec::new();
        for e in &g.edges {
            match (by_id.get(e.from.as_str()), by_id.get(e.to.as_str())) {
                (Some(f), Some(t)) => {
                    let k = (f.key, t.key, e.port.clone());
                    let d = match old_edges.get(&k) {
                        Some(d) if used.insert(d.key) => *d,
                        _ => self.make_edge(*f, *t, e),
                    };
                    d.ui.set_value(e.ui.clone());
                    edges.push(d);
                }
                _ => dangling.push(e.clone()),
            }
        }
        self.dangling.set_value(dangling);
        self.nodes.set(nodes);
        self.edges.set(edges);
        self.doc_rev.update(|r| *r += 1);
        self.layout_rev.update(|r| *r += 1);
    }

    /// Records the state before an edit, then applies it. Edits sharing a
    /// `coalesce` key in quick succession are one undo step.
    pub fn edit(&self, coalesce: Option<&str>, f: impl FnOnce()) {
        if self.readonly {
            self.notify_error(crate::i18n::t("ops.read_only"));
            return;
        }
        let now = dom::now_ms();
        let folds = self.history.try_update_value(|h| h.coalesces(coalesce, now)).unwrap_or(false);
        if !folds {
            let before = self.snapshot();
            self.history.update_value(|h| h.record(before));
            self.history_rev.update(|r| *r += 1);
        }
        f();
        self.touched(true);
    }

    /// Ends a change made in several steps (a drag, a wire picked up and
    /// dropped, an insertion): `before` is the state before its first step,
    /// and the whole change is one undo step.
    pub fn commit(&self, before: Graph, change: Change) {
        self.history.update_value(|h| {
            h.seal();
            h.record(before)
        });
        self.history_rev.update(|r| *r += 1);
        self.touched(change == Change::Document);
        if change == Change::Layout {
            self.layout_rev.update(|r| *r += 1);
        }
    }

    /// Marks the document changed; `validity` when the change can alter problems.
    pub fn touched(&self, validity: bool) {
        if validity {
            self.doc_rev.update(|r| *r += 1);
        }
        self.edit_count.update(|c| *c += 1);
    }

    pub fn undo(&self) {
        let cur = self.snapshot();
        if let Some(prev) = self.history.try_update_value(|h| h.undo(cur)).flatten() {
            self.restore(&prev);
            self.after_history_step();
        }
    }

    pub fn redo(&self) {
        let cur = self.snapshot();
        if let Some(next) = self.history.try_update_value(|h| h.redo(cur)).flatten() {
            self.restore(&next);
            self.after_history_step();
        }
    }

    fn after_history_step(&self) {
        self.history_rev.update(|r| *r += 1);
        self.edit_count.update(|c| *c += 1);
    }

    pub fn selected_nodes(&self) -> Vec<NodeData> {
        self.nodes.with_untracked(|ns| ns.iter().filter(|n| n.selected.get_untracked()).copied().collect())
    }

    pub fn clear_selection(&self) {
        self.nodes.with_untracked(|ns| {
            for n in ns {
                if n.selected.get_untracked() {
                    n.selected.set(false);
                }
            }
        });
        self.edges.with_untracked(|es| {
            for e in es {
                if e.selected.get_untracked() {
                    e.selected.set(false);
                }
            }
        });
    }

    pub fn select_only(&self, node: NodeData) {
        self.clear_selection();
        node.selected.set(true);
    }

    pub fn notify(&self, text: impl Into<String>) {
        self.show_toast(text.into(), false);
    }

    pub fn notify_error(&self, text: impl Into<String>) {
        self.show_toast(text.into(), true);
    }

    fn show_toast(&self, text: String, error: bool) {
        let serial = self.toast.with_untracked(|t| t.as_ref().map_or(0, |t| t.serial)) + 1;
        self.toast.set(Some(Toast { text, error, serial }));
        let toast = self.toast;
        set_timeout(
            move || {
                if toast.try_with_untracked(|t| t.as_ref().is_some_and(|t| t.serial == serial)).unwrap_or(false) {
                    toast.set(None);
                }
            },
            std::time::Duration::from_millis(if error { 5000 } else { 3000 }),
        );
    }

    /// An id not used by any node: `base_1`, `base_2`, ...
    pub fn unique_id(&self, base: &str, taken: &[String]) -> String {
        let used: HashSet<String> = self.nodes.with_untracked(|ns| ns.iter().map(|n| n.id.get_untracked()).collect());
        (1..)
            .map(|i| format!("{base}_{i}"))
            .find(|id| !used.contains(id) && !taken.contains(id))
            .expect("some id is free")
    }

    pub fn is_dirty(&self) -> bool {
        self.edit_count.get() != self.saved_at.get()
    }
}

/// Sets a signal only when the value differs, so views that read it do not
/// redraw for nothing.
pub fn set_if_changed<T: PartialEq + Clone + Send + Sync + 'static>(s: RwSignal<T>, v: &T) {
    if s.with_untracked(|cur| cur != v) {
        s.set(v.clone());
    }
}
