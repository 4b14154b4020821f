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

/// Renames group `id`. The label is trimmed; an empty label or an unknown
/// group is refused (`false`) and nothing changes.
pub fn rename(graph_ui: &mut Option<Value>, id: &str, label: &str) -> bool {
    let label = label.trim();
    if label.is_empty() {
        return false;
    }
    let Some(items) = graph_ui.as_mut().and_then(|u| u.get_mut("groups")).and_then(Value::as_array_mut) else {
        return false;
    };
    let mut found = false;
    for g in items.iter_mut().filter(|g| g.get("id").and_then(Value::as_str) == Some(id)) {
        if let Some(o) = g.as_object_mut() {
            o.insert("label".into(), Value::String(label.to_string()));
            found = true;
        }
    }
    found
}

/// Removes group `id` from the graph's list (its nodes are left to
/// [`leave`]). Whether it was listed.
pub fn remove(graph_ui: &mut Option<Value>, id: &str) -> bool {
    let Some(items) = graph_ui.as_mut().and_then(|u| u.get_mut("groups")).and_then(Value::as_array_mut) else {
        return false;
    };
    let before = items.len();
    items.retain(|g| g.get("id").and_then(Value::as_str) != Some(id));
    items.len() != before
}

/// Takes a node out of group `id` (its `ui.group`); other `ui` keys stay and an
/// emptied `ui` is dropped. Whether the node was a member.
pub fn leave(node_ui: &mut Option<Value>, id: &str) -> bool {
    let Some(obj) = node_ui.as_mut().and_then(Value::as_object_mut) else { return false };
    if obj.get("group").and_then(Value::as_str) != Some(id) {
        return false;
    }
    obj.remove("group");
    if obj.is_empty() {
        *node_ui = None;
    }
    true
}

/// Ungroups `id`: the group leaves the list and its members stay, ungrouped.
pub fn ungroup(graph: &mut Graph, id: &str) -> bool {
    let listed = remove(&mut graph.ui, id);
    let mut any = false;
    for n in &mut graph.nodes {
        any |= leave(&mut n.ui, id);
    }
    listed || any
}

/// The group a node belongs to, given the graph's groups: a `ui.group` that
/// names no listed group counts as none (a hand-edited or stale reference).
pub fn member_of<'a>(node_ui: Option<&'a Value>, listed: &[Group]) -> Option<&'a str> {
    let id = node_ui?.get("group")?.as_str()?;
    listed.iter().any(|g| g.id == id).then_some(id)
}

/// Ids of the member nodes of group `id`, in graph order.
pub fn members<'a>(graph: &'a Graph, id: &str) -> Vec<&'a str> {
    let listed = list(graph);
    graph.nodes.iter().filter(|n| member_of(n.ui.as_ref(), &listed) == Some(id)).map(|n| n.id.as_str()).collect()
}

/// The collapsed group a node is hidden in, if any.
pub fn hidden_in<'a>(node_ui: Option<&'a Value>, listed: &[Group]) -> Option<&'a str> {
    let id = member_of(node_ui, listed)?;
    listed.iter().any(|g| g.id == id && g.collapsed).then_some(id)
}

/// How a wire is drawn when its ends may be hidden in collapsed groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire<'a> {
    /// Both ends are inside the same collapsed group: not drawn.
    Hidden,
    /// Drawn; an end that is `Some(group)` is drawn to that group's box.
    Drawn { from: Option<&'a str>, to: Option<&'a str> },
}

/// The wire between two nodes, given the collapsed group each end is hidden in
/// ([`hidden_in`]). A wire between a member and an outside node (or a member
/// of another collapsed group) is a boundary wire: drawn to the box.
pub fn route<'a>(from: Option<&'a str>, to: Option<&'a str>) -> Wire<'a> {
    match (from, to) {
        (Some(a), Some(b)) if a == b => Wire::Hidden,
        _ => Wire::Drawn { from, to },
    }
}

/// Where a collapsed group's box goes: at the top-left of its members, so it
/// stays put when collapsed and expanded again. `None` for an empty group.
pub fn collapsed_at(positions: &[[f64; 2]]) -> Option<(f64, f64)> {
    let first = positions.first()?;
    Some(positions.iter().fold((first[0], first[1]), |(x, y), p| (x.min(p[0]), y.min(p[1]))))
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

    fn star() -> Graph {
        let mut g = crate::parse_graph_value(json!({"format": "sluice.graph/v1", "nodes": [
            {"id": "a", "kind": "source.csv", "config": {"path": "a.csv"}, "pos": [100, 40], "ui": {"group": "s"}},
            {"id": "b", "kind": "transform.limit", "config": {"n": 1}, "pos": [60, 90], "ui": {"group": "s", "note": "x"}},
            {"id": "c", "kind": "sink.csv", "config": {"path": "c.csv"}},
            {"id": "d", "kind": "sink.csv", "config": {"path": "d.csv"}, "ui": {"group": "gone"}}
        ], "edges": [{"from": "a", "to": "b"}, {"from": "b", "to": "c"}]}))
        .unwrap();
        add(&mut g, "s", "Star");
        add(&mut g, "t", "Other");
        g
    }

    #[test]
    fn members_are_nodes_naming_a_listed_group() {
        let g = star();
        assert_eq!(members(&g, "s"), ["a", "b"]);
        assert!(members(&g, "t").is_empty());
        // `d` names a group that is not listed: it is in no group.
        assert!(members(&g, "gone").is_empty());
        assert_eq!(member_of(g.node("d").unwrap().ui.as_ref(), &list(&g)), None);
        assert_eq!(collapsed_at(&[[100.0, 40.0], [60.0, 90.0]]), Some((60.0, 40.0)));
        assert_eq!(collapsed_at(&[]), None);
    }

    #[test]
    fn only_members_of_a_collapsed_group_are_hidden_and_wires_route_to_its_box() {
        let mut g = star();
        let hidden = |g: &Graph, id: &str| hidden_in(g.node(id).unwrap().ui.as_ref(), &list(g)).map(str::to_string);
        assert_eq!(hidden(&g, "a"), None, "expanded: nothing hidden");
        set_collapsed(&mut g.ui, "s", true);
        assert_eq!(hidden(&g, "a").as_deref(), Some("s"));
        assert_eq!(hidden(&g, "b").as_deref(), Some("s"));
        assert_eq!(hidden(&g, "c"), None);
        assert_eq!(hidden(&g, "d"), None, "a stale group reference hides nothing");
        // Inside the group: hidden. Member to outside: the box's side.
        assert_eq!(route(Some("s"), Some("s")), Wire::Hidden);
        assert_eq!(route(Some("s"), None), Wire::Drawn { from: Some("s"), to: None });
        assert_eq!(route(None, Some("s")), Wire::Drawn { from: None, to: Some("s") });
        assert_eq!(route(Some("s"), Some("t")), Wire::Drawn { from: Some("s"), to: Some("t") });
        assert_eq!(route(None, None), Wire::Drawn { from: None, to: None });
    }

    #[test]
    fn rename_and_ungroup_keep_the_nodes_and_refuse_nonsense() {
        let mut g = star();
        assert!(rename(&mut g.ui, "s", "  Bank star "));
        assert_eq!(list(&g)[0].label, "Bank star");
        assert!(!rename(&mut g.ui, "s", "   "), "an empty label is refused");
        assert!(!rename(&mut g.ui, "nope", "x"), "an unknown group is refused");
        assert_eq!(list(&g)[0].label, "Bank star");
        set_collapsed(&mut g.ui, "s", true);
        assert!(ungroup(&mut g, "s"));
        assert_eq!(list(&g).iter().map(|g| g.id.as_str()).collect::<Vec<_>>(), ["t"]);
        assert_eq!(g.nodes.len(), 4);
        assert_eq!(g.node("a").unwrap().ui, None, "an emptied ui is dropped");
        assert_eq!(g.node("b").unwrap().ui, Some(json!({"note": "x"})), "other ui keys stay");
        assert_eq!(g.node("d").unwrap().ui, Some(json!({"group": "gone"})), "other groups untouched");
        assert!(!ungroup(&mut g, "s"), "twice: nothing left to do");
        // A ui that is not an object is not ours to change.
        let mut odd = Some(json!("free text"));
        assert!(!leave(&mut odd, "s") && !remove(&mut odd, "s") && !rename(&mut odd, "s", "x"));
    }
}
