//! The API's stricter types (issue 11): schedules answer `enabled` as a bool
//! and `depends_on` as an array, run listings filter by typed statuses (an
//! unknown one is refused, not an empty answer), `RunFilter` filters the same
//! on SQLite and PostgreSQL, and a store outage answers 500, never 404.

mod common;

use axum::http::StatusCode;
use common::app::App;
use serde_json::{Value, json};
use sluice_backend::store::{NO_PARAMS, NewRun, RunFilter, RunKind, Store};
use sluice_shared::api::{Role, RunStatus};

async fn graph_id(app: &App, cookie: &str, name: &str) -> String {
    let (_, list) = app.req("GET", "/api/graphs", None, Some(cookie)).await;
    let g = list["graphs"].as_array().unwrap().iter().find(|g| g["name"] == name).unwrap();
    g["id"].as_str().unwrap().to_string()
}

/// Submits graph `id` as the analyst and approves it as the admin.
async fn approve(app: &App, ana: &str, admin: &str, id: &str) {
    let (s, sub) = app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({"message": "m"})), Some(ana)).await;
    assert_eq!(s, StatusCode::CREATED, "{sub}");
    let path = format!("/api/reviews/{}/approve", sub["id"].as_str().unwrap());
    let (s, b) = app.req("POST", &path, Some(json!({"comment": "ok"})), Some(admin)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "approved");
}

#[tokio::test]
async fn schedules_answer_enabled_as_a_bool_and_depends_on_as_an_array() {
    let app = App::new().await;
    let (ana, admin) = (app.login("analyst").await, app.login("admin").await);
    let first = graph_id(&app, &ana, "daily_branch_summary").await;
    let second = graph_id(&app, &ana, "large_txn_watchlist").await;
    approve(&app, &ana, &admin, &first).await;
    approve(&app, &ana, &admin, &second).await;
    let (s, a) =
        app.req("POST", "/api/schedules", Some(json!({"graph_id": first, "cron": "0 2 * * *"})), Some(&admin)).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!((&a["enabled"], &a["depends_on"]), (&json!(true), &json!([])), "{a}");
    let body = json!({"graph_id": second, "cron": "0 3 * * *", "depends_on": [first], "enabled": false});
    let (s, b) = app.req("POST", "/api/schedules", Some(body), Some(&admin)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!((&b["enabled"], &b["depends_on"]), (&json!(false), &json!([first])), "{b}");
    let path = format!("/api/schedules/{}", a["id"].as_str().unwrap());
    assert_eq!(app.req("PATCH", &path, Some(json!({"enabled": false})), Some(&admin)).await.0, StatusCode::OK);
    let (_, list) = app.req("GET", "/api/schedules", None, Some(&admin)).await;
    let schedules = list["schedules"].as_array().unwrap();
    assert_eq!(schedules.len(), 2);
    for s in schedules {
        assert!(s["enabled"].is_boolean() && s["depends_on"].is_array(), "{s}");
        assert!(s["created_at"].is_i64() && s["last_fire_at"].is_i64(), "timestamps are milliseconds: {s}");
    }
    assert!(schedules.iter().all(|s| s["enabled"] == json!(false)), "{list}");
}

#[tokio::test]
async fn run_listings_take_typed_statuses() {
    let app = App::new().await;
    let ana = app.login("analyst").await;
    let id = graph_id(&app, &ana, "daily_branch_summary").await;
    let (s, run) = app.req("POST", &format!("/api/graphs/{id}/run"), Some(json!({})), Some(&ana)).await;
    assert_eq!(s, StatusCode::CREATED, "{run}");
    assert_eq!((&run["status"], &run["kind"]), (&json!("queued"), &json!("draft")));
    let count = |v: &Value| v["runs"].as_array().map_or(0, Vec::len);
    for (query, n) in [("", 1), ("?status=queued", 1), ("?status=failed", 0), ("?graph=&date=", 1)] {
        let (s, list) = app.req("GET", &format!("/api/runs{query}"), None, Some(&ana)).await;
        assert_eq!((s, count(&list)), (StatusCode::OK, n), "{query}: {list}");
    }
    for bad in ["paused", "", "Queued"] {
        let (s, body) = app.req("GET", &format!("/api/runs?status={bad}"), None, Some(&ana)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "an unknown status `{bad}` is refused: {body}");
    }
    let (s, body) = app.req("GET", "/api/reviews?status=pending", None, Some(&ana)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(app.req("GET", "/api/reviews?status=all", None, Some(&ana)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn run_filters_hold_on_both_databases() {
    common::on_both(|store: Store, db| async move {
        let u = store.create_user("q", "h", Role::Analyst).await.unwrap();
        let (g1, g2) = (
            store.create_graph(&u.id, "q", "g1", "", "{}").await.unwrap().id,
            store.create_graph(&u.id, "q", "g2", "", "{}").await.unwrap().id,
        );
        for (graph, date) in [(&g1, "2026-11-01"), (&g1, "2026-11-02"), (&g2, "2026-11-01")] {
            let run = NewRun {
                schedule_id: None,
                graph_id: graph,
                hash: "h",
                biz_date: date,
                kind: RunKind::Scheduled,
                attempt: 1,
                not_before: 0,
                requested_by: "scheduler",
                params: &NO_PARAMS,
            };
            store.create_run(run).await.unwrap();
        }
        let first = store.runs(&RunFilter::default().graph(&g1).date("2026-11-01"), 10).await.unwrap();
        store.finish_run(&first[0].id, RunStatus::Failed, Some("boom"), 5).await.unwrap();
        let n = |f: RunFilter| {
            let store = store.clone();
            async move { store.runs(&f, 10).await.unwrap().len() }
        };
        assert_eq!(n(RunFilter::default()).await, 3, "{db}: no filter, every run");
        assert_eq!(n(RunFilter::default().graph(&g1)).await, 2, "{db}");
        assert_eq!(n(RunFilter::default().date("2026-11-01")).await, 2, "{db}");
        assert_eq!(n(RunFilter::default().status(RunStatus::Queued)).await, 2, "{db}");
        assert_eq!(n(RunFilter::default().status(RunStatus::Failed).graph(&g1)).await, 1, "{db}");
        assert_eq!(n(RunFilter::default().status(RunStatus::Failed).graph(&g2)).await, 0, "{db}");
        assert_eq!(n(RunFilter::default().graph("")).await, 0, "{db}: an empty id is an id, not `any`");
        // A finished run does not finish twice.
        assert!(!store.finish_run(&first[0].id, RunStatus::Succeeded, None, 6).await.unwrap(), "{db}");
        assert!(store.production_run_exists(&g1, "2026-11-01", &[]).await.is_ok_and(|e| !e), "{db}");
    })
    .await;
}

/// Before: nine handlers turned every store error into 404, so an outage
/// looked like a missing graph. Now only "not found" is a 404.
#[tokio::test]
async fn a_store_outage_answers_500_not_404() {
    let app = App::new().await;
    let ana = app.login("analyst").await;
    let id = graph_id(&app, &ana, "daily_branch_summary").await;
    assert_eq!(app.req("GET", &format!("/api/graphs/{id}"), None, Some(&ana)).await.0, StatusCode::OK);
    assert_eq!(app.req("GET", "/api/graphs/no-such-graph", None, Some(&ana)).await.0, StatusCode::NOT_FOUND);
    // The versions table goes away under the running server.
    let url = Store::sqlite_url(app.dir.path());
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    sqlx::query("DROP TABLE graph_versions").execute(&pool).await.unwrap();
    for (method, path) in [
        ("GET", format!("/api/graphs/{id}")),
        ("GET", format!("/api/graphs/{id}/submissions")),
        ("POST", format!("/api/graphs/{id}/run")),
    ] {
        let body = (method == "POST").then(|| json!({}));
        let r = app.send_any(App::request(method, &path, body, Some(&ana))).await;
        let (s, b) = (r.status, r.body);
        assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR, "{method} {path}: {b}");
        assert_eq!(b["error"]["code"], "internal", "{b}");
        assert!(!b.to_string().contains("graph_versions"), "the cause is logged, not answered: {b}");
    }
}

/// The OpenAPI document is generated from the same `shared::api` types, so it
/// states the stricter types exactly (schemathesis holds answers to it).
#[tokio::test]
async fn the_document_states_the_stricter_types() {
    let app = App::new().await;
    let (s, doc) = app.req("GET", "/api/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let schemas = &doc["components"]["schemas"];
    let texts = |all: Vec<String>| json!(all);
    assert_eq!(schemas["Schedule"]["properties"]["enabled"]["type"], "boolean", "{}", schemas["Schedule"]);
    assert_eq!(schemas["Schedule"]["properties"]["depends_on"]["type"], "array");
    assert_eq!(schemas["Alert"]["properties"]["delivered"]["type"], "boolean");
    assert_eq!(schemas["RunStatus"]["enum"], texts(RunStatus::ALL.iter().map(|s| s.to_string()).collect()));
    assert_eq!(schemas["Role"]["enum"], texts(Role::ALL.iter().map(|s| s.to_string()).collect()));
    assert_eq!(schemas["Run"]["properties"]["status"]["$ref"], "#/components/schemas/RunStatus");
    assert_eq!(schemas["Timestamp"]["type"], "integer", "{}", schemas["Timestamp"]);
}
