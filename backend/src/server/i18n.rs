//! The API's error messages in the caller's language: `Accept-Language`
//! (the browser sends the language the user picked), else the signed-in
//! user's saved setting, else English. The handlers write English; this layer
//! rewrites an error answer's `message` through the catalogue's `api.*` texts
//! (`sluice_shared::i18n::translate`) and adds to each of a 422's problems a
//! `text` in that language (from the problem's code; `message` stays English,
//! the contract's text).

use super::AppState;
use super::auth::{hash_token, session_token};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sluice_shared::i18n::{Lang, translate};
use sluice_shared::{Problem, i18n};

/// The largest error answer rewritten (problem lists are capped well below).
const MAX_ERROR_BODY: usize = 4 * 1024 * 1024;

pub async fn localize(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let asked = requested(req.headers());
    let token = if asked.is_none() { session_token(req.headers()) } else { None };
    let res = next.run(req).await;
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if res.status().as_u16() < 400 || !is_json {
        return res;
    }
    let lang = match (asked, token) {
        (Some(l), _) => l,
        (None, Some(t)) => saved(&state, &t).await.unwrap_or_default(),
        (None, None) => Lang::En,
    };
    if lang == Lang::En {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return (parts.status, "").into_response();
    };
    let Ok(mut v) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    };
    localize_error(lang, &mut v);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_LANGUAGE, header::HeaderValue::from_static(lang.as_str()));
    Response::from_parts(parts, axum::body::Body::from(v.to_string()))
}

/// The language `Accept-Language` asks for, if it names one the product speaks.
pub fn requested(headers: &HeaderMap) -> Option<Lang> {
    let v = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    Lang::from_accept_language(&v[..v.len().min(512)])
}

/// The language a request is answered in: `Accept-Language`, else the
/// signed-in user's saved one, else English (what [`localize`] decides, for
/// handlers that render text themselves: charts, downloads).
pub async fn lang_of(state: &AppState, headers: &HeaderMap) -> Lang {
    match (requested(headers), session_token(headers)) {
        (Some(l), _) => l,
        (None, Some(t)) => saved(state, &t).await.unwrap_or_default(),
        (None, None) => Lang::En,
    }
}

async fn saved(state: &AppState, token: &str) -> Option<Lang> {
    let user = state.store.session_user(&hash_token(token)).await.ok()??;
    state.store.user_settings(&user.id).await.ok()?.lang
}

/// `{"error": {"message", "details": {"problems": [...]}}}` in `lang`.
pub fn localize_error(lang: Lang, v: &mut Value) {
    let Some(err) = v.get_mut("error") else { return };
    if let Some(Value::String(m)) = err.get_mut("message") {
        *m = translate(lang, "api.", m);
    }
    let Some(Value::Array(problems)) = err.get_mut("details").and_then(|d| d.get_mut("problems")) else { return };
    for p in problems.iter_mut() {
        if let Ok(problem) = serde_json::from_value::<Problem>(p.clone())
            && let Value::Object(o) = p
        {
            o.insert("text".into(), Value::String(i18n::problems::render(lang, &problem)));
        }
    }
}

/// `GET /api/i18n/{lang}`: a language's catalogue as the files write it (a
/// flat object of key → text). The browser's first-paint module carries
/// English only and fetches Chinese here; no session needed (the sign-in page
/// is translated too). Revalidated by content hash.
pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/i18n/{lang}", axum::routing::get(catalogue))
}

#[utoipa::path(get, path = "/api/i18n/{lang}",
    params(("lang" = String, Path, description = "`en` or `zh-CN`")),
    responses((status = 200, content_type = "application/json",
        description = "the catalogue: an object of text key → text with `{name}` placeholders"),
        (status = 304, description = "unchanged since the `ETag` sent in `If-None-Match`")))]
pub async fn catalogue(
    axum::extract::Path(lang): axum::extract::Path<String>,
    headers: HeaderMap,
) -> super::error::ApiResult<Response> {
    let lang: Lang = lang.parse().map_err(super::error::ApiError::NotFound)?;
    let text = i18n::source(lang);
    // The catalogues are compiled in: their tags are computed once.
    static TAGS: std::sync::OnceLock<[String; 2]> = std::sync::OnceLock::new();
    let tags = TAGS.get_or_init(|| Lang::ALL.map(|l| format!("\"{}\"", &hash_token(i18n::source(l))[..16])));
    let etag = &tags[Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)];
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return Ok(axum::http::StatusCode::NOT_MODIFIED.into_response());
    }
    let mut res = text.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
    if let Ok(v) = header::HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    Ok(res)
}
