//! `GET /api/runs/{id}/events`: a run's progress as server-sent events. Each
//! event is a run's new state (SSE event `run`) or one node's (SSE event
//! `node`); on the wire both are `{"run_id", "node", "status", "rows", "error"}`
//! with `node` null for the run, so the status is typed by which one it is.

use super::states::{NodeStatus, RunStatus};
use serde::{Deserialize, Serialize};

/// One step of a run's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "Wire", try_from = "Wire")]
pub enum RunEvent {
    /// The run itself changed state; `error` says why it failed.
    Run { run_id: String, status: RunStatus, error: Option<String> },
    /// One node changed state, with the rows it wrote when it ended.
    Node { run_id: String, node: String, status: NodeStatus, rows: Option<i64>, error: Option<String> },
}

impl RunEvent {
    pub fn run_id(&self) -> &str {
        match self {
            Self::Run { run_id, .. } | Self::Node { run_id, .. } => run_id,
        }
    }

    /// The SSE event name: `run` or `node`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Run { .. } => "run",
            Self::Node { .. } => "node",
        }
    }

    /// Whether this event ends the run (a run state that is not active).
    pub fn ends_run(&self) -> bool {
        matches!(self, Self::Run { status, .. } if !status.is_active())
    }
}

/// The wire form both variants share.
#[derive(Serialize, Deserialize)]
struct Wire {
    run_id: String,
    node: Option<String>,
    status: String,
    rows: Option<i64>,
    error: Option<String>,
}

impl From<RunEvent> for Wire {
    fn from(ev: RunEvent) -> Self {
        match ev {
            RunEvent::Run { run_id, status, error } => {
                Wire { run_id, node: None, status: status.as_str().into(), rows: None, error }
            }
            RunEvent::Node { run_id, node, status, rows, error } => {
                Wire { run_id, node: Some(node), status: status.as_str().into(), rows, error }
            }
        }
    }
}

impl TryFrom<Wire> for RunEvent {
    type Error = super::states::UnknownState;

    fn try_from(w: Wire) -> Result<Self, Self::Error> {
        Ok(match w.node {
            None => RunEvent::Run { run_id: w.run_id, status: w.status.parse()?, error: w.error },
            Some(node) => {
                RunEvent::Node { run_id: w.run_id, node, status: w.status.parse()?, rows: w.rows, error: w.error }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_form_keeps_node_null_for_the_run_and_types_the_status_by_scope() {
        let run = RunEvent::Run { run_id: "r".into(), status: RunStatus::Failed, error: Some("boom".into()) };
        let text = serde_json::to_string(&run).unwrap();
        assert_eq!(text, r#"{"run_id":"r","node":null,"status":"failed","rows":null,"error":"boom"}"#);
        assert_eq!(serde_json::from_str::<RunEvent>(&text).unwrap(), run);
        let node: RunEvent =
            serde_json::from_str(r#"{"run_id":"r","node":"a","status":"pending","rows":null,"error":null}"#).unwrap();
        assert!(matches!(node, RunEvent::Node { status: NodeStatus::Pending, .. }));
        // `pending` is a node state, not a run state; `queued` the other way round.
        assert!(serde_json::from_str::<RunEvent>(r#"{"run_id":"r","node":null,"status":"pending"}"#).is_err());
        assert!(serde_json::from_str::<RunEvent>(r#"{"run_id":"r","node":"a","status":"queued"}"#).is_err());
        assert!(run.ends_run() && !node.ends_run());
    }
}
