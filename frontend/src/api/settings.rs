//! `/api/me/settings`: the signed-in user's language and date style.

use super::{ApiError, call_as, to_json};
pub use sluice_shared::api::settings::UserSettings;

pub async fn my_settings() -> Result<UserSettings, ApiError> {
    call_as("GET", "/api/me/settings", None).await
}

pub async fn save_settings(s: &UserSettings) -> Result<UserSettings, ApiError> {
    call_as("PUT", "/api/me/settings", Some(&to_json(s)?)).await
}

/// A language's texts (`GET /api/i18n/{lang}`; the first-paint module has English only).
pub async fn catalogue(lang: sluice_shared::Lang) -> Result<sluice_shared::i18n::Catalogue, ApiError> {
    call_as("GET", &format!("/api/i18n/{}", lang.as_str()), None).await
}
