//! The star-schema model wizard's rules, shared by the editor and the server:
//! join-key candidates from names and types (`names`), measures and the grain
//! (`measures`), and the generated graph (`generate`) placed as a labelled group
//! (`groups`). Pure functions: no HTTP, no DataFusion.

pub mod generate;
pub mod groups;
pub mod measures;
pub mod names;

pub use generate::{DimensionSpec, Generated, History, Mart, StarSpec, generate, insert, joined_columns};
pub use measures::{Additivity, Measure};

#[cfg(test)]
mod tests;
