//! The canvas's handles on one node and one wire: every field is a signal or
//! stored value, so that moving a node touches only that node and its wires.

use super::geometry;
use super::hit::Card;
use super::state::set_if_changed;
use leptos::prelude::*;
use serde_json::Value;
use sluice_shared::kinds::Port;
use sluice_shared::{Category, Edge, Node, NodeKind, Schema};

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

    /// The card as hit-testing sees it, where it is now.
    pub fn card(&self) -> Card {
        Card { key: self.key, pos: self.pos.get_untracked(), ports: self.ports() }
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
