//! The `sluice.graph/v1` document as Rust types. Serde rejects unknown fields
//! everywhere except under `ui`, which is the editor's free-form space.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The only format string this version reads and writes.
pub const FORMAT_V1: &str = "sluice.graph/v1";

/// A whole graph document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Graph {
    pub format: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, ParamDecl>,
    #[serde(default)]
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub edges: Vec<Edge>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui: Option<Value>,
}

impl Graph {
    /// An empty graph with the current format string.
    pub fn new(name: impl Into<String>) -> Self {
        Graph {
            format: FORMAT_V1.to_string(),
            name: name.into(),
            description: String::new(),
            params: BTreeMap::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
            ui: None,
        }
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Edges that end at `id`, in document order.
    pub fn inputs_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Edge> + 'a {
        self.edges.iter().filter(move |e| e.to == id)
    }
}

/// One node: a source, a transform or a sink.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub id: String,
    pub kind: String,
    #[serde(default = "empty_object")]
    pub config: Value,
    /// Canvas position only; never changes what a graph computes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pos: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui: Option<Value>,
}

fn empty_object() -> Value {
    Value::Object(Default::default())
}

/// A wire from the output of `from` to input `port` of `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui: Option<Value>,
}

impl Edge {
    /// The input port this edge feeds; omitted means `in`.
    pub fn port(&self) -> &str {
        self.port.as_deref().unwrap_or("in")
    }
}

/// A declared parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDecl {
    #[serde(rename = "type")]
    pub ty: ParamType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// A date derived from another parameter by a business calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derive: Option<Derive>,
}

/// `"derive": {"from": "biz_date", "calendar": "cn", "offset": -1, "rule"?: ...}`:
/// the rule (if any) picks a business day of `from`'s period, then the offset
/// moves by business days (`sluice bizdate` semantics).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derive {
    pub from: String,
    pub calendar: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub offset: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<crate::calendar::Rule>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// The types a parameter can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    Date,
    String,
    Int64,
    Float64,
    Bool,
}
