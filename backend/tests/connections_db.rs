//! Connections against real databases (PostgreSQL and MariaDB on 127.0.0.1):
//! "test connection" sentences, the catalog's tables and columns, unknown
//! connections as problems naming the node, `dev` vs `prod` resolution, and
//! the server's own output free of secrets.

mod common;

use axum::http::StatusCode;
use common::app::App;
use common::world::World;
use serde_json::{Value, json};
use sluice_backend::engine::connect::DbKind;
use sluice_backend::store::RunFilter;
use sluice_backend::store::{ConnectionRow, EnvironmentRow, SecretChange};
use sluice_shared::api::{RunKind, RunStatus};
use sqlx::Connection as _;

fn mysql_admin_url() -> String {
    std::env::var("SLUICE_TEST_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

async fn test_spec(app: &App, cookie: &str, spec: Value) -> Value {
    let (s, body) = app.req("POST", "/api/connections/probe/test", Some(spec), Some(cookie)).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body
}

/// The test server as a connection spec (its credentials from `SLUICE_TEST_PG`), on `port` when given.
fn pg_on(database: &str, port: Option<u16>) -> Value {
    let (host, p, user, password) = common::pg_login();
    json!({"kind": "postgres", "host": host, "port": port.unwrap_or(p), "database": database, "user": user,
        "secret": password, "tls": "disable", "connect_timeout_secs": 3})
}

fn pg(database: &str) -> Value {
    pg_on(database, None)
}

#[tokio::test]
async fn test_connection_answers_in_words_a_user_understands() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let ok = test_spec(&app, &admin, pg("postgres")).await;
    assert_eq!(ok["ok"], json!(true), "{ok}");
    assert!(ok["message"].as_str().unwrap().starts_with("connected (PostgreSQL 1"), "{ok}");
    let cases = [
        (pg("sluice_no_such_db"), "the database does not exist"),
        (pg_on("postgres", Some(1)), "connection refused"),
        (
            json!({"kind": "postgres", "host": "no-such-host.invalid", "database": "d", "connect_timeout_secs": 3}),
            "host not found",
        ),
        (json!({"kind": "sqlite", "database": "nowhere/missing.db"}), "database file does not exist"),
    ];
    for (spec, expected) in cases {
        let out = test_spec(&app, &admin, spec.clone()).await;
        assert_eq!(out["ok"], json!(false), "{spec}: {out}");
        assert!(out["message"].as_str().unwrap().contains(expected), "{spec}: {out}");
        assert!(!out["message"].as_str().unwrap().contains("postgres://"), "{out}");
    }
    // A server that accepts and never answers: the reply comes at the connect timeout, not later.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((sock, _)) = silent.accept().await {
            open.push(sock);
        }
    });
    let mut spec = pg_on("postgres", Some(port));
    spec["connect_timeout_secs"] = json!(1);
    let out = test_spec(&app, &admin, spec).await;
    held.abort();
    assert_eq!(out["ok"], json!(false));
    let ms = out["elapsed_ms"].as_u64().unwrap();
    assert!((900..2500).contains(&ms), "{out}");
    assert!(out["message"].as_str().unwrap().starts_with("timed out"), "{out}");
}

/// PostgreSQL here trusts every local connection, so a wrong password is
/// tested on MariaDB, with a user made for the test.
#[tokio::test]
async fn a_wrong_password_and_a_missing_database_on_mariadb() {
    let url = mysql_admin_url();
    let mut root = sqlx::MySqlConnection::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("MariaDB at {url} is required for the connection tests: {e}"));
    let user = format!("sl_{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let password = "Right-p@ss:w/rd#1";
    for host in ["%", "localhost", "127.0.0.1"] {
        let sql = format!("CREATE USER '{user}'@'{host}' IDENTIFIED BY 'Right-p@ss:w/rd#1'");
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut root).await.unwrap();
    }
    let app = App::new().await;
    let admin = app.login("admin").await;
    let spec = |pw: &str, db: &str| {
        json!({"kind": "mysql", "host": "127.0.0.1", "port": 3306, "database": db, "user": user,
            "secret": pw, "tls": "disable", "connect_timeout_secs": 3})
    };
    let ok = test_spec(&app, &admin, spec(password, "information_schema")).await;
    let wrong = test_spec(&app, &admin, spec("not-the-password", "information_schema")).await;
    let root_spec = json!({"kind": "mysql", "host": "127.0.0.1", "port": 3306, "database": "sluice_no_such_db",
        "user": "root", "tls": "disable"});
    let missing = test_spec(&app, &admin, root_spec).await;
    for host in ["%", "localhost", "127.0.0.1"] {
        let sql = format!("DROP USER IF EXISTS '{user}'@'{host}'");
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut root).await;
    }
    assert_eq!(ok["ok"], json!(true), "special characters in the password survive the URL: {ok}");
    assert!(ok["message"].as_str().unwrap().contains("MariaDB"), "{ok}");
    assert_eq!(wrong["message"], json!("wrong user name or password"), "{wrong}");
    assert_eq!(missing["message"], json!("the database does not exist"), "{missing}");
}

#[tokio::test]
async fn the_catalog_lists_a_real_tables_columns_in_contract_types() {
    let db = common::PgDb::create().await;
    let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx::raw_sql(
        "CREATE SCHEMA dw; CREATE TABLE dw.accounts (id bigint, balance numeric(18,2), opened date, \
         seen timestamptz, name text, active boolean, raw bytea); CREATE TABLE plain (x int)",
    )
    .execute(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();
    let app = App::new().await;
    let admin = app.login("admin").await;
    let (s, _) = app.req("PUT", "/api/connections/core", Some(pg(&db.name)), Some(&admin)).await;
    assert_eq!(s, StatusCode::OK);
    let analyst = app.login("analyst").await;
    let (s, tables) = app.req("GET", "/api/catalog/connections/core/tables", None, Some(&analyst)).await;
    assert_eq!(s, StatusCode::OK, "{tables}");
    assert_eq!(
        tables,
        json!({"tables": [{"schema": null, "name": "plain"}, {"schema": "dw", "name": "accounts"}], "truncated": false})
    );
    let path = "/api/catalog/connections/core/columns?table=dw.accounts";
    let (s, cols) = app.req("GET", path, None, Some(&analyst)).await;
    assert_eq!(s, StatusCode::OK, "{cols}");
    let expected = json!({"columns": [
        {"name": "id", "type": "int64"}, {"name": "balance", "type": "decimal(18,2)"},
        {"name": "opened", "type": "date"}, {"name": "seen", "type": "timestamp"},
        {"name": "name", "type": "string"}, {"name": "active", "type": "bool"}, {"name": "raw", "type": null}]});
    assert_eq!(cols, expected);
    let (s, _) = app.req("GET", "/api/catalog/connections/core/columns?table=dw.nope", None, Some(&analyst)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.req("GET", "/api/catalog/connections/other/tables", None, Some(&analyst)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A database that does not answer: 422 saying why, never a 5xx.
    app.req("PUT", "/api/connections/down", Some(pg_on(&db.name, Some(1))), Some(&admin)).await;
    let (s, body) = app.req("GET", "/api/catalog/connections/down/tables", None, Some(&analyst)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["message"],
        json!("connection `down`: connection refused: nothing answers on that host and port")
    );
    db.drop_db().await;
}

fn table_graph(connection: &str) -> Value {
    json!({
        "format": "sluice.graph/v1", "name": "from-db",
        "nodes": [
            {"id": "accounts", "kind": "source.table", "config": {"connection": connection, "table": "accounts"}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/accounts.csv"}}],
        "edges": [{"from": "accounts", "to": "out"}]
    })
}

#[tokio::test]
async fn an_unknown_connection_is_a_problem_naming_the_node() {
    let app = App::new().await;
    let analyst = app.login("analyst").await;
    let body = json!({"graph": table_graph("nowhere"), "node": "out"});
    let (s, answer) = app.req("POST", "/api/preview", Some(body), Some(&analyst)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let p = &answer["problems"][0];
    assert_eq!((p["node"].clone(), p["field"].clone()), (json!("accounts"), json!("connection")), "{answer}");
    assert!(p["message"].as_str().unwrap().contains("`nowhere` is not defined"), "{answer}");
    let (_, checked) =
        app.req("POST", "/api/validate", Some(json!({"graph": table_graph("nowhere")})), Some(&analyst)).await;
    assert_eq!(checked["problems"][0]["node"], json!("accounts"), "{checked}");
}

fn sqlite_row(name: &str, file: &str) -> ConnectionRow {
    ConnectionRow {
        name: name.into(),
        kind: "sqlite".into(),
        host: None,
        port: None,
        db_name: file.into(),
        username: None,
        tls: "disable".into(),
        connect_timeout_secs: 5,
        read_only: 1,
        secret: None,
        updated_at: 0,
        updated_by: "admin".into(),
    }
}

/// Scheduled runs resolve in `prod`, drafts in `dev`: the same graph name
/// `src` leads to another SQLite file, and a prod data root of its own is
/// where scheduled runs read and write files.
#[tokio::test]
async fn scheduled_runs_resolve_in_prod_and_drafts_in_dev() {
    let w = World::new(None).await;
    w.store.put_connection(&sqlite_row("dev-db", "dev.db"), SecretChange::Set(None)).await.unwrap();
    w.store.put_connection(&sqlite_row("prod-db", "prod.db"), SecretChange::Set(None)).await.unwrap();
    let bind = |env: &str, to: &str, root: Option<&str>| EnvironmentRow {
        name: env.into(),
        data_root: root.map(str::to_string),
        bindings: [("src".to_string(), to.to_string())].into(),
        cluster: None,
    };
    w.store.put_environment(&bind("dev", "dev-db", None), "admin").await.unwrap();
    w.store.put_environment(&bind("prod", "prod-db", Some("prod-files")), "admin").await.unwrap();
    let prod = w.sched.environment_for(sluice_backend::store::RunKind::Scheduled).await.unwrap();
    let dev = w.sched.environment_for(sluice_backend::store::RunKind::Draft).await.unwrap();
    assert_eq!(prod.root.path(), w.dir.path().join("prod-files"));
    assert_eq!(dev.root.path(), w.files());
    let (p, d) = (prod.connections.get("src").unwrap(), dev.connections.get("src").unwrap());
    assert_eq!((p.kind, d.kind), (DbKind::Sqlite, DbKind::Sqlite));
    assert!(p.url().ends_with("/prod-files/prod.db") && d.url().ends_with("/files/dev.db"), "{p:?} {d:?}");
    assert!(prod.connections.get("dev-db").is_some(), "an unbound connection keeps its own name");

    // End to end: a scheduled run reads and writes the prod root, a draft the dev one.
    let g = w.graph("envs", "in").await;
    std::fs::write(prod.root.path().join("in_2026-11-20.csv"), "a\nprod\n").unwrap();
    w.input("in", "2026-11-20", "a\ndev\n");
    w.schedule(&g, &[], 0, None).await;
    let draft = w.draft(&g.0, &g.1, "2026-11-20").await;
    w.clock.advance(common::world::DAY);
    w.sched.drain().await.unwrap();
    assert_eq!(w.store.run(&draft.id).await.unwrap().status, RunStatus::Succeeded);
    let written = std::fs::read_to_string(prod.root.path().join("out/envs_2026-11-20.csv")).unwrap();
    assert_eq!(written, "a\nprod\n");
    assert_eq!(std::fs::read_to_string(w.sandbox().join("out/envs_2026-11-20.csv")).unwrap(), "a\ndev\n");
    assert!(!w.files().join("out/envs_2026-11-20.csv").exists(), "the dev root is not written by the schedule");

    // A connection name defined in dev only fails the scheduled run, naming the node.
    let (gid, hash) = w.graph_doc(table_graph("dev-only")).await;
    w.store.put_connection(&sqlite_row("dev-only", "x.db"), SecretChange::Set(None)).await.unwrap();
    w.store.put_environment(&bind("prod", "prod-db", Some("prod-files")), "admin").await.unwrap();
    let mut prod_env = w.store.environment("prod").await.unwrap().unwrap();
    prod_env.bindings.insert("dev-only".into(), "missing".into());
    w.store.put_environment(&prod_env, "admin").await.unwrap();
    w.schedule(&(gid.clone(), hash), &[], 0, None).await;
    w.clock.advance(common::world::DAY);
    w.sched.drain().await.unwrap();
    let runs = w.store.runs(&RunFilter::default().graph(&gid), 10).await.unwrap();
    let failed = runs.iter().find(|r| r.kind == RunKind::Scheduled).unwrap();
    assert_eq!(failed.status, RunStatus::Failed, "{runs:?}");
    let error = failed.error.clone().unwrap_or_default();
    assert!(error.contains("accounts") && error.contains("`dev-only` is not defined"), "{error}");
}

/// `curl` against a running `sluice serve`, with a cookie jar; returns the body.
fn curl(base: &str, jar: &std::path::Path, method: &str, path: &str, body: Option<Value>) -> String {
    let mut cmd = std::process::Command::new("curl");
    cmd.args(["-s", "-X", method, "-b"]).arg(jar).arg("-c").arg(jar).arg(format!("{base}{path}"));
    if let Some(b) = body {
        cmd.args(["-H", "Content-Type: application/json", "--data-binary", &b.to_string()]);
    }
    String::from_utf8_lossy(&cmd.output().expect("curl").stdout).to_string()
}

/// The server's own output (stdout and stderr) never shows a secret, whatever
/// happens to the connection: saved, tested, failing, listed, previewed.
#[test]
fn the_server_prints_no_secret() {
    const SECRET: &str = "Log-s3cret-Zx9!";
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out.log"), dir.path().join("err.log"));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .env("SLUICE_ADMIN_PASSWORD", common::app::ADMIN_PASSWORD)
        .env_remove("SLUICE_SECRET_KEY")
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let base = loop {
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        if let Some(rest) = text.split("running on ").nth(1) {
            break rest.split_whitespace().next().unwrap().trim_end_matches('/').to_string();
        }
        assert!(std::time::Instant::now() < deadline, "the server did not start: {text}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let jar = dir.path().join("jar");
    let login = json!({"username": "admin", "password": common::app::ADMIN_PASSWORD});
    assert!(curl(&base, &jar, "POST", "/api/session", Some(login)).contains("admin"));
    // The distinctive secret on a connection that may or may not work (PostgreSQL
    // here trusts local connections; elsewhere it refuses this password).
    let mut spec = pg("postgres");
    spec["secret"] = json!(SECRET);
    let mut answers = vec![curl(&base, &jar, "PUT", "/api/connections/core", Some(spec.clone()))];
    spec["port"] = json!(1);
    answers.push(curl(&base, &jar, "PUT", "/api/connections/broken", Some(spec.clone())));
    for path in ["/api/connections/core/test", "/api/connections/broken/test"] {
        answers.push(curl(&base, &jar, "POST", path, None));
    }
    for path in ["/api/connections", "/api/catalog/connections/broken/tables", "/api/audit", "/api/environments"] {
        answers.push(curl(&base, &jar, "GET", path, None));
    }
    let preview = json!({"graph": table_graph("broken"), "node": "out"});
    answers.push(curl(&base, &jar, "POST", "/api/preview", Some(preview)));
    let _ = child.kill();
    let _ = child.wait();
    assert!(answers[0].contains("\"has_secret\":true"), "{answers:?}");
    assert!(answers[3].contains("connection refused"), "{answers:?}");
    let logs = std::fs::read_to_string(&out).unwrap() + &std::fs::read_to_string(&err).unwrap();
    for text in answers.iter().chain([&logs]) {
        assert!(!text.contains(SECRET) && !text.contains("Log-s3cret"), "{text}");
    }
}
