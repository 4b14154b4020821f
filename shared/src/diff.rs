//! What changed between two versions of a graph, node by node: what review
//! shows an admin, computed the same way in the browser and on the server.

use crate::model::{Edge, Graph};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// One config key whose value differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueChange {
    pub key: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeChange {
    pub id: String,
    /// Set when the kind itself changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<(String, String)>,
    pub config: Vec<ValueChange>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GraphDiff {
    pub nodes_added: Vec<String>,
    pub nodes_removed: Vec<String>,
    pub nodes_changed: Vec<NodeChange>,
    pub edges_added: Vec<Edge>,
    pub edges_removed: Vec<Edge>,
    /// Name, description and parameter changes.
    pub graph: Vec<ValueChange>,
}

impl GraphDiff {
    pub fn is_empty(&self) -> bool {
        self.nodes_added.is_empty()
            && self.nodes_removed.is_empty()
            && self.nodes_changed.is_empty()
            && self.edges_added.is_empty()
            && self.edges_removed.is_empty()
            && self.graph.is_empty()
    }
}

/// Compares `before` (e.g. the approved version) with `after` (the submission).
/// Canvas positions and `ui` data are layout, not behaviour, and are ignored.
pub fn diff(before: &Graph, after: &Graph) -> GraphDiff {
    let mut d = GraphDiff::default();
    let old: BTreeMap<&str, _> = before.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let new: BTreeMap<&str, _> = after.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    d.nodes_added = new.keys().filter(|k| !old.contains_key(*k)).map(|k| k.to_string()).collect();
    d.nodes_removed = old.keys().filter(|k| !new.contains_key(*k)).map(|k| k.to_string()).collect();
    for (id, n) in &new {
        let Some(o) = old.get(id) else { continue };
        let kind = (o.kind != n.kind).then(|| (o.kind.clone(), n.kind.clone()));
        let config = object_changes(&o.config, &n.config);
        if kind.is_some() || !config.is_empty() {
            d.nodes_changed.push(NodeChange { id: id.to_string(), kind, config });
        }
    }
    let key = |e: &Edge| (e.from.clone(), e.to.clone(), e.port().to_string());
    let old_edges: Vec<_> = before.edges.iter().map(key).collect();
    let new_edges: Vec<_> = after.edges.iter().map(key).collect();
    d.edges_added = after.edges.iter().filter(|e| !old_edges.contains(&key(e))).cloned().collect();
    d.edges_removed = before.edges.iter().filter(|e| !new_edges.contains(&key(e))).cloned().collect();
    let top = |g: &Graph| serde_json::json!({"name": g.name, "description": g.description, "params": serde_json::to_value(&g.params).unwrap_or_default()});
    d.graph = object_changes(&top(before), &top(after));
    d
}

fn object_changes(a: &Value, b: &Value) -> Vec<ValueChange> {
    let empty = serde_json::Map::new();
    let (a, b) = (a.as_object().unwrap_or(&empty), b.as_object().unwrap_or(&empty));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| ValueChange { key: k.clone(), before: a.get(k).cloned(), after: b.get(k).cloned() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_graph_value;
    use serde_json::json;

    #[test]
    fn finds_added_removed_and_changed_nodes_but_not_moves() {
        let a = parse_graph_value(json!({"format": "sluice.graph/v1", "name": "g", "nodes": [
            {"id": "s", "kind": "source.csv", "config": {"path": "a.csv"}, "pos": [0, 0]},
            {"id": "f", "kind": "transform.filter", "config": {"predicate": "x > 1"}},
            {"id": "o", "kind": "sink.csv", "config": {"path": "o.csv"}}],
            "edges": [{"from": "s", "to": "f"}, {"from": "f", "to": "o"}]}))
        .unwrap();
        let b = parse_graph_value(json!({"format": "sluice.graph/v1", "name": "g2", "nodes": [
            {"id": "s", "kind": "source.csv", "config": {"path": "a.csv"}, "pos": [90, 10]},
            {"id": "f", "kind": "transform.filter", "config": {"predicate": "x > 2"}},
            {"id": "l", "kind": "transform.limit", "config": {"n": 5}}],
            "edges": [{"from": "s", "to": "f"}, {"from": "f", "to": "l"}]}))
        .unwrap();
        let d = diff(&a, &b);
        assert_eq!(d.nodes_added, ["l"]);
        assert_eq!(d.nodes_removed, ["o"]);
        assert_eq!(d.nodes_changed.len(), 1);
        assert_eq!(d.nodes_changed[0].config[0].key, "predicate");
        assert_eq!(d.edges_added.len(), 1);
        assert_eq!(d.edges_removed.len(), 1);
        assert_eq!(d.graph[0].key, "name");
        assert!(diff(&a, &a).is_empty());
    }
}
