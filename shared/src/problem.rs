//! A problem found in a graph: what the validator hands back instead of failing fast,
//! so the editor can mark every broken node at once.

use crate::i18n::{self, Lang};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
    /// A sentence a business user understands, in English (the command line's
    /// and the contract's text).
    pub message: String,
    /// The problem's stable code (`port_unconnected`, `column_unknown`, …): the
    /// catalogue key `problem.<code>` renders it in any language from `params`.
    /// Absent for problems that have only their English sentence so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The values the code's text needs (`node`, `field`, `column`, `suggestion`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

/// A problem's stable code and its parameters, before it is tied to a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coded {
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl Coded {
    pub fn new(code: &'static str, params: &[(&'static str, &str)]) -> Coded {
        Coded { code, params: params.iter().map(|(k, v)| (*k, v.to_string())).collect() }
    }

    /// The text in `lang` (English is the problem's `message`).
    pub fn message(&self, lang: Lang) -> String {
        let params: Vec<(&str, &str)> = self.params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        i18n::fill(lang, &i18n::problems::key(self.code), &params)
    }
}

/// Prefix used for problems that belong to no node. Not a valid node id, so never ambiguous.
pub const GRAPH_SCOPE: &str = "(graph)";

impl Problem {
    pub fn graph(field: Option<&str>, message: impl Into<String>) -> Self {
        Problem::plain(None, field, message.into())
    }

    pub fn node(node: &str, field: Option<&str>, message: impl Into<String>) -> Self {
        Problem::plain(Some(node), field, message.into())
    }

    /// A problem from its English sentence; when the sentence is one a code's
    /// text writes, it gets that code and its parameters
    /// ([`i18n::problems::recognize`]).
    pub fn plain(node: Option<&str>, field: Option<&str>, message: String) -> Self {
        let (code, params) = match i18n::problems::recognize(&message) {
            Some((code, params)) => (Some(code.to_string()), params.into_iter().collect()),
            None => (None, BTreeMap::new()),
        };
        Problem { node: node.map(str::to_string), field: field.map(str::to_string), message, code, params }
    }

    /// A problem from its code: the English message is the catalogue's text.
    pub fn coded(node: Option<&str>, field: Option<&str>, coded: Coded) -> Self {
        Problem {
            node: node.map(str::to_string),
            field: field.map(str::to_string),
            message: coded.message(Lang::En),
            code: Some(coded.code.to_string()),
            params: coded.params.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        }
    }

    /// The message in `lang`: from the code and parameters when there is a code,
    /// else the English sentence.
    pub fn text(&self, lang: Lang) -> String {
        i18n::problems::render(lang, self)
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
