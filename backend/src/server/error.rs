//! One error type for the whole API. Every failure leaves as JSON
//! `{"error": {"code", "message", "details"?}}` with a fitting status, and
//! nothing the client sent can turn into a 500.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sluice_shared::Problem;

use crate::engine::error::EngineError;
use crate::scheduler::SchedulerError;
use crate::store::StoreError;

#[derive(Debug)]
pub enum ApiError {
    BadRequest(String),
    Unauthorized(String),
    Forbidden(String),
    NotFound(String),
    MethodNotAllowed(String),
    Conflict(String),
    TooLarge(String),
    UnsupportedMedia(String),
    InvalidGraph(Vec<Problem>),
    TooManyRequests(String),
    /// The `Host` header is not one this server answers to (DNS rebinding).
    WrongHost(String),
    Timeout(String),
    /// A connection's database cannot be reached or refuses: the request is
    /// fine, the connection (or the database) must change.
    Unreachable(String),
    /// Well-formed, but the content does not hold (a calendar file with a bad
    /// line, a name outside the rules): 422, like an invalid graph.
    Unprocessable(String),
    Internal(String),
}

impl ApiError {
    /// The message the answer carries (what a user reads).
    pub fn message(&self) -> String {
        self.parts().2
    }

    fn parts(&self) -> (StatusCode, &'static str, String) {
        use ApiError::*;
        match self {
            BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m.clone()),
            Unauthorized(m) => (StatusCode::UNAUTHORIZED, "unauthorized", m.clone()),
            Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m.clone()),
            NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m.clone()),
            MethodNotAllowed(m) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", m.clone()),
            Conflict(m) => (StatusCode::CONFLICT, "conflict", m.clone()),
            TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large", m.clone()),
            UnsupportedMedia(m) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", m.clone()),
            InvalidGraph(p) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_graph",
                format!("the graph has {} problem{}", p.len(), if p.len() == 1 { "" } else { "s" }),
            ),
            TooManyRequests(m) => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests", m.clone()),
            WrongHost(m) => (StatusCode::MISDIRECTED_REQUEST, "wrong_host", m.clone()),
            Timeout(m) => (StatusCode::GATEWAY_TIMEOUT, "timeout", m.clone()),
            Unreachable(m) => (StatusCode::UNPROCESSABLE_ENTITY, "unreachable", m.clone()),
            Unprocessable(m) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", m.clone()),
            Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on the server".into()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        let body = match &self {
            ApiError::InvalidGraph(problems) => {
                json!({ "error": { "code": code, "message": message, "details": { "problems": problems } }, "problems": problems })
            }
            ApiError::Internal(detail) => {
                tracing::error!(cause = %detail, "internal error");
                json!({ "error": { "code": code, "message": message } })
            }
            _ => json!({ "error": { "code": code, "message": message } }),
        };
        (status, axum::Json(body)).into_response()
    }
}

impl ApiError {
    /// For a store call whose "not found" means `what` does not exist (404):
    /// every other store error is the store's failure (500, its cause logged),
    /// never a 404 that would hide an outage.
    pub fn missing(what: impl Into<String>) -> impl FnOnce(StoreError) -> ApiError {
        move |e| match e {
            StoreError::NotFound => ApiError::NotFound(what.into()),
            e => e.into(),
        }
    }
}

/// An invalid graph is a 422 with its problems; a failing read is a 422 too,
/// tied to the node, since the graph (a path, a type) is what must change.
impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Invalid(problems) => ApiError::InvalidGraph(problems),
            EngineError::Failed { node, message } => {
                ApiError::InvalidGraph(vec![Problem::plain(node.as_deref(), None, message)])
            }
        }
    }
}

/// The scheduler refuses what does not hold (400); its store or environment failing is a 500.
impl From<SchedulerError> for ApiError {
    fn from(e: SchedulerError) -> Self {
        match e {
            SchedulerError::Store(e) => e.into(),
            SchedulerError::Invalid(m) => ApiError::BadRequest(m),
            SchedulerError::Other(m) => ApiError::Internal(m),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound("not found".into()),
            StoreError::Conflict { current } => ApiError::Conflict(format!(
                "someone else saved this graph (now version {current}) since you opened it; reload to see their changes"
            )),
            StoreError::Duplicate(what) => ApiError::Conflict(format!("{what} already exists")),
            StoreError::Db(e) => ApiError::Internal(e.to_string()),
        }
    }
}

/// `Json<T>` whose rejections are API errors (400/413/415) instead of plain
/// text, and whose strings are held to their fields' limits (`limits`).
/// The body must be a JSON object (serde would otherwise read a struct from an
/// array), and a top-level number written `3.0` counts as the integer 3, as
/// JSON Schema's `integer` in the OpenAPI document says. Nested values (a graph
/// document) are passed on untouched.
pub struct ApiJson<T>(pub T);

fn is_json(req: &Request) -> bool {
    let ct = req.headers().get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(&req) {
            return Err(ApiError::UnsupportedMedia("send JSON with `Content-Type: application/json`".into()));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|r| match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge("the request body is too large".into()),
            _ => ApiError::BadRequest(r.body_text()),
        })?;
        let value = match axum::Json::<Value>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => v,
            Err(rejection) => return Err(json_rejection(rejection)),
        };
        super::limits::check_body(&bytes)?;
        let Value::Object(mut fields) = value else {
            return Err(ApiError::BadRequest("the body must be a JSON object".into()));
        };
        for v in fields.values_mut().filter(|v| v.is_f64()) {
            if let Some(f) = v.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15) {
                *v = Value::from(f as i64);
            }
        }
        serde_json::from_value(Value::Object(fields))
            .map(ApiJson)
            .map_err(|e| ApiError::BadRequest(format!("the body does not fit this request: {e}")))
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge("the request body is too large".into()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::UnsupportedMedia("send JSON with `Content-Type: application/json`".into())
        }
        _ => ApiError::BadRequest(rejection.body_text()),
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A query parameter that may be absent or empty (both: no filter), else
/// must read as `T`.
pub fn empty_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let text: Option<String> = serde::Deserialize::deserialize(d)?;
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => t.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// Gives every API failure the one error shape: an answer of 400 or more that
/// is not JSON (axum's own refusals of a malformed path or query parameter, a
/// method a route lacks) is rewritten as the `ApiError` it stands for, keeping
/// its headers (`Allow` on a 405).
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if status.as_u16() < 400 || is_json {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    let message = if text.is_empty() { status.canonical_reason().unwrap_or("refused").to_string() } else { text };
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound(message),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed(message),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge(message),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMedia(message),
        s if s.is_server_error() => ApiError::Internal(message),
        _ => ApiError::BadRequest(message),
    };
    let mut rewritten = error.into_response();
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in parts.headers.drain().filter_map(|(n, v)| Some((n?, v))) {
        rewritten.headers_mut().entry(name).or_insert(value);
    }
    rewritten
}
