//! One error type for the whole API. Every failure leaves as JSON
//! `{"error": {"code", "message", "details"?}}` with a fitting status, and
//! nothing the client sent can turn into a 500.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sluice_shared::Problem;

use crate::store::StoreError;

#[derive(Debug)]
pub enum ApiError {
    BadRequest(String),
    Unauthorized(String),
    Forbidden(String),
    NotFound(String),
    Conflict(String),
    TooLarge(String),
    UnsupportedMedia(String),
    InvalidGraph(Vec<Problem>),
    TooManyRequests(String),
    /// The `Host` header is not one this server answers to (DNS rebinding).
    WrongHost(String),
    Timeout(String),
    Internal(String),
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, String) {
        use ApiError::*;
        match self {
            BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m.clone()),
            Unauthorized(m) => (StatusCode::UNAUTHORIZED, "unauthorized", m.clone()),
            Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m.clone()),
            NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m.clone()),
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
                eprintln!("internal error: {detail}");
                json!({ "error": { "code": code, "message": message } })
            }
            _ => json!({ "error": { "code": code, "message": message } }),
        };
        (status, axum::Json(body)).into_response()
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
        let value = match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => v,
            Err(rejection) => return Err(rejection_error(rejection)),
        };
        super::limits::check_body(&bytes)?;
        Ok(ApiJson(value))
    }
}

fn rejection_error(rejection: JsonRejection) -> ApiError {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge("the request body is too large".into()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::UnsupportedMedia("send JSON with `Content-Type: application/json`".into())
        }
        _ => ApiError::BadRequest(rejection.body_text()),
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
