//! The rules every operation shares, applied once instead of in each annotation:
//! unique operation ids, the session cookie, path and query parameters, and the
//! error answers the extractors and middleware give.

use crate::server::{reviews, runs, users};
use serde_json::{Value, json};
use utoipa::IntoParams;
use utoipa::openapi::path::ParameterIn;

/// Operations that need no session: (path, method).
const PUBLIC: [(&str, &str); 4] =
    [("/api/session", "post"), ("/api/session", "delete"), ("/api/openapi.json", "get"), ("/api/i18n/{lang}", "get")];

/// Query parameters, from the handlers' own filter types.
pub(super) fn query_params() -> Vec<(String, String, Vec<Value>)> {
    let q = || Some(ParameterIn::Query);
    let as_json = |params: Vec<utoipa::openapi::path::Parameter>| {
        params.into_iter().map(|p| serde_json::to_value(p).expect("a parameter serialises")).collect()
    };
    vec![
        ("/api/runs".into(), "get".into(), as_json(runs::RunQuery::into_params(q))),
        ("/api/audit".into(), "get".into(), as_json(users::AuditFilter::into_params(q))),
        ("/api/reviews".into(), "get".into(), as_json(reviews::QueueFilter::into_params(q))),
    ]
}

pub(super) fn complete(path: &str, method: &str, op: &mut Value, query: Vec<Value>) {
    // Handler names repeat across modules (`list`, `create`): qualify them by
    // resource so every operationId is unique, as OpenAPI requires.
    let resource = path.trim_start_matches("/api/").split(['/', '.']).next().unwrap_or("api");
    if let Some(name) = op["operationId"].as_str().filter(|n| !n.starts_with(resource)) {
        op["operationId"] = json!(format!("{resource}_{name}"));
    }
    let public = PUBLIC.contains(&(path, method));
    if path == "/api/session" && method == "delete" {
        // Signing out works with or without a session.
        op["security"] = json!([{}, { "session": [] }]);
    } else if public {
        op["security"] = json!([]);
    }
    let path_params = path_params(path);
    let has_params = !path_params.is_empty() || !query.is_empty();
    let mut params: Vec<Value> = op["parameters"].as_array().cloned().unwrap_or_default();
    for p in path_params.into_iter().chain(query) {
        if !params.iter().any(|q| q["name"] == p["name"] && q["in"] == p["in"]) {
            params.push(p);
        }
    }
    if !params.is_empty() {
        op["parameters"] = Value::Array(params);
    }
    let has_body = op.get("requestBody").is_some();
    if !op["responses"].is_object() {
        op["responses"] = json!({});
    }
    let responses = op["responses"].as_object_mut().expect("an object");
    let mut add = |status: &str, why: &str| {
        responses.entry(status.to_string()).or_insert_with(|| json!({ "description": why }));
    };
    if !public {
        add("401", "No session, or it has ended: sign in again");
        add("403", "The caller's role may not do this");
    }
    if method != "get" {
        add("403", "Refused: a cross-site request");
    }
    if has_body {
        add("400", "The body is not the JSON this operation reads");
        add("413", "The body is too large");
        add("415", "The body is not `application/json`");
    }
    if has_params {
        add("400", "A path or query parameter is malformed");
    }
    if path.contains('{') {
        add("404", "Nothing with this id, or not visible to the caller");
    }
    for (status, response) in responses.iter_mut() {
        if status.starts_with('4') || status.starts_with('5') {
            error_content(response);
        }
    }
}

/// Every failure's body (`error::ApiError`). An invalid graph also repeats its
/// problems at the top level, as older clients read them there.
pub(super) fn error_body() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "bad_request, unauthorized, forbidden, not_found, method_not_allowed, conflict, \
                            too_large, unsupported_media_type, invalid_graph, too_many_requests, timeout, unreachable, internal, ..."
                    },
                    "message": { "type": "string", "description": "What went wrong and what to do, for a person" },
                    "details": { "type": "object", "description": "e.g. `{\"problems\": [...]}` for an invalid graph" }
                }
            },
            "problems": { "type": "array", "items": { "type": "object" } }
        }
    })
}

/// `{name}` segments of a path: `version` is a number, every other one a string id.
fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            let schema = if name == "version" {
                json!({"type": "integer", "format": "int64"})
            } else {
                json!({"type": "string"})
            };
            json!({ "name": name, "in": "path", "required": true, "schema": schema })
        })
        .collect()
}

fn error_content(response: &mut Value) {
    if response.get("content").and_then(|c| c.get("application/json")).is_none() {
        response["content"]["application/json"] = json!({ "schema": { "$ref": "#/components/schemas/ErrorBody" } });
    }
}
