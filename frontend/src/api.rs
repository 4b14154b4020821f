//! Every call to the Sluice server, in one place. Plain `fetch` through web-sys
//! (no HTTP client crate: the bundle stays small). The session is an HttpOnly
//! cookie, so the default `same-origin` credentials carry it.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
pub use sluice_shared::api::graphs::{GraphDoc, GraphList, GraphSummary, Saved};
use sluice_shared::api::users::LoginRequest;
pub use sluice_shared::api::users::SessionInfo as User;
pub use sluice_shared::api::{NodeStatus, Role, RunKind, RunStatus, SubmissionFilter, SubmissionStatus, Timestamp};
use sluice_shared::{DataType, Field, Problem, Schema};
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

mod calendars;
pub mod connections;
mod graph_status;
pub mod lineage;
mod ops;
pub mod reports;
mod schedule_edit;
mod settings;
mod watermarks;
pub use calendars::*;
pub use graph_status::*;
pub use ops::*;
pub use schedule_edit::*;
pub use settings::*;
pub use watermarks::*;

/// A failed call: the server's `{"error": {"code", "message", "details"}}`, or a
/// network failure (status 0).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    fn local(message: String) -> Self {
        ApiError { status: 0, code: "network".into(), message, details: None }
    }

    /// The problems a 422 carries in `details.problems`.
    pub fn problems(&self) -> Vec<Problem> {
        self.details
            .as_ref()
            .and_then(|d| d.get("problems"))
            .and_then(|p| serde_json::from_value(p.clone()).ok())
            .unwrap_or_default()
    }

    /// [`Self::problems`] as `node: text` lines in the current language.
    pub fn problem_lines(&self) -> Vec<String> {
        self.problems()
            .into_iter()
            .map(|p| {
                let text = p.text(crate::i18n::lang());
                match p.node {
                    Some(n) => format!("{n}: {text}"),
                    None => text,
                }
            })
            .collect()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.status == 0 {
            f.write_str(&crate::i18n::tf("api.unreachable", &[("message", &self.message)]))
        } else {
            f.write_str(&self.message)
        }
    }
}

fn js_err(e: JsValue) -> ApiError {
    ApiError::local(e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

thread_local! {
    /// Called when any call but the session check answers 401: the app shows
    /// the login form again instead of failing in place.
    static ON_UNAUTHORIZED: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

pub fn set_on_unauthorized(f: impl Fn() + 'static) {
    ON_UNAUTHORIZED.with(|h| *h.borrow_mut() = Some(Box::new(f)));
}

/// One request; the body, if any, is JSON. Answers the parsed JSON body
/// (`Null` for an empty one) or the error.
async fn call(method: &str, url: &str, body: Option<&Value>) -> Result<Value, ApiError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().map_err(js_err)?;
    // The server writes its messages in the language the user reads.
    headers.set("Accept-Language", crate::i18n::lang().as_str()).map_err(js_err)?;
    if let Some(body) = body {
        headers.set("Content-Type", "application/json").map_err(js_err)?;
        init.set_body(&JsValue::from_str(&body.to_string()));
    }
    init.set_headers(&headers);
    let req = web_sys::Request::new_with_str_and_init(url, &init).map_err(js_err)?;
    let resp: web_sys::Response =
        JsFuture::from(crate::dom::window().fetch_with_request(&req)).await.map_err(js_err)?.unchecked_into();
    let status = resp.status();
    let text = JsFuture::from(resp.text().map_err(js_err)?).await.map_err(js_err)?.as_string().unwrap_or_default();
    let value: Value =
        if text.trim().is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    if (200..300).contains(&status) {
        return Ok(value);
    }
    if status == 401 && url != "/api/session" {
        ON_UNAUTHORIZED.with(|h| {
            if let Some(f) = h.borrow().as_ref() {
                f()
            }
        });
    }
    let err = value.get("error");
    let text = |k: &str| err.and_then(|e| e.get(k)).and_then(Value::as_str);
    Err(ApiError {
        status,
        code: text("code").unwrap_or("http").to_string(),
        message: text("message").map(str::to_string).unwrap_or_else(|| match &value {
            Value::String(s) if !s.is_empty() && s.len() < 200 => format!("{status}: {s}"),
            _ => crate::i18n::tf("client.server_answered", &[("status", &status.to_string())]),
        }),
        details: err.and_then(|e| e.get("details")).cloned(),
    })
}

/// A request body as JSON.
fn to_json<T: serde::Serialize>(body: &T) -> Result<Value, ApiError> {
    serde_json::to_value(body)
        .map_err(|e| ApiError::local(crate::i18n::tf("client.cannot_send", &[("why", &e.to_string())])))
}

async fn call_as<T: DeserializeOwned>(method: &str, url: &str, body: Option<&Value>) -> Result<T, ApiError> {
    let v = call(method, url, body).await?;
    serde_json::from_value(v)
        .map_err(|e| ApiError::local(crate::i18n::tf("client.unexpected_answer", &[("why", &e.to_string())])))
}

fn graph_url(id: &str) -> String {
    format!("/api/graphs/{}", String::from(js_sys::encode_uri_component(id)))
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FileEntry {
    pub path: String,
    #[serde(default)]
    pub size: u64,
    /// Last modified, ms since 1970.
    #[serde(default)]
    pub modified: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(default, rename = "type")]
    pub ty: Value,
}

impl Column {
    pub fn type_text(&self) -> String {
        match &self.ty {
            Value::String(s) => s.clone(),
            Value::Null => "?".into(),
            other => other.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Preview {
    #[serde(default)]
    pub columns: Vec<Column>,
    #[serde(default)]
    pub rows: Vec<Vec<Value>>,
    #[serde(default)]
    pub sample: bool,
    #[serde(default)]
    pub elapsed_ms: f64,
    /// For a check node: what its rules find in the previewed input.
    #[serde(default)]
    pub check: Option<sluice_shared::check::CheckResult>,
}

/// The server's view of a graph: its problems and the schema of every node.
#[derive(Debug, Clone, Default)]
pub struct ServerCheck {
    pub problems: Vec<Problem>,
    pub schemas: HashMap<String, Option<Schema>>,
}

pub async fn session() -> Result<User, ApiError> {
    call_as("GET", "/api/session", None).await
}

pub async fn login(username: &str, password: &str) -> Result<User, ApiError> {
    let body = LoginRequest { username: username.into(), password: password.into() };
    call_as("POST", "/api/session", Some(&to_json(&body)?)).await
}

pub async fn logout() -> Result<(), ApiError> {
    call("DELETE", "/api/session", None).await.map(drop)
}

pub async fn list_graphs() -> Result<Vec<GraphSummary>, ApiError> {
    call_as::<GraphList>("GET", "/api/graphs", None).await.map(|l| l.graphs)
}

pub async fn create_graph(graph: &Value) -> Result<GraphDoc, ApiError> {
    let body = sluice_shared::api::graphs::CreateGraph { graph: graph.clone() };
    call_as("POST", "/api/graphs", Some(&to_json(&body)?)).await
}

pub async fn get_graph(id: &str) -> Result<GraphDoc, ApiError> {
    call_as("GET", &graph_url(id), None).await
}

/// Saves over `base_version`; a 409 (`code: conflict`) means someone saved after it.
pub async fn save_graph(id: &str, graph: &Value, base_version: i64) -> Result<Saved, ApiError> {
    let body = sluice_shared::api::graphs::SaveGraph { graph: graph.clone(), base_version };
    call_as("PUT", &graph_url(id), Some(&to_json(&body)?)).await
}

pub async fn delete_graph(id: &str) -> Result<(), ApiError> {
    call("DELETE", &graph_url(id), None).await.map(drop)
}

pub async fn duplicate_graph(id: &str) -> Result<GraphDoc, ApiError> {
    call_as("POST", &format!("{}/duplicate", graph_url(id)), None).await
}

pub async fn files() -> Result<Vec<FileEntry>, ApiError> {
    #[derive(Deserialize)]
    struct Files {
        files: Vec<FileEntry>,
    }
    call_as::<Files>("GET", "/api/files", None).await.map(|f| f.files)
}

/// `full` runs blocking steps over all rows instead of a sample; `editor`
/// names this tab, so the server cancels its older preview when a newer one comes.
pub async fn preview(graph: &Value, node: &str, limit: u32, full: bool, editor: &str) -> Result<Preview, ApiError> {
    let body = json!({ "graph": graph, "node": node, "limit": limit, "full": full, "editor": editor });
    call_as("POST", "/api/preview", Some(&body)).await
}

/// `POST /api/validate`. Schemas are read leniently: a column type this build
/// does not know becomes "unknown" rather than failing the whole answer.
pub async fn validate(graph: &Value) -> Result<ServerCheck, ApiError> {
    let v = call("POST", "/api/validate", Some(&json!({ "graph": graph }))).await?;
    let problems = v.get("problems").and_then(|p| serde_json::from_value(p.clone()).ok()).unwrap_or_default();
    let mut schemas = HashMap::new();
    if let Some(map) = v.get("schemas").and_then(Value::as_object) {
        for (id, cols) in map {
            let schema = cols.as_array().map(|cols| {
                Schema(
                    cols.iter()
                        .filter_map(|c| {
                            let name = c.get("name")?.as_str()?;
                            let ty = c.get("type").and_then(Value::as_str).and_then(|t| DataType::parse(t).ok());
                            Some(Field::new(name, ty))
                        })
                        .collect(),
                )
            });
            schemas.insert(id.clone(), schema);
        }
    }
    Ok(ServerCheck { problems, schemas })
}
