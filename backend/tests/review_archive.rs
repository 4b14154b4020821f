//! Deleting a graph after review (issue 9 item 3): an approved graph is archived
//! (hidden, read-only, nothing new runs, history kept, audited, an admin can bring
//! it back); a draft that was never approved is really deleted.

mod common;

use axum::http::StatusCode;
use common::app::App;
use common::review::{decide, demo_graph, describe, save_edit, submit};
use serde_json::{Value, json};

/// An analyst's graph, approved and scheduled, with a later version pending review
/// and two backfill runs queued.
struct Approved {
    app: App,
    ana: String,
    admin: String,
    id: String,
    schedule: Value,
    sched_path: String,
    range: Value,
    version: i64,
    pending: String,
    queued: Vec<String>,
}

impl Approved {
    async fn new() -> Approved {
        let app = App::new().await;
        let (ana, admin) = (app.login("analyst").await, app.login("admin").await);
        let (id, _) = demo_graph(&app, &ana).await;
        let sid = submit(&app, &ana, &id).await;
        assert_eq!(decide(&app, &admin, &sid, "approve").await.0, StatusCode::OK);
        let (s, schedule) =
            app.req("POST", "/api/schedules", Some(json!({"graph_id": id, "cron": "0 6 * * *"})), Some(&admin)).await;
        assert_eq!(s, StatusCode::CREATED, "{schedule}");
        let version = save_edit(&app, &ana, &id, describe("pending change")).await;
        let pending = submit(&app, &ana, &id).await;

        // Backfill runs queued before the archive never start after it.
        let sched_path = format!("/api/schedules/{}", schedule["id"].as_str().unwrap());
        let range = json!({"from": "2026-11-02", "to": "2026-11-03"});
        let (s, queued) = app.req("POST", &format!("{sched_path}/backfill"), Some(range.clone()), Some(&admin)).await;
        assert_eq!(s, StatusCode::CREATED, "{queued}");
        let queued: Vec<String> =
            queued["runs"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().into()).collect();
        assert_eq!(queued.len(), 2);
        Approved { app, ana, admin, id, schedule, sched_path, range, version, pending, queued }
    }

    fn listed(&self, list: &Value) -> bool {
        list["graphs"].as_array().unwrap().iter().any(|g| g["id"] == self.id.as_str())
    }

    /// Nothing new runs from an archived graph: no schedule, resume, backfill or draft run,
    /// and the queued backfill runs are cancelled.
    async fn assert_nothing_runs(&self) {
        let (app, admin, id, sched_path) = (&self.app, &self.admin, &self.id, &self.sched_path);
        let new_schedule = json!({"graph_id": id, "cron": "0 7 * * *"});
        assert_eq!(app.req("POST", "/api/schedules", Some(new_schedule), Some(admin)).await.0, StatusCode::CONFLICT);
        for run in &self.queued {
            let (_, r) = app.req("GET", &format!("/api/runs/{run}"), None, Some(admin)).await;
            assert_eq!(r["run"]["status"].as_str().or(r["status"].as_str()), Some("cancelled"), "{r}");
        }
        let resume = app.req("PATCH", sched_path, Some(json!({"enabled": true})), Some(admin)).await;
        assert_eq!(resume.0, StatusCode::CONFLICT, "{}", resume.1);
        let backfill = app.req("POST", &format!("{sched_path}/backfill"), Some(self.range.clone()), Some(admin)).await;
        assert_eq!(backfill.0, StatusCode::CONFLICT, "{}", backfill.1);
        let draft = app.req("POST", &format!("/api/graphs/{id}/run"), Some(json!({})), Some(&self.ana)).await;
        assert_eq!(draft.0, StatusCode::CONFLICT, "{}", draft.1);
    }

    /// Hidden from the library, listed on request, readable, and read-only: saves,
    /// submissions and decisions are refused with a clear 409.
    async fn assert_hidden_and_read_only(&self) {
        let (app, ana, id) = (&self.app, &self.ana, &self.id);
        let (_, list) = app.req("GET", "/api/graphs", None, Some(ana)).await;
        assert!(!self.listed(&list), "hidden from the library");
        let (_, list) = app.req("GET", "/api/graphs?archived=true", None, Some(ana)).await;
        assert!(self.listed(&list), "{list}");
        let (s, _) = app.req("GET", "/api/graphs?archived=maybe", None, Some(ana)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, doc) = app.req("GET", &format!("/api/graphs/{id}"), None, Some(ana)).await;
        assert_eq!(s, StatusCode::OK);
        assert!(doc["archived_at"].is_i64(), "{}", doc["archived_at"]);

        let body = json!({"graph": doc["graph"], "base_version": self.version});
        let (s, err) = app.req("PUT", &format!("/api/graphs/{id}"), Some(body), Some(ana)).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert!(err["error"]["message"].as_str().unwrap().contains("archived and read-only"), "{err}");
        assert_eq!(
            app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({})), Some(ana)).await.0,
            StatusCode::CONFLICT
        );
        assert_eq!(decide(app, &self.admin, &self.pending, "approve").await.0, StatusCode::CONFLICT);
    }

    /// Kept: versions, approval, schedule (disabled), audit.
    async fn assert_kept(&self) {
        let (app, ana, admin, id) = (&self.app, &self.ana, &self.admin, &self.id);
        let (_, versions) = app.req("GET", &format!("/api/graphs/{id}/versions"), None, Some(ana)).await;
        assert_eq!(versions["versions"].as_array().unwrap().len(), self.version as usize);
        let (s, approved) = app.req("GET", &format!("/api/graphs/{id}/approved"), None, Some(ana)).await;
        assert_eq!((s, approved["version"].as_i64()), (StatusCode::OK, Some(1)));
        let (_, schedules) = app.req("GET", "/api/schedules", None, Some(admin)).await;
        let kept = schedules["schedules"].as_array().unwrap().iter().find(|s| s["id"] == self.schedule["id"]).cloned();
        let kept = kept.expect("the schedule is kept");
        assert!(kept["enabled"] == json!(0) || kept["enabled"] == json!(false), "disabled: {kept}");
        let (_, log) = app.req("GET", "/api/audit?action=graph_archive", None, Some(admin)).await;
        assert_eq!(log["entries"].as_array().unwrap().len(), 1, "{log}");
    }
}

/// Issue 9 item 3: deleting a graph that was approved (and scheduled) archives
/// it: hidden by default, listable, read-only, schedules disabled but kept,
/// history and approvals kept, audited; an admin can unarchive it.
#[tokio::test]
async fn deleting_an_approved_graph_archives_it() {
    let g = Approved::new().await;
    let (app, ana, admin, id) = (&g.app, &g.ana, &g.admin, &g.id);

    // The owner cannot stop what runs in production; an admin archives it.
    let (s, body) = app.req("DELETE", &format!("/api/graphs/{id}"), None, Some(ana)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, body) = app.req("DELETE", &format!("/api/graphs/{id}"), None, Some(admin)).await;
    assert_eq!(s, StatusCode::OK, "archived, not deleted: {body}");
    assert_eq!(body["archived"], true);
    g.assert_nothing_runs().await;
    g.assert_hidden_and_read_only().await;
    g.assert_kept().await;

    // Only an admin brings it back; then it takes saves again.
    let unarchive = format!("/api/graphs/{id}/unarchive");
    assert_eq!(app.req("POST", &unarchive, None, Some(ana)).await.0, StatusCode::FORBIDDEN);
    let (s, doc) = app.req("POST", &unarchive, None, Some(admin)).await;
    assert_eq!(s, StatusCode::OK, "{doc}");
    assert!(doc["archived_at"].is_null());
    assert_eq!(app.req("POST", &unarchive, None, Some(admin)).await.0, StatusCode::CONFLICT);
    let (_, list) = app.req("GET", "/api/graphs", None, Some(ana)).await;
    assert!(g.listed(&list));
    assert_eq!(decide(app, admin, &g.pending, "approve").await.0, StatusCode::OK);
    save_edit(app, ana, id, describe("alive again")).await;
    let (_, log) = app.req("GET", "/api/audit?action=graph_unarchive", None, Some(admin)).await;
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
