//! `/api/session`, `/api/users` and `/api/audit`.

use super::states::{Role, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub username: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInfo {
    pub username: String,
    pub role: Role,
    pub created_at: Timestamp,
    /// A disabled account cannot sign in and has no sessions.
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserList {
    pub users: Vec<UserInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewUser {
    /// 1 to 64 letters, digits, `.`, `_` or `-` (surrounding spaces are dropped).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[ \t\r\n]*[A-Za-z0-9._-]{1,64}[ \t\r\n]*$"))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 10))]
    pub password: String,
    pub role: Role,
    /// The acting admin's own password; required when `role` is `admin`.
    #[serde(default)]
    pub current_password: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// A new password; ends every session of the user.
    #[cfg_attr(feature = "openapi", schema(min_length = 10))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// `true` disables the account (its sessions end), `false` enables it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// The acting admin's own password; required to set `password` or make someone `admin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_password: Option<String>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub target: String,
    /// The graph the target belongs to, when it is a graph, schedule or run (empty otherwise).
    #[serde(default)]
    pub target_name: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditList {
    pub entries: Vec<AuditEntry>,
}
