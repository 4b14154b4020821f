//! Connections over the API against real PostgreSQL (issue 10): a secret is
//! in no answer, audit entry or error, whatever is done with its connection
//! (saved, tested, replaced, deleted, previewed, exported as SQL, run and
//! failed), and only as ciphertext in the store; a read-only connection
//! refuses `sink.table` and nothing is written through it.

mod common;

use axum::http::StatusCode;
use common::app::App;
use serde_json::{Value, json};
use sluice_backend::secrets::{self, Secret};
use sqlx::Connection as _;

/// A password no answer may ever contain, and the pieces of it that would show a leak.
const SECRET: &str = "Zq7-s3cr3t:p@ss/w#rd%";
const NEEDLES: [&str; 3] = [SECRET, "Zq7-s3cr3t", "p%40ss"];

/// The tests' PostgreSQL (host, port and user from `SLUICE_TEST_PG`) as a connection spec.
fn pg_spec(database: &str, secret: Option<&str>) -> Value {
    let (host, port, user, _) = common::pg_login();
    let mut spec = json!({"kind": "postgres", "host": host, "port": port, "database": database,
        "user": user, "tls": "disable", "connect_timeout_secs": 5});
    if let Some(s) = secret {
        spec["secret"] = json!(s);
    }
    spec
}

fn assert_clean(what: &str, body: &str) {
    for needle in NEEDLES {
        assert!(!body.contains(needle), "{what} shows the secret: {body}");
    }
}

/// Every GET the OpenAPI document lists, with its path parameters filled in.
async fn every_get(app: &App, cookie: &str, fill: &[(&str, String)]) -> Vec<(String, String)> {
    let (_, doc) = app.req("GET", "/api/openapi.json", None, None).await;
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_none() || path.ends_with("/events") {
            continue; // a live event stream never ends
        }
        let mut url = path.clone();
        for (k, v) in fill {
            url = url.replace(&format!("{{{k}}}"), v);
        }
        if path.ends_with("/columns") {
            url.push_str("?table=accounts");
        }
        let r = app.call("GET", &url, None, Some(cookie)).await;
        out.push((url, r.body.to_string()));
    }
    out
}

/// `accounts` on `connection` into a CSV file.
fn table_graph(connection: &str, table: &str) -> Value {
    json!({
        "format": "sluice.graph/v1", "name": format!("from-{connection}-{table}"),
        "nodes": [
            {"id": "accounts", "kind": "source.table", "config": {"connection": connection, "table": table}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/accounts.csv"}}],
        "edges": [{"from": "accounts", "to": "out"}]
    })
}

/// Saves `graph` as `cookie`'s, runs it as a draft, and answers the run's detail once it ended.
async fn draft_run(app: &App, cookie: &str, graph: Value) -> Value {
    let (s, created) = app.req("POST", "/api/graphs", Some(json!({"graph": graph})), Some(cookie)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let path = format!("/api/graphs/{}/run", created["id"].as_str().unwrap());
    let (s, run) = app.req("POST", &path, Some(json!({"biz_date": "2026-11-24"})), Some(cookie)).await;
    assert_eq!(s, StatusCode::CREATED, "{run}");
    app.state.scheduler.drain().await.unwrap();
    app.req("GET", &format!("/api/runs/{}", run["id"].as_str().unwrap()), None, Some(cookie)).await.1
}

/// A database of the test's own with `accounts` (two rows).
async fn pg_with_accounts() -> common::PgDb {
    let db = common::PgDb::create().await;
    let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx::raw_sql("CREATE TABLE accounts (id bigint, name text); INSERT INTO accounts VALUES (1, 'a'), (2, 'b')")
        .execute(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
    db
}

async fn put(app: &App, cookie: &str, name: &str, spec: Value) -> Value {
    let (s, body) = app.req("PUT", &format!("/api/connections/{name}"), Some(spec), Some(cookie)).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_clean(&format!("PUT {name}"), &body.to_string());
    body
}

/// Previews and "View as SQL" of a graph on `vault` (it works: rows and a
/// statement) and on `broken` (refused); no answer shows the secret.
async fn previews_and_sql_show_no_secret(app: &App, analyst: &str) {
    for (conn, works) in [("vault", true), ("broken", false)] {
        let graph = table_graph(conn, "accounts");
        let body = json!({"graph": graph, "node": "out"});
        let (s, preview) = app.req("POST", "/api/preview", Some(body), Some(analyst)).await;
        assert_eq!(s == StatusCode::OK, works, "{conn}: {preview}");
        if works {
            assert_eq!(preview["rows"], json!([[1, "a"], [2, "b"]]), "{preview}");
        } else {
            assert!(preview.to_string().contains("refused"), "{preview}");
        }
        assert_clean(&format!("POST /api/preview on {conn}"), &preview.to_string());
        let (s, sql) = app.req("POST", "/api/sql", Some(json!({"graph": graph})), Some(analyst)).await;
        if works {
            assert_eq!(s, StatusCode::OK, "{sql}");
            assert!(sql["statements"][0]["sql"].as_str().unwrap().contains("SELECT"), "{sql}");
        } else {
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{sql}");
            assert!(sql["problems"][0]["message"].as_str().unwrap().contains("refused"), "{sql}");
        }
        assert_clean(&format!("POST /api/sql on {conn}"), &sql.to_string());
    }
}

/// Draft runs that fail on the secret's connections: a table that is not
/// there (`vault`), a server that refuses (`broken`). Their errors name the
/// node and show no secret, nor does the run list.
async fn failed_runs_show_no_secret(app: &App, analyst: &str) {
    for (conn, table, why) in [("vault", "no_such_table", "no_such_table"), ("broken", "accounts", "refused")] {
        let detail = draft_run(app, analyst, table_graph(conn, table)).await;
        assert_eq!(detail["run"]["status"], "failed", "{detail}");
        let error = detail["run"]["error"].as_str().unwrap_or_default();
        assert!(error.contains("accounts") && error.contains(why), "{conn}: {error}");
        assert_clean(&format!("the failed run on {conn}"), &detail.to_string());
    }
    let (_, runs) = app.req("GET", "/api/runs", None, Some(analyst)).await;
    assert!(runs.to_string().contains("failed"), "{runs}");
    assert_clean("GET /api/runs", &runs.to_string());
}

#[tokio::test]
async fn a_secret_is_in_no_answer_no_audit_entry_and_only_as_ciphertext_in_the_store() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let db = pg_with_accounts().await;
    // `core` works (the test server's own password), so the catalog answers hold real
    // tables; `vault` and `broken` carry the distinctive secret (PostgreSQL here trusts
    // 127.0.0.1, as .ci/run sets it up, so `vault` works too; `broken` is a closed port).
    let (_, _, _, password) = common::pg_login();
    put(&app, &admin, "core", pg_spec(&db.name, password.as_deref())).await;
    put(&app, &admin, "vault", pg_spec(&db.name, Some(SECRET))).await;
    let mut broken = pg_spec(&db.name, Some(SECRET));
    broken["port"] = json!(1);
    put(&app, &admin, "broken", broken).await;
    put(&app, &admin, "spare", pg_spec(&db.name, Some(SECRET))).await;
    let (_, t) = app.req("POST", "/api/connections/core/test", None, Some(&admin)).await;
    assert_eq!(t["ok"], json!(true), "{t}");
    for name in ["vault", "broken"] {
        let (_, t) = app.req("POST", &format!("/api/connections/{name}/test"), None, Some(&admin)).await;
        assert_clean(&format!("testing {name}"), &t.to_string());
    }
    let analyst = app.login("analyst").await;
    previews_and_sql_show_no_secret(&app, &analyst).await;
    failed_runs_show_no_secret(&app, &analyst).await;

    // Replaced (secret given again) and deleted: the answers and the audit entries hold no secret.
    put(&app, &admin, "vault", pg_spec(&db.name, Some(SECRET))).await;
    let (s, gone) = app.req("DELETE", "/api/connections/spare", None, Some(&admin)).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{gone}");
    for (action, target) in [("connection_update", "vault"), ("connection_delete", "spare")] {
        let (_, audit) = app.req("GET", &format!("/api/audit?action={action}"), None, Some(&admin)).await;
        let entries = audit["entries"].as_array().unwrap();
        assert!(entries.iter().any(|e| e["target"] == target), "{audit}");
        assert_clean(action, &audit.to_string());
    }

    let (_, graphs) = app.req("GET", "/api/graphs", None, Some(&analyst)).await;
    let gid = graphs["graphs"][0]["id"].as_str().unwrap().to_string();
    let (s, sub) = app.req("POST", &format!("/api/graphs/{gid}/submit"), Some(json!({})), Some(&analyst)).await;
    assert_eq!(s, StatusCode::CREATED, "{sub}");
    // `{id}` is a graph's id, and for `broken` a failed run's (the run pages).
    let (_, runs) = app.req("GET", "/api/runs", None, Some(&admin)).await;
    let run_id = runs["runs"][0]["id"].as_str().unwrap().to_string();
    let mut answers = Vec::new();
    for (name, id) in [("core", &gid), ("vault", &gid), ("broken", &run_id)] {
        let fill = [
            ("name", name.to_string()),
            ("id", id.clone()),
            ("sid", sub["id"].as_str().unwrap().to_string()),
            ("version", "1".into()),
        ];
        answers.extend(every_get(&app, &admin, &fill).await);
    }
    assert!(answers.len() >= 45, "{answers:?}");
    assert!(answers.iter().any(|(u, b)| u == "/api/connections" && b.contains("has_secret")));
    assert!(answers.iter().any(|(u, b)| u == "/api/audit" && b.contains("connection_delete")));
    assert!(answers.iter().any(|(u, b)| u == &format!("/api/runs/{run_id}") && b.contains(r#""status":"failed""#)));
    for (url, body) in &answers {
        assert_clean(&format!("GET {url}"), body);
    }
    // At rest: ciphertext under the server's key, a fresh nonce every time.
    let stored = |app: &App| {
        let store = app.state.store.clone();
        async move { store.connection("vault").await.unwrap().unwrap().secret.unwrap() }
    };
    let a = stored(&app).await;
    put(&app, &admin, "vault", pg_spec(&db.name, Some(SECRET))).await;
    let b = stored(&app).await;
    assert!(!a.contains(SECRET) && !a.contains("Zq7") && a != b, "{a} {b}");
    assert_eq!(secrets::key_id_of(&a), Some(app.state.keys.id()));
    assert_eq!(app.state.keys.open("vault", &b).unwrap(), Secret::new(SECRET));
    let raw = std::fs::read(app.dir.path().join("sluice.db")).unwrap();
    assert!(!String::from_utf8_lossy(&raw).contains("Zq7-s3cr3t"), "the database file holds no plaintext");
    db.drop_db().await;
}

/// A read-only connection (the default) refuses `sink.table`: validating and
/// previewing answer the problem (code, node, field `connection`), a draft run
/// fails naming the node, and the target table keeps its rows.
#[tokio::test]
async fn a_read_only_connection_refuses_a_table_sink_and_writes_nothing() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let db = pg_with_accounts().await;
    let (_, _, _, password) = common::pg_login();
    let view = put(&app, &admin, "dw", pg_spec(&db.name, password.as_deref())).await;
    assert_eq!(view["read_only"], json!(true), "read-only unless said otherwise: {view}");
    std::fs::write(app.dir.path().join("files/new_accounts.csv"), "id,name\n7,x\n").unwrap();
    let graph = json!({
        "format": "sluice.graph/v1", "name": "into-dw",
        "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": "new_accounts.csv"}},
            {"id": "load", "kind": "sink.table",
             "config": {"connection": "dw", "table": "accounts", "mode": "replace"}}],
        "edges": [{"from": "src", "to": "load"}]
    });
    let analyst = app.login("analyst").await;
    let is_refusal = |p: &Value| {
        p["code"] == "connection_read_only"
            && p["node"] == "load"
            && p["field"] == "connection"
            && p["message"].as_str().unwrap_or_default().contains("`dw` is read-only")
    };
    let (s, checked) = app.req("POST", "/api/validate", Some(json!({"graph": graph})), Some(&analyst)).await;
    assert_eq!(s, StatusCode::OK, "{checked}");
    assert!(checked["problems"].as_array().unwrap().iter().any(is_refusal), "{checked}");
    let body = json!({"graph": graph, "node": "load"});
    let (s, preview) = app.req("POST", "/api/preview", Some(body), Some(&analyst)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{preview}");
    assert!(preview["problems"].as_array().unwrap().iter().any(is_refusal), "{preview}");

    let detail = draft_run(&app, &analyst, graph).await;
    assert_eq!(detail["run"]["status"], "failed", "{detail}");
    let error = detail["run"]["error"].as_str().unwrap_or_default();
    assert!(error.contains("load") && error.contains("read-only"), "{error}");

    let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM accounts ORDER BY id").fetch_all(&mut c).await.unwrap();
    assert_eq!(rows, [(1, "a".to_string()), (2, "b".to_string())], "the table is unchanged");
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'")
            .fetch_all(&mut c)
            .await
            .unwrap();
    assert_eq!(tables, ["accounts"], "no table was created");
    c.close().await.unwrap();
    db.drop_db().await;
}
