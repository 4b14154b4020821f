//! Sluice's server side: the graph engine on DataFusion, the store, the HTTP
//! API and the command line. The `sluice` binary (main.rs) is a thin shell.

pub mod calendars;
pub mod cli;
pub mod cli_bizdate;
pub mod cli_cluster;
pub mod cli_import;
pub mod cluster;
pub mod demo;
pub mod engine;
pub mod environments;
pub mod scheduler;
pub mod secrets;
pub mod server;
pub mod store;
pub mod versions_git;
