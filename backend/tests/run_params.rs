//! Draft runs take the business date and parameter values the user chose in the
//! run dialog: checked against the graph's declarations before anything is
//! queued, kept with the run, and used by the run (found in use: a run ignored
//! the values its preview used, wrote 0 rows and said "succeeded").

mod common;

use axum::http::StatusCode;
use common::app::App;
use serde_json::{Value, json};

/// Transactions of one business date above a minimum amount, counted.
fn graph() -> Value {
    json!({
        "format": "sluice.graph/v1",
        "name": "over_min",
        "params": {
            "biz_date": { "type": "date", "default": "2026-11-24" },
            "min_amount": { "type": "int64", "default": 0 }
        },
        "nodes": [
            { "id": "t", "kind": "source.csv", "config": { "path": "demo/transactions.csv" } },
            { "id": "f", "kind": "transform.filter",
              "config": { "predicate": "txn_date = $biz_date AND amount >= $min_amount" } },
            { "id": "n", "kind": "transform.aggregate", "config": { "group_by": [], "aggregates": [ { "fn": "count", "as": "rows" } ] } },
            { "id": "out", "kind": "sink.csv", "config": { "path": "out/over_min_{biz_date}.csv" } }
        ],
        "edges": [ { "from": "t", "to": "f" }, { "from": "f", "to": "n" }, { "from": "n", "to": "out" } ]
    })
}

async fn run(app: &App, cookie: &str, id: &str, body: Value) -> (StatusCode, Value) {
    app.req("POST", &format!("/api/graphs/{id}/run"), Some(body), Some(cookie)).await
}

/// The count the sandbox output of a finished draft run holds.
fn count_in(app: &App, user_id: &str, date: &str) -> i64 {
    let file = app.dir.path().join("sandbox").join(user_id).join(format!("out/over_min_{date}.csv"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    text.lines().nth(1).expect("a data row").trim().parse().expect("a count")
}

#[tokio::test]
async fn a_draft_run_uses_the_values_chosen_for_it() {
    let app = App::with_options(|_| {}).await;
    let ana = app.login("analyst").await;
    let (s, created) = app.req("POST", "/api/graphs", Some(json!({ "graph": graph() })), Some(&ana)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let user = app.state.store.user_by_name("analyst").await.unwrap().unwrap();

    // The dialog's prefill (the defaults): every transaction of 2026-11-24.
    let (s, all) = run(&app, &ana, &id, json!({ "params": { "biz_date": "2026-11-24", "min_amount": "0" } })).await;
    assert_eq!(s, StatusCode::CREATED, "{all}");
    app.state.scheduler.drain().await.unwrap();
    let everything = count_in(&app, &user.id, "2026-11-24");
    assert!(everything > 0);

    // A minimum and another date, given as parameters: kept with the run and used by it.
    let body = json!({ "params": { "biz_date": "2026-11-23", "min_amount": "5000" } });
    let (s, r) = run(&app, &ana, &id, body).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!((r["biz_date"].as_str(), &r["params"]), (Some("2026-11-23"), &json!({ "min_amount": "5000" })), "{r}");
    app.state.scheduler.drain().await.unwrap();
    let (_, detail) = app.req("GET", &format!("/api/runs/{}", r["id"].as_str().unwrap()), None, Some(&ana)).await;
    assert_eq!(detail["run"]["status"], "succeeded", "{detail}");
    assert_eq!(detail["run"]["params"]["min_amount"], "5000", "{detail}");
    let large = count_in(&app, &user.id, "2026-11-23");
    let (_, all_23) = run(&app, &ana, &id, json!({ "biz_date": "2026-11-23" })).await;
    app.state.scheduler.drain().await.unwrap();
    assert_eq!(all_23["params"], json!({}), "{all_23}");
    let all_of_23 = count_in(&app, &user.id, "2026-11-23");
    assert!(large < all_of_23, "the minimum filtered: {large} of {all_of_23}");
}

#[tokio::test]
async fn values_that_cannot_bind_are_refused_before_anything_is_queued() {
    let app = App::with_options(|_| {}).await;
    let ana = app.login("analyst").await;
    let (_, created) = app.req("POST", "/api/graphs", Some(json!({ "graph": graph() })), Some(&ana)).await;
    let id = created["id"].as_str().unwrap().to_string();
    let cases = [
        (json!({ "params": { "min_amount": "1.5" } }), StatusCode::UNPROCESSABLE_ENTITY, "params.min_amount"),
        (json!({ "params": { "nope": "1" } }), StatusCode::UNPROCESSABLE_ENTITY, "params.nope"),
        (json!({ "params": { "biz_date": "2026-02-30" } }), StatusCode::BAD_REQUEST, "2026-02-30"),
        (
            json!({ "biz_date": "2026-11-23", "params": { "biz_date": "2026-11-22" } }),
            StatusCode::BAD_REQUEST,
            "2026-11-22",
        ),
    ];
    for (body, status, needle) in cases {
        let (s, answer) = run(&app, &ana, &id, body.clone()).await;
        assert_eq!(s, status, "{body} → {answer}");
        assert!(answer.to_string().contains(needle), "{body} → {answer}");
    }
    let (_, runs) = app.req("GET", &format!("/api/runs?graph={id}"), None, Some(&ana)).await;
    assert_eq!(runs["runs"].as_array().unwrap().len(), 0, "nothing was queued: {runs}");
}
