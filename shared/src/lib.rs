//! The Sluice graph model, shared by the browser and the server: the
//! `sluice.graph/v1` types, their serde form, and the validator with schema
//! inference and expression checks. It knows nothing of HTTP, files or
//! DataFusion, so it compiles to WebAssembly unchanged.

pub mod api;
pub mod backfill;
pub mod calendar;
pub mod check;
pub mod check_diff;
pub mod check_rules;
pub mod checker;
#[cfg(feature = "sql")]
pub mod complexity;
pub mod config;
pub mod connections;
pub mod cron_words;
pub mod dataflow;
pub mod derived;
pub mod diff;
pub mod expr;
pub mod expr_words;
pub mod i18n;
pub mod infer;
pub mod kinds;
pub mod limits;
pub mod model;
pub mod params;
pub mod parse;
pub mod paths;
pub mod problem;
pub mod report;
pub mod report_format;
pub mod sqlcheck;
pub mod star;
pub mod structure;
pub mod table_source;
pub mod tables;
pub mod types;
pub mod validate;
pub mod wiring;

pub use config::NodeConfig;
pub use i18n::Lang;
pub use kinds::{Category, NodeKind};
pub use model::{Derive, Edge, FORMAT_V1, Graph, Node, ParamDecl, ParamType};
pub use params::ParamValue;
pub use parse::{parse_graph, parse_graph_value};
pub use problem::Problem;
pub use types::{DataType, Field, Schema};
pub use validate::{Context, Report, validate, validate_text};
