//! `GET`/`PUT /api/me/settings`: the signed-in user's own language and date
//! style (`shared::api::settings`). Everyone may read and change their own,
//! nobody anyone else's.

use super::AppState;
use super::auth::CurrentUser;
use super::error::{ApiJson, ApiResult};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use sluice_shared::api::settings::UserSettings;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/me/settings", get(show).put(save))
}

#[utoipa::path(get, path = "/api/me/settings",
    responses((status = 200, body = UserSettings, description = "the caller's language and date style; absent: not chosen"),
        (status = 401)))]
pub async fn show(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<UserSettings>> {
    Ok(Json(state.store.user_settings(&user.id).await?))
}

#[utoipa::path(put, path = "/api/me/settings", request_body = UserSettings,
    responses((status = 200, body = UserSettings), (status = 400), (status = 401)))]
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(settings): ApiJson<UserSettings>,
) -> ApiResult<Json<UserSettings>> {
    state.store.save_user_settings(&user.id, &settings).await?;
    Ok(Json(settings))
}
