//! The store behaves the same on SQLite and on a real PostgreSQL server.

mod common;

use sluice_backend::store::{Listing, Removal, Store, StoreError};
use sluice_shared::api::{Role, SubmissionStatus};

#[tokio::test]
async fn users_and_sessions() {
    common::on_both(|store: Store, db| async move {
        assert_eq!(store.count_users().await.unwrap(), 0, "{db}");
        let u = store.create_user("ana", "hash", Role::Analyst).await.unwrap();
        assert!(matches!(store.create_user("ana", "h2", Role::Viewer).await, Err(StoreError::Duplicate(_))), "{db}");
        assert_eq!(store.user_by_name("ana").await.unwrap().unwrap().role, Role::Analyst);
        assert!(store.user_by_name("nobody").await.unwrap().is_none());
        store.create_session("tok", &u.id, 60_000).await.unwrap();
        assert_eq!(store.session_user("tok").await.unwrap().unwrap().username, "ana", "{db}");
        store.create_session("old", &u.id, -1).await.unwrap();
        assert!(store.session_user("old").await.unwrap().is_none(), "{db}: an expired session must not count");
        store.delete_session("tok").await.unwrap();
        assert!(store.session_user("tok").await.unwrap().is_none(), "{db}");
    })
    .await;
}

#[tokio::test]
async fn graphs_keep_every_version_and_refuse_stale_saves() {
    common::on_both(|store: Store, db| async move {
        let a = store.create_user("a", "h", Role::Analyst).await.unwrap();
        let b = store.create_user("b", "h", Role::Analyst).await.unwrap();
        let g = store.create_graph(&a.id, "a", "g1", "first", r#"{"v":1}"#).await.unwrap();
        assert_eq!(g.version, 1);
        assert_eq!(store.save_graph(&g.id, 1, "a", "g1", "second", r#"{"v":2}"#).await.unwrap(), 2, "{db}");
        // A save based on version 1 after version 2 exists is a conflict, and changes nothing.
        match store.save_graph(&g.id, 1, "b", "g1", "stale", r#"{"v":"stale"}"#).await {
            Err(StoreError::Conflict { current: 2 }) => {}
            other => panic!("{db}: expected a conflict, got {other:?}"),
        }
        assert_eq!(store.get_graph(&g.id).await.unwrap().doc, r#"{"v":2}"#, "{db}");
        let versions = store.list_versions(&g.id).await.unwrap();
        assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), [2, 1], "{db}");
        assert_ne!(versions[0].hash, versions[1].hash);
        assert_eq!(store.get_version(&g.id, 1).await.unwrap(), r#"{"v":1}"#);
        store.create_graph(&b.id, "b", "g2", "", "{}").await.unwrap();
        assert_eq!(
            store.list_graphs(Some(&a.id), Listing::Active).await.unwrap().len(),
            1,
            "{db}: owners see their own"
        );
        assert_eq!(store.list_graphs(None, Listing::Active).await.unwrap().len(), 2, "{db}");
        assert_eq!(store.remove_graph(&g.id, "a").await.unwrap(), Removal::Deleted, "{db}: never approved");
        assert!(matches!(store.get_graph(&g.id).await, Err(StoreError::NotFound)), "{db}");
        assert!(matches!(store.remove_graph(&g.id, "a").await, Err(StoreError::NotFound)), "{db}");
        assert!(matches!(store.save_graph("nope", 1, "a", "x", "", "{}").await, Err(StoreError::NotFound)), "{db}");
    })
    .await;
}

#[tokio::test]
async fn concurrent_saves_of_one_version_let_exactly_one_win() {
    common::on_both(|store: Store, db| async move {
        let a = store.create_user("a", "h", Role::Analyst).await.unwrap();
        let g = store.create_graph(&a.id, "a", "g", "", "{}").await.unwrap();
        let saves = (0..8).map(|i| {
            let store = store.clone();
            let id = g.id.clone();
            tokio::spawn(async move { store.save_graph(&id, 1, "a", "g", "", &format!("{{\"n\":{i}}}")).await })
        });
        let results = futures::future::join_all(saves).await;
        let won = results.iter().filter(|r| matches!(r, Ok(Ok(2)))).count();
        assert_eq!(won, 1, "{db}: {results:?}");
        assert_eq!(store.get_graph(&g.id).await.unwrap().version, 2);
    })
    .await;
}

#[tokio::test]
async fn migrations_apply_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = Store::sqlite_url(dir.path());
    let s = Store::open(&url).await.unwrap();
    s.create_user("x", "h", Role::Admin).await.unwrap();
    drop(s);
    let again = Store::open(&url).await.unwrap();
    assert_eq!(again.count_users().await.unwrap(), 1, "reopening keeps data and does not re-run migrations");
}

#[tokio::test]
async fn submissions_move_once_and_the_audit_log_filters() {
    common::on_both(|store: Store, db| async move {
        let a = store.create_user("a", "h", Role::Analyst).await.unwrap();
        let g = store.create_graph(&a.id, "a", "g", "", "{}").await.unwrap();
        let s = store.submit(&g.id, 1, "hash1", "please", "a").await.unwrap();
        assert!(matches!(store.submit(&g.id, 1, "hash1", "again", "a").await, Err(StoreError::Duplicate(_))), "{db}");
        assert_eq!(store.submissions(Some(SubmissionStatus::Submitted), None).await.unwrap().len(), 1, "{db}");
        assert_eq!(store.submissions(None, Some(&g.id)).await.unwrap().len(), 1, "{db}");
        assert!(store.approved(&g.id).await.unwrap().is_none());
        let d = store.decide(&s.id, SubmissionStatus::Approved, "boss", "fine").await.unwrap();
        assert_eq!((d.status.as_str(), d.comment.as_deref()), ("approved", Some("fine")), "{db}");
        assert!(
            matches!(
                store.decide(&s.id, SubmissionStatus::Rejected, "boss", "no").await,
                Err(StoreError::Conflict { .. })
            ),
            "{db}"
        );
        assert_eq!(store.approved(&g.id).await.unwrap().unwrap().hash, "hash1", "{db}");
        store.audit("a", "login", "session", "").await.unwrap();
        store.audit("boss", "approve", &g.id, "v1").await.unwrap();
        assert_eq!(store.audit_log("boss", "", 0, i64::MAX, 10).await.unwrap().len(), 1, "{db}");
        assert_eq!(store.audit_log("", "login", 0, i64::MAX, 10).await.unwrap().len(), 1, "{db}");
        assert_eq!(store.audit_log("", "", 0, i64::MAX, 10).await.unwrap().len(), 2, "{db}");
        assert_eq!(store.list_approved_graphs(Listing::Active).await.unwrap().len(), 1, "{db}");
    })
    .await;
}

/// A graph with an approved version is archived, not deleted: versions,
/// submissions and schedules stay (schedules disabled), saves and decisions
/// are refused, and unarchiving brings it back.
#[tokio::test]
async fn approved_graphs_are_archived_not_deleted() {
    common::on_both(|store: Store, db| async move {
        let a = store.create_user("a", "h", Role::Analyst).await.unwrap();
        let g = store.create_graph(&a.id, "a", "g", "", r#"{"v":1}"#).await.unwrap();
        let s = store.submit(&g.id, 1, "hash1", "m", "a").await.unwrap();
        store.decide(&s.id, SubmissionStatus::Approved, "boss", "ok").await.unwrap();
        store.save_graph(&g.id, 1, "a", "g", "", r#"{"v":2}"#).await.unwrap();
        let pending = store.submit(&g.id, 2, "hash2", "m", "a").await.unwrap();
        assert_eq!(store.remove_graph(&g.id, "a").await.unwrap(), Removal::Archived, "{db}");
        let row = store.get_graph(&g.id).await.unwrap();
        assert!(row.archived_at.is_some(), "{db}");
        assert_eq!(store.list_versions(&g.id).await.unwrap().len(), 2, "{db}: history kept");
        assert_eq!(store.approved(&g.id).await.unwrap().unwrap().hash, "hash1", "{db}: approval kept");
        assert!(store.list_graphs(None, Listing::Active).await.unwrap().is_empty(), "{db}");
        assert_eq!(store.list_graphs(None, Listing::Archived).await.unwrap().len(), 1, "{db}");
        assert_eq!(store.list_graphs(None, Listing::All).await.unwrap().len(), 1, "{db}");
        assert!(store.list_approved_graphs(Listing::Active).await.unwrap().is_empty(), "{db}");
        assert!(
            matches!(store.save_graph(&g.id, 2, "a", "g", "", "{}").await, Err(StoreError::Conflict { current: 2 })),
            "{db}: an archived graph takes no saves"
        );
        assert!(
            matches!(
                store.decide(&pending.id, SubmissionStatus::Approved, "boss", "ok").await,
                Err(StoreError::Conflict { .. })
            ),
            "{db}: nothing is approved while archived"
        );
        assert_eq!(store.submission(&pending.id).await.unwrap().status, SubmissionStatus::Submitted, "{db}");
        store.unarchive_graph(&g.id).await.unwrap();
        assert!(matches!(store.unarchive_graph(&g.id).await, Err(StoreError::NotFound)), "{db}");
        assert_eq!(store.save_graph(&g.id, 2, "a", "g", "", r#"{"v":3}"#).await.unwrap(), 3, "{db}");
    })
    .await;
}

/// The authors an approval would cover: versions after the last approved one.
#[tokio::test]
async fn unreviewed_authors_start_after_the_last_approval() {
    common::on_both(|store: Store, db| async move {
        let a = store.create_user("a", "h", Role::Analyst).await.unwrap();
        let g = store.create_graph(&a.id, "a", "g", "", "{}").await.unwrap();
        store.save_graph(&g.id, 1, "boss", "g", "", r#"{"v":2}"#).await.unwrap();
        let two = |v: &[(i64, String)]| v.iter().map(|(n, u)| format!("{n}:{u}")).collect::<Vec<_>>().join(",");
        assert_eq!(two(&store.unreviewed_authors(&g.id, 2).await.unwrap()), "1:a,2:boss", "{db}");
        let s = store.submit(&g.id, 2, "h2", "", "a").await.unwrap();
        store.decide(&s.id, SubmissionStatus::Approved, "other", "ok").await.unwrap();
        store.save_graph(&g.id, 2, "a", "g", "", r#"{"v":3}"#).await.unwrap();
        store.save_graph(&g.id, 3, "c", "g", "", r#"{"v":4}"#).await.unwrap();
        assert_eq!(two(&store.unreviewed_authors(&g.id, 4).await.unwrap()), "3:a,4:c", "{db}");
        assert_eq!(two(&store.unreviewed_authors(&g.id, 3).await.unwrap()), "3:a", "{db}");
        assert_eq!(two(&store.unreviewed_authors(&g.id, 2).await.unwrap()), "", "{db}: approved already");
    })
    .await;
}

#[tokio::test]
async fn calendars_round_trip_on_both_databases() {
    common::on_both(|store: Store, db| async move {
        let cal = sluice_shared::calendar::parse_csv_with(
            "date,kind,note\n2026-10-01,holiday,\"National Day, 1\"\n2026-10-10,workday,make-up\n",
            [true, true, true, true, true, false, false],
        )
        .unwrap();
        let row = store.create_calendar("bank", &cal, "boss").await.unwrap();
        assert_eq!(row.weekly, "1111100", "{db}");
        assert!(matches!(store.create_calendar("bank", &cal, "boss").await, Err(StoreError::Duplicate(_))), "{db}");
        assert_eq!(store.calendar("bank").await.unwrap().unwrap().calendar(), Some(cal.clone()), "{db}");
        // Saturdays open: the make-up Saturday would now be an error, so it goes.
        let six_days = sluice_shared::calendar::parse_csv_with(
            "date,kind,note\n2026-10-01,holiday,\n",
            [true, true, true, true, true, true, false],
        )
        .unwrap();
        store.replace_calendar("bank", &six_days, "boss").await.unwrap();
        let all = store.calendars_by_name().await.unwrap();
        assert_eq!(all.get("bank"), Some(&six_days), "{db}");
        assert!(matches!(store.replace_calendar("nope", &cal, "boss").await, Err(StoreError::NotFound)), "{db}");
        store.delete_calendar("bank").await.unwrap();
        assert!(store.list_calendars().await.unwrap().is_empty(), "{db}");
        assert!(matches!(store.delete_calendar("bank").await, Err(StoreError::NotFound)), "{db}");
    })
    .await;
}
