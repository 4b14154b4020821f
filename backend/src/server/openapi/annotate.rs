//! What the document adds beyond the annotations: string limits as `maxLength`,
//! links from a created thing to what acts on it, and request examples.

use serde_json::{Value, json};

/// The longest a request string field may be, by field name, as `server::limits`
/// enforces it.
pub(super) fn string_limit(field: &str) -> Option<usize> {
    Some(crate::server::limits::max_len(field))
}

/// States each enforced string limit as `maxLength` on the request schemas'
/// top-level string properties (the `graph` document has rules of its own).
pub(super) fn add_string_limits(doc: &mut Value, limit: fn(&str) -> Option<usize>) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else { return };
    for schema in schemas.values_mut() {
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else { continue };
        for (name, prop) in props.iter_mut().filter(|(n, _)| n.as_str() != "graph") {
            let is_string =
                prop["type"] == "string" || prop["type"].as_array().is_some_and(|t| t.contains(&json!("string")));
            if let (true, Some(max)) = (is_string, limit(name)) {
                prop["maxLength"] = json!(max);
            }
        }
    }
}

/// What an answer's id leads to: (operation, status, linked operation, its
/// path parameter, the answer's field), so clients and test generators can
/// follow a created graph, submission, run or user to what acts on it.
const LINKS: &[(&str, &str, &str, &str, &str)] = &[
    ("graphs_create", "201", "graphs_fetch", "id", "id"),
    ("graphs_create", "201", "graphs_save", "id", "id"),
    ("graphs_create", "201", "graphs_duplicate", "id", "id"),
    ("graphs_create", "201", "graphs_versions", "id", "id"),
    ("graphs_create", "201", "graphs_submit", "id", "id"),
    ("graphs_create", "201", "graphs_graph_submissions", "id", "id"),
    ("graphs_create", "201", "graphs_approved", "id", "id"),
    ("graphs_create", "201", "graphs_run_draft", "id", "id"),
    ("graphs_create", "201", "graphs_remove", "id", "id"),
    ("graphs_submit", "201", "reviews_detail", "sid", "id"),
    ("graphs_submit", "201", "reviews_approve", "sid", "id"),
    ("graphs_submit", "201", "reviews_reject", "sid", "id"),
    ("graphs_run_draft", "201", "runs_run_detail", "id", "id"),
    ("graphs_run_draft", "201", "runs_cancel", "id", "id"),
    ("users_create", "201", "users_update", "username", "username"),
    ("schedules_create_schedule", "201", "schedules_update_schedule", "id", "id"),
    ("schedules_create_schedule", "201", "schedules_backfill", "id", "id"),
    ("schedules_create_schedule", "201", "schedules_delete_schedule", "id", "id"),
];

pub(super) fn add_links(doc: &mut Value) {
    let mut where_is = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(id) = op["operationId"].as_str() {
                where_is.insert(id.to_string(), (path.clone(), method.clone()));
            }
        }
    }
    for (from, status, to, param, field) in LINKS {
        let (Some((path, method)), true) = (where_is.get(*from), where_is.contains_key(*to)) else { continue };
        let responses = &mut doc["paths"][path][method]["responses"];
        if let Some(response) = responses.get_mut(*status).filter(|r| r.is_object()) {
            response["links"][to] =
                json!({ "operationId": to, "parameters": { *param: format!("$response.body#/{field}") } });
        }
    }
}

/// A working graph (the demo's first) as the example of every request that
/// carries one, so examples and generated requests reach past validation.
pub(super) fn add_examples(doc: &mut Value) {
    let Some(graph) = crate::demo::graphs().into_iter().next() else { return };
    let node = graph.nodes.iter().find(|n| n.kind.starts_with("transform.")).map(|n| n.id.clone());
    let graph = serde_json::to_value(&graph).unwrap_or_default();
    let schemas = &mut doc["components"]["schemas"];
    for name in ["CreateGraph", "SaveGraph", "ValidateRequest", "PreviewRequest", "LineageRequest", "SqlRequest"] {
        if schemas[name]["properties"]["graph"].is_object() {
            schemas[name]["properties"]["graph"]["example"] = graph.clone();
        }
    }
    if let Some(node) = node {
        schemas["PreviewRequest"]["properties"]["node"]["example"] = json!(node);
    }
    schemas["SaveGraph"]["properties"]["base_version"]["example"] = json!(1);
}
