//! Database tables through a named connection: `source.table` reads
//! (`read.rs`, `scan.rs`, `pgcopy.rs`, `batch.rs`) and `sink.table` writes
//! (`write.rs`, `stage.rs`, `session.rs`, `commit.rs`). See docs/tables.md for the type mapping.

mod as_of;
pub mod batch;
pub mod commit;
mod db;
pub mod dialect;
pub mod dialect_write;
mod encode;
pub mod pgcopy;
pub mod read;
pub mod scan;
pub(crate) mod session;
mod stage;
mod target;
pub mod types;
pub mod write;
