//! Data flow across graphs: what each graph reads and writes (files by path,
//! tables by connection and name, `{param}` placeholders kept as patterns), and
//! which writes feed which reads. One graph's output is another's input when
//! some values of their parameters make the two names the same.

use crate::config::NodeConfig;
use crate::{Graph, NodeKind};
use serde::{Deserialize, Serialize};

/// Where a dataset lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DatasetKind {
    /// A file under the data root; `name` is its path as written.
    File,
    /// A database table; `name` is `table` or `schema.table` as written.
    Table,
}

/// A file or table as a graph names it, placeholders and all.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dataset {
    pub kind: DatasetKind,
    /// The connection name (tables only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    pub name: String,
}

impl Dataset {
    /// A stable id: `file:<path>` or `table:<connection>.<table>`.
    pub fn key(&self) -> String {
        match self.kind {
            DatasetKind::File => format!("file:{}", self.name),
            DatasetKind::Table => format!("table:{}.{}", self.connection.as_deref().unwrap_or(""), self.name),
        }
    }

    /// Whether some parameter values make `self` and `other` the same dataset.
    /// Table names compare without regard to case (unquoted SQL identifiers).
    pub fn meets(&self, other: &Dataset) -> bool {
        if self.kind != other.kind || self.connection != other.connection {
            return false;
        }
        match self.kind {
            DatasetKind::File => patterns_meet(&self.name, &other.name),
            DatasetKind::Table => patterns_meet(&self.name.to_lowercase(), &other.name.to_lowercase()),
        }
    }
}

/// One node's read or write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub node: String,
    pub dataset: Dataset,
}

/// What a graph reads and writes, in node order. A `source.table` with a
/// `query` reads tables this does not name; a node whose config does not parse
/// is left out (the validator reports it).
pub fn accesses(graph: &Graph) -> (Vec<Access>, Vec<Access>) {
    let (mut reads, mut writes) = (Vec::new(), Vec::new());
    for node in &graph.nodes {
        let Some(kind) = NodeKind::parse(&node.kind) else { continue };
        let Ok(cfg) = NodeConfig::parse(kind, &node.config) else { continue };
        let at = |dataset| Access { node: node.id.clone(), dataset };
        let file = |path: &str| Dataset { kind: DatasetKind::File, connection: None, name: path.to_string() };
        let table = |conn: &str, name: &str| Dataset {
            kind: DatasetKind::Table,
            connection: Some(conn.to_string()),
            name: name.to_string(),
        };
        match &cfg {
            NodeConfig::SourceTable(t) => {
                if let Some(name) = &t.table {
                    reads.push(at(table(&t.connection, name)));
                }
            }
            NodeConfig::SinkTable(t) => writes.push(at(table(&t.connection, &t.table))),
            NodeConfig::TransformCheck(c) => {
                if let Some(p) = cfg.path() {
                    writes.push(at(file(p)));
                }
                if let Some((conn, name)) =
                    c.quarantine.as_ref().and_then(|q| Some((q.connection.as_ref()?, q.table.as_ref()?)))
                {
                    writes.push(at(table(conn, name)));
                }
            }
            _ => match (kind.category(), cfg.path()) {
                (crate::Category::Collection, Some(p)) => reads.push(at(file(p))),
                (crate::Category::Distribution, Some(p)) => writes.push(at(file(p))),
                _ => {}
            },
        }
    }
    (reads, writes)
}

/// Longest pattern compared by shape; longer ones must be equal.
const MAX_PATTERN: usize = 1024;

#[derive(Clone, Copy, PartialEq)]
enum Tok {
    Char(char),
    Any,
}

fn tokens(p: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' && p.contains('}') {
            for d in chars.by_ref() {
                if d == '}' {
                    break;
                }
            }
            out.push(Tok::Any);
        } else {
            out.push(Tok::Char(c));
        }
    }
    out
}

/// Whether some text matches both patterns, each `{name}` standing for any text.
pub fn patterns_meet(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if a.len() > MAX_PATTERN || b.len() > MAX_PATTERN {
        return false;
    }
    let (a, b) = (tokens(a), tokens(b));
    // reach[i][j]: a's first i tokens and b's first j tokens can match the same text.
    let mut reach = vec![vec![false; b.len() + 1]; a.len() + 1];
    reach[0][0] = true;
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            if !reach[i][j] {
                continue;
            }
            let (x, y) = (a.get(i).copied(), b.get(j).copied());
            if x == Some(Tok::Any) {
                reach[i + 1][j] = true; // a's placeholder ends here
                if j < b.len() {
                    reach[i][j + 1] = true; // it also covers b's next token
                }
            }
            if y == Some(Tok::Any) {
                reach[i][j + 1] = true;
                if i < a.len() {
                    reach[i + 1][j] = true;
                }
            }
            if let (Some(Tok::Char(p)), Some(Tok::Char(q))) = (x, y)
                && p == q
            {
                reach[i + 1][j + 1] = true;
            }
        }
    }
    reach[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::patterns_meet;

    #[test]
    fn placeholders_match_any_text() {
        assert!(patterns_meet("out/a_{biz_date}.csv", "out/a_{d}.csv"));
        assert!(patterns_meet("out/a_{biz_date}.csv", "out/a_2026-11-24.csv"));
        assert!(patterns_meet("out/{region}/x.csv", "out/east/x.csv"));
        assert!(patterns_meet("{a}.csv", "out/{b}"));
        assert!(!patterns_meet("out/a_{biz_date}.csv", "out/b_{biz_date}.csv"));
        assert!(!patterns_meet("out/a.csv", "out/a.parquet"));
        assert!(!patterns_meet("out/{x}.csv", "in/{x}.csv"));
        assert!(patterns_meet("t", "t"));
    }

    #[test]
    fn a_quarantine_table_is_a_write() {
        let g = crate::parse_graph_value(serde_json::json!({
            "format": "sluice.graph/v1", "name": "q",
            "nodes": [
                {"id": "src", "kind": "source.table", "config": {"connection": "dw", "table": "tx"}},
                {"id": "chk", "kind": "transform.check", "config": {
                    "rules": [{"name": "n", "kind": "not_null", "columns": ["id"]}],
                    "quarantine": {"connection": "dw", "table": "bad_rows"}}}
            ],
            "edges": [{"from": "src", "to": "chk"}]
        }))
        .unwrap();
        let (_, writes) = super::accesses(&g);
        let w: Vec<_> = writes
            .iter()
            .map(|a| (a.node.as_str(), a.dataset.connection.as_deref(), a.dataset.name.as_str()))
            .collect();
        assert_eq!(w, [("chk", Some("dw"), "bad_rows")]);
    }
}
