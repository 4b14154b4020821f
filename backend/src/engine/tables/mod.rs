//! Database tables: `sink.table` writing (and `source.table` reading).

pub mod commit;
mod db;
pub mod dialect_write;
mod encode;
mod stage;
mod target;
pub mod write;
