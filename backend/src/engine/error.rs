//! Engine errors split the way the command line needs them: an invalid graph
//! (exit 2, nothing ran) or a failed run (exit 1, nothing written).

use datafusion::error::DataFusionError;
use sluice_shared::Problem;
use std::fmt;

#[derive(Debug)]
pub enum EngineError {
    /// The graph cannot run as written; every problem names its node.
    Invalid(Vec<Problem>),
    /// The graph was valid but running it failed.
    Failed { node: Option<String>, message: String },
}

impl EngineError {
    pub fn invalid(node: &str, field: Option<&str>, message: impl Into<String>) -> Self {
        EngineError::Invalid(vec![Problem::node(node, field, message)])
    }

    pub fn failed(node: &str, message: impl Into<String>) -> Self {
        EngineError::Failed { node: Some(node.to_string()), message: message.into() }
    }

    /// A DataFusion error raised while planning `node`: the graph is at fault.
    pub fn plan(node: &str, e: DataFusionError) -> Self {
        Self::invalid(node, None, clean(&e))
    }

    /// A DataFusion error raised while executing the plan behind `node`.
    pub fn exec(node: &str, e: DataFusionError) -> Self {
        Self::failed(node, clean(&e))
    }
}

/// DataFusion wraps errors in context layers ("Error during planning: ...");
/// users need the innermost sentence.
pub fn clean(e: &DataFusionError) -> String {
    let text = e.find_root().to_string();
    let mut s = text.as_str();
    for prefix in [
        "Error during planning: ",
        "Schema error: ",
        "Arrow error: ",
        "External error: ",
        "Execution error: ",
        "Resources exhausted: ",
        "Parser error: ",
        "SQL error: ",
        "Optimizer rule",
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest;
        }
    }
    // One line per problem on the command line: fold DataFusion's multi-line hints.
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    super::limits::spill_refusal(&s).unwrap_or(s)
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::Invalid(problems) => {
                for (i, p) in problems.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{p}")?;
                }
                Ok(())
            }
            EngineError::Failed { node: Some(n), message } => write!(f, "{n}: {message}"),
            EngineError::Failed { node: None, message } => {
                write!(f, "{}: {message}", sluice_shared::problem::GRAPH_SCOPE)
            }
        }
    }
}

impl std::error::Error for EngineError {}
