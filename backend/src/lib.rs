//! Sluice's server side: the graph engine on DataFusion and the command line.
//! The `sluice` binary (main.rs) is a thin shell over these modules.

pub mod cli;
pub mod engine;
