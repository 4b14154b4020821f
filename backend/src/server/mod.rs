//! `sluice serve`: the HTTP API under `/api` and the browser app from `static/`.
//! One module per resource, each with its own `router()`; one `AppState`; one
//! error type (`error::ApiError`) that every handler returns.

mod access;
mod assets;
pub mod auth;
pub mod calendars;
pub mod config;
pub mod connections;
pub mod dataflow;
pub mod engine_api;
pub mod error;
mod graph_status;
pub mod graphs;
pub mod hosts;
pub mod i18n;
pub mod limits;
pub mod lineage;
pub mod lineage_trace;
pub mod logging;
mod model_api;
mod openapi;
mod previews;
mod problem_cache;
pub mod reports;
mod resolve_params;
pub mod reviews;
mod run_events;
mod run_now;
mod run_outputs;
pub mod runs;
mod schedule_edit;
mod settings;
pub mod throttle;
pub mod users;
mod watermarks;

use crate::engine::limits::Limits;
use crate::engine::root::DataRoot;
use crate::store::Store;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use error::ApiError;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;

/// Largest request body the graph and engine routes read (a graph with
/// thousands of nodes fits); the other routes have smaller ones (`limits`).
const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Everything a handler needs, shared across requests.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    /// Where graph paths resolve: `<data-dir>/files`.
    pub root: DataRoot,
    pub limiter: throttle::Limiter,
    /// Every argon2 hash and verification goes through it.
    pub hasher: throttle::Hasher,
    /// An argon2 hash to verify against when a username is unknown, so the
    /// time a failed sign-in takes does not reveal whether the user exists.
    pub dummy_hash: String,
    pub previews: previews::Previews,
    pub scheduler: Arc<crate::scheduler::Scheduler>,
    /// Served over HTTPS: the session cookie is `Secure`.
    pub tls: bool,
    /// Behind a reverse proxy: the client address is its `X-Forwarded-For`.
    pub trusted_proxy: bool,
    /// Draft quota and live-progress stream limits.
    pub runs: runs::RunSettings,
    /// Problems of stored versions by content hash, so reads do not validate again.
    pub problem_cache: problem_cache::ProblemCache,
    /// The key connection secrets are encrypted under (`secrets`).
    pub keys: Arc<crate::secrets::Keyring>,
    /// `--data-dir`: environments' data roots are folders in it.
    pub data_dir: PathBuf,
    /// What the environment said at start.
    pub config: config::Config,
}

impl AppState {
    /// Where environments' data roots resolve.
    pub fn dirs(&self) -> crate::environments::Dirs {
        crate::environments::Dirs { data_dir: self.data_dir.clone(), default_root: self.root.clone() }
    }

    /// An environment resolved for the engine (`dev` for the editor, previews
    /// and drafts): its data root and its connections, secrets decrypted.
    pub async fn environment(&self, name: &str) -> Result<crate::environments::Resolved, error::ApiError> {
        crate::environments::resolve(&self.store, Some(&self.keys), &self.dirs(), name)
            .await
            .map_err(error::ApiError::Internal)
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// How `sluice serve` is started. New settings get a default here, so callers
/// (main, tests) name only what they set: `ServeOptions { data_dir, ..Default::default() }`.
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub demo: bool,
    pub static_dir: Option<PathBuf>,
    /// Where failure and SLA alerts are POSTed (also `SLUICE_ALERT_WEBHOOK`).
    pub alert_webhook: Option<String>,
    /// Memory and spill space of one run (scheduled or draft).
    pub run_limits: Limits,
    /// Memory and spill space of one preview (editor and review page).
    pub preview_limits: Limits,
    /// How long one preview may run before it is stopped.
    pub preview_timeout: std::time::Duration,
    /// Served over HTTPS (directly or by a proxy): the session cookie gets `Secure`.
    pub tls: bool,
    /// Behind a reverse proxy that sets `X-Forwarded-For`: sign-in limits use
    /// its last entry as the client address. Never set it without such a proxy.
    pub trusted_proxy: bool,
    /// Host names the server answers to besides localhost and the bind address.
    pub allowed_hosts: Vec<String>,
    /// Scheduled and backfill runs executing at once.
    pub max_runs: usize,
    /// Draft runs executing at once (separate slots, after scheduled runs).
    pub max_draft_runs: usize,
    /// Draft runs one user may have queued or running; more answer 429.
    pub draft_quota: i64,
    /// Run-event streams one user may have open at once; more answer 429.
    pub max_event_streams: usize,
    /// How often an open run-event stream checks that its session still holds.
    pub stream_session_check: std::time::Duration,
    /// Settings from environment variables; `None` reads them when the app is built.
    pub config: Option<config::Config>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("sluice-data"),
            database_url: None,
            demo: false,
            static_dir: None,
            alert_webhook: None,
            run_limits: Limits::RUN,
            preview_limits: Limits::PREVIEW,
            preview_timeout: crate::engine::limits::PREVIEW_TIMEOUT,
            tls: false,
            trusted_proxy: false,
            allowed_hosts: Vec::new(),
            max_runs: 2,
            max_draft_runs: 1,
            draft_quota: 3,
            max_event_streams: 4,
            stream_session_check: std::time::Duration::from_secs(5),
            config: None,
        }
    }
}

/// Opens the store, prepares the data root, and builds the app.
pub async fn build(opts: &ServeOptions) -> Result<(Router, AppState), String> {
    let files = opts.data_dir.join("files");
    std::fs::create_dir_all(&files).map_err(|e| format!("cannot create {}: {e}", files.display()))?;
    let url = opts.database_url.clone().unwrap_or_else(|| Store::sqlite_url(&opts.data_dir));
    let store = Store::open(&url).await.map_err(|e| format!("cannot open the database: {e}"))?;
    let config = opts.config.clone().unwrap_or_else(config::Config::from_env);
    if let Some(dir) = &config.git_dir {
        crate::versions_git::open(dir)?; // a wrong --git-dir stops the start, not the first approval
    }
    bootstrap_admin(&store, config.admin_password.clone()).await?;
    if opts.demo {
        install_demo(&store, &files, config.demo_password.clone()).await?;
    }
    let root = DataRoot::new(files);
    let (keys, _) = crate::secrets::Keyring::load(&opts.data_dir)?;
    let keys = Arc::new(keys);
    crate::engine::limits::set_run_limits(opts.run_limits);
    let webhook = opts.alert_webhook.clone().or_else(|| config.alert_webhook.clone());
    let clock: Arc<dyn crate::scheduler::clock::Clock> = Arc::new(crate::scheduler::clock::SystemClock);
    let limits = crate::scheduler::Limits { max_runs: opts.max_runs, max_draft_runs: opts.max_draft_runs };
    let scheduler = crate::scheduler::Scheduler::with_limits(store.clone(), root.clone(), clock, webhook, limits);
    scheduler.set_keyring(keys.clone());
    let state = AppState(Arc::new(Inner {
        store,
        root,
        limiter: throttle::Limiter::default(),
        hasher: throttle::Hasher::default(),
        dummy_hash: auth::hash_password("not-a-real-password").map_err(|e| format!("{e:?}"))?,
        previews: previews::Previews::new(opts.preview_limits, opts.preview_timeout),
        scheduler,
        tls: opts.tls,
        trusted_proxy: opts.trusted_proxy,
        runs: runs::RunSettings::new(opts),
        problem_cache: Default::default(),
        keys,
        data_dir: opts.data_dir.clone(),
        config,
    }));
    let static_dir = assets::choose(opts.static_dir.clone());
    let allowed = hosts::AllowedHosts::new(opts.addr, &opts.allowed_hosts);
    let app = router(state.clone(), &static_dir).layer(middleware::from_fn_with_state(allowed, hosts::check));
    Ok((app, state))
}

pub async fn serve(opts: ServeOptions) -> Result<(), String> {
    let (app, state) = build(&opts).await?;
    // Runs a previous process left going are interrupted and retried, then the
    // scheduler ticks every second.
    let recovered = state.scheduler.recover().await.map_err(|e| e.to_string())?;
    if recovered > 0 {
        println!("Marked {recovered} interrupted run(s) from the previous start; retrying per their policy");
    }
    state.scheduler.clone().spawn_loop(std::time::Duration::from_secs(1));
    spawn_session_purge(state.store.clone());
    let listener =
        tokio::net::TcpListener::bind(opts.addr).await.map_err(|e| format!("cannot listen on {}: {e}", opts.addr))?;
    println!("Sluice is running on http://{}/", listener.local_addr().map_err(|e| e.to_string())?);
    println!("The editor is served from {}", assets::describe(&assets::choose(opts.static_dir.clone())));
    if opts.addr.ip().is_unspecified() && opts.allowed_hosts.is_empty() {
        println!("Answering to localhost names only; add `--allowed-host NAME` for the names clients use");
    }
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await.map_err(|e| e.to_string())
}

/// Expired sessions are deleted at every sign-in and every ten minutes.
fn spawn_session_purge(store: Store) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            if let Err(e) = store.purge_expired_sessions().await {
                tracing::error!("purging expired sessions: {e}");
            }
        }
    });
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}

pub fn router(state: AppState, static_dir: &assets::Source) -> Router {
    let small = || DefaultBodyLimit::max(limits::SMALL_BODY);
    let medium = || DefaultBodyLimit::max(limits::MEDIUM_BODY);
    let api = Router::new()
        .route("/api/session", axum::routing::post(auth::login).get(auth::whoami).delete(auth::logout).layer(small()))
        .route("/api/openapi.json", axum::routing::get(openapi::document))
        .merge(graphs::router())
        .merge(graph_status::router())
        .merge(engine_api::router())
        .merge(lineage::router())
        .merge(model_api::router())
        .merge(dataflow::router())
        .merge(reviews::router().layer(medium()))
        .merge(users::router().layer(small()))
        .merge(connections::router().layer(small()))
        .merge(runs::router().layer(medium()))
        .merge(resolve_params::router().layer(small()))
        .merge(run_outputs::router())
        .merge(calendars::router().layer(medium()))
        // Medium: a pivot's `in` filters may list 100 values each.
        .merge(reports::router().layer(medium()))
        .merge(watermarks::router().layer(small()))
        .merge(settings::router().layer(small()))
        .merge(i18n::router())
        // Unknown API paths answer JSON 404 instead of falling through to the app.
        .route("/api/{*rest}", axum::routing::any(|| async { ApiError::NotFound("no such API endpoint".into()) }))
        .layer(middleware::from_fn(same_origin))
        .layer(middleware::from_fn(error::json_errors))
        .layer(middleware::from_fn_with_state(state.clone(), i18n::localize))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state);
    Router::new()
        .merge(api)
        .merge(assets::service(static_dir))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(no_sniff))
        .layer(logging::requests())
}

/// Refuses state-changing requests whose `Origin` is another site. With the
/// SameSite=Strict cookie and JSON-only bodies this closes cross-site requests.
async fn same_origin(req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok());
        if let (Some(origin), Some(host)) = (origin, host) {
            let origin_host = origin.split("://").nth(1).unwrap_or(origin);
            if origin_host != host {
                return ApiError::Forbidden("cross-site requests are not allowed".into()).into_response();
            }
        }
    }
    next.run(req).await
}

async fn no_sniff(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let status = res.status();
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    if status == StatusCode::NOT_FOUND && !h.contains_key(header::CONTENT_TYPE) {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    }
    res
}

/// On first start, the `admin` account gets `SLUICE_ADMIN_PASSWORD`, or a random
/// password printed once.
async fn bootstrap_admin(store: &Store, from_env: Option<String>) -> Result<(), String> {
    if store.count_users().await.map_err(|e| e.to_string())? > 0 {
        return Ok(());
    }
    let (password, generated) = match from_env {
        Some(p) => (p, false),
        None => (uuid::Uuid::new_v4().simple().to_string()[..16].to_string(), true),
    };
    let hash = auth::hash_password(&password).map_err(|e| format!("{e:?}"))?;
    store.create_user("admin", &hash, auth::Role::Admin).await.map_err(|e| e.to_string())?;
    if generated {
        println!("Created the admin account: user `admin`, password `{password}` (shown once)");
    }
    Ok(())
}

/// `--demo`: sample bank files, an analyst account and example graphs, added
/// once (nothing existing is overwritten).
async fn install_demo(store: &Store, files: &Path, demo_password_env: Option<String>) -> Result<(), String> {
    crate::demo::write_files(files).map_err(|e| format!("demo files: {e}"))?;
    let analyst = match store.user_by_name("analyst").await.map_err(|e| e.to_string())? {
        Some(u) => u,
        None => {
            let (password, line) = demo_password(demo_password_env);
            let hash = auth::hash_password(&password).map_err(|e| format!("{e:?}"))?;
            println!("{line}");
            store.create_user("analyst", &hash, auth::Role::Analyst).await.map_err(|e| e.to_string())?
        }
    };
    for graph in crate::demo::graphs() {
        if store.graph_named(&graph.name).await.map_err(|e| e.to_string())?.is_some() {
            continue;
        }
        let doc = serde_json::to_string_pretty(&graph).map_err(|e| e.to_string())?;
        store
            .create_graph(&analyst.id, "analyst", &graph.name, &graph.description, &doc)
            .await
            .map_err(|e| e.to_string())?;
    }
    crate::demo::reports::install(store, files, &analyst).await?;
    Ok(())
}

/// The demo analyst's password and the line printed about it: the password
/// itself only when it is the built-in default, never one set in
/// `SLUICE_DEMO_PASSWORD` (it would land in logs).
fn demo_password(from_env: Option<String>) -> (String, String) {
    match from_env.filter(|p| !p.is_empty()) {
        Some(p) => (p, "Demo analyst account: user `analyst`, password from SLUICE_DEMO_PASSWORD".into()),
        None => {
            let p = "analyst-demo".to_string();
            let line = format!("Demo analyst account: user `analyst`, password `{p}` (the default)");
            (p, line)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_demo_password_from_the_environment_is_never_printed() {
        let (password, line) = super::demo_password(Some("s3cret-from-env".into()));
        assert_eq!(password, "s3cret-from-env");
        assert!(!line.contains("s3cret"), "{line}");
        let (password, line) = super::demo_password(None);
        assert!(line.contains(&password), "the default is shown: {line}");
    }
}
