//! Accounts and sign-in under attack: bounded requests and sign-in limits a
//! stranger cannot turn against a user, no stored stranger input,
//! re-authentication for admin-making changes, password resets and disabled
//! accounts ending sessions, `Secure` cookies, expired-session purging, and
//! the `Host` allow-list.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use common::app::{ADMIN_PASSWORD, App, USER_PASSWORD, app_store};
use serde_json::{Value, json};
use sluice_shared::api::Role;
use std::net::SocketAddr;

fn sign_in(user: &str, password: &str, from: &str, forwarded: Option<&str>) -> Request<Body> {
    let mut req =
        Request::builder().method("POST").uri("/api/session").header(header::CONTENT_TYPE, "application/json");
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req.body(Body::from(json!({"username": user, "password": password}).to_string())).unwrap();
    req.extensions_mut().insert(ConnectInfo(format!("{from}:40000").parse::<SocketAddr>().unwrap()));
    req
}

async fn audit(app: &App, admin: &str) -> Vec<Value> {
    app.call("GET", "/api/audit", None, Some(admin)).await.body["entries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn sign_in_and_other_bodies_are_bounded_per_field_and_route() {
    let app = App::new().await;
    let r = app.call("POST", "/api/session", Some(json!({"username": "u".repeat(65), "password": "x"})), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("`username`"), "{}", r.body);
    let r =
        app.call("POST", "/api/session", Some(json!({"username": "admin", "password": "p".repeat(300)})), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("`password`"), "{}", r.body);
    // A megabyte of name is refused before it is read in full.
    let r =
        app.call("POST", "/api/session", Some(json!({"username": "u".repeat(1 << 20), "password": "x"})), None).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Every request type: a submission message is free text with a limit too.
    let c = app.login("analyst").await;
    let graphs = app.call("GET", "/api/graphs", None, Some(&c)).await;
    let id = graphs.body["graphs"][0]["id"].as_str().unwrap().to_string();
    let long = json!({"message": "m".repeat(20_000)});
    let r = app.call("POST", &format!("/api/graphs/{id}/submit"), Some(long), Some(&c)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("`message`"), "{}", r.body);
}

#[tokio::test]
async fn a_stranger_cannot_lock_out_a_user_nor_spoof_an_address() {
    let app = App::new().await;
    for _ in 0..6 {
        app.send(sign_in("admin", "guess", "203.0.113.9", None)).await;
    }
    let r = app.send(sign_in("admin", ADMIN_PASSWORD, "203.0.113.9", None)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "the guessing address waits");
    // Without --trusted-proxy, X-Forwarded-For is not believed.
    let r = app.send(sign_in("admin", ADMIN_PASSWORD, "203.0.113.9", Some("198.51.100.7"))).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let r = app.send(sign_in("admin", ADMIN_PASSWORD, "192.0.2.10", None)).await;
    assert_eq!(r.status, StatusCode::OK, "the admin elsewhere signs in: {}", r.body);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_counts() {
    let app = App::with_options(|o| o.trusted_proxy = true).await;
    for _ in 0..6 {
        app.send(sign_in("bob", "guess", "127.0.0.1", Some("203.0.113.9"))).await;
    }
    let r = app.send(sign_in("bob", USER_PASSWORD, "127.0.0.1", Some("203.0.113.9"))).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let r = app.send(sign_in("bob", USER_PASSWORD, "127.0.0.1", Some("203.0.113.9, 192.0.2.10"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn failed_sign_ins_never_store_what_strangers_typed() {
    let app = App::new().await;
    let typed = "attacker-typed-name-4711";
    app.call("POST", "/api/session", Some(json!({"username": typed, "password": "x"})), None).await;
    app.call("POST", "/api/session", Some(json!({"username": "bob", "password": "wrong"})), None).await;
    let admin = app.login("admin").await;
    let entries = audit(&app, &admin).await;
    assert!(!serde_json::to_string(&entries).unwrap().contains("attacker-typed"), "{entries:?}");
    let failed: Vec<_> = entries.iter().filter(|e| e["action"] == "login_failed").collect();
    assert_eq!(failed.len(), 2, "{entries:?}");
    assert!(failed.iter().any(|e| e["actor"] == "bob"), "a real account's failure names it");
    assert!(failed.iter().any(|e| e["actor"] == "(unknown)"));
}

#[tokio::test]
async fn admin_making_changes_need_the_admins_own_password() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let new_admin = json!({"username": "boss", "password": "long-enough-1", "role": "admin"});
    let r = app.call("POST", "/api/users", Some(new_admin.clone()), Some(&admin)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let mut wrong = new_admin.clone();
    wrong["current_password"] = json!("not-my-password");
    assert_eq!(app.call("POST", "/api/users", Some(wrong), Some(&admin)).await.status, StatusCode::FORBIDDEN);
    let mut right = new_admin.clone();
    right["current_password"] = json!(ADMIN_PASSWORD);
    assert_eq!(app.call("POST", "/api/users", Some(right), Some(&admin)).await.status, StatusCode::CREATED);
    // Promoting and resetting a password need it too; other role changes do not.
    let promote = json!({"role": "admin"});
    assert_eq!(app.call("PATCH", "/api/users/val", Some(promote), Some(&admin)).await.status, StatusCode::FORBIDDEN);
    let reset = json!({"password": "new-password-9", "current_password": "nope-nope-nope"});
    assert_eq!(app.call("PATCH", "/api/users/admin2", Some(reset), Some(&admin)).await.status, StatusCode::FORBIDDEN);
    let demote = json!({"role": "viewer"});
    assert_eq!(app.call("PATCH", "/api/users/bob", Some(demote), Some(&admin)).await.status, StatusCode::NO_CONTENT);
    let promote = json!({"role": "admin", "current_password": ADMIN_PASSWORD});
    assert_eq!(app.call("PATCH", "/api/users/val", Some(promote), Some(&admin)).await.status, StatusCode::NO_CONTENT);
    let entries = audit(&app, &admin).await;
    let failed = entries.iter().filter(|e| e["action"] == "reauth_failed" && e["actor"] == "admin").count();
    assert_eq!(failed, 4, "each refusal is audited: {entries:?}");
    let created = entries.iter().find(|e| e["action"] == "user_create" && e["target"] == "boss").unwrap();
    assert!(created["detail"].as_str().unwrap().contains("confirmed"), "{created}");
}

#[tokio::test]
async fn a_password_reset_ends_the_users_sessions() {
    let app = App::new().await;
    let bob = app.login("bob").await;
    let admin = app.login("admin").await;
    let reset = json!({"password": "brand-new-pass", "current_password": ADMIN_PASSWORD});
    let r = app.call("PATCH", "/api/users/bob", Some(reset), Some(&admin)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(app.call("GET", "/api/session", None, Some(&bob)).await.status, StatusCode::UNAUTHORIZED);
    app.login_with("bob", "brand-new-pass").await;
    assert_eq!(app.call("GET", "/api/session", None, Some(&admin)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn disabled_users_cannot_sign_in_and_their_sessions_end() {
    let app = App::new().await;
    let bob = app.login("bob").await;
    let admin = app.login("admin").await;
    let off = |d: bool| Some(json!({"disabled": d}));
    assert_eq!(app.call("PATCH", "/api/users/bob", off(true), Some(&admin)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.call("GET", "/api/session", None, Some(&bob)).await.status, StatusCode::UNAUTHORIZED);
    let r = app.call("POST", "/api/session", Some(json!({"username": "bob", "password": USER_PASSWORD})), None).await;
    // The same answer as a wrong password: it must not confirm the password was right.
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let users = app.call("GET", "/api/users", None, Some(&admin)).await.body;
    let row = users["users"].as_array().unwrap().iter().find(|u| u["username"] == "bob").unwrap().clone();
    assert_eq!(row["disabled"], true);
    assert_eq!(app.call("PATCH", "/api/users/bob", off(false), Some(&admin)).await.status, StatusCode::NO_CONTENT);
    app.login("bob").await;
    // Nobody disables themselves; the last active admin stays.
    assert_eq!(app.call("PATCH", "/api/users/admin", off(true), Some(&admin)).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.call("PATCH", "/api/users/admin2", off(true), Some(&admin)).await.status, StatusCode::NO_CONTENT);
    // Bringing an admin account back gives admin power again: it needs the acting admin's password.
    assert_eq!(app.call("PATCH", "/api/users/admin2", off(false), Some(&admin)).await.status, StatusCode::FORBIDDEN);
    let confirmed = Some(json!({"disabled": false, "current_password": ADMIN_PASSWORD}));
    assert_eq!(app.call("PATCH", "/api/users/admin2", confirmed, Some(&admin)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.call("PATCH", "/api/users/admin2", off(true), Some(&admin)).await.status, StatusCode::NO_CONTENT);
    let store = app_store(app.dir.path()).await;
    assert_eq!(store.set_disabled("admin", true).await.unwrap(), sluice_backend::store::Disabled::LastAdmin);
    assert_eq!(app.call("GET", "/api/session", None, Some(&admin)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn cookies_are_secure_behind_tls() {
    let app = App::with_options(|o| o.tls = true).await;
    let r = app.call("POST", "/api/session", Some(json!({"username": "bob", "password": USER_PASSWORD})), None).await;
    let cookie = r.cookie.unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let plain = App::new().await;
    let r = plain.call("POST", "/api/session", Some(json!({"username": "bob", "password": USER_PASSWORD})), None).await;
    assert!(!r.cookie.unwrap().contains("Secure"));
}

#[tokio::test]
async fn expired_sessions_are_purged_at_sign_in() {
    let app = App::new().await;
    let store = app_store(app.dir.path()).await;
    let bob = store.user_by_name("bob").await.unwrap().unwrap();
    store.create_session(&"e".repeat(64), &bob.id, -1000).await.unwrap();
    app.login("val").await;
    let pool = sqlx::AnyPool::connect(&sluice_backend::store::Store::sqlite_url(app.dir.path())).await.unwrap();
    let expired: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE expires_at <= $1")
        .bind(sluice_backend::store::now_ms())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(expired, 0);
}

fn with_host(host: &str) -> Request<Body> {
    Request::builder().method("GET").uri("/api/openapi.json").header(header::HOST, host).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn only_known_host_names_are_answered() {
    let app = App::new().await;
    let r = app.send(with_host("evil.example:8080")).await;
    assert_eq!(r.status, StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(r.body["error"]["code"], "wrong_host");
    assert_eq!(app.send(with_host("localhost:8080")).await.status, StatusCode::OK);
    assert_eq!(app.send(with_host("127.0.0.1:8080")).await.status, StatusCode::OK);
    let named = App::with_options(|o| o.allowed_hosts = vec!["sluice.bank.example".into()]).await;
    assert_eq!(named.send(with_host("sluice.bank.example")).await.status, StatusCode::OK);
    assert_eq!(named.send(with_host("evil.example")).await.status, StatusCode::MISDIRECTED_REQUEST);
}

#[test]
fn serve_reads_the_database_url_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/missing/folder/x.db?mode=ro", dir.path().display());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("SLUICE_DATABASE_URL", &url)
        .env("SLUICE_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("sluice serve ignored SLUICE_DATABASE_URL and started on its own SQLite file");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(!status.success());
    assert!(err.contains("cannot open the database"), "{err}");
}

#[tokio::test]
async fn the_store_disables_purges_and_ends_sessions_on_both_databases() {
    use sluice_backend::store::{Disabled, StoreError};
    common::on_both(|store, db| async move {
        let a = store.create_user("a1", "h", Role::Admin).await.unwrap();
        let b = store.create_user("b1", "h", Role::Analyst).await.unwrap();
        store.create_session("s-a", &a.id, 60_000).await.unwrap();
        store.create_session("s-b", &b.id, 60_000).await.unwrap();
        store.create_session("s-old", &b.id, -1).await.unwrap();
        assert_eq!(store.purge_expired_sessions().await.unwrap(), 1, "{db}");
        assert_eq!(store.set_disabled("a1", true).await.unwrap(), Disabled::LastAdmin, "{db}");
        assert!(matches!(store.set_disabled("nobody", true).await, Err(StoreError::NotFound)), "{db}");
        assert_eq!(store.set_disabled("b1", true).await.unwrap(), Disabled::Done, "{db}");
        assert!(store.session_user("s-b").await.unwrap().is_none(), "{db}: a disabled user's session ends");
        assert_eq!(store.set_disabled("b1", false).await.unwrap(), Disabled::Done, "{db}");
        assert_eq!(store.user_by_name("b1").await.unwrap().unwrap().disabled_at, 0, "{db}");
        assert!(store.session_user("s-a").await.unwrap().is_some(), "{db}");
        store.set_password("a1", "h2").await.unwrap();
        assert!(store.session_user("s-a").await.unwrap().is_none(), "{db}: a new password ends sessions");
        assert_eq!(store.count_active_admins().await.unwrap(), 1, "{db}");
    })
    .await;
}
