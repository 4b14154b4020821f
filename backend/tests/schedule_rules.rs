//! Issue 12 item 7: schedules that refuse duplicates and self-dependencies,
//! explain a bad cron and an empty backfill date in words, can be edited, and
//! whose backfills of past dates raise no SLA-miss alerts; alerts and the
//! audit log name graphs, not ids.

mod common;

use axum::http::StatusCode;
use common::app::App;
use common::world::{DAY, World};
use serde_json::{Value, json};

async fn approved_demo(app: &App, ana: &str, admin: &str) -> String {
    let (_, list) = app.req("GET", "/api/graphs", None, Some(ana)).await;
    let id = list["graphs"].as_array().unwrap().iter().find(|g| g["name"] == "daily_branch_summary").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, sub) = app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({})), Some(ana)).await;
    assert_eq!(s, StatusCode::CREATED, "{sub}");
    let path = format!("/api/reviews/{}/approve", sub["id"].as_str().unwrap());
    let (s, body) = app.req("POST", &path, Some(json!({"comment": "ok"})), Some(admin)).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    id
}

fn message(body: &Value) -> String {
    body["error"]["message"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn duplicates_self_dependencies_and_bad_crons_are_refused_in_words() {
    let app = App::new().await;
    let (ana, admin) = (app.login("analyst").await, app.login("admin").await);
    let id = approved_demo(&app, &ana, &admin).await;
    let new = |cron: &str| json!({"graph_id": id, "cron": cron});
    let (s, first) = app.req("POST", "/api/schedules", Some(new("0 2 * * *")), Some(&admin)).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");

    let (s, body) = app.req("POST", "/api/schedules", Some(new(" 0 2 * * * ")), Some(&admin)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let m = message(&body);
    assert!(m.contains("daily_branch_summary") && m.contains("already has a schedule `0 2 * * *`"), "{m}");
    // By a calendar it is another schedule.
    let by_cal = json!({"graph_id": id, "cron": "0 2 * * *", "calendar": "cn"});
    assert_eq!(app.req("POST", "/api/schedules", Some(by_cal), Some(&admin)).await.0, StatusCode::CREATED);

    let (s, body) = app.req("POST", "/api/schedules", Some(new("0 25 * * *")), Some(&admin)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(message(&body), "cron `0 25 * * *`: the hour `25` is out of range: it must be 0 to 23");

    let own = json!({"graph_id": id, "cron": "0 3 * * *", "depends_on": [id]});
    let (s, body) = app.req("POST", "/api/schedules", Some(own), Some(&admin)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(message(&body), "graph `daily_branch_summary` cannot depend on itself");

    // Edit: the cron changes; an edit into a duplicate is refused too.
    let path = format!("/api/schedules/{}", first["id"].as_str().unwrap());
    let (s, body) = app.req("PATCH", &path, Some(json!({"cron": "30 6 * * 1-5", "sla": "09:00"})), Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!((body["cron"].as_str(), body["sla"].as_str()), (Some("30 6 * * 1-5"), Some("09:00")));
    let (s, body) = app.req("PATCH", &path, Some(json!({"calendar": "cn", "cron": "0 2 * * *"})), Some(&admin)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let (s, body) = app.req("PATCH", &path, Some(json!({"cron": "every day"})), Some(&admin)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(message(&body).contains("five fields"), "{body}");
    let (s, body) = app.req("PATCH", &path, Some(json!({"enabled": false})), Some(&admin)).await;
    assert_eq!((s, body["enabled"].as_bool()), (StatusCode::OK, Some(false)), "{body}");

    // An empty backfill date says which one is missing.
    let (s, body) =
        app.req("POST", &format!("{path}/backfill"), Some(json!({"from": "", "to": "2026-11-03"})), Some(&admin)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(message(&body), "choose the first date of the range");

    // The audit log names the graph.
    let (_, log) = app.req("GET", "/api/audit?action=schedule_edit", None, Some(&admin)).await;
    let detail = log["entries"][0]["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("daily_branch_summary") && detail.contains("`30 6 * * 1-5`"), "{log}");
    assert_eq!(log["entries"][0]["target_name"], "daily_branch_summary", "the schedule's graph by name: {log}");
    assert_eq!(app.req("DELETE", &path, None, Some(&admin)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.req("PATCH", &path, Some(json!({"enabled": true})), Some(&admin)).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_backfill_of_past_dates_raises_no_sla_alert_and_alerts_name_the_graph() {
    let w = World::new(None).await;
    let g = w.graph("monthly_pnl", "none").await; // its input never arrives: every run fails
    let s = w.schedule(&g, &[], 0, Some("08:00")).await;
    // Long past dates, backfilled now: their deadlines passed before they were asked for.
    for d in ["2026-10-01", "2026-10-02"] {
        w.sched.enqueue(&s, d, sluice_shared::api::RunKind::Backfill, "admin").await.unwrap();
    }
    w.sched.drain().await.unwrap();
    w.sched.drain().await.unwrap();
    let alerts = w.store.alerts(50).await.unwrap();
    assert!(alerts.iter().all(|a| a.kind != "sla_miss"), "{alerts:?}");
    let failure = alerts.iter().find(|a| a.kind == "failure").expect("the failed backfill alerts");
    assert!(failure.message.contains("graph monthly_pnl "), "{}", failure.message);
    // The schedule's own run still has its SLA, and its alert names the graph.
    w.clock.advance(DAY + 60_000);
    w.sched.drain().await.unwrap();
    w.sched.drain().await.unwrap();
    let alerts = w.store.alerts(50).await.unwrap();
    let misses: Vec<_> = alerts.iter().filter(|a| a.kind == "sla_miss").collect();
    assert_eq!(misses.len(), 1, "{alerts:?}");
    assert!(misses[0].message.starts_with("graph monthly_pnl missed its SLA"), "{}", misses[0].message);
}
