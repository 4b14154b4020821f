//! Helpers for the review tests: the demo graph, saving an edit, submitting and deciding.

use super::app::App;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// The demo's `daily_branch_summary` graph as `cookie` sees it: (id, document).
pub async fn demo_graph(app: &App, cookie: &str) -> (String, Value) {
    let (_, list) = app.req("GET", "/api/graphs", None, Some(cookie)).await;
    let graphs = list["graphs"].as_array().unwrap();
    let id = graphs.iter().find(|g| g["name"] == "daily_branch_summary").unwrap()["id"].as_str().unwrap().to_string();
    let (_, doc) = app.req("GET", &format!("/api/graphs/{id}"), None, Some(cookie)).await;
    (id, doc)
}

/// Saves `edit` applied to the graph's current version as `cookie`; returns the new version.
pub async fn save_edit(app: &App, cookie: &str, id: &str, edit: impl FnOnce(&mut Value)) -> i64 {
    let (_, doc) = app.req("GET", &format!("/api/graphs/{id}"), None, Some(cookie)).await;
    let mut g = doc["graph"].clone();
    edit(&mut g);
    let body = json!({"graph": g, "base_version": doc["version"]});
    let (s, saved) = app.req("PUT", &format!("/api/graphs/{id}"), Some(body), Some(cookie)).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    saved["version"].as_i64().unwrap()
}

pub fn describe(text: &'static str) -> impl FnOnce(&mut Value) {
    move |g: &mut Value| g["description"] = json!(text)
}

pub async fn submit(app: &App, cookie: &str, id: &str) -> String {
    let (s, sub) = app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({})), Some(cookie)).await;
    assert_eq!(s, StatusCode::CREATED, "{sub}");
    sub["id"].as_str().unwrap().to_string()
}

pub async fn decide(app: &App, cookie: &str, sid: &str, verb: &str) -> (StatusCode, Value) {
    app.req("POST", &format!("/api/reviews/{sid}/{verb}"), Some(json!({"comment": "looked at it"})), Some(cookie)).await
}
