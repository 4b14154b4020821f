//! The editor's validation across the WebAssembly module boundary. The
//! editor's first-paint module is built without the `sql` feature (no
//! `sqlparser`: a third of the bundle); a second module (`checker/`), loaded
//! after first paint, runs [`run`] with every check. Both ends use these types,
//! so what crosses is one JSON text each way.

use crate::connections::Known;
use crate::model::Graph;
use crate::problem::Problem;
use crate::types::Schema;
use crate::validate::{Context, validate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// What the editor knows: the graph, the sources' columns the server
/// described, and the environment's connections once listed.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    pub graph: Graph,
    #[serde(default)]
    pub source_schemas: HashMap<String, Schema>,
    #[serde(default)]
    pub connections: Option<Known>,
}

/// What the editor shows: every problem and each node's inferred schema.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub problems: Vec<Problem>,
    pub schemas: BTreeMap<String, Option<Schema>>,
}

/// Validates as the editor does, with whatever checks this build has.
pub fn run(req: &Request) -> Answer {
    let ctx = Context {
        source_schemas: Some(&req.source_schemas),
        params: None,
        connections: req.connections.as_ref(),
        ..Default::default()
    };
    let report = validate(&req.graph, &ctx);
    Answer { problems: report.problems, schemas: report.schemas }
}

/// [`run`] from and to JSON text: the second module's one entry point. A
/// request that does not read answers `None` (the editor keeps its own result).
pub fn run_json(request: &str) -> Option<String> {
    let req: Request = serde_json::from_str(request).ok()?;
    serde_json::to_string(&run(&req)).ok()
}

#[cfg(all(test, feature = "sql"))]
mod tests {
    use super::*;

    /// The request survives the trip through JSON, and the answer carries the
    /// expression and SQL problems word for word as the validator gives them.
    #[test]
    fn json_round_trip_gives_the_validators_answer() {
        let graph: Graph = serde_json::from_value(serde_json::json!({
            "format": "sluice.graph/v1", "name": "g",
            "nodes": [
                {"id": "src", "kind": "source.csv", "config": {"path": "a.csv", "schema": [{"name": "amount", "type": "int64"}]}},
                {"id": "f", "kind": "transform.filter", "config": {"predicate": "amout > 1"}},
                {"id": "q", "kind": "transform.sql", "config": {"query": "DELETE FROM src"}},
                {"id": "out", "kind": "sink.csv", "config": {"path": "o.csv"}}
            ],
            "edges": [{"from": "src", "to": "f"}, {"from": "f", "to": "q"}, {"from": "q", "to": "out"}]
        }))
        .unwrap();
        let req = Request { graph: graph.clone(), source_schemas: HashMap::new(), connections: None };
        let text = run_json(&serde_json::to_string(&req).unwrap()).unwrap();
        let answer: Answer = serde_json::from_str(&text).unwrap();
        let direct = validate(&graph, &Context { source_schemas: Some(&HashMap::new()), ..Default::default() });
        assert_eq!(answer.problems, direct.problems);
        assert_eq!(answer.schemas, direct.schemas);
        let text_of = |id: &str| answer.problems.iter().filter(|p| p.node.as_deref() == Some(id)).count();
        assert_eq!(text_of("f"), 1, "{:?}", answer.problems);
        assert_eq!(text_of("q"), 1, "{:?}", answer.problems);
        assert_eq!(run_json("{not json"), None);
    }
}
