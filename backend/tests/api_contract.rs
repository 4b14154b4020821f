//! The API keeps the contract its OpenAPI document states (what schemathesis
//! checks in `e2e/api-fuzz.sh`): every failure is a JSON `ApiError`, request
//! bodies are objects of the documented shape, and the document names every
//! route, parameter, cookie and error answer.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::app::App;
use serde_json::{Value, json};

fn graph() -> Value {
    json!({
        "format": "sluice.graph/v1", "name": "contract",
        "nodes": [
            {"id": "txns", "kind": "source.csv", "config": {"path": "demo/transactions.csv"}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/contract.csv"}}
        ],
        "edges": [{"from": "txns", "to": "out"}]
    })
}

fn is_api_error(body: &Value, code: &str) -> bool {
    body["error"]["code"] == code && body["error"]["message"].as_str().is_some_and(|m| !m.is_empty())
}

#[tokio::test]
async fn malformed_path_and_query_parameters_answer_json_errors() {
    let app = App::new().await;
    let c = app.login("admin").await;
    let id = app.call("POST", "/api/graphs", Some(json!({"graph": graph()})), Some(&c)).await.body["id"].clone();
    let id = id.as_str().unwrap();
    // Before: axum's plain-text rejections, which the document does not describe.
    let r = app.call("GET", &format!("/api/graphs/{id}/versions/first"), None, Some(&c)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(is_api_error(&r.body, "bad_request"), "{}", r.body);
    let r = app.call("GET", "/api/audit?since=yesterday", None, Some(&c)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(is_api_error(&r.body, "bad_request"), "{}", r.body);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("since"), "{}", r.body);
}

#[tokio::test]
async fn a_method_a_route_lacks_is_a_json_405_with_allow() {
    let app = App::new().await;
    let c = app.login("admin").await;
    let req = Request::builder().method("PUT").uri("/api/graphs").header(header::COOKIE, &c).body(Body::empty());
    let res = tower::ServiceExt::oneshot(app.router.clone(), req.unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = res.headers().get(header::ALLOW).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(allow.contains("GET") && allow.contains("POST"), "Allow: {allow}");
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    assert!(is_api_error(&body, "method_not_allowed"), "{body}");
}

#[tokio::test]
async fn a_body_that_is_not_an_object_is_refused() {
    let app = App::new().await;
    let c = app.login("admin").await;
    // Before: serde read the struct from the array and the update "succeeded" (204).
    let r = app.call("PATCH", "/api/users/bob", Some(json!([null, null])), Some(&c)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(is_api_error(&r.body, "bad_request"), "{}", r.body);
    let r = app.call("POST", "/api/users", Some(json!(["carol", "long-enough-pw", "viewer"])), Some(&c)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let users = app.call("GET", "/api/users", None, Some(&c)).await.body;
    assert!(!users["users"].as_array().unwrap().iter().any(|u| u["username"] == "carol"), "{users}");
}

#[tokio::test]
async fn integral_numbers_written_with_a_decimal_point_are_integers() {
    let app = App::new().await;
    let c = app.login("analyst").await;
    let created = app.call("POST", "/api/graphs", Some(json!({"graph": graph()})), Some(&c)).await.body;
    let id = created["id"].as_str().unwrap();
    // JSON Schema's `integer` (the document's type for base_version) includes 1.0.
    let path = format!("/api/graphs/{id}");
    let r = app.call("PUT", &path, Some(json!({"graph": graph(), "base_version": 1.0})), Some(&c)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["version"], 2);
    let r = app.call("PUT", &path, Some(json!({"graph": graph(), "base_version": 2.5})), Some(&c)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_preview_limit_outside_the_documented_range_is_refused() {
    let app = App::new().await;
    let c = app.login("analyst").await;
    for limit in [0, 1001, 5000] {
        let body = json!({"graph": graph(), "node": "txns", "limit": limit});
        let r = app.call("POST", "/api/preview", Some(body), Some(&c)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "limit {limit}: {}", r.body);
        assert!(r.body["error"]["message"].as_str().unwrap().contains("limit"), "{}", r.body);
    }
    let r = app.call("POST", "/api/preview", Some(json!({"graph": graph(), "node": "txns", "limit": 1000})), Some(&c));
    assert_eq!(r.await.status, StatusCode::OK);
}

/// Every route the server has, as (method, path) — kept beside the routers' own lists.
const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/session"),
    ("get", "/api/session"),
    ("delete", "/api/session"),
    ("get", "/api/graphs"),
    ("post", "/api/graphs"),
    ("get", "/api/graphs/status"),
    ("get", "/api/graphs/{id}"),
    ("put", "/api/graphs/{id}"),
    ("delete", "/api/graphs/{id}"),
    ("post", "/api/graphs/{id}/duplicate"),
    ("get", "/api/graphs/{id}/versions"),
    ("get", "/api/graphs/{id}/versions/{version}"),
    ("post", "/api/validate"),
    ("get", "/api/files"),
    ("post", "/api/preview"),
    ("post", "/api/graphs/{id}/submit"),
    ("get", "/api/graphs/{id}/submissions"),
    ("get", "/api/graphs/{id}/approved"),
    ("get", "/api/reviews"),
    ("get", "/api/reviews/{sid}"),
    ("post", "/api/reviews/{sid}/approve"),
    ("post", "/api/reviews/{sid}/reject"),
    ("get", "/api/users"),
    ("post", "/api/users"),
    ("patch", "/api/users/{username}"),
    ("get", "/api/audit"),
    ("get", "/api/schedules"),
    ("post", "/api/schedules"),
    ("patch", "/api/schedules/{id}"),
    ("delete", "/api/schedules/{id}"),
    ("post", "/api/schedules/{id}/backfill"),
    ("post", "/api/graphs/{id}/run"),
    ("get", "/api/runs"),
    ("get", "/api/runs/{id}"),
    ("post", "/api/runs/{id}/cancel"),
    ("get", "/api/runs/{id}/outputs/{node}"),
    ("get", "/api/runs/{id}/events"),
    ("get", "/api/alerts"),
    ("get", "/api/graphs/{id}/lineage"),
    ("get", "/api/graphs/{id}/versions/{version}/lineage"),
    ("post", "/api/lineage"),
    ("post", "/api/sql"),
    ("get", "/api/dataflow"),
    ("get", "/api/dataflow/schedules"),
    ("get", "/api/reviews/{sid}/impact"),
    ("get", "/api/reports"),
    ("get", "/api/reports/{name}/dates"),
    ("get", "/api/reports/{name}/rows"),
    ("get", "/api/reports/{name}/csv"),
    ("get", "/api/reports/{name}/xlsx"),
    ("get", "/api/reports/{name}/svg"),
    ("get", "/api/reports/{name}/viewers"),
    ("post", "/api/reports/{name}/viewers"),
    ("delete", "/api/reports/{name}/viewers/{username}"),
    ("post", "/api/reports/{name}/pivot"),
    ("post", "/api/reports/{name}/save"),
    ("get", "/api/published"),
    ("get", "/api/published/{graph}/{node}"),
    ("post", "/api/published/{graph}/{node}/pivot"),
    ("post", "/api/published/{graph}/{node}/save"),
];

#[tokio::test]
async fn the_openapi_document_describes_every_route_parameter_and_error() {
    let app = App::new().await;
    let doc = app.call("GET", "/api/openapi.json", None, None).await.body;
    assert_eq!(doc["components"]["securitySchemes"]["session"]["in"], "cookie", "{}", doc["components"]);
    assert!(doc["components"]["schemas"]["ErrorBody"]["required"][0] == "error");
    let mut ids = std::collections::BTreeSet::new();
    for (method, path) in ROUTES {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is missing from the document");
        if let Some(id) = op["operationId"].as_str() {
            assert!(ids.insert(id.to_string()), "operationId `{id}` is used twice");
        }
        for name in path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')) {
            let declared =
                op["parameters"].as_array().into_iter().flatten().any(|p| p["name"] == name && p["in"] == "path");
            assert!(declared, "{method} {path}: path parameter `{name}` is not declared");
        }
        let responses = op["responses"].as_object().unwrap();
        let public = *path == "/api/session" && *method != "get";
        assert!(public || responses.contains_key("401"), "{method} {path}: no 401");
        for (status, r) in responses.iter().filter(|(s, _)| s.starts_with('4')) {
            assert_eq!(
                r["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody",
                "{method} {path} {status}: no error body"
            );
        }
        if op.get("requestBody").is_some() {
            for status in ["400", "413", "415"] {
                assert!(responses.contains_key(status), "{method} {path}: no {status}");
            }
        }
    }
    // Links lead from what an answer creates to the operations on it.
    let links = &doc["paths"]["/api/graphs"]["post"]["responses"]["201"]["links"];
    assert_eq!(links["graphs_fetch"]["parameters"]["id"], "$response.body#/id", "{links}");
    for link in
        doc["paths"].as_object().unwrap().values().flat_map(|i| i.as_object().unwrap().values()).flat_map(|op| {
            op["responses"].as_object().unwrap().values().flat_map(|r| r["links"].as_object().into_iter().flatten())
        })
    {
        assert!(ids.contains(link.1["operationId"].as_str().unwrap()), "a link to an unknown operation: {link:?}");
    }
    assert_eq!(null_at(&doc, "#"), None, "the document has a null where a schema or object belongs");
    let audit = doc["paths"]["/api/audit"]["get"]["parameters"].as_array().unwrap();
    assert!(audit.iter().any(|p| p["name"] == "since" && p["in"] == "query"), "{audit:?}");
    // A node's columns are an array of fields (or null), as the review page gets them.
    let after = &doc["components"]["schemas"]["NodeSchemaDiff"]["properties"]["after"];
    assert!(after["type"].as_array().is_some_and(|t| t.contains(&json!("array"))), "{after}");
    let rows = &doc["components"]["schemas"]["PreviewResponse"]["properties"]["rows"]["items"]["items"];
    assert!(rows.get("type").is_none_or(|t| t != "object"), "preview cells are any JSON value, not objects: {rows}");
}

/// The first place a JSON `null` appears in the document outside examples.
fn null_at(v: &Value, at: &str) -> Option<String> {
    match v {
        Value::Null => Some(at.to_string()),
        Value::Object(m) => {
            m.iter().filter(|(k, _)| *k != "example").find_map(|(k, v)| null_at(v, &format!("{at}/{k}")))
        }
        Value::Array(a) => a.iter().enumerate().find_map(|(i, v)| null_at(v, &format!("{at}/{i}"))),
        _ => None,
    }
}
