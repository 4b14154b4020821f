//! `GET /api/dataflow`: the library as a picture of graphs and the datasets
//! between them, and `GET /api/dataflow/schedules`: the dependencies schedules
//! should have because one's graph reads what another's writes.

use crate::Graph;
use crate::dataflow::{Dataset, accesses};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A graph on the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowGraph {
    pub id: String,
    pub name: String,
}

/// A dataset on the map: written by some graph, or read from outside the library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowDataset {
    /// `file:<path>` or `table:<connection>.<table>` ([`Dataset::key`]).
    pub id: String,
    pub dataset: Dataset,
    /// No graph of the library writes it.
    pub external: bool,
}

/// A graph's node writing a dataset (`writes`), or reading one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowEdge {
    pub graph: String,
    pub node: String,
    pub dataset: String,
    pub writes: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataflowMap {
    pub graphs: Vec<FlowGraph>,
    pub datasets: Vec<FlowDataset>,
    pub edges: Vec<FlowEdge>,
}

impl DataflowMap {
    /// The map of `graphs` (id, name, document): every write is a dataset;
    /// a read joins each written dataset it meets, or else a dataset of its own
    /// marked external.
    pub fn build(graphs: &[(String, String, Graph)]) -> Self {
        let mut map = DataflowMap::default();
        let mut written: BTreeMap<String, Dataset> = BTreeMap::new();
        let mut reads = Vec::new();
        for (id, name, g) in graphs {
            map.graphs.push(FlowGraph { id: id.clone(), name: name.clone() });
            let (r, w) = accesses(g);
            for a in w {
                let key = a.dataset.key();
                written.entry(key.clone()).or_insert(a.dataset);
                map.edges.push(FlowEdge { graph: id.clone(), node: a.node, dataset: key, writes: true });
            }
            reads.extend(r.into_iter().map(|a| (id.clone(), a)));
        }
        map.datasets =
            written.iter().map(|(k, d)| FlowDataset { id: k.clone(), dataset: d.clone(), external: false }).collect();
        for (graph, a) in reads {
            let meets: Vec<String> =
                written.iter().filter(|(_, d)| d.meets(&a.dataset)).map(|(k, _)| k.clone()).collect();
            if meets.is_empty() {
                let key = a.dataset.key();
                if !map.datasets.iter().any(|d| d.id == key) {
                    map.datasets.push(FlowDataset { id: key.clone(), dataset: a.dataset.clone(), external: true });
                }
                map.edges.push(FlowEdge { graph, node: a.node, dataset: key, writes: false });
            } else {
                for key in meets {
                    map.edges.push(FlowEdge {
                        graph: graph.clone(),
                        node: a.node.clone(),
                        dataset: key,
                        writes: false,
                    });
                }
            }
        }
        map
    }

    /// The graphs whose writes `graph` reads, with the datasets between them
    /// (a graph reading its own output is not its own upstream).
    pub fn upstream(&self, graph: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for read in self.edges.iter().filter(|e| !e.writes && e.graph == graph) {
            for w in self.edges.iter().filter(|e| e.writes && e.dataset == read.dataset && e.graph != graph) {
                let pair = (w.graph.clone(), read.dataset.clone());
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        }
        out
    }

    /// The readers of what `graph` writes: (reader graph, its node, dataset, the writing node).
    pub fn downstream(&self, graph: &str) -> Vec<(String, String, String, String)> {
        let mut out = Vec::new();
        for w in self.edges.iter().filter(|e| e.writes && e.graph == graph) {
            for r in self.edges.iter().filter(|e| !e.writes && e.dataset == w.dataset && e.graph != graph) {
                out.push((r.graph.clone(), r.node.clone(), w.dataset.clone(), w.node.clone()));
            }
        }
        out
    }
}

/// A dependency one schedule should have on another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestedDependency {
    /// The schedule that should wait.
    pub schedule: String,
    /// Its graph.
    pub graph: String,
    /// The graph to wait for: another schedule runs it, and it writes what `graph` reads
    /// (schedules depend on graphs: `depends_on` holds graph ids).
    pub upstream_graph: String,
    pub upstream_name: String,
    /// The dataset between them.
    pub dataset: String,
    /// The schedule does not depend on `upstream_graph` yet.
    pub missing: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleSuggestions {
    pub suggestions: Vec<SuggestedDependency>,
}
