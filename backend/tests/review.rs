//! Submission and review over HTTP, and the role matrix: every endpoint for
//! every role (and no session), with the status each must answer.

mod common;

use axum::http::StatusCode;
use common::app::App;
use common::review::{decide, demo_graph, describe, save_edit, submit};
use serde_json::{Value, json};

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

    later_change_diffs_against_the_approved(&app, (&ana, &admin), &id, (&g, &filter_id), (&saved, &approved)).await;
}

/// A later change shows as a diff against the approved version, which stays as it was.
async fn later_change_diffs_against_the_approved(
    app: &App,
    (ana, admin): (&str, &str),
    id: &str,
    (g, filter_id): (&Value, &str),
    (saved, approved): (&Value, &Value),
) {
    let mut g2 = g.clone();
    let f2 = g2["nodes"].as_array_mut().unwrap().iter_mut().find(|n| n["id"] == filter_id).unwrap();
    f2["config"]["predicate"] = json!("amount > 5000 AND txn_date = $biz_date");
    app.req(
        "PUT",
        &format!("/api/graphs/{id}"),
        Some(json!({"graph": g2, "base_version": saved["version"]})),
        Some(ana),
    )
    .await;
    let (_, sub3) =
        app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({"message": "stricter"})), Some(ana)).await;
    let (s, detail) =
        app.req("GET", &format!("/api/reviews/{}", sub3["id"].as_str().unwrap()), None, Some(admin)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(detail["base_version"], saved["version"]);
    assert_eq!(detail["diff"]["nodes_changed"][0]["id"], filter_id);
    assert_eq!(detail["diff"]["nodes_changed"][0]["config"][0]["key"], "predicate");
    assert!(detail["diff"]["nodes_added"].as_array().unwrap().is_empty());
    let samples = detail["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 1, "the one sink downstream of the change");
    assert!(
        !samples[0]["rows_removed"].as_array().unwrap().is_empty()
            || !samples[0]["rows_added"].as_array().unwrap().is_empty()
    );
    // The approved version is untouched by the new draft.
    let (_, still) = app.req("GET", &format!("/api/graphs/{id}/approved"), None, Some(ana)).await;
    assert_eq!(still["hash"], approved["hash"]);
    let (_, log) = app.req("GET", "/api/audit?action=approve", None, Some(admin)).await;
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

/// (method, path, body, the status for [no session, viewer, analyst (not the owner), admin]).
type RoleCase = (&'static str, String, Option<Value>, [StatusCode; 4]);

/// Every endpoint the role matrix calls, on graph `gid` and submission `sid`.
fn role_cases(gid: &str, sid: &str, graph: &Value) -> Vec<RoleCase> {
    use StatusCode as S;
    vec![
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
    ]
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
    let cases = role_cases(&gid, &sid, &graph);
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
