//! Admin pages' API: accounts and roles, and the audit log (read-only: there
//! is no route that edits or deletes an entry).

use super::AppState;
use super::auth::{CurrentUser, Role, hash_password};
use super::error::{ApiError, ApiJson, ApiResult};
use crate::store::AuditRow;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/users", get(list).post(create))
        .route("/api/users/{username}", patch(update))
        .route("/api/audit", get(audit))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UserInfo {
    pub username: String,
    pub role: String,
    pub created_at: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UserList {
    pub users: Vec<UserInfo>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewUser {
    /// 1 to 64 letters, digits, `.`, `_` or `-` (surrounding spaces are dropped).
    #[schema(pattern = r"^[ \t\r\n]*[A-Za-z0-9._-]{1,64}[ \t\r\n]*$")]
    pub username: String,
    #[schema(min_length = 10)]
    pub password: String,
    pub role: Role,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct UserUpdate {
    pub role: Option<Role>,
    #[schema(min_length = 10)]
    pub password: Option<String>,
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
    Ok(Json(UserList {
        users: users
            .into_iter()
            .map(|u| UserInfo { username: u.username, role: u.role, created_at: u.created_at })
            .collect(),
    }))
}

#[utoipa::path(post, path = "/api/users", request_body = NewUser, responses((status = 201, body = UserInfo), (status = 400), (status = 403), (status = 409)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<UserInfo>)> {
    user.require(&[Role::Admin])?;
    let name = req.username.trim();
    if name.is_empty() || name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        return Err(ApiError::BadRequest("a username is 1 to 64 letters, digits, `.`, `_` or `-`".into()));
    }
    check_password(&req.password)?;
    let row = state.store.create_user(name, &hash_password(&req.password)?, req.role.as_str()).await?;
    state.store.audit(&user.username, "user_create", name, req.role.as_str()).await?;
    Ok((StatusCode::CREATED, Json(UserInfo { username: row.username, role: row.role, created_at: row.created_at })))
}

#[utoipa::path(patch, path = "/api/users/{username}", request_body = UserUpdate, responses((status = 204), (status = 403), (status = 404)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<UserUpdate>,
) -> ApiResult<StatusCode> {
    user.require(&[Role::Admin])?;
    if let Some(role) = req.role {
        if name == user.username && role != Role::Admin {
            return Err(ApiError::BadRequest("you cannot take the admin role from yourself".into()));
        }
        state.store.set_role(&name, role.as_str()).await?;
        state.store.audit(&user.username, "role_change", &name, role.as_str()).await?;
    }
    if let Some(p) = req.password {
        check_password(&p)?;
        state.store.set_password(&name, &hash_password(&p)?).await?;
        state.store.audit(&user.username, "password_change", &name, "").await?;
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

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditList {
    pub entries: Vec<AuditRow>,
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
    Ok(Json(AuditList { entries }))
}
