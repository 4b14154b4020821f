//! Reading a graph document from text with problems that point at the node and
//! field, rather than serde's bare "unknown field at line 12".

use crate::model::Graph;
use crate::problem::Problem;
use serde_json::{Map, Value};

const TOP_FIELDS: &[&str] = &["format", "name", "description", "params", "nodes", "edges", "ui"];
const NODE_FIELDS: &[&str] = &["id", "kind", "config", "pos", "ui"];
const EDGE_FIELDS: &[&str] = &["from", "to", "port", "ui"];
const PARAM_FIELDS: &[&str] = &["type", "default", "derive"];

/// Parses a graph document. Every unknown field is reported, each with its node.
pub fn parse_graph(text: &str) -> Result<Graph, Vec<Problem>> {
    crate::limits::check_document(text).map_err(|p| vec![p])?;
    let value: Value = serde_json::from_str(text)
        .map_err(|e| vec![Problem::graph(None, format!("the file is not valid JSON: {e}"))])?;
    parse_graph_value(value)
}

/// Like [`parse_graph`], from an already parsed JSON value (the HTTP API's case).
pub fn parse_graph_value(value: Value) -> Result<Graph, Vec<Problem>> {
    let mut problems = Vec::new();
    let Some(top) = value.as_object() else {
        return Err(vec![Problem::graph(None, "a graph must be a JSON object")]);
    };
    let over = crate::limits::check_value(&value);
    if !over.is_empty() {
        return Err(over);
    }
    unknown_fields(top, TOP_FIELDS, None, "", &mut problems);
    if let Some(nodes) = top.get("nodes").and_then(Value::as_array) {
        for (i, node) in nodes.iter().enumerate() {
            let Some(obj) = node.as_object() else {
                continue;
            };
            let id = obj.get("id").and_then(Value::as_str).map(str::to_string);
            let label = id.clone().unwrap_or_else(|| format!("nodes[{i}]"));
            unknown_fields(obj, NODE_FIELDS, id.as_deref(), &label, &mut problems);
        }
    }
    if let Some(edges) = top.get("edges").and_then(Value::as_array) {
        for (i, edge) in edges.iter().enumerate() {
            let Some(obj) = edge.as_object() else {
                continue;
            };
            let to = obj.get("to").and_then(Value::as_str);
            unknown_fields(obj, EDGE_FIELDS, to, &format!("edges[{i}]"), &mut problems);
        }
    }
    if let Some(params) = top.get("params").and_then(Value::as_object) {
        for (name, p) in params {
            if let Some(obj) = p.as_object() {
                let field = format!("params.{name}");
                unknown_fields(obj, PARAM_FIELDS, None, &field, &mut problems);
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    serde_json::from_value::<Graph>(value.clone()).map_err(|e| vec![locate(&value, e)])
}

fn unknown_fields(
    obj: &Map<String, Value>,
    known: &[&str],
    node: Option<&str>,
    label: &str,
    problems: &mut Vec<Problem>,
) {
    for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
        let field = if label.is_empty() || node.is_some() { key.clone() } else { format!("{label}.{key}") };
        let msg =
            format!("unknown field `{key}` (expected one of: {}; free-form data goes under `ui`)", known.join(", "));
        problems.push(match node {
            Some(id) => Problem::node(id, Some(&field), msg),
            None => Problem::graph(Some(&field), msg),
        });
    }
}

/// Finds which node a serde error came from, so the message can name it.
fn locate(value: &Value, err: serde_json::Error) -> Problem {
    if let Some(nodes) = value.get("nodes").and_then(Value::as_array) {
        for (i, n) in nodes.iter().enumerate() {
            if let Err(e) = serde_json::from_value::<crate::model::Node>(n.clone()) {
                return match n.get("id").and_then(Value::as_str) {
                    Some(id) => Problem::node(id, None, e.to_string()),
                    None => Problem::graph(Some(&format!("nodes[{i}]")), e.to_string()),
                };
            }
        }
    }
    if let Some(edges) = value.get("edges").and_then(Value::as_array) {
        for (i, n) in edges.iter().enumerate() {
            if let Err(e) = serde_json::from_value::<crate::model::Edge>(n.clone()) {
                return Problem::graph(Some(&format!("edges[{i}]")), e.to_string());
            }
        }
    }
    Problem::graph(None, err.to_string())
}
