//! The states and roles the API speaks of, as enums: what a run, a run's node
//! and a submission can be, who a user is, and the one timestamp type. Their
//! text (`as_str`, serde) is what the API has always answered; the store keeps
//! the same text.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A text that names no variant of a state enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownState {
    pub what: &'static str,
    pub got: String,
}

impl fmt::Display for UnknownState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a {}", self.got, self.what)
    }
}

impl std::error::Error for UnknownState {}

/// One enum of named states: `ALL`, `as_str`, `FromStr`, `Display`,
/// `TryFrom<String>` (the store's columns) and serde as `as_str`.
macro_rules! state_enum {
    ($(#[$m:meta])* $name:ident, $what:literal { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        // Every state is one lowercase word, so `rename_all` says for the
        // OpenAPI derive (which cannot read a macro's literal in `rename`)
        // what each variant's `rename` says for serde.
        #[serde(rename_all = "lowercase")]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $var),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$var => $s),+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownState;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($s => Ok($name::$var),)+
                    _ => Err(UnknownState { what: $what, got: s.to_string() }),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownState;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

state_enum! {
    /// Where a run is: `queued` → `running` → one of the four ends.
    RunStatus, "run status" {
        Queued = "queued",
        Running = "running",
        Succeeded = "succeeded",
        Failed = "failed",
        /// The server stopped while the run was going.
        Interrupted = "interrupted",
        Cancelled = "cancelled",
    }
}

impl RunStatus {
    /// Not ended yet: a run in these states may still change.
    pub const ACTIVE: [RunStatus; 2] = [RunStatus::Queued, RunStatus::Running];

    pub fn is_active(self) -> bool {
        Self::ACTIVE.contains(&self)
    }
}

state_enum! {
    /// Where one node of a run is.
    NodeStatus, "node status" {
        Pending = "pending",
        Running = "running",
        Succeeded = "succeeded",
        Failed = "failed",
        Interrupted = "interrupted",
        Cancelled = "cancelled",
    }
}

impl NodeStatus {
    /// Not ended yet.
    pub const OPEN: [NodeStatus; 2] = [NodeStatus::Pending, NodeStatus::Running];

    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }
}

state_enum! {
    /// Who a user is: admins run the place, analysts build graphs, viewers read.
    Role, "role" {
        Admin = "admin",
        Analyst = "analyst",
        Viewer = "viewer",
    }
}

impl Role {
    /// May create and change graphs (everyone but viewers).
    pub fn edits(self) -> bool {
        self != Role::Viewer
    }
}

state_enum! {
    /// A submission: `submitted`, then `approved` or `rejected` once.
    SubmissionStatus, "submission status" {
        Submitted = "submitted",
        Approved = "approved",
        Rejected = "rejected",
    }
}

state_enum! {
    /// Which submissions a review listing shows: one state, or all of them.
    SubmissionFilter, "submission filter" {
        All = "all",
        Submitted = "submitted",
        Approved = "approved",
        Rejected = "rejected",
    }
}

impl SubmissionFilter {
    /// The one state it keeps; `None` for `all`.
    pub fn status(self) -> Option<SubmissionStatus> {
        match self {
            SubmissionFilter::All => None,
            SubmissionFilter::Submitted => Some(SubmissionStatus::Submitted),
            SubmissionFilter::Approved => Some(SubmissionStatus::Approved),
            SubmissionFilter::Rejected => Some(SubmissionStatus::Rejected),
        }
    }
}

state_enum! {
    /// Why a run exists: a schedule fired, an admin backfilled, or a user ran
    /// a saved draft now (in their sandbox).
    RunKind, "run kind" {
        Scheduled = "scheduled",
        Backfill = "backfill",
        Draft = "draft",
    }
}

/// A moment, as milliseconds since 1970-01-01 UTC: the one representation of
/// time in the store, the API (a JSON integer) and the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn millis(self) -> i64 {
        self.0
    }

    /// `YYYY-MM-DD HH:MM` in UTC (the browser shows local time instead).
    pub fn utc_text(self) -> String {
        let days = self.0.div_euclid(86_400_000);
        let minutes = self.0.rem_euclid(86_400_000) / 60_000;
        let date = crate::calendar::civil::format_date(days as i32);
        format!("{date} {:02}:{:02}", minutes / 60, minutes % 60)
    }
}

impl From<i64> for Timestamp {
    fn from(ms: i64) -> Self {
        Timestamp(ms)
    }
}
