//! Database tables: `source.table` reads (and `sink.table` writes) through a
//! named connection. See docs/tables.md for the type mapping.

pub mod batch;
pub mod dialect;
pub mod pgcopy;
pub mod read;
pub mod scan;
pub mod types;
