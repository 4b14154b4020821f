//! Watermarks in the store (moved only with a run's success, compare-and-set,
//! on SQLite and PostgreSQL) and over HTTP (admins list and reset, audited).

mod common;

use axum::http::StatusCode;
use common::app::App;
use sluice_backend::store::{MarkMove, NO_PARAMS, NewRun, RunKind, RunRow, Store};
use sluice_shared::api::watermarks::WatermarkList;
use sluice_shared::api::{Role, RunStatus};

const DOC: &str = r#"{"format": "sluice.graph/v1", "name": "wm", "nodes": [], "edges": []}"#;

async fn graph(store: &Store, name: &str) -> String {
    let owner = match store.user_by_name("ana").await.unwrap() {
        Some(u) => u.id,
        None => store.create_user("ana", "h", Role::Analyst).await.unwrap().id,
    };
    store.create_graph(&owner, "ana", name, "", DOC).await.unwrap().id
}

async fn queued(store: &Store, graph_id: &str, date: &str) -> RunRow {
    let run = NewRun {
        schedule_id: None,
        graph_id,
        hash: "h",
        biz_date: date,
        kind: RunKind::Scheduled,
        attempt: 1,
        not_before: 0,
        requested_by: "admin",
        params: &NO_PARAMS,
    };
    store.create_run(run).await.unwrap()
}

fn mv(column: &str, before: Option<&str>, after: &str) -> Vec<MarkMove> {
    vec![MarkMove { node_id: "src".into(), column: column.into(), before: before.map(Into::into), after: after.into() }]
}

async fn value(store: &Store, g: &str) -> Option<(String, String)> {
    let all = store.watermarks(g).await.unwrap();
    all.into_iter().find(|w| w.environment == "prod").map(|w| (w.column_name, w.value))
}

#[tokio::test]
async fn a_watermark_moves_only_with_a_success_and_only_from_where_the_run_started() {
    common::on_both(|store, db| async move {
        let g = graph(&store, "wm").await;
        let r1 = queued(&store, &g, "2026-11-20").await;
        assert!(store.succeed_run(&r1.id, &g, "prod", &mv("seq", None, "5"), 1).await.unwrap(), "{db}");
        assert_eq!(store.run(&r1.id).await.unwrap().status, RunStatus::Succeeded, "{db}");
        assert_eq!(value(&store, &g).await, Some(("seq".into(), "5".into())), "{db}");

        let r2 = queued(&store, &g, "2026-11-21").await;
        assert!(store.succeed_run(&r2.id, &g, "prod", &mv("seq", Some("5"), "9"), 2).await.unwrap(), "{db}");
        assert_eq!(value(&store, &g).await, Some(("seq".into(), "9".into())), "{db}");

        // A run that started from 5 while another moved it to 9: the run succeeds, 9 stays.
        let r3 = queued(&store, &g, "2026-11-22").await;
        assert!(store.succeed_run(&r3.id, &g, "prod", &mv("seq", Some("5"), "12"), 3).await.unwrap(), "{db}");
        assert_eq!(value(&store, &g).await, Some(("seq".into(), "9".into())), "{db}");

        // A run that already ended (cancelled, failed): nothing is recorded, nothing moves.
        let r4 = queued(&store, &g, "2026-11-23").await;
        store.finish_run(&r4.id, RunStatus::Cancelled, Some("stop"), 4).await.unwrap();
        assert!(!store.succeed_run(&r4.id, &g, "prod", &mv("seq", Some("9"), "20"), 5).await.unwrap(), "{db}");
        assert_eq!(store.run(&r4.id).await.unwrap().status, RunStatus::Cancelled, "{db}");
        assert_eq!(value(&store, &g).await, Some(("seq".into(), "9".into())), "{db}");

        // The source now watches another column: its first run replaces the old watermark.
        let r5 = queued(&store, &g, "2026-11-24").await;
        assert!(store.succeed_run(&r5.id, &g, "prod", &mv("updated_at", None, "2026-11-01"), 6).await.unwrap());
        assert_eq!(value(&store, &g).await, Some(("updated_at".into(), "2026-11-01".into())), "{db}");

        // Environments are apart; a reset deletes one.
        let r6 = queued(&store, &g, "2026-11-25").await;
        assert!(store.succeed_run(&r6.id, &g, "dev", &mv("seq", None, "3"), 7).await.unwrap());
        assert_eq!(store.watermarks(&g).await.unwrap().len(), 2, "{db}");
        let old = store.delete_watermark(&g, "dev", "src").await.unwrap().expect("there was one");
        assert_eq!((old.value.as_str(), old.graph_name.as_str()), ("3", "wm"), "{db}");
        assert!(store.delete_watermark(&g, "dev", "src").await.unwrap().is_none(), "{db}");
        assert_eq!(value(&store, &g).await, Some(("updated_at".into(), "2026-11-01".into())), "{db}");
    })
    .await;
}

#[tokio::test]
async fn admins_list_and_reset_watermarks_audited_others_may_not() {
    let app = App::new().await;
    let store = &app.state.store;
    let g = graph(store, "wm_api").await;
    let r = queued(store, &g, "2026-11-20").await;
    assert!(store.succeed_run(&r.id, &g, "prod", &mv("updated_at", None, "2026-11-01T10:00:00"), 1).await.unwrap());
    let (admin, bob) = (app.login("admin").await, app.login("bob").await);

    for path in ["/api/watermarks".to_string(), format!("/api/graphs/{g}/watermarks")] {
        let (status, _) = app.req("GET", &path, None, Some(&bob)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        let (status, body) = app.req("GET", &path, None, Some(&admin)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        let list: WatermarkList = serde_json::from_value(body).unwrap();
        let w = list.watermarks.iter().find(|w| w.graph_id == g).expect("the graph's watermark");
        assert_eq!(
            (w.graph_name.as_str(), w.environment.as_str(), w.node.as_str(), w.value.as_str()),
            ("wm_api", "prod", "src", "2026-11-01T10:00:00")
        );
        assert_eq!((w.column.as_str(), w.run_id.as_str()), ("updated_at", r.id.as_str()));
    }
    let (status, _) = app.req("GET", "/api/graphs/no-such/watermarks", None, Some(&admin)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let one = format!("/api/graphs/{g}/watermarks/prod/src");
    assert_eq!(app.req("DELETE", &one, None, Some(&bob)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(store.watermarks(&g).await.unwrap().len(), 1, "an analyst's reset changes nothing");
    let long = format!("/api/graphs/{g}/watermarks/prod/{}", "n".repeat(300));
    assert_eq!(app.req("DELETE", &long, None, Some(&admin)).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.req("DELETE", &one, None, Some(&admin)).await.0, StatusCode::NO_CONTENT);
    assert!(store.watermarks(&g).await.unwrap().is_empty());
    assert_eq!(app.req("DELETE", &one, None, Some(&admin)).await.0, StatusCode::NOT_FOUND);

    let audit = store.audit_log("admin", "watermark_reset", 0, i64::MAX, 10).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].target, g);
    assert_eq!(audit[0].detail, "prod node src: updated_at was 2026-11-01T10:00:00");

    // The operations are in the OpenAPI document.
    let (_, doc) = app.req("GET", "/api/openapi.json", None, None).await;
    assert!(doc["paths"]["/api/watermarks"]["get"].is_object());
    assert!(doc["paths"]["/api/graphs/{id}/watermarks"]["get"].is_object());
    assert!(doc["paths"]["/api/graphs/{id}/watermarks/{environment}/{node}"]["delete"].is_object());
}
