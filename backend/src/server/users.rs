//! Admin pages' API: accounts, roles and disabling, and the audit log
//! (read-only: there is no route that edits or deletes an entry). Creating
//! an admin, making someone admin and setting a password need the acting
//! admin's own password again (`current_password`); failures are audited.

use super::AppState;
use super::auth::{ClientAddr, CurrentUser, Role};
use super::error::{ApiError, ApiJson, ApiResult};
use crate::store::Disabled;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde::Deserialize;
use sluice_shared::api::Timestamp;
pub use sluice_shared::api::users::{AuditEntry, AuditList, NewUser, UserInfo, UserList, UserUpdate};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/users", get(list).post(create))
        .route("/api/users/{username}", patch(update))
        .route("/api/audit", get(audit))
}

fn user_info(u: crate::store::UserRow) -> UserInfo {
    UserInfo { username: u.username, role: u.role, created_at: Timestamp(u.created_at), disabled: u.disabled_at != 0 }
}

fn check_password(p: &str) -> ApiResult<()> {
    if p.chars().count() < 10 {
        return Err(ApiError::BadRequest("a password needs at least 10 characters".into()));
    }
    Ok(())
}

#[utoipa::path(get, path = "/api/users", responses((status = 200, body = UserList), (status = 403)))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<UserList>> {
    user.require(&[Role::Admin])?;
    let users = state.store.list_users().await?;
    Ok(Json(UserList { users: users.into_iter().map(user_info).collect() }))
}

/// Checks the acting admin's own password before a sensitive change; a
/// missing or wrong one is refused (403) and audited, and counts as a failed
/// sign-in for the limits.
async fn confirm(
    state: &AppState,
    user: &CurrentUser,
    ip: std::net::IpAddr,
    given: Option<&str>,
    what: &str,
) -> ApiResult<()> {
    let Some(given) = given.filter(|p| !p.is_empty()) else {
        state.store.audit(&user.username, "reauth_failed", what, "no current_password").await?;
        return Err(ApiError::Forbidden(format!(
            "enter your own password to confirm this ({what}); send it as `current_password`"
        )));
    };
    state.limiter.begin(ip, &user.username)?;
    let me = state
        .store
        .user_by_name(&user.username)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("sign in again".into()))?;
    if !state.hasher.verify(given, &me.password_hash).await? {
        state.store.audit(&user.username, "reauth_failed", what, &format!("wrong current_password; from {ip}")).await?;
        return Err(ApiError::Forbidden(format!("your password was not right; nothing was changed ({what})")));
    }
    state.limiter.succeed(ip, &user.username);
    Ok(())
}

fn check_username(name: &str) -> ApiResult<()> {
    if name.is_empty()
        || name.len() > super::limits::USERNAME_MAX
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(ApiError::BadRequest("a username is 1 to 64 letters, digits, `.`, `_` or `-`".into()));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/users", request_body = NewUser,
    responses((status = 201, body = UserInfo), (status = 400), (status = 403), (status = 409), (status = 429)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(ip): ClientAddr,
    ApiJson(req): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<UserInfo>)> {
    user.require(&[Role::Admin])?;
    let name = req.username.trim();
    check_username(name)?;
    check_password(&req.password)?;
    let mut detail = req.role.as_str().to_string();
    if req.role == Role::Admin {
        confirm(&state, &user, ip, req.current_password.as_deref(), &format!("create admin {name}")).await?;
        detail.push_str("; confirmed with password");
    }
    let hash = state.hasher.hash(&req.password).await?;
    let row = state.store.create_user(name, &hash, req.role).await?;
    state.store.audit(&user.username, "user_create", name, &detail).await?;
    Ok((StatusCode::CREATED, Json(user_info(row))))
}

/// Changes a role, sets a password (ending the user's sessions), or disables
/// / enables an account. Everything is checked before anything changes.
#[utoipa::path(patch, path = "/api/users/{username}", request_body = UserUpdate,
    responses((status = 204), (status = 400), (status = 403), (status = 404), (status = 409), (status = 429)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(ip): ClientAddr,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<UserUpdate>,
) -> ApiResult<StatusCode> {
    user.require(&[Role::Admin])?;
    let myself = name == user.username;
    if myself && req.role.is_some_and(|r| r != Role::Admin) {
        return Err(ApiError::BadRequest("you cannot take the admin role from yourself".into()));
    }
    if myself && req.disabled == Some(true) {
        return Err(ApiError::BadRequest("you cannot disable your own account".into()));
    }
    if let Some(p) = &req.password {
        check_password(p)?;
    }
    // What gives someone admin power or an account's password needs the acting admin's password.
    let target_is_admin = state.store.user_by_name(&name).await?.is_some_and(|u| u.role == Role::Admin);
    let mut acts = Vec::new();
    if req.role == Some(Role::Admin) {
        acts.push(format!("make {name} admin"));
    }
    if req.disabled == Some(false) && target_is_admin {
        acts.push(format!("enable the admin account {name}"));
    }
    if req.password.is_some() {
        acts.push(format!("set the password of {name}"));
    }
    let sensitive = (!acts.is_empty()).then(|| acts.join(" and "));
    if let Some(what) = &sensitive {
        confirm(&state, &user, ip, req.current_password.as_deref(), what).await?;
    }
    let confirmed = if sensitive.is_some() { "; confirmed with password" } else { "" };
    if let Some(role) = req.role {
        state.store.set_role(&name, role).await?;
        state.store.audit(&user.username, "role_change", &name, &format!("{}{confirmed}", role.as_str())).await?;
    }
    if let Some(p) = req.password {
        let hash = state.hasher.hash(&p).await?;
        state.store.set_password(&name, &hash).await?;
        state.store.audit(&user.username, "password_change", &name, &format!("sessions ended{confirmed}")).await?;
    }
    if let Some(disabled) = req.disabled {
        if state.store.set_disabled(&name, disabled).await? == Disabled::LastAdmin {
            return Err(ApiError::Conflict(format!("{name} is the last active admin and cannot be disabled")));
        }
        let action = if disabled { "user_disable" } else { "user_enable" };
        state.store.audit(&user.username, action, &name, "").await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AuditFilter {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/audit", responses((status = 200, body = AuditList), (status = 403)))]
pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<AuditFilter>,
) -> ApiResult<Json<AuditList>> {
    user.require(&[Role::Admin])?;
    let entries = state
        .store
        .audit_log(
            &f.actor,
            &f.action,
            f.since.unwrap_or(0),
            f.until.unwrap_or(i64::MAX),
            f.limit.unwrap_or(500).clamp(1, 5000),
        )
        .await?;
    Ok(Json(AuditList { entries: entries.into_iter().map(AuditEntry::from).collect() }))
}
