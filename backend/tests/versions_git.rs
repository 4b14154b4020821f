//! Issue 17, Git: every approval commits the approved graph (canonical JSON,
//! one file per graph) with the people and the comment; `sluice import` reads
//! such files back as drafts, all or nothing.

mod common;

use axum::http::StatusCode;
use common::app::App;
use serde_json::{Value, json};
use sluice_backend::cli_import::import;
use sluice_backend::server::config::Config;

async fn approve_demo(app: &App, description: &str) -> (String, Value) {
    let (ana, admin) = (app.login("analyst").await, app.login("admin").await);
    let (_, list) = app.req("GET", "/api/graphs", None, Some(&ana)).await;
    let id = list["graphs"].as_array().unwrap().iter().find(|g| g["name"] == "daily_branch_summary").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, doc) = app.req("GET", &format!("/api/graphs/{id}"), None, Some(&ana)).await;
    let mut g = doc["graph"].clone();
    g["description"] = json!(description);
    let body = json!({"graph": g, "base_version": doc["version"]});
    let (s, _) = app.req("PUT", &format!("/api/graphs/{id}"), Some(body), Some(&ana)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, sub) =
        app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({"message": "m"})), Some(&ana)).await;
    assert_eq!(s, StatusCode::CREATED, "{sub}");
    let sid = sub["id"].as_str().unwrap();
    let comment = format!("approved: {description}");
    let (s, body) =
        app.req("POST", &format!("/api/reviews/{sid}/approve"), Some(json!({"comment": comment})), Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    (id, g)
}

fn blob_at(repo: &git2::Repository, commit: &git2::Commit, file: &str) -> String {
    let tree = commit.tree().unwrap();
    let entry = tree.get_name(file).unwrap_or_else(|| panic!("{file} in the commit"));
    let blob = entry.to_object(repo).unwrap().peel_to_blob().unwrap();
    String::from_utf8(blob.content().to_vec()).unwrap()
}

#[tokio::test]
async fn each_approval_is_a_commit_with_the_people_the_comment_and_the_canonical_graph() {
    let git = tempfile::tempdir().unwrap();
    let dir = git.path().join("versions.git");
    let d = dir.clone();
    let app = App::with_options(|o| o.config = Some(Config { git_dir: Some(d), ..Config::from_env() })).await;
    let (id, first) = approve_demo(&app, "first approved").await;
    let (_, second) = approve_demo(&app, "second approved").await;

    let repo = git2::Repository::open_bare(&dir).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let parent = head.parent(0).unwrap();
    assert_eq!(parent.parent_count(), 0, "two approvals, two commits");
    let msg = head.message().unwrap();
    assert!(msg.starts_with("Approve daily_branch_summary version"), "{msg}");
    for part in ["approved: second approved", "Submitted-by: analyst", "Approved-by: admin", &format!("Graph: {id}")] {
        assert!(msg.contains(part), "{part} in {msg}");
    }
    assert_eq!(head.author().name(), Some("admin"));
    let file = format!("{id}.json");
    let (now, before) = (blob_at(&repo, &head, &file), blob_at(&repo, &parent, &file));
    let parsed: Value = serde_json::from_str(&now).unwrap();
    assert_eq!(parsed["description"], second["description"]);
    assert_eq!(serde_json::from_str::<Value>(&before).unwrap()["description"], first["description"]);
    // Canonical: keys sorted, so the two versions differ in the one changed line.
    let changed: Vec<_> = now.lines().zip(before.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(now.lines().count(), before.lines().count());
    let admin = app.login("admin").await;
    let (_, log) = app.req("GET", "/api/audit?action=git_commit", None, Some(&admin)).await;
    assert_eq!(log["entries"].as_array().unwrap().len(), 2, "{log}");

    // Read back into another server as drafts, with the same id; again: unchanged.
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join(&file), &now).unwrap();
    let other = App::new().await;
    let lines = import(&other.state.store, out.path(), "analyst").await.unwrap();
    assert_eq!(lines, vec![format!("created {id} (daily_branch_summary)")]);
    let row = other.state.store.get_graph(&id).await.unwrap();
    assert_eq!(row.owner, "analyst");
    assert!(other.state.store.approved(&id).await.unwrap().is_none(), "an import is a draft, never approved");
    let again = import(&other.state.store, out.path(), "analyst").await.unwrap();
    assert_eq!(again, vec![format!("unchanged {id} (daily_branch_summary)")]);
    // A changed file gives a new draft version.
    std::fs::write(out.path().join(&file), before).unwrap();
    let updated = import(&other.state.store, out.path(), "analyst").await.unwrap();
    assert_eq!(updated, vec![format!("updated {id} (daily_branch_summary) to draft version 2")]);
}

#[tokio::test]
async fn import_is_all_or_nothing_and_names_each_bad_file() {
    let app = App::new().await;
    let dir = tempfile::tempdir().unwrap();
    let good = json!({"format": "sluice.graph/v1", "name": "ok_graph", "nodes": [], "edges": []});
    std::fs::write(dir.path().join("good-one.json"), good.to_string()).unwrap();
    std::fs::write(dir.path().join("broken.json"), "{ not json").unwrap();
    let (code, lines) = import(&app.state.store, dir.path(), "analyst").await.unwrap_err();
    assert_eq!(code, 2);
    assert!(lines.iter().any(|l| l.starts_with("broken.json: ")), "{lines:?}");
    assert_eq!(lines.last().unwrap(), "nothing imported");
    assert!(matches!(app.state.store.get_graph("good-one").await, Err(sluice_backend::store::StoreError::NotFound)));
    // Owners must be able to own graphs.
    std::fs::remove_file(dir.path().join("broken.json")).unwrap();
    assert_eq!(import(&app.state.store, dir.path(), "val").await.unwrap_err().0, 2, "a viewer owns no graphs");
    assert_eq!(import(&app.state.store, dir.path(), "nobody").await.unwrap_err().0, 2);
    assert_eq!(import(&app.state.store, dir.path(), "bob").await.unwrap(), vec!["created good-one (ok_graph)"]);
}

#[tokio::test]
async fn a_git_dir_that_is_not_a_bare_repository_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a repository").unwrap();
    let data = tempfile::tempdir().unwrap();
    let opts = sluice_backend::server::ServeOptions {
        data_dir: data.path().to_path_buf(),
        config: Some(Config { git_dir: Some(dir.path().to_path_buf()), ..Config::default() }),
        ..Default::default()
    };
    let err = sluice_backend::server::build(&opts).await.err().expect("refused");
    assert!(err.contains("bare repository"), "{err}");
}
