//! The editor's state. The graph is held as fine-grained signals (one per node
//! position, config, selection, problems...) so that dragging a node touches
//! only that node and its wires, never the whole graph. `snapshot` turns the
//! signals back into a `sluice_shared::Graph` for validation, saving and undo.

use super::geometry::{self, View};
use super::history::History;
use crate::dom;
use leptos::prelude::*;
use serde_json::Value;
use sluice_shared::kinds::Port;
use sluice_shared::{Category, Edge, Graph, Node, NodeKind, ParamDecl, ParamType, Problem, Schema};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One node on the canvas. `key` is stable for the node's life on the canvas
/// (ids can be renamed); every field is a cheap copyable handle.
#[derive(Clone, Copy)]
pub struct NodeData {
    pub key: u64,
    pub id: RwSignal<String>,
    pub kind: StoredValue<String>,
    pub config: RwSignal<Value>,
    pub pos: RwSignal<(f64, f64)>,
    pub ui: StoredValue<Option<Value>>,
    pub selected: RwSignal<bool>,
    /// (field, message) of each problem the validator tied to this node.
    pub problems: RwSignal<Vec<(Option<String>, String)>>,
    /// The inferred output schema, `None` where unknown.
    pub schema: RwSignal<Option<Schema>>,
    /// Text typed into number fields that is not a value of the field's type:
    /// kept as typed (the config keeps its last good value) and reported.
    pub typed: RwSignal<Vec<TypedText>>,
}

/// Text in a number field that did not read as a value of its config key.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedText {
    pub key: &'static str,
    pub text: String,
    pub message: String,
    /// The key's config value when the text was typed: once the config moves
    /// on (undo, import, the raw editor), the text is stale and dropped.
    pub config_value: Option<Value>,
}

impl NodeData {
    /// The text still pending for `key`, if the config has not moved on since.
    pub fn pending_text(&self, key: &str) -> Option<TypedText> {
        let now = self.config.with_untracked(|c| c.get(key).cloned());
        self.typed.with_untracked(|t| t.iter().find(|t| t.key == key && t.config_value == now).cloned())
    }

    /// The pending texts whose config value is still current.
    pub fn live_typed_untracked(&self) -> Vec<TypedText> {
        let all = self.typed.get_untracked();
        self.config.with_untracked(|c| all.into_iter().filter(|t| c.get(t.key) == t.config_value.as_ref()).collect())
    }

    /// Records (`Some`) or clears (`None`) the text pending for `key`.
    pub fn set_typed(&self, key: &'static str, pending: Option<(String, String)>) {
        let config_value = self.config.with_untracked(|c| c.get(key).cloned());
        let mut all = self.typed.get_untracked();
        all.retain(|t| t.key != key);
        if let Some((text, message)) = pending {
            all.push(TypedText { key, text, message, config_value });
        }
        set_if_changed(self.typed, &all);
    }
}

impl PartialEq for NodeData {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl NodeData {
    pub fn node_kind(&self) -> Option<NodeKind> {
        self.kind.with_value(|k| NodeKind::parse(k))
    }

    pub fn ports(&self) -> &'static [Port] {
        self.node_kind().map(NodeKind::ports).unwrap_or(&[])
    }

    /// Sinks have no output; unknown kinds keep one so their wires still show.
    pub fn has_output(&self) -> bool {
        self.node_kind().is_none_or(|k| k.category() != Category::Distribution)
    }

    pub fn height(&self) -> f64 {
        geometry::node_height(self.ports().len())
    }

    /// Graph position of input `port` (first port for an unknown name).
    pub fn in_port_at(&self, port: &str, (x, y): (f64, f64)) -> (f64, f64) {
        let ports = self.ports();
        let idx = ports.iter().position(|p| p.name == port).unwrap_or(0);
        (x, y + geometry::in_port_y(idx, ports.len().max(1), self.height()))
    }

    pub fn out_port_at(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (x + geometry::NODE_W, y + geometry::out_port_y(self.height()))
    }

    pub fn to_node(self) -> Node {
        let (x, y) = self.pos.get_untracked();
        Node {
            id: self.id.get_untracked(),
            kind: self.kind.get_value(),
            config: self.config.get_untracked(),
            pos: Some([x.round(), y.round()]),
            ui: self.ui.get_value(),
        }
    }
}

/// One wire, holding the handles of both ends so it follows them as they move.
#[derive(Clone, Copy)]
pub struct EdgeData {
    pub key: u64,
    pub from: NodeData,
    pub to: NodeData,
    pub port: StoredValue<Option<String>>,
    pub ui: StoredValue<Option<Value>>,
    pub selected: RwSignal<bool>,
}

impl EdgeData {
    pub fn port_name(&self) -> String {
        self.port.with_value(|p| p.clone().unwrap_or_else(|| "in".into()))
    }

    pub fn to_edge(self) -> Edge {
        Edge {
            from: self.from.id.get_untracked(),
            to: self.to.id.get_untracked(),
            port: self.port.get_value(),
            ui: self.ui.get_value(),
        }
    }
}

/// A parameter row as edited: the default stays text until it is saved.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamRow {
    pub name: String,
    pub ty: ParamType,
    pub default: String,
    /// A calendar derivation, kept as read (not edited in this form).
    pub derive: Option<sluice_shared::Derive>,
}

pub fn param_type_name(t: ParamType) -> &'static str {
    match t {
        ParamType::Date => "date",
        ParamType::String => "string",
        ParamType::Int64 => "int64",
        ParamType::Float64 => "float64",
        ParamType::Bool => "bool",
    }
}

impl ParamRow {
    fn from_decl(name: &str, d: &ParamDecl) -> Self {
        let default = match &d.default {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        };
        ParamRow { name: name.to_string(), ty: d.ty, default, derive: d.derive.clone() }
    }

    /// The declaration; a default that does not read as its type is kept as
    /// text so the validator reports it instead of it vanishing.
    fn to_decl(&self) -> ParamDecl {
        let t = self.default.trim();
        let default = if t.is_empty() {
            None
        } else {
            Some(match self.ty {
                ParamType::Int64 => t.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(t)),
                ParamType::Float64 => t
                    .parse::<f64>()
                    .ok()
                    .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
                    .unwrap_or_else(|| Value::from(t)),
                ParamType::Bool => match t {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => Value::from(t),
                },
                ParamType::Date | ParamType::String => Value::from(self.default.clone()),
            })
        };
        ParamDecl { ty: self.ty, default, derive: self.derive.clone() }
    }
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
            self.notify_error("This graph is read-only for your role.");
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

/// The id prefix for new nodes of a kind: `csv_1`, `filter_1`, `report_1`.
pub fn id_base(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::SourceCsv => "csv",
        NodeKind::SourceParquet => "parquet",
        NodeKind::SourceJson => "json",
        NodeKind::SourceExcel => "excel",
        NodeKind::SourceTable => "table",
        NodeKind::SourceDates => "dates",
        NodeKind::Filter => "filter",
        NodeKind::Select => "select",
        NodeKind::Derive => "derive",
        NodeKind::Join => "join",
        NodeKind::Union => "union",
        NodeKind::Aggregate => "aggregate",
        NodeKind::Sort => "sort",
        NodeKind::Distinct => "distinct",
        NodeKind::Limit => "limit",
        NodeKind::Sql => "sql",
        NodeKind::TransformCheck => "check",
        NodeKind::SinkCsv => "csv_out",
        NodeKind::SinkParquet => "parquet_out",
        NodeKind::SinkExcel => "excel_out",
        NodeKind::SinkTable => "table_out",
        NodeKind::SinkReport => "report",
    }
}
