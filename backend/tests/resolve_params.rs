//! The derived date parameters shown before anything runs: the run dialog's
//! `POST /api/graphs/{id}/resolve-params` and the run page's
//! `GET /api/runs/{id}/resolved-params`, by the built-in China calendar.

mod common;

use axum::http::StatusCode;
use common::app::App;
use serde_json::{Value, json};

fn graph() -> Value {
    json!({
        "format": "sluice.graph/v1", "name": "derived_days",
        "params": {
            "biz_date": {"type": "date", "default": "2025-10-09"},
            "prev": {"type": "date", "derive": {"from": "biz_date", "calendar": "cn", "offset": -1}},
            "yoy": {"type": "date", "derive": {"from": "biz_date", "calendar": "cn", "rule": "same_day_last_year"}}
        },
        "nodes": [{"id": "d", "kind": "source.dates", "config": {"from": "$prev", "to": "$biz_date", "calendar": "cn"}},
                  {"id": "out", "kind": "sink.csv", "config": {"path": "out/days_{biz_date}.csv"}}],
        "edges": [{"from": "d", "to": "out"}]
    })
}

fn by_name(answer: &Value) -> Vec<(String, Value, Value)> {
    answer["derived"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_string(), p["value"].clone(), p["error"].clone()))
        .collect()
}

#[tokio::test]
async fn the_dialog_and_the_run_page_see_the_resolved_dates() {
    let app = App::new().await;
    let ana = app.login("analyst").await;
    let (s, created) = app.req("POST", "/api/graphs", Some(json!({ "graph": graph() })), Some(&ana)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let url = format!("/api/graphs/{id}/resolve-params");

    // The first business day after the 2025 Golden Week: T-1 is 30 September.
    let (s, got) = app.req("POST", &url, Some(json!({"biz_date": "2025-10-09"})), Some(&ana)).await;
    assert_eq!(s, StatusCode::OK, "{got}");
    assert_eq!(got["biz_date"], "2025-10-09");
    let prev = &got["derived"][0];
    assert_eq!(
        prev,
        &json!({"name": "prev", "from": "biz_date", "calendar": "cn", "offset": -1, "rule": null,
                "value": "2025-09-30", "error": null})
    );
    assert_eq!(got["derived"][1]["rule"], "same_day_last_year");
    assert_eq!(got["derived"][1]["value"], "2024-10-09");
    // Given as the parameter, as the dialog sends a declared biz_date: 2025-10-06 is a holiday.
    let (_, got) = app.req("POST", &url, Some(json!({"params": {"biz_date": "2025-10-06"}})), Some(&ana)).await;
    assert_eq!(
        by_name(&got),
        [("prev".to_string(), json!("2025-09-30"), Value::Null), ("yoy".to_string(), json!("2024-09-30"), Value::Null)]
    );

    // A year the calendar has no data for: the parameter's error names it; the request succeeds.
    let (s, got) = app.req("POST", &url, Some(json!({"biz_date": "2004-01-02"})), Some(&ana)).await;
    assert_eq!(s, StatusCode::OK, "{got}");
    let got = by_name(&got);
    assert_eq!(got[0].1, Value::Null, "{got:?}");
    assert!(got[0].2.as_str().unwrap().contains("no data for year 2003"), "{got:?}");
    assert!(got[1].2.as_str().unwrap().contains("2003"), "{got:?}");

    // Mistakes are 4xx.
    let (s, _) = app.req("POST", &url, Some(json!({"biz_date": "2025-02-30"})), Some(&ana)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = app.req("POST", "/api/graphs/nope/resolve-params", Some(json!({})), Some(&ana)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.req("POST", &url, Some(json!({})), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // A draft run for that date: its page shows the same values.
    let (s, run) =
        app.req("POST", &format!("/api/graphs/{id}/run"), Some(json!({"biz_date": "2025-10-09"})), Some(&ana)).await;
    assert_eq!(s, StatusCode::CREATED, "{run}");
    let run_id = run["id"].as_str().unwrap();
    let (s, got) = app.req("GET", &format!("/api/runs/{run_id}/resolved-params"), None, Some(&ana)).await;
    assert_eq!(s, StatusCode::OK, "{got}");
    assert_eq!(got["biz_date"], "2025-10-09");
    assert_eq!(
        by_name(&got),
        [("prev".to_string(), json!("2025-09-30"), Value::Null), ("yoy".to_string(), json!("2024-10-09"), Value::Null)]
    );
    let (s, _) = app.req("GET", "/api/runs/nope/resolved-params", None, Some(&ana)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
