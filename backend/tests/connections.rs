//! Connections and environments over the API (issue 10): admin CRUD, who may
//! do what, key files, rotation. Secrets in answers, audit entries and errors:
//! `connections_secrets.rs`.

mod common;

use axum::http::StatusCode;
use common::app::App;
use serde_json::{Value, json};
use sluice_backend::secrets::{self, Keyring, Secret};
use sluice_backend::store::{ConnectionRow, EnvironmentRow, SecretChange};
use sluice_shared::api::SubmissionStatus;
use std::os::unix::fs::PermissionsExt;

/// A password no answer may ever contain.
const SECRET: &str = "Zq7-s3cr3t:p@ss/w#rd%";

/// The tests' PostgreSQL as a connection spec (host, port and user from `SLUICE_TEST_PG`), with `secret`.
fn pg_spec(secret: Option<&str>) -> Value {
    let (host, port, user, _) = common::pg_login();
    let mut spec = json!({"kind": "postgres", "host": host, "port": port, "database": "postgres",
        "user": user, "tls": "disable", "connect_timeout_secs": 5});
    if let Some(s) = secret {
        spec["secret"] = json!(s);
    }
    spec
}

async fn stored_secret(app: &App, name: &str) -> Option<String> {
    app.state.store.connection(name).await.unwrap().unwrap().secret
}

#[tokio::test]
async fn admins_create_replace_and_delete_connections() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let (s, body) = app.req("PUT", "/api/connections/core", Some(pg_spec(Some(SECRET))), Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!((body["has_secret"].clone(), body["read_only"].clone()), (json!(true), json!(true)), "{body}");
    assert_eq!(body["updated_by"], "admin");
    assert!(body.get("secret").is_none());
    let first = stored_secret(&app, "core").await.unwrap();

    // A replace without `secret` keeps it; `""` removes it.
    let mut spec = pg_spec(None);
    spec["read_only"] = json!(false);
    let (s, body) = app.req("PUT", "/api/connections/core", Some(spec.clone()), Some(&admin)).await;
    assert_eq!((s, body["has_secret"].clone(), body["read_only"].clone()), (StatusCode::OK, json!(true), json!(false)));
    assert_eq!(stored_secret(&app, "core").await.unwrap(), first);
    spec["secret"] = json!("");
    let (_, body) = app.req("PUT", "/api/connections/core", Some(spec), Some(&admin)).await;
    assert_eq!(body["has_secret"], json!(false));

    let (s, list) = app.req("GET", "/api/connections", None, Some(&admin)).await;
    assert_eq!((s, list.as_array().unwrap().len()), (StatusCode::OK, 1));

    // Bad input names the field; nothing is written.
    for (name, spec, needle) in [
        ("bad name", pg_spec(None), "not a connection name"),
        ("x", json!({"kind": "postgres", "database": "d"}), "host"),
        ("x", json!({"kind": "postgres", "host": "h/x@y", "database": "d"}), "host"),
        (
            "x",
            json!({"kind": "mysql", "host": "h", "database": "d", "connect_timeout_secs": 0}),
            "connect_timeout_secs",
        ),
        ("x", json!({"kind": "sqlite", "database": "../outside.db"}), "database"),
        ("x", json!({"kind": "oracle", "host": "h", "database": "d"}), "oracle"),
        ("x", json!({"kind": "postgres", "host": "h".repeat(300), "database": "d"}), "host"),
    ] {
        let path = format!("/api/connections/{}", name.replace(' ', "%20"));
        let (s, body) = app.req("PUT", &path, Some(spec), Some(&admin)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{name}: {body}");
        assert!(body["error"]["message"].as_str().unwrap().contains(needle), "{needle}: {body}");
    }
    assert_eq!(app.state.store.list_connections().await.unwrap().len(), 1);

    // A connection bound in an environment cannot go; unbound it can.
    let env = json!({"bindings": {"core": "core"}});
    let (s, _) = app.req("PUT", "/api/environments/prod", Some(env), Some(&admin)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = app.req("DELETE", "/api/connections/core", None, Some(&admin)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("prod"), "{body}");
    app.req("PUT", "/api/environments/prod", Some(json!({})), Some(&admin)).await;
    let (s, _) = app.req("DELETE", "/api/connections/core", None, Some(&admin)).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.req("DELETE", "/api/connections/core", None, Some(&admin)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (_, audit) = app.req("GET", "/api/audit?action=connection_create", None, Some(&admin)).await;
    let entry = &audit["entries"][0];
    assert_eq!((entry["target"].clone(), entry["actor"].clone()), (json!("core"), json!("admin")), "{audit}");
    assert!(entry["detail"].as_str().unwrap().contains("secret set"), "{entry}");
}

#[tokio::test]
async fn environments_start_with_dev_and_prod_and_keep_their_roots_inside_the_data_dir() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let (_, envs) = app.req("GET", "/api/environments", None, Some(&admin)).await;
    let names: Vec<&str> = envs.as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["dev", "prod"]);
    assert_eq!(envs[0]["data_root"], Value::Null);
    for root in ["../elsewhere", "/etc", "sandbox/x", "secret.key", "sluice.db-wal", ".hidden", "./sandbox", " x"] {
        let (s, body) = app.req("PUT", "/api/environments/prod", Some(json!({"data_root": root})), Some(&admin)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{root}: {body}");
    }
    // A binding may name a connection not made yet; it resolves once it exists.
    let spec = json!({"bindings": {"core": "later"}});
    let (s, body) = app.req("PUT", "/api/environments/prod", Some(spec), Some(&admin)).await;
    assert_eq!((s, body["bindings"]["core"].clone()), (StatusCode::OK, json!("later")));
    let bad = json!({"bindings": {"core": "not a name"}});
    assert_eq!(app.req("PUT", "/api/environments/prod", Some(bad), Some(&admin)).await.0, StatusCode::BAD_REQUEST);
    let (s, body) =
        app.req("PUT", "/api/environments/uat", Some(json!({"data_root": "uat-files"})), Some(&admin)).await;
    assert_eq!((s, body["data_root"].clone()), (StatusCode::OK, json!("uat-files")));

    // `dev` with a root of its own: the editor's file list and previews read there.
    let (s, _) = app.req("PUT", "/api/environments/dev", Some(json!({"data_root": "dev-files"})), Some(&admin)).await;
    assert_eq!(s, StatusCode::OK);
    std::fs::write(app.dir.path().join("dev-files/only-dev.csv"), "a\n7\n").unwrap();
    let (_, files) = app.req("GET", "/api/files", None, Some(&admin)).await;
    let listed: Vec<_> = files["files"].as_array().unwrap().iter().map(|f| (&f["path"], &f["size"])).collect();
    assert_eq!(listed, [(&json!("only-dev.csv"), &json!(4))], "{files}");
    let graph = json!({"format": "sluice.graph/v1", "name": "g", "edges": [],
        "nodes": [{"id": "src", "kind": "source.csv", "config": {"path": "only-dev.csv"}}]});
    let (s, rows) = app.req("POST", "/api/preview", Some(json!({"graph": graph, "node": "src"})), Some(&admin)).await;
    assert_eq!((s, rows["rows"].clone()), (StatusCode::OK, json!([[7]])), "{rows}");
}

#[tokio::test]
async fn only_admins_manage_connections_and_viewers_get_no_catalog() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let (s, _) = app.req("PUT", "/api/connections/core", Some(pg_spec(Some(SECRET))), Some(&admin)).await;
    assert_eq!(s, StatusCode::OK);
    for user in ["analyst", "val"] {
        let c = app.login(user).await;
        for (method, path, body) in [
            ("GET", "/api/connections", None),
            ("PUT", "/api/connections/core", Some(pg_spec(None))),
            ("DELETE", "/api/connections/core", None),
            ("POST", "/api/connections/core/test", None),
            ("GET", "/api/environments", None),
            ("PUT", "/api/environments/dev", Some(json!({"bindings": {}}))),
        ] {
            let (s, answer) = app.req(method, path, body, Some(&c)).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{user} {method} {path}: {answer}");
        }
    }
    let (s, _) = app.req("GET", "/api/catalog/connections", None, Some(&app.login("val").await)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, list) = app.req("GET", "/api/catalog/connections", None, Some(&app.login("analyst").await)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list, json!([{"name": "core", "kind": "postgres", "read_only": true}]), "no host, user or secret");
    assert!(app.state.store.connection("core").await.unwrap().is_some(), "nothing was changed");
}

#[tokio::test]
async fn the_key_file_is_made_once_with_mode_0600() {
    let app = App::new().await;
    let path = app.dir.path().join("secret.key");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let again = Keyring::read_or_create(&path).unwrap();
    assert_eq!(again.id(), app.state.keys.id(), "a second start reads the same key");
    let (k, _) = Keyring::load_with(app.dir.path(), Some(Keyring::generate().to_text())).unwrap();
    assert_ne!(k.id(), again.id(), "SLUICE_SECRET_KEY wins over the file");
}

fn row(name: &str) -> ConnectionRow {
    ConnectionRow {
        name: name.into(),
        kind: "postgres".into(),
        host: Some("db".into()),
        port: Some(5432),
        db_name: "core".into(),
        username: Some("etl".into()),
        tls: "prefer".into(),
        connect_timeout_secs: 10,
        read_only: 1,
        secret: None,
        updated_at: 0,
        updated_by: "admin".into(),
    }
}

#[tokio::test]
async fn rotation_re_encrypts_every_secret_on_both_stores() {
    common::on_both(|store, db| async move {
        let (old, new) = (Keyring::generate(), Keyring::generate());
        for (name, pw) in [("core", "pw-one"), ("dw", "pw-two")] {
            let sealed = old.seal(name, &Secret::new(pw)).unwrap();
            assert!(store.put_connection(&row(name), SecretChange::Set(Some(sealed))).await.unwrap(), "{db}");
        }
        store.put_connection(&row("nosecret"), SecretChange::Set(None)).await.unwrap();
        assert!(!store.put_connection(&row("core"), SecretChange::Keep).await.unwrap(), "{db}: a replace");
        assert_eq!(secrets::rotate(&store, &old, &new).await.unwrap(), 2, "{db}");
        let core = store.connection("core").await.unwrap().unwrap().secret.unwrap();
        assert_eq!(new.open("core", &core).unwrap().expose(), "pw-one", "{db}");
        assert!(old.open("core", &core).is_err(), "{db}: the old key no longer opens it");
        // A value the current key cannot open stops the rotation: nothing changes.
        let third = Keyring::generate();
        assert!(secrets::rotate(&store, &old, &third).await.is_err(), "{db}");
        let still = store.connection("dw").await.unwrap().unwrap().secret.unwrap();
        assert_eq!(new.open("dw", &still).unwrap().expose(), "pw-two", "{db}");
        // Environments: seeded, bindings replaced as a whole.
        let envs = store.environments().await.unwrap();
        assert_eq!(envs.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["dev", "prod"], "{db}");
        let mut prod = EnvironmentRow { name: "prod".into(), data_root: Some("prod-files".into()), ..envs[1].clone() };
        prod.bindings.insert("core".into(), "dw".into());
        store.put_environment(&prod, "admin").await.unwrap();
        assert_eq!(store.environment("prod").await.unwrap().unwrap(), prod, "{db}");
    })
    .await;
}

#[tokio::test]
async fn the_rotate_command_moves_secrets_to_the_new_key_file() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    app.req("PUT", "/api/connections/core", Some(pg_spec(Some(SECRET))), Some(&admin)).await;
    let dir = app.dir.path().to_path_buf();
    let new_file = dir.join("next.key");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["secrets", "rotate", "--data-dir"])
        .arg(&dir)
        .arg("--new-key-file")
        .arg(&new_file)
        .env_remove(secrets::KEY_ENV)
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Re-encrypted 1 secret") && !text.contains(SECRET), "{text}");
    let new = Keyring::read_or_create(&new_file).unwrap();
    assert_eq!(std::fs::metadata(&new_file).unwrap().permissions().mode() & 0o777, 0o600);
    let sealed = stored_secret(&app, "core").await.unwrap();
    assert_eq!(new.open("core", &sealed).unwrap(), Secret::new(SECRET));
    assert!(app.state.keys.open("core", &sealed).is_err());
}

#[tokio::test]
async fn the_review_shows_what_the_version_reads_and_writes_in_prod() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let mut dw = json!({"kind": "mysql", "host": "dw.dev", "database": "reports", "read_only": false});
    for (name, spec) in [("core", pg_spec(Some(SECRET))), ("dw", dw.clone())] {
        assert_eq!(
            app.req("PUT", &format!("/api/connections/{name}"), Some(spec), Some(&admin)).await.0,
            StatusCode::OK
        );
    }
    dw["host"] = json!("dw.prod");
    app.req("PUT", "/api/connections/dw-prod", Some(dw), Some(&admin)).await;
    let (s, _) =
        app.req("PUT", "/api/environments/prod", Some(json!({"bindings": {"dw": "dw-prod"}})), Some(&admin)).await;
    assert_eq!(s, StatusCode::OK);
    let graph = json!({
        "format": "sluice.graph/v1", "name": "to-dw",
        "nodes": [
            {"id": "accounts", "kind": "source.table", "config": {"connection": "core", "table": "dw.accounts"}},
            {"id": "report", "kind": "sink.table", "config": {"connection": "dw", "table": "daily"}}],
        "edges": [{"from": "accounts", "to": "report"}]
    });
    let analyst = app.login("analyst").await;
    let (s, created) = app.req("POST", "/api/graphs", Some(json!({"graph": graph})), Some(&analyst)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let path = format!("/api/graphs/{}/submit", created["id"].as_str().unwrap());
    let (s, sub) = app.req("POST", &path, Some(json!({})), Some(&analyst)).await;
    assert_eq!(s, StatusCode::CREATED, "{sub}");
    let (s, review) =
        app.req("GET", &format!("/api/reviews/{}", sub["id"].as_str().unwrap()), None, Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{review}");
    let uses = &review["connections"];
    assert_eq!(uses[0]["node"], "accounts");
    assert_eq!((uses[0]["access"].clone(), uses[0]["table"].clone()), (json!("read"), json!("dw.accounts")));
    assert_eq!(uses[0]["resolved"]["host"], "127.0.0.1");
    assert_eq!((uses[1]["access"].clone(), uses[1]["connection"].clone()), (json!("write"), json!("dw")));
    let prod = &uses[1]["resolved"];
    assert_eq!((prod["name"].clone(), prod["host"].clone()), (json!("dw-prod"), json!("dw.prod")), "{uses}");
    assert!(!review.to_string().contains(SECRET));

    // Approved, the graph holds on to its connections: deleting one is refused, naming it.
    let sid = sub["id"].as_str().unwrap();
    app.state.store.decide(sid, SubmissionStatus::Approved, "admin2", "ok").await.unwrap();
    app.req("PUT", "/api/environments/prod", Some(json!({})), Some(&admin)).await;
    let (s, body) = app.req("DELETE", "/api/connections/dw", None, Some(&admin)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("to-dw"), "{body}");
    assert_eq!(app.req("DELETE", "/api/connections/dw-prod", None, Some(&admin)).await.0, StatusCode::NO_CONTENT);
}
