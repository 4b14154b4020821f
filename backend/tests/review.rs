//! Submission and review over HTTP, and the role matrix: every endpoint for
//! every role (and no session), with the status each must answer.

mod common;

use axum::http::StatusCode;
use common::app::App;
use serde_json::{Value, json};

async fn demo_graph(app: &App, cookie: &str) -> (String, Value) {
    let (_, list) = app.req("GET", "/api/graphs", None, Some(cookie)).await;
    let graphs = list["graphs"].as_array().unwrap();
    let id = graphs.iter().find(|g| g["name"] == "daily_branch_summary").unwrap()["id"].as_str().unwrap().to_string();
    let (_, doc) = app.req("GET", &format!("/api/graphs/{id}"), None, Some(cookie)).await;
    (id, doc)
}

#[tokio::test]
async fn submit_reject_fix_resubmit_approve() {
    let app = App::new().await;
    let ana = app.login("analyst").await;
    let admin = app.login("admin").await;
    let (id, doc) = demo_graph(&app, &ana).await;

    // First submission, then the admin sees it in the queue and rejects it with a comment.
    let (s, sub) =
        app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({"message": "first"})), Some(&ana)).await;
    assert_eq!(s, StatusCode::CREATED, "{sub}");
    let sid = sub["id"].as_str().unwrap().to_string();
    let (s, _) = app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({})), Some(&ana)).await;
    assert_eq!(s, StatusCode::CONFLICT, "one pending submission per graph");
    let (_, queue) = app.req("GET", "/api/reviews", None, Some(&admin)).await;
    assert!(queue["submissions"].as_array().unwrap().iter().any(|q| q["id"] == sid));
    let (s, _) =
        app.req("POST", &format!("/api/reviews/{sid}/reject"), Some(json!({"comment": ""})), Some(&admin)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a rejection needs a comment");
    let (s, _) = app
        .req("POST", &format!("/api/reviews/{sid}/reject"), Some(json!({"comment": "threshold too low"})), Some(&admin))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, mine) = app.req("GET", &format!("/api/graphs/{id}/submissions"), None, Some(&ana)).await;
    assert_eq!(mine["submissions"][0]["status"], "rejected");
    assert_eq!(mine["submissions"][0]["comment"], "threshold too low");

    // The analyst fixes the filter and resubmits; the admin sees exactly that node changed.
    let mut g = doc["graph"].clone();
    let filter = g["nodes"].as_array_mut().unwrap().iter_mut().find(|n| n["kind"] == "transform.filter").unwrap();
    filter["config"]["predicate"] = json!("amount > 500 AND txn_date = $biz_date");
    let filter_id = filter["id"].as_str().unwrap().to_string();
    let (s, saved) = app
        .req("PUT", &format!("/api/graphs/{id}"), Some(json!({"graph": g, "base_version": doc["version"]})), Some(&ana))
        .await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    let (_, sub2) = app
        .req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({"message": "raised threshold"})), Some(&ana))
        .await;
    let sid2 = sub2["id"].as_str().unwrap().to_string();
    let (s, _) =
        app.req("POST", &format!("/api/reviews/{sid2}/approve"), Some(json!({"comment": "ok"})), Some(&ana)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "analysts do not review");
    let (s, _) =
        app.req("POST", &format!("/api/reviews/{sid2}/approve"), Some(json!({"comment": "good"})), Some(&admin)).await;
    assert_eq!(s, StatusCode::OK);
    let (_, approved) = app.req("GET", &format!("/api/graphs/{id}/approved"), None, Some(&ana)).await;
    assert_eq!(approved["version"], saved["version"]);
    assert_eq!(approved["hash"].as_str().unwrap().len(), 64);
    let (s, _) = app
        .req("POST", &format!("/api/reviews/{sid2}/reject"), Some(json!({"comment": "changed my mind"})), Some(&admin))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "a decided submission stays decided");

    // A later change shows as a diff against the approved version.
    let mut g2 = g.clone();
    let f2 = g2["nodes"].as_array_mut().unwrap().iter_mut().find(|n| n["id"] == filter_id.as_str()).unwrap();
    f2["config"]["predicate"] = json!("amount > 5000 AND txn_date = $biz_date");
    app.req(
        "PUT",
        &format!("/api/graphs/{id}"),
        Some(json!({"graph": g2, "base_version": saved["version"]})),
        Some(&ana),
    )
    .await;
    let (_, sub3) =
        app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({"message": "stricter"})), Some(&ana)).await;
    let (s, detail) =
        app.req("GET", &format!("/api/reviews/{}", sub3["id"].as_str().unwrap()), None, Some(&admin)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(detail["base_version"], saved["version"]);
    assert_eq!(detail["diff"]["nodes_changed"][0]["id"], filter_id.as_str());
    assert_eq!(detail["diff"]["nodes_changed"][0]["config"][0]["key"], "predicate");
    assert!(detail["diff"]["nodes_added"].as_array().unwrap().is_empty());
    let samples = detail["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 1, "the one sink downstream of the change");
    assert!(
        !samples[0]["rows_removed"].as_array().unwrap().is_empty()
            || !samples[0]["rows_added"].as_array().unwrap().is_empty()
    );
    // The approved version is untouched by the new draft.
    let (_, still) = app.req("GET", &format!("/api/graphs/{id}/approved"), None, Some(&ana)).await;
    assert_eq!(still["hash"], approved["hash"]);
    let (_, log) = app.req("GET", "/api/audit?action=approve", None, Some(&admin)).await;
    assert_eq!(log["entries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn nobody_approves_their_own_submission() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let (id, _) = demo_graph(&app, &admin).await;
    let (_, sub) = app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({})), Some(&admin)).await;
    let sid = sub["id"].as_str().unwrap();
    let (s, _) =
        app.req("POST", &format!("/api/reviews/{sid}/approve"), Some(json!({"comment": "me"})), Some(&admin)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let other = app.login("admin2").await;
    let (s, _) = app
        .req(
            "POST",
            &format!("/api/reviews/{sid}/approve"),
            Some(json!({"comment": "second pair of eyes"})),
            Some(&other),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn role_matrix() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let (gid, doc) = demo_graph(&app, &admin).await;
    let (_, sub) = app.req("POST", &format!("/api/graphs/{gid}/submit"), Some(json!({})), Some(&admin)).await;
    let sid = sub["id"].as_str().unwrap().to_string();
    let graph = doc["graph"].clone();
    let sessions = [
        ("none", None),
        ("viewer", Some(app.login("val").await)),
        ("analyst", Some(app.login("bob").await)),
        ("admin", Some(app.login("admin2").await)),
    ];
    use StatusCode as S;
    // (method, path, body, [none, viewer, analyst (not the owner), admin])
    let cases: Vec<(&str, String, Option<Value>, [S; 4])> = vec![
        ("GET", "/api/session".into(), None, [S::UNAUTHORIZED, S::OK, S::OK, S::OK]),
        ("GET", "/api/graphs".into(), None, [S::UNAUTHORIZED, S::OK, S::OK, S::OK]),
        (
            "POST",
            "/api/graphs".into(),
            Some(json!({"graph": graph})),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::CREATED, S::CREATED],
        ),
        ("GET", format!("/api/graphs/{gid}"), None, [S::UNAUTHORIZED, S::NOT_FOUND, S::NOT_FOUND, S::OK]),
        (
            "PUT",
            format!("/api/graphs/{gid}"),
            Some(json!({"graph": graph, "base_version": 999})),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::NOT_FOUND, S::CONFLICT],
        ),
        ("GET", format!("/api/graphs/{gid}/versions"), None, [S::UNAUTHORIZED, S::NOT_FOUND, S::NOT_FOUND, S::OK]),
        ("GET", format!("/api/graphs/{gid}/versions/1"), None, [S::UNAUTHORIZED, S::NOT_FOUND, S::NOT_FOUND, S::OK]),
        (
            "POST",
            format!("/api/graphs/{gid}/duplicate"),
            None,
            [S::UNAUTHORIZED, S::FORBIDDEN, S::NOT_FOUND, S::CREATED],
        ),
        (
            "POST",
            format!("/api/graphs/{gid}/submit"),
            Some(json!({})),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::NOT_FOUND, S::CONFLICT],
        ),
        ("GET", format!("/api/graphs/{gid}/submissions"), None, [S::UNAUTHORIZED, S::NOT_FOUND, S::NOT_FOUND, S::OK]),
        (
            "GET",
            format!("/api/graphs/{gid}/approved"),
            None,
            [S::UNAUTHORIZED, S::NOT_FOUND, S::NOT_FOUND, S::NOT_FOUND],
        ),
        ("GET", "/api/reviews".into(), None, [S::UNAUTHORIZED, S::OK, S::OK, S::OK]),
        ("GET", format!("/api/reviews/{sid}"), None, [S::UNAUTHORIZED, S::NOT_FOUND, S::NOT_FOUND, S::OK]),
        (
            "POST",
            format!("/api/reviews/{sid}/reject"),
            Some(json!({"comment": ""})),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, S::BAD_REQUEST],
        ),
        (
            "POST",
            format!("/api/reviews/{sid}/approve"),
            Some(json!({"comment": ""})),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, S::BAD_REQUEST],
        ),
        ("POST", "/api/validate".into(), Some(json!({"graph": graph})), [S::UNAUTHORIZED, S::FORBIDDEN, S::OK, S::OK]),
        (
            "POST",
            "/api/preview".into(),
            Some(json!({"graph": graph, "node": "transactions", "limit": 3})),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::OK, S::OK],
        ),
        ("GET", "/api/files".into(), None, [S::UNAUTHORIZED, S::FORBIDDEN, S::OK, S::OK]),
        ("GET", "/api/users".into(), None, [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, S::OK]),
        (
            "POST",
            "/api/users".into(),
            Some(json!({"username": "new1", "password": "long-enough-1", "role": "viewer"})),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, S::CREATED],
        ),
        (
            "PATCH",
            "/api/users/val".into(),
            Some(json!({"role": "viewer"})),
            [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, S::NO_CONTENT],
        ),
        ("GET", "/api/audit".into(), None, [S::UNAUTHORIZED, S::FORBIDDEN, S::FORBIDDEN, S::OK]),
        ("GET", "/api/openapi.json".into(), None, [S::OK, S::OK, S::OK, S::OK]),
        ("DELETE", format!("/api/graphs/{gid}"), None, [S::UNAUTHORIZED, S::FORBIDDEN, S::NOT_FOUND, S::NO_CONTENT]),
    ];
    let mut wrong = Vec::new();
    for (m, p, body, expected) in &cases {
        for ((role, cookie), want) in sessions.iter().zip(expected) {
            let (got, b) = app.req(m, p, body.clone(), cookie.as_deref()).await;
            if got != *want {
                wrong.push(format!("{m} {p} as {role}: {got} (expected {want}) {b}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Saves `edit` applied to the graph's current version as `cookie`; returns the new version.
async fn save_edit(app: &App, cookie: &str, id: &str, edit: impl FnOnce(&mut Value)) -> i64 {
    let (_, doc) = app.req("GET", &format!("/api/graphs/{id}"), None, Some(cookie)).await;
    let mut g = doc["graph"].clone();
    edit(&mut g);
    let body = json!({"graph": g, "base_version": doc["version"]});
    let (s, saved) = app.req("PUT", &format!("/api/graphs/{id}"), Some(body), Some(cookie)).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    saved["version"].as_i64().unwrap()
}

fn describe(text: &'static str) -> impl FnOnce(&mut Value) {
    move |g: &mut Value| g["description"] = json!(text)
}

async fn submit(app: &App, cookie: &str, id: &str) -> String {
    let (s, sub) = app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({})), Some(cookie)).await;
    assert_eq!(s, StatusCode::CREATED, "{sub}");
    sub["id"].as_str().unwrap().to_string()
}

async fn decide(app: &App, cookie: &str, sid: &str, verb: &str) -> (StatusCode, Value) {
    app.req("POST", &format!("/api/reviews/{sid}/{verb}"), Some(json!({"comment": "looked at it"})), Some(cookie)).await
}

/// Issue 9 item 2: an admin edits an analyst's graph, the analyst submits, and
/// the admin may not approve a version containing their own change; once a
/// second admin approved it, the edit is reviewed and no longer blocks.
#[tokio::test]
async fn an_admin_who_edited_the_graph_cannot_approve_it() {
    let app = App::new().await;
    let (ana, admin, admin2) = (app.login("analyst").await, app.login("admin").await, app.login("admin2").await);
    let (id, _) = demo_graph(&app, &ana).await;
    let by_admin = save_edit(&app, &admin, &id, describe("the admin's change")).await;
    save_edit(&app, &ana, &id, describe("the analyst's change on top")).await;
    let sid = submit(&app, &ana, &id).await;
    let (s, body) = decide(&app, &admin, &sid, "approve").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the admin saved version {by_admin} of it: {body}");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.contains(&format!("version {by_admin}")) && msg.contains("four eyes"), "{msg}");
    assert_eq!(decide(&app, &admin2, &sid, "approve").await.0, StatusCode::OK);

    // The admin's old edit is now covered by that approval.
    save_edit(&app, &ana, &id, describe("a later change")).await;
    let sid = submit(&app, &ana, &id).await;
    assert_eq!(decide(&app, &admin, &sid, "approve").await.0, StatusCode::OK);

    // An admin edit after the last approval blocks again, even under several analyst saves.
    save_edit(&app, &admin, &id, describe("admin again")).await;
    save_edit(&app, &ana, &id, describe("analyst again")).await;
    let sid = submit(&app, &ana, &id).await;
    assert_eq!(decide(&app, &admin, &sid, "approve").await.0, StatusCode::FORBIDDEN);
    // Rejecting one's own change is harmless and allowed.
    assert_eq!(decide(&app, &admin, &sid, "reject").await.0, StatusCode::OK);
}

/// The single-admin escape hatch still works, only with one admin, and every
/// use of it is in the audit log.
#[tokio::test]
async fn self_approval_escape_hatch_needs_a_single_admin_and_is_audited() {
    // The deployment says so at start (`SLUICE_ALLOW_SELF_APPROVAL=1`, read into the config once).
    let app = App::with_options(|o| {
        o.config = Some(sluice_backend::server::config::Config {
            allow_self_approval: true,
            ..sluice_backend::server::config::Config::from_env()
        })
    })
    .await;
    let (ana, admin) = (app.login("analyst").await, app.login("admin").await);
    let (id, _) = demo_graph(&app, &ana).await;
    let edited = save_edit(&app, &admin, &id, describe("the admin's change")).await;
    let sid = submit(&app, &ana, &id).await;
    // Two admins: the setting does not apply.
    assert_eq!(decide(&app, &admin, &sid, "approve").await.0, StatusCode::FORBIDDEN);
    let (s, _) = app.req("PATCH", "/api/users/admin2", Some(json!({"role": "analyst"})), Some(&admin)).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, body) = decide(&app, &admin, &sid, "approve").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, log) = app.req("GET", "/api/audit?action=self_approval", None, Some(&admin)).await;
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    let detail = entries[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("saved version {edited}")) && detail.contains("SLUICE_ALLOW_SELF_APPROVAL"),
        "{detail}"
    );
    assert_eq!(entries[0]["actor"], "admin");
}

/// Issue 9 item 3: deleting a graph that was approved (and scheduled) archives
/// it: hidden by default, listable, read-only, schedules disabled but kept,
/// history and approvals kept, audited; an admin can unarchive it.
#[tokio::test]
async fn deleting_an_approved_graph_archives_it() {
    let app = App::new().await;
    let (ana, admin) = (app.login("analyst").await, app.login("admin").await);
    let (id, _) = demo_graph(&app, &ana).await;
    let sid = submit(&app, &ana, &id).await;
    assert_eq!(decide(&app, &admin, &sid, "approve").await.0, StatusCode::OK);
    let (s, sched) =
        app.req("POST", "/api/schedules", Some(json!({"graph_id": id, "cron": "0 6 * * *"})), Some(&admin)).await;
    assert_eq!(s, StatusCode::CREATED, "{sched}");
    let version = save_edit(&app, &ana, &id, describe("pending change")).await;
    let pending = submit(&app, &ana, &id).await;

    // Backfill runs queued before the archive never start after it.
    let sched_path = format!("/api/schedules/{}", sched["id"].as_str().unwrap());
    let range = json!({"from": "2026-11-02", "to": "2026-11-03"});
    let (s, queued) = app.req("POST", &format!("{sched_path}/backfill"), Some(range.clone()), Some(&admin)).await;
    assert_eq!(s, StatusCode::CREATED, "{queued}");
    let queued: Vec<String> =
        queued["runs"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().into()).collect();
    assert_eq!(queued.len(), 2);

    // The owner cannot stop what runs in production; an admin archives it.
    let (s, body) = app.req("DELETE", &format!("/api/graphs/{id}"), None, Some(&ana)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, body) = app.req("DELETE", &format!("/api/graphs/{id}"), None, Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "archived, not deleted: {body}");
    assert_eq!(body["archived"], true);
    // Nothing new runs from an archived graph: no schedule, resume, backfill or draft run.
    let new_schedule = json!({"graph_id": id, "cron": "0 7 * * *"});
    assert_eq!(app.req("POST", "/api/schedules", Some(new_schedule), Some(&admin)).await.0, StatusCode::CONFLICT);
    for run in &queued {
        let (_, r) = app.req("GET", &format!("/api/runs/{run}"), None, Some(&admin)).await;
        assert_eq!(r["run"]["status"].as_str().or(r["status"].as_str()), Some("cancelled"), "{r}");
    }
    let resume = app.req("PATCH", &sched_path, Some(json!({"enabled": true})), Some(&admin)).await;
    assert_eq!(resume.0, StatusCode::CONFLICT, "{}", resume.1);
    let backfill = app.req("POST", &format!("{sched_path}/backfill"), Some(range), Some(&admin)).await;
    assert_eq!(backfill.0, StatusCode::CONFLICT, "{}", backfill.1);
    let draft = app.req("POST", &format!("/api/graphs/{id}/run"), Some(json!({})), Some(&ana)).await;
    assert_eq!(draft.0, StatusCode::CONFLICT, "{}", draft.1);
    let listed = |list: &Value| list["graphs"].as_array().unwrap().iter().any(|g| g["id"] == id.as_str());
    let (_, list) = app.req("GET", "/api/graphs", None, Some(&ana)).await;
    assert!(!listed(&list), "hidden from the library");
    let (_, list) = app.req("GET", "/api/graphs?archived=true", None, Some(&ana)).await;
    assert!(listed(&list), "{list}");
    let (s, _) = app.req("GET", "/api/graphs?archived=maybe", None, Some(&ana)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, doc) = app.req("GET", &format!("/api/graphs/{id}"), None, Some(&ana)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["archived_at"].is_i64(), "{}", doc["archived_at"]);

    // Read-only: saves, submissions and decisions are refused with a clear 409.
    let body = json!({"graph": doc["graph"], "base_version": version});
    let (s, err) = app.req("PUT", &format!("/api/graphs/{id}"), Some(body), Some(&ana)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(err["error"]["message"].as_str().unwrap().contains("archived and read-only"), "{err}");
    assert_eq!(
        app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({})), Some(&ana)).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(decide(&app, &admin, &pending, "approve").await.0, StatusCode::CONFLICT);

    // Kept: versions, approval, schedule (disabled), audit.
    let (_, versions) = app.req("GET", &format!("/api/graphs/{id}/versions"), None, Some(&ana)).await;
    assert_eq!(versions["versions"].as_array().unwrap().len(), version as usize);
    let (s, approved) = app.req("GET", &format!("/api/graphs/{id}/approved"), None, Some(&ana)).await;
    assert_eq!((s, approved["version"].as_i64()), (StatusCode::OK, Some(1)));
    let (_, schedules) = app.req("GET", "/api/schedules", None, Some(&admin)).await;
    let kept = schedules["schedules"].as_array().unwrap().iter().find(|s| s["id"] == sched["id"]).cloned();
    let kept = kept.expect("the schedule is kept");
    assert!(kept["enabled"] == json!(0) || kept["enabled"] == json!(false), "disabled: {kept}");
    let (_, log) = app.req("GET", "/api/audit?action=graph_archive", None, Some(&admin)).await;
    assert_eq!(log["entries"].as_array().unwrap().len(), 1, "{log}");

    // Only an admin brings it back; then it takes saves again.
    let unarchive = format!("/api/graphs/{id}/unarchive");
    assert_eq!(app.req("POST", &unarchive, None, Some(&ana)).await.0, StatusCode::FORBIDDEN);
    let (s, doc) = app.req("POST", &unarchive, None, Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{doc}");
    assert!(doc["archived_at"].is_null());
    assert_eq!(app.req("POST", &unarchive, None, Some(&admin)).await.0, StatusCode::CONFLICT);
    let (_, list) = app.req("GET", "/api/graphs", None, Some(&ana)).await;
    assert!(listed(&list));
    assert_eq!(decide(&app, &admin, &pending, "approve").await.0, StatusCode::OK);
    save_edit(&app, &ana, &id, describe("alive again")).await;
    let (_, log) = app.req("GET", "/api/audit?action=graph_unarchive", None, Some(&admin)).await;
    assert_eq!(log["entries"].as_array().unwrap().len(), 1, "{log}");
}

/// A draft that was never approved is still really deleted, and that is audited.
#[tokio::test]
async fn deleting_a_never_approved_draft_deletes_it() {
    let app = App::new().await;
    let (ana, admin) = (app.login("analyst").await, app.login("admin").await);
    let (id, _) = demo_graph(&app, &ana).await;
    let sid = submit(&app, &ana, &id).await;
    assert_eq!(decide(&app, &admin, &sid, "reject").await.0, StatusCode::OK);
    assert_eq!(app.req("DELETE", &format!("/api/graphs/{id}"), None, Some(&ana)).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.req("GET", &format!("/api/graphs/{id}"), None, Some(&admin)).await.0, StatusCode::NOT_FOUND);
    let (_, list) = app.req("GET", "/api/graphs?archived=all", None, Some(&admin)).await;
    assert!(!list["graphs"].as_array().unwrap().iter().any(|g| g["id"] == id.as_str()));
    let (_, log) = app.req("GET", "/api/audit?action=graph_delete", None, Some(&admin)).await;
    assert_eq!(log["entries"].as_array().unwrap().len(), 1, "{log}");
}
