//! Sign-in, sessions and roles. Passwords are argon2 hashes; the session is a
//! random token in an HttpOnly, SameSite=Strict cookie, stored only as its
//! SHA-256; a new token is minted at every sign-in (no session fixation).
//! Failed sign-ins are limited per client address (`throttle`), and argon2
//! runs under a semaphore.

use super::AppState;
use super::error::{ApiError, ApiJson, ApiResult};
use crate::store::SessionUser;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub const COOKIE_NAME: &str = "sluice_session";
/// Sessions last a working day.
pub const SESSION_TTL_MS: i64 = 12 * 60 * 60 * 1000;

pub use sluice_shared::api::Role;
pub use sluice_shared::api::users::{LoginRequest, SessionInfo};

/// The signed-in user of a request. Extracting it is how a handler demands a session.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: String,
    pub username: String,
    pub role: Role,
}

impl CurrentUser {
    /// Refuses the request unless the user has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> ApiResult<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("the {} role cannot do this", self.role.as_str())))
        }
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = session_token(&parts.headers).ok_or_else(|| ApiError::Unauthorized("sign in first".into()))?;
        let user: SessionUser = state
            .store
            .session_user(&hash_token(&token))
            .await?
            .ok_or_else(|| ApiError::Unauthorized("your session has ended; sign in again".into()))?;
        Ok(CurrentUser { id: user.id, username: user.username, role: user.role })
    }
}

pub(crate) fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE_NAME)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The address a request came from: the socket's peer, or with
/// `--trusted-proxy` the last `X-Forwarded-For` entry (the one the proxy added).
/// In-process calls without a socket count as `0.0.0.0`.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let forwarded = if state.trusted_proxy { forwarded_for(&parts.headers) } else { None };
        let socket = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientAddr(forwarded.or(socket).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).next_back()?;
    last.rsplit(',').next()?.trim().parse().ok()
}

/// The `Set-Cookie` value for a session token (`Secure` when served over TLS).
fn session_cookie(state: &AppState, token: &str, max_age: i64) -> String {
    let secure = if state.tls { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}")
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    // Two v4 UUIDs: 244 random bits from the OS generator.
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

pub fn hash_password(password: &str) -> ApiResult<String> {
    // 16 bytes from the OS generator (a v4 UUID's bytes are random but for 6 bits).
    let salt =
        SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes()).map_err(|e| ApiError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(format!("hashing: {e}")))
}

pub(super) fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Signs in. The same message for an unknown user and a wrong password, so
/// the answer never tells which accounts exist.
#[utoipa::path(post, path = "/api/session", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo), (status = 400), (status = 401), (status = 403), (status = 413), (status = 429)))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    state.limiter.begin(ip, &req.username)?;
    let user = state.store.user_by_name(&req.username).await?;
    // Verify against a dummy hash for unknown users so timing does not tell either.
    let hash = user.as_ref().map_or(state.dummy_hash.as_str(), |u| u.password_hash.as_str());
    let ok = state.hasher.verify(&req.password, hash).await?;
    let known = user.is_some();
    let Some(user) = user.filter(|_| ok) else {
        audit_failure(&state, &req.username, known, ip).await;
        return Err(ApiError::Unauthorized("wrong username or password".into()));
    };
    if user.disabled_at != 0 {
        // The same answer as a wrong password: a refusal must not confirm that the password was right.
        let _ = state.store.audit(&user.username, "login_refused", "session", &format!("disabled; from {ip}")).await;
        return Err(ApiError::Unauthorized("wrong username or password".into()));
    }
    state.limiter.succeed(ip, &req.username);
    state.store.purge_expired_sessions().await?;
    let token = new_token();
    state.store.create_session(&hash_token(&token), &user.id, SESSION_TTL_MS).await?;
    state.store.audit(&user.username, "login", "session", &format!("from {ip}")).await?;
    let cookie = session_cookie(&state, &token, SESSION_TTL_MS / 1000);
    let body = axum::Json(SessionInfo { username: user.username, role: user.role });
    Ok(([(SET_COOKIE, cookie)], body).into_response())
}

/// Audits a failed sign-in. A name that is an account is recorded as the
/// actor; any other name only as a short hash, so what strangers type is
/// never stored (and cannot be made to fill the log with text).
async fn audit_failure(state: &AppState, username: &str, known: bool, ip: IpAddr) {
    let (actor, detail) = if known {
        (username.to_string(), format!("wrong password; from {ip}"))
    } else {
        let digest = hex::encode(&Sha256::digest(username.as_bytes())[..6]);
        ("(unknown)".to_string(), format!("unknown name #{digest}; from {ip}"))
    };
    let _ = state.store.audit(&actor, "login_failed", "session", &detail).await;
}

#[utoipa::path(get, path = "/api/session", responses((status = 200, body = SessionInfo), (status = 401)))]
pub async fn whoami(user: CurrentUser) -> axum::Json<SessionInfo> {
    axum::Json(SessionInfo { username: user.username, role: user.role })
}

#[utoipa::path(delete, path = "/api/session", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = session_token(&headers) {
        state.store.delete_session(&hash_token(&token)).await?;
    }
    let expired = session_cookie(&state, "", 0);
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, expired)]).into_response())
}
