//! `user_settings`: each user's language and date style (NULL: not chosen).

use super::{Result, Store, now_ms};
use sluice_shared::api::settings::UserSettings;

impl Store {
    /// The user's settings; all absent when never saved. A stored value the
    /// program no longer knows reads as absent.
    pub async fn user_settings(&self, user_id: &str) -> Result<UserSettings> {
        let row: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT lang, date_style FROM user_settings WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(self.pool())
                .await?;
        let Some((lang, dates)) = row else { return Ok(UserSettings::default()) };
        let quoted = |s: Option<String>| s.map(serde_json::Value::String);
        Ok(UserSettings {
            lang: quoted(lang).and_then(|v| serde_json::from_value(v).ok()),
            date_style: quoted(dates).and_then(|v| serde_json::from_value(v).ok()),
        })
    }

    pub async fn save_user_settings(&self, user_id: &str, s: &UserSettings) -> Result<()> {
        sqlx::query(
            "INSERT INTO user_settings (user_id, lang, date_style, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id) DO UPDATE SET lang = $2, date_style = $3, updated_at = $4",
        )
        .bind(user_id)
        .bind(s.lang.map(|l| l.as_str()))
        .bind(s.date_style.map(|d| d.as_str()))
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
