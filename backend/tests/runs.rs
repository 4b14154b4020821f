//! Runs over HTTP: draft runs in the sandbox and their quota, schedules that
//! follow approvals, who sees which run and alert, and the live run-event
//! stream (visibility, its end, sign-out, and a per-user limit).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::app::App;
use serde_json::{Value, json};
use sluice_backend::server::{AppState, ServeOptions};
use sluice_backend::store::RunFilter;
use sluice_backend::store::{AlertRow, RunScope, Store};
use sluice_shared::api::{NodeStatus, Role, RunStatus, SubmissionStatus};
use std::time::Duration;
use tower::ServiceExt;

/// `App::with_options`, with its state (to drive the scheduler).
async fn app_with(set: impl FnOnce(&mut ServeOptions)) -> (App, AppState) {
    let app = App::with_options(set).await;
    let state = app.state.clone();
    (app, state)
}

async fn graph_id(app: &App, cookie: &str, name: &str) -> String {
    let (_, list) = app.req("GET", "/api/graphs", None, Some(cookie)).await;
    let g = list["graphs"].as_array().unwrap().iter().find(|g| g["name"] == name).unwrap();
    g["id"].as_str().unwrap().to_string()
}

async fn run_draft(app: &App, cookie: &str, id: &str) -> (StatusCode, Value) {
    app.req("POST", &format!("/api/graphs/{id}/run"), Some(json!({"biz_date": "2026-11-24"})), Some(cookie)).await
}

/// Opens the event stream; answers its status and body (not yet read).
async fn open_events(app: &App, cookie: &str, run: &str) -> (StatusCode, Body) {
    let req = Request::builder()
        .uri(format!("/api/runs/{run}/events"))
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    (res.status(), res.into_body())
}

/// Reads a stream to its end; fails the test if it does not end within 10 s.
async fn read_to_end(body: Body) -> String {
    let bytes = tokio::time::timeout(Duration::from_secs(10), axum::body::to_bytes(body, 1 << 20))
        .await
        .expect("the event stream must end")
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn a_draft_run_over_http_writes_into_the_sandbox_only() {
    let (app, state) = app_with(|_| {}).await;
    let ana = app.login("analyst").await;
    let id = graph_id(&app, &ana, "daily_branch_summary").await;
    let (s, run) = run_draft(&app, &ana, &id).await;
    assert_eq!((s, run["kind"].as_str()), (StatusCode::CREATED, Some("draft")), "{run}");
    state.scheduler.drain().await.unwrap();
    let (_, detail) = app.req("GET", &format!("/api/runs/{}", run["id"].as_str().unwrap()), None, Some(&ana)).await;
    assert_eq!(detail["run"]["status"], "succeeded", "{detail}");
    let analyst = state.store.user_by_name("analyst").await.unwrap().unwrap();
    let rel = "out/daily_branch_summary_2026-11-24.csv";
    assert!(!app.dir.path().join("files").join(rel).exists(), "no production output");
    assert!(app.dir.path().join("sandbox").join(&analyst.id).join(rel).exists());
}

#[tokio::test]
async fn draft_runs_have_a_per_user_quota() {
    let (app, _state) = app_with(|o| o.draft_quota = 2).await;
    let ana = app.login("analyst").await;
    let id = graph_id(&app, &ana, "daily_branch_summary").await;
    for _ in 0..2 {
        assert_eq!(run_draft(&app, &ana, &id).await.0, StatusCode::CREATED);
    }
    let (s, body) = run_draft(&app, &ana, &id).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("2 draft run"), "{body}");
    // Another user's quota is their own.
    let admin = app.login("admin").await;
    assert_eq!(run_draft(&app, &admin, &id).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn a_schedule_shows_and_runs_the_latest_approved_version() {
    let (app, _state) = app_with(|_| {}).await;
    let ana = app.login("analyst").await;
    let admin = app.login("admin").await;
    let id = graph_id(&app, &ana, "daily_branch_summary").await;
    let approve = |message: &'static str| {
        let (app, ana, admin, id) = (&app, &ana, &admin, &id);
        async move {
            let (_, sub) = app
                .req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({"message": message})), Some(ana))
                .await;
            let sid = sub["id"].as_str().unwrap();
            let path = format!("/api/reviews/{sid}/approve");
            let (s, b) = app.req("POST", &path, Some(json!({"comment": "ok"})), Some(admin)).await;
            assert_eq!(s, StatusCode::OK, "{b}");
            let (_, approved) = app.req("GET", &format!("/api/graphs/{id}/approved"), None, Some(ana)).await;
            approved["hash"].as_str().unwrap().to_string()
        }
    };
    let h1 = approve("first").await;
    let (s, sched) =
        app.req("POST", "/api/schedules", Some(json!({"graph_id": id, "cron": "0 2 * * *"})), Some(&admin)).await;
    assert_eq!((s, sched["hash"].as_str()), (StatusCode::CREATED, Some(h1.as_str())));
    let (_, doc) = app.req("GET", &format!("/api/graphs/{id}"), None, Some(&ana)).await;
    let mut g = doc["graph"].clone();
    g["description"] = json!("second approved version");
    let body = json!({"graph": g, "base_version": doc["version"]});
    assert_eq!(app.req("PUT", &format!("/api/graphs/{id}"), Some(body), Some(&ana)).await.0, StatusCode::OK);
    let h2 = approve("second").await;
    assert_ne!(h1, h2);
    let (_, list) = app.req("GET", "/api/schedules", None, Some(&admin)).await;
    assert_eq!(list["schedules"][0]["hash"], h2.as_str(), "the schedule runs what was approved last");
    let (_, audit) = app.req("GET", "/api/audit?action=schedule_follow", None, Some(&admin)).await;
    let entries = audit["entries"].as_array().unwrap();
    assert!(entries.iter().any(|e| e["detail"].as_str().unwrap_or("").contains(&h2[..12])), "{audit}");
}

#[tokio::test]
async fn runs_and_alerts_are_listed_by_role_and_ownership() {
    let (app, state) = app_with(|_| {}).await;
    let ana = app.login("analyst").await;
    let id = graph_id(&app, &ana, "daily_branch_summary").await;
    let (_, run) = run_draft(&app, &ana, &id).await;
    let rid = run["id"].as_str().unwrap();
    let alert = AlertRow {
        id: "a1".into(),
        run_id: Some(rid.into()),
        schedule_id: None,
        biz_date: "2026-11-24".into(),
        kind: "failure".into(),
        message: "draft failed".into(),
        at: 1,
        delivered: 0,
    };
    state.store.record_alert(&alert).await.unwrap();
    for (who, sees) in [("analyst", true), ("admin", true), ("bob", false), ("val", false)] {
        let c = app.login(who).await;
        let (_, list) = app.req("GET", "/api/runs", None, Some(&c)).await;
        let listed = list["runs"].as_array().unwrap().iter().any(|r| r["id"] == rid);
        assert_eq!(listed, sees, "{who} lists the draft run");
        let (s, _) = app.req("GET", &format!("/api/runs/{rid}"), None, Some(&c)).await;
        assert_eq!(s == StatusCode::OK, sees, "{who} reads the draft run: {s}");
        let (_, alerts) = app.req("GET", "/api/alerts", None, Some(&c)).await;
        let n = alerts["alerts"].as_array().unwrap().len();
        assert_eq!(n, usize::from(who == "admin"), "{who} sees a draft's alert");
    }
}

#[tokio::test]
async fn the_event_stream_checks_the_run_and_ends_with_it() {
    let (app, state) = app_with(|_| {}).await;
    let ana = app.login("analyst").await;
    let (s, _) = open_events(&app, &ana, "no-such-run").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let id = graph_id(&app, &ana, "daily_branch_summary").await;
    let (_, run) = run_draft(&app, &ana, &id).await;
    let rid = run["id"].as_str().unwrap();
    for who in ["bob", "val"] {
        let c = app.login(who).await;
        assert_eq!(open_events(&app, &c, rid).await.0, StatusCode::NOT_FOUND, "{who}");
    }
    // Opened while queued, the stream follows the run and ends with it.
    let (s, live) = open_events(&app, &ana, rid).await;
    assert_eq!(s, StatusCode::OK);
    let reader = tokio::spawn(read_to_end(live));
    state.scheduler.drain().await.unwrap();
    let text = reader.await.unwrap();
    assert!(text.contains("\"status\":\"queued\"") && text.contains("\"status\":\"succeeded\""), "{text}");
    // Opened after the end: 204, which also stops a browser's EventSource reconnecting.
    let (s, done) = open_events(&app, &ana, rid).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(read_to_end(done).await, "");
}

#[tokio::test]
async fn the_event_stream_ends_at_sign_out_and_is_limited_per_user() {
    let (app, _state) = app_with(|o| {
        o.max_event_streams = 2;
        o.stream_session_check = Duration::from_millis(50);
    })
    .await;
    let ana = app.login("analyst").await;
    let id = graph_id(&app, &ana, "daily_branch_summary").await;
    let (_, run) = run_draft(&app, &ana, &id).await;
    let rid = run["id"].as_str().unwrap();
    // No scheduler ticks here: the run stays queued and its streams stay open.
    let (_, first) = open_events(&app, &ana, rid).await;
    let (s, second) = open_events(&app, &ana, rid).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(open_events(&app, &ana, rid).await.0, StatusCode::TOO_MANY_REQUESTS);
    drop(second);
    let (s, third) = open_events(&app, &ana, rid).await;
    assert_eq!(s, StatusCode::OK, "a closed stream frees its slot");
    let reader = tokio::spawn(read_to_end(first));
    assert_eq!(app.req("DELETE", "/api/session", None, Some(&ana)).await.0, StatusCode::NO_CONTENT);
    assert!(reader.await.unwrap().contains("queued"), "the stream ended after sign-out");
    read_to_end(third).await;
}

#[tokio::test]
async fn run_access_queries_hold_on_both_databases() {
    common::on_both(|store: Store, db| async move {
        let u = store.create_user("q", "h", Role::Analyst).await.unwrap();
        let g = store.create_graph(&u.id, "q", "g", "", "{}").await.unwrap();
        let run = |kind: &'static str, hash: &'static str, who: &'static str| sluice_backend::store::NewRun {
            schedule_id: None,
            graph_id: &g.id,
            hash,
            biz_date: "2026-11-24",
            kind: kind.parse().unwrap(),
            attempt: 1,
            not_before: 0,
            requested_by: who,
            params: &sluice_backend::store::NO_PARAMS,
        };
        // The draft quota is checked in the insert itself.
        let d = store.create_draft_run(run("draft", "h1", "q"), 1).await.unwrap().expect("under quota");
        assert!(store.create_draft_run(run("draft", "h1", "q"), 1).await.unwrap().is_none(), "{db}");
        assert_eq!((d.kind.as_str(), d.status.as_str()), ("draft", "queued"), "{db}");
        store.finish_run(&d.id, RunStatus::Succeeded, None, 2).await.unwrap();
        assert!(store.create_draft_run(run("draft", "h1", "q"), 1).await.unwrap().is_some(), "{db}: quota freed");
        // Only a scheduled run of an approved hash is production.
        let p = store.create_run(run("scheduled", "h1", "scheduler")).await.unwrap();
        store.finish_run(&p.id, RunStatus::Succeeded, None, 3).await.unwrap();
        assert!(!store.production_run_exists(&g.id, "2026-11-24", &[RunStatus::Succeeded]).await.unwrap(), "{db}");
        let sub = store.submit(&g.id, 1, "h1", "", "q").await.unwrap();
        store.decide(&sub.id, SubmissionStatus::Approved, "admin", "ok").await.unwrap();
        assert!(store.production_run_exists(&g.id, "2026-11-24", &[RunStatus::Succeeded]).await.unwrap(), "{db}");
        assert_eq!(store.production_successes(&g.id, "2026-11-24").await.unwrap().len(), 1, "{db}");
        assert_eq!(store.latest_approved().await.unwrap()[&g.id], ("h1".to_string(), 1), "{db}");
        // Scopes: the owner sees both, a viewer the production run, another analyst nothing.
        let owner = RunScope::Owner { username: "q", user_id: &u.id };
        let other = RunScope::Owner { username: "z", user_id: "nobody" };
        for (scope, n) in [(RunScope::All, 3), (owner, 3), (RunScope::Production, 1), (other, 0)] {
            assert_eq!(store.runs_in_scope(scope, &RunFilter::default(), 10).await.unwrap().len(), n, "{db} {scope:?}");
        }
        assert!(store.run_in_scope(RunScope::Production, &d.id).await.unwrap().is_none(), "{db}");
        assert!(store.run_in_scope(owner, &d.id).await.unwrap().is_some(), "{db}");
        assert!(store.alerts_in_scope(other, 10).await.unwrap().is_empty(), "{db}");
        store.end_open_run_nodes(&d.id, NodeStatus::Failed).await.unwrap();
    })
    .await;
}

/// A production run is an admin's to cancel, even when its `requested_by`
/// happens to equal an analyst's name (found in review: an analyst named
/// `scheduler` could cancel the scheduled runs of the graphs they own).
#[tokio::test]
async fn analysts_cancel_their_own_drafts_but_no_scheduled_run() {
    let (app, state) = app_with(|_| {}).await;
    let ana = app.login("analyst").await;
    let id = graph_id(&app, &ana, "daily_branch_summary").await;
    let doc = state.store.get_graph(&id).await.unwrap().doc;
    let hash = sluice_backend::store::content_hash(&doc);
    let run = |kind: &str| sluice_backend::store::NewRun {
        schedule_id: None,
        graph_id: &id,
        hash: &hash,
        biz_date: "2026-11-24",
        kind: kind.parse().unwrap(),
        attempt: 1,
        not_before: 0,
        requested_by: "analyst",
        params: &sluice_backend::store::NO_PARAMS,
    };
    let scheduled = state.store.create_run(run("scheduled")).await.unwrap();
    let (s, body) = app.req("POST", &format!("/api/runs/{}/cancel", scheduled.id), None, Some(&ana)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let draft = state.store.create_run(run("draft")).await.unwrap();
    let (s, body) = app.req("POST", &format!("/api/runs/{}/cancel", draft.id), None, Some(&ana)).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{body}");
}
