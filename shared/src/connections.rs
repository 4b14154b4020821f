//! What the validator knows about the connections a graph names. A graph holds
//! only a connection's name; where it points (and its secret) is the server's or
//! the command line's business. Names are checked here so that an unknown
//! connection is a problem naming the node, like an unknown column.

use crate::config::NodeConfig;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The database behind a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DbKind {
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
    Sqlite,
}

impl DbKind {
    pub const ALL: [DbKind; 3] = [DbKind::Postgres, DbKind::Mysql, DbKind::Sqlite];

    pub fn as_str(self) -> &'static str {
        match self {
            DbKind::Postgres => "postgres",
            DbKind::Mysql => "mysql",
            DbKind::Sqlite => "sqlite",
        }
    }
}

/// One connection as the validator sees it: its name is the map key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionInfo {
    /// A read-only connection refuses `sink.table` (and table quarantines).
    pub read_only: bool,
}

/// The connections known in the environment a graph is checked for.
pub type Known = BTreeMap<String, ConnectionInfo>;

/// A connection name is a word a URL, an environment variable and a file name can
/// all carry: letters, digits, `_` and `-`, starting with a letter, at most 64.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = name.len() <= 64
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a connection name (letters, digits, `_` or `-`, starting with a letter, at most 64)"
        ))
    }
}

/// The connection a node's config names, and whether the node writes through it.
pub fn named_by(cfg: &NodeConfig) -> Option<(&str, bool)> {
    match cfg {
        NodeConfig::SourceTable(c) => Some((c.connection.as_str(), false)),
        NodeConfig::SinkTable(c) => Some((c.connection.as_str(), true)),
        NodeConfig::TransformCheck(c) => Some((c.quarantine.as_ref()?.connection.as_deref()?, true)),
        _ => None,
    }
}

/// The problem (field `connection`) with a node's connection, if any.
pub fn check_use(cfg: &NodeConfig, known: Option<&Known>) -> Option<String> {
    let (name, writes) = named_by(cfg)?;
    if name.trim().is_empty() {
        return None; // `infer` asks the user to choose one
    }
    if let Err(e) = check_name(name) {
        return Some(e);
    }
    let known = known?;
    match known.get(name) {
        None => Some(format!("connection `{name}` is not defined here")),
        Some(info) if writes && info.read_only => {
            Some(format!("connection `{name}` is read-only; a table sink cannot write through it"))
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sink(conn: &str) -> NodeConfig {
        NodeConfig::parse(crate::NodeKind::SinkTable, &json!({"connection": conn, "table": "t"})).unwrap()
    }

    #[test]
    fn unknown_and_read_only_connections_are_problems() {
        let mut known = Known::new();
        known.insert("dw".into(), ConnectionInfo { read_only: true });
        assert_eq!(check_use(&sink("core"), Some(&known)).unwrap(), "connection `core` is not defined here");
        assert!(check_use(&sink("dw"), Some(&known)).unwrap().contains("read-only"));
        assert_eq!(check_use(&sink("dw"), None), None, "without a list only the name's form is checked");
        assert!(check_use(&sink("a b"), None).unwrap().contains("not a connection name"));
    }
}
