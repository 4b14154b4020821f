//! The HTTP API driven in-process (router + real SQLite store + real files):
//! sessions, roles, the graph library, validation and previews, and the
//! answers to bad input (400/401/403/404/409/413/415/422, never 500).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::app::App;
use serde_json::{Value, json};

fn graph(name: &str) -> Value {
    json!({
        "format": "sluice.graph/v1", "name": name,
        "params": {"biz_date": {"type": "date", "default": "2026-11-24"}},
        "nodes": [
            {"id": "txns", "kind": "source.csv", "config": {"path": "demo/transactions.csv"}},
            {"id": "big", "kind": "transform.filter", "config": {"predicate": "amount > 100"}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/x.csv"}}
        ],
        "edges": [{"from": "txns", "to": "big"}, {"from": "big", "to": "out"}]
    })
}

#[tokio::test]
async fn sign_in_messages_do_not_reveal_accounts() {
    let app = App::new().await;
    let wrong = app.call("POST", "/api/session", Some(json!({"username": "admin", "password": "x"})), None).await;
    let unknown = app.call("POST", "/api/session", Some(json!({"username": "ghost", "password": "x"})), None).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body);
    let c = app.login("admin").await;
    assert_eq!(app.call("GET", "/api/session", None, Some(&c)).await.body["role"], "admin");
    // Two sign-ins give two different tokens (no fixation), and sign-out ends the session.
    let c2 = app.login("admin").await;
    assert_ne!(c, c2);
    assert_eq!(app.call("DELETE", "/api/session", None, Some(&c)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.call("GET", "/api/session", None, Some(&c)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.call("GET", "/api/session", None, Some(&c2)).await.status, StatusCode::OK);
    let forged = format!("sluice_session={}", "ab".repeat(32));
    assert_eq!(app.call("GET", "/api/graphs", None, Some(&forged)).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn repeated_failures_are_throttled() {
    let app = App::new().await;
    for _ in 0..5 {
        app.call("POST", "/api/session", Some(json!({"username": "analyst", "password": "nope"})), None).await;
    }
    let r =
        app.call("POST", "/api/session", Some(json!({"username": "analyst", "password": "analyst-demo"})), None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn every_endpoint_needs_a_session() {
    let app = App::new().await;
    for (m, p) in [
        ("GET", "/api/graphs"),
        ("POST", "/api/graphs"),
        ("GET", "/api/graphs/x"),
        ("PUT", "/api/graphs/x"),
        ("DELETE", "/api/graphs/x"),
        ("POST", "/api/graphs/x/duplicate"),
        ("GET", "/api/graphs/x/versions"),
        ("GET", "/api/graphs/x/versions/1"),
        ("POST", "/api/validate"),
        ("GET", "/api/files"),
        ("POST", "/api/preview"),
    ] {
        let body =
            (m != "GET" && m != "DELETE").then(|| json!({"graph": graph("g"), "node": "big", "base_version": 1}));
        let r = app.call(m, p, body, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{m} {p}");
        assert_eq!(r.body["error"]["code"], "unauthorized");
    }
}

#[tokio::test]
async fn graph_library_round_trip_with_versions_and_conflicts() {
    let app = App::new().await;
    let c = app.login("analyst").await;
    let created = app.call("POST", "/api/graphs", Some(json!({"graph": graph("mine")})), Some(&c)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_string();
    let mut g = graph("mine renamed");
    g["nodes"][1]["config"]["predicate"] = json!("amount > 500");
    let saved =
        app.call("PUT", &format!("/api/graphs/{id}"), Some(json!({"graph": g, "base_version": 1})), Some(&c)).await;
    assert_eq!((saved.status, saved.body["version"].as_i64()), (StatusCode::OK, Some(2)));
    let stale = app
        .call("PUT", &format!("/api/graphs/{id}"), Some(json!({"graph": graph("x"), "base_version": 1})), Some(&c))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body["error"]["message"].as_str().unwrap().contains("someone else"));
    let fetched = app.call("GET", &format!("/api/graphs/{id}"), None, Some(&c)).await;
    assert_eq!(fetched.body["graph"]["name"], "mine renamed");
    assert_eq!(fetched.body["graph"]["nodes"][1]["config"]["predicate"], "amount > 500");
    let v1 = app.call("GET", &format!("/api/graphs/{id}/versions/1"), None, Some(&c)).await;
    assert_eq!(v1.body["graph"]["nodes"][1]["config"]["predicate"], "amount > 100");
    let list = app.call("GET", "/api/graphs", None, Some(&c)).await;
    assert!(list.body["graphs"].as_array().unwrap().iter().any(|g| g["name"] == "mine renamed"));
    let dup = app.call("POST", &format!("/api/graphs/{id}/duplicate"), None, Some(&c)).await;
    assert_eq!(dup.status, StatusCode::CREATED);
    assert_eq!(dup.body["graph"]["name"], "mine renamed (copy)");
    assert_eq!(app.call("DELETE", &format!("/api/graphs/{id}"), None, Some(&c)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.call("GET", &format!("/api/graphs/{id}"), None, Some(&c)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn analysts_cannot_reach_each_others_graphs() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    // The demo graphs belong to `analyst`; a second analyst must not see them.
    let list = app.call("GET", "/api/graphs", None, Some(&admin)).await;
    let theirs = list.body["graphs"][0]["id"].as_str().unwrap().to_string();
    let bob = app.login("bob").await;
    assert_eq!(app.call("GET", "/api/graphs", None, Some(&bob)).await.body["graphs"], json!([]));
    for (m, p) in [
        ("GET", format!("/api/graphs/{theirs}")),
        ("DELETE", format!("/api/graphs/{theirs}")),
        ("GET", format!("/api/graphs/{theirs}/versions")),
    ] {
        assert_eq!(app.call(m, &p, None, Some(&bob)).await.status, StatusCode::NOT_FOUND, "{m} {p}");
    }
    let put = app
        .call(
            "PUT",
            &format!("/api/graphs/{theirs}"),
            Some(json!({"graph": graph("x"), "base_version": 1})),
            Some(&bob),
        )
        .await;
    assert_eq!(put.status, StatusCode::NOT_FOUND);
    let val = app.login("val").await;
    let r = app.call("POST", "/api/graphs", Some(json!({"graph": graph("v")})), Some(&val)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.call("POST", "/api/preview", Some(json!({"graph": graph("v"), "node": "big"})), Some(&val)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn bad_input_gets_precise_errors() {
    let app = App::new().await;
    let c = app.login("analyst").await;
    let mut g = graph("g");
    g["nodes"][0]["colour"] = json!("red");
    let r = app.call("POST", "/api/graphs", Some(json!({"graph": g})), Some(&c)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["error"]["details"]["problems"][0]["node"], "txns");
    assert!(r.body["error"]["details"]["problems"][0]["message"].as_str().unwrap().contains("colour"));
    // Not JSON, wrong content type, too large, wrong shape.
    let raw = |ct: &str, body: Vec<u8>| {
        Request::builder()
            .method("POST")
            .uri("/api/graphs")
            .header(header::COOKIE, &c)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    };
    assert_eq!(app.send(raw("application/json", b"{nope".to_vec())).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.send(raw("text/plain", b"{}".to_vec())).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let big = format!("{{\"graph\": \"{}\"}}", "x".repeat(9 << 20));
    let r = app.send(raw("application/json", big.into_bytes())).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.body["error"]["code"], "too_large");
    assert_eq!(app.send(raw("application/json", b"{\"graf\": 1}".to_vec())).await.status, StatusCode::BAD_REQUEST);
    // A cross-site POST is refused even with a session cookie.
    let cross = Request::builder()
        .method("POST")
        .uri("/api/graphs")
        .header(header::COOKIE, &c)
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ORIGIN, "http://evil.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"graph": graph("g")}).to_string()))
        .unwrap();
    assert_eq!(app.send(cross).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.call("GET", "/api/nope", None, Some(&c)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn validate_uses_real_columns_and_preview_returns_rows() {
    let app = App::new().await;
    let c = app.login("analyst").await;
    let r = app.call("POST", "/api/validate", Some(json!({"graph": graph("g")})), Some(&c)).await;
    assert_eq!(r.body["problems"], json!([]));
    assert!(r.body["schemas"]["big"].as_array().unwrap().iter().any(|f| f["name"] == "amount"));
    let mut bad = graph("g");
    bad["nodes"][1]["config"]["predicate"] = json!("amout > 1");
    let r = app.call("POST", "/api/validate", Some(json!({"graph": bad})), Some(&c)).await;
    assert_eq!(r.body["problems"][0]["node"], "big");
    assert!(r.body["problems"][0]["message"].as_str().unwrap().contains("amount"), "suggests the near name");
    assert!(r.body["schemas"]["txns"].as_array().is_some(), "schemas stay known while the graph is invalid");
    let p =
        app.call("POST", "/api/preview", Some(json!({"graph": graph("g"), "node": "big", "limit": 7})), Some(&c)).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let rows = p.body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 7);
    let amount = p.body["columns"].as_array().unwrap().iter().position(|c| c["name"] == "amount").unwrap();
    assert!(rows.iter().all(|r| r[amount].as_f64().unwrap() > 100.0));
    let p = app.call("POST", "/api/preview", Some(json!({"graph": bad, "node": "big"})), Some(&c)).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p.body["error"]["details"]["problems"][0]["node"], "big");
    let mut escape = graph("g");
    escape["nodes"][0]["config"]["path"] = json!("../../etc/passwd");
    let p = app.call("POST", "/api/preview", Some(json!({"graph": escape, "node": "txns"})), Some(&c)).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.call("POST", "/api/preview", Some(json!({"graph": graph("g"), "node": "zz"})), Some(&c)).await.status,
        StatusCode::NOT_FOUND
    );
    let files = app.call("GET", "/api/files", None, Some(&c)).await;
    assert!(files.body["files"].as_array().unwrap().iter().any(|f| f["path"] == "demo/transactions.csv"));
}

#[tokio::test]
async fn openapi_document_lists_the_routes() {
    let app = App::new().await;
    let r = app.call("GET", "/api/openapi.json", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    for p in ["/api/session", "/api/graphs", "/api/graphs/{id}", "/api/preview", "/api/validate"] {
        assert!(r.body["paths"].get(p).is_some(), "{p} missing from the OpenAPI document");
    }
}

#[tokio::test]
async fn previews_sample_blocking_steps_and_cache_answers() {
    let app = App::new().await;
    let c = app.login("analyst").await;
    let mut g = graph("g");
    g["nodes"].as_array_mut().unwrap().push(json!({"id": "agg", "kind": "transform.aggregate",
        "config": {"group_by": ["branch"], "aggregates": [{"fn": "count", "as": "n"}]}}));
    g["edges"].as_array_mut().unwrap().push(json!({"from": "big", "to": "agg"}));
    let first = app.call("POST", "/api/preview", Some(json!({"graph": g, "node": "agg"})), Some(&c)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.body["sample"], true, "an aggregate previews on a sample");
    assert_eq!(first.body["cached"], false);
    // Moving a node on the canvas changes nothing the preview depends on.
    g["nodes"][0]["pos"] = json!([500.0, 20.0]);
    let again = app.call("POST", "/api/preview", Some(json!({"graph": g, "node": "agg"})), Some(&c)).await;
    assert_eq!(again.body["cached"], true);
    assert_eq!(again.body["rows"], first.body["rows"]);
    // A config change does.
    g["nodes"][1]["config"]["predicate"] = json!("amount > 1000");
    let changed = app.call("POST", "/api/preview", Some(json!({"graph": g, "node": "agg"})), Some(&c)).await;
    assert_eq!(changed.body["cached"], false);
    assert_ne!(changed.body["rows"], first.body["rows"]);
    let full = app.call("POST", "/api/preview", Some(json!({"graph": g, "node": "agg", "full": true})), Some(&c)).await;
    assert_eq!(full.body["sample"], false);
    let plain = app.call("POST", "/api/preview", Some(json!({"graph": g, "node": "big"})), Some(&c)).await;
    assert_eq!(plain.body["sample"], false, "a filter reads the real rows");
    // A sink previews its input.
    let sink = app.call("POST", "/api/preview", Some(json!({"graph": g, "node": "out"})), Some(&c)).await;
    assert_eq!(sink.body["columns"], plain.body["columns"]);
}
