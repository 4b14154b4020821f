//! `GET /api/graphs/status`: where each graph of the caller's library stands
//! (draft, in review, approved, scheduled) and how its last run went.

use serde::{Deserialize, Serialize};

/// A graph's place in the review and scheduling flow, most advanced first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GraphStage {
    /// An approved version runs on an enabled schedule.
    Scheduled,
    /// A version is awaiting review.
    InReview,
    /// A version was approved (and no schedule runs it).
    Approved,
    /// Never approved, nothing awaiting review.
    Draft,
}

impl GraphStage {
    /// The stage from what the store knows; a pending review shows before an
    /// older approval, a running schedule before both.
    pub fn of(scheduled: bool, in_review: bool, approved: bool) -> Self {
        match (scheduled, in_review, approved) {
            (true, _, _) => Self::Scheduled,
            (_, true, _) => Self::InReview,
            (_, _, true) => Self::Approved,
            _ => Self::Draft,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::InReview => "in review",
            Self::Approved => "approved",
            Self::Draft => "draft",
        }
    }
}

/// The last run of a graph that the caller may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastRun {
    pub id: String,
    pub status: super::RunStatus,
    pub kind: super::RunKind,
    pub biz_date: String,
    pub finished_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphStatus {
    pub id: String,
    pub stage: GraphStage,
    pub last_run: Option<LastRun>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphStatusList {
    pub graphs: Vec<GraphStatus>,
}

#[cfg(test)]
mod tests {
    use super::GraphStage;

    #[test]
    fn the_most_advanced_stage_shows() {
        assert_eq!(GraphStage::of(true, true, true), GraphStage::Scheduled);
        assert_eq!(GraphStage::of(false, true, true), GraphStage::InReview);
        assert_eq!(GraphStage::of(false, false, true), GraphStage::Approved);
        assert_eq!(GraphStage::of(false, false, false), GraphStage::Draft);
        assert_eq!(serde_json::to_string(&GraphStage::InReview).unwrap(), "\"in_review\"");
    }
}
