//! The review of a version lists the check rules it adds (issue 14), over HTTP.

mod common;

use axum::http::StatusCode;
use common::app::App;
use serde_json::json;

#[tokio::test]
async fn the_review_lists_check_rules_the_version_adds() {
    let app = App::new().await;
    let ana = app.login("analyst").await;
    let admin = app.login("admin").await;
    let (_, list) = app.req("GET", "/api/graphs", None, Some(&ana)).await;
    let graphs = list["graphs"].as_array().unwrap();
    let id = graphs.iter().find(|g| g["name"] == "daily_branch_summary").unwrap()["id"].as_str().unwrap().to_string();
    let (_, doc) = app.req("GET", &format!("/api/graphs/{id}"), None, Some(&ana)).await;
    let mut g = doc["graph"].clone();
    let source = g["nodes"].as_array().unwrap().iter().find(|n| n["kind"] == "source.csv").unwrap()["id"].clone();
    g["nodes"].as_array_mut().unwrap().push(json!({"id": "qc", "kind": "transform.check",
        "config": {"rules": [{"name": "enough", "kind": "row_count", "min": 1}]}}));
    g["edges"].as_array_mut().unwrap().push(json!({"from": source, "to": "qc"}));
    let body = json!({"graph": g, "base_version": doc["version"]});
    let (s, saved) = app.req("PUT", &format!("/api/graphs/{id}"), Some(body), Some(&ana)).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    assert!(saved["problems"].as_array().is_none_or(|p| p.is_empty()), "{saved}");
    let (s, sub) = app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({})), Some(&ana)).await;
    assert_eq!(s, StatusCode::CREATED, "{sub}");
    let (s, review) =
        app.req("GET", &format!("/api/reviews/{}", sub["id"].as_str().unwrap()), None, Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{review}");
    assert_eq!(
        review["check_changes"],
        json!([{"node": "qc", "rule": "enough", "change": "added", "detail": "row_count (error)"}])
    );
    assert_eq!(review["last_checks"], json!([]), "no production run with checks yet");
}
