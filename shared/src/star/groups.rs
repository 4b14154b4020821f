//! Labelled groups of nodes, kept in the editor's free-form `ui` space so the
//! graph format is unchanged (an old graph has no groups and reads as before):
//! the graph's `ui.groups` lists `{"id", "label", "collapsed"?}` and each member
//! node says `ui.group: "<id>"`.

use crate::model::{Graph, Node};
use serde_json::{Value, json};

/// One group as the editor shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub label: String,
    pub collapsed: bool,
}

/// The group node `n` belongs to, if any.
pub fn of(n: &Node) -> Option<&str> {
    n.ui.as_ref()?.get("group")?.as_str()
}

/// The groups listed in `ui.groups` (entries that do not read are skipped).
pub fn list(graph: &Graph) -> Vec<Group> {
    list_ui(graph.ui.as_ref())
}

/// [`list`] from the graph's `ui` value alone (the editor holds it apart).
pub fn list_ui(ui: Option<&Value>) -> Vec<Group> {
    let Some(items) = ui.and_then(|u| u.get("groups")).and_then(Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|g| {
            let id = g.get("id")?.as_str()?.to_string();
            let label = g.get("label").and_then(Value::as_str).unwrap_or(&id).to_string();
            let collapsed = g.get("collapsed").and_then(Value::as_bool).unwrap_or(false);
            Some(Group { id, label, collapsed })
        })
        .collect()
}

/// Lists group `id` with `label` (replacing an entry of the same id). A `ui`
/// that is not an object is left as it is: the editor does not own it.
pub fn add(graph: &mut Graph, id: &str, label: &str) {
    let ui = graph.ui.get_or_insert_with(|| json!({}));
    let Some(obj) = ui.as_object_mut() else { return };
    let groups = obj.entry("groups").or_insert_with(|| json!([]));
    if !groups.is_array() {
        *groups = json!([]);
    }
    if let Some(items) = groups.as_array_mut() {
        items.retain(|g| g.get("id").and_then(Value::as_str) != Some(id));
        items.push(json!({"id": id, "label": label}));
    }
}

/// Sets whether group `id` is drawn collapsed.
pub fn set_collapsed(graph_ui: &mut Option<Value>, id: &str, collapsed: bool) {
    let Some(items) = graph_ui.as_mut().and_then(|u| u.get_mut("groups")).and_then(Value::as_array_mut) else {
        return;
    };
    for g in items.iter_mut().filter(|g| g.get("id").and_then(Value::as_str) == Some(id)) {
        if let Some(o) = g.as_object_mut() {
            o.insert("collapsed".into(), Value::Bool(collapsed));
        }
    }
}

/// The box around the members' positions: `(x, y, width, height)` with the
/// card size added and `pad` around, or `None` for an empty group.
pub fn frame(positions: &[[f64; 2]], card: (f64, f64), pad: f64) -> Option<(f64, f64, f64, f64)> {
    let first = positions.first()?;
    let (mut x0, mut y0, mut x1, mut y1) = (first[0], first[1], first[0], first[1]);
    for p in positions {
        x0 = x0.min(p[0]);
        y0 = y0.min(p[1]);
        x1 = x1.max(p[0]);
        y1 = y1.max(p[1]);
    }
    Some((x0 - pad, y0 - pad - 18.0, x1 - x0 + card.0 + 2.0 * pad, y1 - y0 + card.1 + 2.0 * pad + 18.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_live_under_ui_and_old_graphs_have_none() {
        let mut g = crate::parse_graph_value(json!({"format": "sluice.graph/v1", "nodes": []})).unwrap();
        assert!(list(&g).is_empty());
        add(&mut g, "star", "Transactions star");
        add(&mut g, "star", "Transactions star");
        assert_eq!(list(&g), [Group { id: "star".into(), label: "Transactions star".into(), collapsed: false }]);
        set_collapsed(&mut g.ui, "star", true);
        assert!(list(&g)[0].collapsed);
        // The document still parses with the group in it.
        let text = serde_json::to_value(&g).unwrap();
        assert!(crate::parse_graph_value(text).is_ok());
        assert_eq!(frame(&[[0.0, 0.0], [100.0, 50.0]], (10.0, 5.0), 1.0), Some((-1.0, -19.0, 112.0, 75.0)));
        assert_eq!(frame(&[], (1.0, 1.0), 0.0), None);
    }
}
