//! Request and response bodies of `/api`, defined once and used by the server's
//! handlers and the browser alike. With the `openapi` feature (the server's)
//! they also derive `utoipa::ToSchema`, so the OpenAPI document is generated
//! from these same types.

pub mod connections;
pub mod graphs;
pub mod reviews;
pub mod run_events;
pub mod runs;
pub mod settings;
pub mod states;
pub mod users;

pub use states::{NodeStatus, Role, RunKind, RunStatus, SubmissionFilter, SubmissionStatus, Timestamp, UnknownState};
pub mod dataflow;
pub mod graph_status;
pub mod impact;
pub mod lineage;
pub mod lineage_trace;
pub mod model;
pub mod published;
pub mod reports;
pub mod sql;
pub mod watermarks;
