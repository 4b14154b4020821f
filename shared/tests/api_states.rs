//! Every state and role serialises to the text the API answered before the
//! enums existed, reads back from it, and refuses anything else.

use sluice_shared::api::{NodeStatus, Role, RunKind, RunStatus, SubmissionStatus, Timestamp};
use std::str::FromStr;

/// `T` round-trips through serde and `FromStr` as exactly `texts`, in order.
fn round_trips<T>(all: &[T], texts: &[&str])
where
    T: serde::Serialize + serde::de::DeserializeOwned + FromStr + std::fmt::Debug + PartialEq + Copy + ToString,
    <T as FromStr>::Err: std::fmt::Debug,
{
    let got: Vec<String> = all.iter().map(|v| v.to_string()).collect();
    assert_eq!(got, texts);
    for (v, text) in all.iter().zip(texts) {
        assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(text));
        assert_eq!(serde_json::from_value::<T>(serde_json::json!(text)).unwrap(), *v);
        assert_eq!(T::from_str(text).unwrap(), *v);
    }
    assert!(T::from_str("Queued ").is_err());
    assert!(serde_json::from_value::<T>(serde_json::json!("nonsense")).is_err());
}

#[test]
fn run_statuses_are_the_api_texts() {
    round_trips(RunStatus::ALL, &["queued", "running", "succeeded", "failed", "interrupted", "cancelled"]);
    let active: Vec<_> = RunStatus::ALL.iter().filter(|s| s.is_active()).collect();
    assert_eq!(active, [&RunStatus::Queued, &RunStatus::Running]);
}

#[test]
fn node_statuses_are_the_api_texts() {
    round_trips(NodeStatus::ALL, &["pending", "running", "succeeded", "failed", "interrupted", "cancelled"]);
    assert!(NodeStatus::Pending.is_open() && !NodeStatus::Cancelled.is_open());
}

#[test]
fn roles_are_the_api_texts() {
    round_trips(Role::ALL, &["admin", "analyst", "viewer"]);
    assert!(Role::Analyst.edits() && !Role::Viewer.edits());
}

#[test]
fn submission_states_and_run_kinds_are_the_api_texts() {
    round_trips(SubmissionStatus::ALL, &["submitted", "approved", "rejected"]);
    round_trips(RunKind::ALL, &["scheduled", "backfill", "draft"]);
}

#[test]
fn an_unknown_state_names_what_it_is_not() {
    let e = RunStatus::from_str("paused").unwrap_err();
    assert_eq!(e.to_string(), "`paused` is not a run status");
    assert_eq!(Role::try_from("root".to_string()).unwrap_err().to_string(), "`root` is not a role");
}

#[test]
fn timestamps_are_milliseconds_on_the_wire() {
    let t = Timestamp(1_764_460_800_123);
    assert_eq!(serde_json::to_string(&t).unwrap(), "1764460800123");
    assert_eq!(serde_json::from_str::<Timestamp>("1764460800123").unwrap(), t);
    assert!(serde_json::from_str::<Timestamp>("\"2025-11-30\"").is_err());
    assert_eq!(t.utc_text(), "2025-11-30 00:00");
    assert_eq!(Timestamp(-60_000).utc_text(), "1969-12-31 23:59");
}
