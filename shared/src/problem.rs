//! A problem found in a graph: what the validator hands back instead of failing fast,
//! so the editor can mark every broken node at once.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One thing wrong with a graph, tied to the node (and config field) it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The node the problem belongs to; `None` for the graph as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// The config key or document field, e.g. `predicate` or `params.biz_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// A sentence a business user understands.
    pub message: String,
}

/// Prefix used for problems that belong to no node. Not a valid node id, so never ambiguous.
pub const GRAPH_SCOPE: &str = "(graph)";

impl Problem {
    pub fn graph(field: Option<&str>, message: impl Into<String>) -> Self {
        Problem { node: None, field: field.map(str::to_string), message: message.into() }
    }

    pub fn node(node: &str, field: Option<&str>, message: impl Into<String>) -> Self {
        Problem { node: Some(node.to_string()), field: field.map(str::to_string), message: message.into() }
    }
}

impl fmt::Display for Problem {
    /// The command-line form of the contract: `<node id>: <message>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scope = self.node.as_deref().unwrap_or(GRAPH_SCOPE);
        match &self.field {
            Some(field) => write!(f, "{scope}: {field}: {}", self.message),
            None => write!(f, "{scope}: {}", self.message),
        }
    }
}
