//! Size limits on a graph document. A real bank graph has tens to a few hundred
//! nodes; these limits sit far above that and exist so that no document can make
//! the validator (in the browser or on the server) or the engine do unbounded work.

use crate::model::Graph;
use crate::problem::Problem;
use serde_json::Value;

/// Most nodes a graph may have.
pub const MAX_NODES: usize = 5_000;
/// Most edges a graph may have.
pub const MAX_EDGES: usize = 20_000;
/// Most parameters a graph may declare.
pub const MAX_PARAMS: usize = 1_000;
/// Largest config of one node, as JSON text (a SQL query of 256 KiB is far past any real one).
pub const MAX_CONFIG_BYTES: usize = 256 * 1024;
/// Largest graph document, as JSON text.
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;
/// Longest string one value may grow to through `repeat`, `lpad`, `rpad` or `replace`.
pub const MAX_STRING_BYTES: usize = 1024 * 1024;

/// Human-readable byte size: `256 KiB`, `8 MiB`.
pub fn bytes(n: usize) -> String {
    if n >= 1 << 30 && n.is_multiple_of(1 << 30) {
        format!("{} GiB", n >> 30)
    } else if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64)
    } else {
        format!("{n} bytes")
    }
}

/// The document-size check, for callers that hold the text.
pub fn check_document(text: &str) -> Result<(), Problem> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(Problem::graph(
            None,
            format!("the document is {}; the limit is {}", bytes(text.len()), bytes(MAX_DOCUMENT_BYTES)),
        ));
    }
    Ok(())
}

fn count_problem(what: &str, n: usize, max: usize) -> Option<Problem> {
    (n > max).then(|| Problem::graph(Some(what), format!("the graph has {n} {what}; the limit is {max}")))
}

/// Counts checked on a JSON document before it is read into a [`Graph`].
pub fn check_value(value: &Value) -> Vec<Problem> {
    let len = |key: &str| match value.get(key) {
        Some(Value::Array(a)) => a.len(),
        Some(Value::Object(o)) => o.len(),
        _ => 0,
    };
    [("nodes", len("nodes"), MAX_NODES), ("edges", len("edges"), MAX_EDGES), ("params", len("params"), MAX_PARAMS)]
        .into_iter()
        .filter_map(|(what, n, max)| count_problem(what, n, max))
        .collect()
}

/// Every limit a graph is over; empty when it is within all of them. Cheap:
/// linear in the size of the document, allocating nothing per node.
pub fn check(graph: &Graph) -> Vec<Problem> {
    let mut problems: Vec<Problem> = [
        ("nodes", graph.nodes.len(), MAX_NODES),
        ("edges", graph.edges.len(), MAX_EDGES),
        ("params", graph.params.len(), MAX_PARAMS),
    ]
    .into_iter()
    .filter_map(|(what, n, max)| count_problem(what, n, max))
    .collect();
    if !problems.is_empty() {
        return problems; // not worth measuring every config of such a graph
    }
    for node in &graph.nodes {
        let size = json_len(&node.config);
        if size > MAX_CONFIG_BYTES {
            problems.push(Problem::node(
                &node.id,
                Some("config"),
                format!("the config is {}; the limit is {} per node", bytes(size), bytes(MAX_CONFIG_BYTES)),
            ));
        }
    }
    problems
}

/// Length of `v` as compact JSON text, without building the text.
fn json_len(v: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Count(0);
    let _ = serde_json::to_writer(&mut c, v);
    c.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chain(n: usize) -> Graph {
        let mut g = Graph::new("big");
        for i in 0..n {
            g.nodes.push(serde_json::from_value(json!({"id": format!("n{i}"), "kind": "transform.distinct"})).unwrap());
        }
        g
    }

    #[test]
    fn too_many_nodes_is_one_clear_problem() {
        let p = check(&chain(MAX_NODES + 1));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].message, format!("the graph has {} nodes; the limit is 5000", MAX_NODES + 1));
        assert!(check(&chain(10)).is_empty());
    }

    #[test]
    fn an_oversized_config_names_its_node() {
        let mut g = chain(2);
        g.nodes[1].config = json!({"predicate": "x".repeat(MAX_CONFIG_BYTES)});
        let p = check(&g);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].node.as_deref(), Some("n1"));
        assert!(p[0].message.contains("the limit is 256 KiB per node"), "{}", p[0].message);
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(bytes(8 << 20), "8 MiB");
        assert_eq!(bytes(512), "512 bytes");
        assert_eq!(bytes(4 << 30), "4 GiB");
    }
}
