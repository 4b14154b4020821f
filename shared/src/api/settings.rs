//! `/api/me/settings`: a user's own preferences (language, how dates are
//! written). Absent values mean "not chosen": the browser then follows its own
//! language and that language's date habit.

use crate::i18n::Lang;
use crate::i18n::format::DateStyle;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserSettings {
    /// `zh-CN` or `en`.
    #[serde(default)]
    pub lang: Option<Lang>,
    /// `iso` (2026-11-29) or `long` (2026年11月29日).
    #[serde(default)]
    pub date_style: Option<DateStyle>,
}
