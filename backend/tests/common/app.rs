//! The server's router in-process, over a real SQLite store and real demo
//! files, with helpers to call it as the browser would.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use sluice_backend::server::{self, ServeOptions, auth::hash_password};
use sluice_backend::store::Store;
use tower::ServiceExt;

pub const ADMIN_PASSWORD: &str = "admin-pass-1";
/// Password of the extra accounts every app has: admin2 (admin), bob (analyst), val (viewer).
pub const USER_PASSWORD: &str = "pass-word-1";

pub struct App {
    pub router: axum::Router,
    pub dir: tempfile::TempDir,
    /// The app's state (its store and scheduler), for tests that drive them.
    pub state: sluice_backend::server::AppState,
}

pub struct Resp {
    pub status: StatusCode,
    pub body: Value,
    pub cookie: Option<String>,
}

/// The app's own store (the SQLite file in its data folder).
pub async fn app_store(dir: &std::path::Path) -> Store {
    Store::open(&Store::sqlite_url(dir)).await.unwrap()
}

impl App {
    pub async fn new() -> App {
        App::with_options(|_| {}).await
    }

    /// An app whose serve options `set` adjusts (TLS, allowed hosts, ...).
    pub async fn with_options(set: impl FnOnce(&mut ServeOptions)) -> App {
        let dir = tempfile::tempdir().unwrap();
        // Every test in these files uses the same value, so the race is harmless.
        unsafe { std::env::set_var("SLUICE_ADMIN_PASSWORD", ADMIN_PASSWORD) };
        let mut opts = ServeOptions {
            addr: "127.0.0.1:0".parse().unwrap(),
            data_dir: dir.path().to_path_buf(),
            demo: true,
            ..Default::default()
        };
        set(&mut opts);
        let (router, state) = server::build(&opts).await.unwrap();
        let h = hash_password(USER_PASSWORD).unwrap();
        for (u, r) in [("admin2", "admin"), ("bob", "analyst"), ("val", "viewer")] {
            state.store.create_user(u, &h, r.parse().unwrap()).await.unwrap();
        }
        App { router, dir, state }
    }

    pub async fn call(&self, method: &str, path: &str, body: Option<Value>, cookie: Option<&str>) -> Resp {
        self.send(Self::request(method, path, body, cookie)).await
    }

    /// The request [`App::call`] sends.
    pub fn request(method: &str, path: &str, body: Option<Value>, cookie: Option<&str>) -> Request<Body> {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        match body {
            Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())).unwrap(),
            None => req.body(Body::empty()).unwrap(),
        }
    }

    /// `call` as a (status, body) pair.
    pub async fn req(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        cookie: Option<&str>,
    ) -> (StatusCode, Value) {
        let r = self.call(method, path, body, cookie).await;
        (r.status, r.body)
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let what = format!("{} {}", req.method(), req.uri());
        let r = self.send_any(req).await;
        assert_ne!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{what}: no request may cause a 500: {}", r.body);
        r
    }

    /// Like [`App::send`] but a 500 is an answer too: for tests that break
    /// the server on purpose.
    pub async fn send_any(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let cookie = res.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(res.into_body(), 64 << 20).await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp { status, body, cookie }
    }

    /// Signs in and returns the `name=value` cookie pair.
    pub async fn login_with(&self, user: &str, password: &str) -> String {
        let r = self.call("POST", "/api/session", Some(json!({"username": user, "password": password})), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let set = r.cookie.expect("a session cookie");
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
        set.split(';').next().unwrap().to_string()
    }

    /// Signs in one of the known accounts.
    pub async fn login(&self, user: &str) -> String {
        let password = match user {
            "admin" => ADMIN_PASSWORD,
            "analyst" => "analyst-demo",
            _ => USER_PASSWORD,
        };
        self.login_with(user, password).await
    }
}
