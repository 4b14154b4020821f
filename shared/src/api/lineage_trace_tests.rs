use super::*;
use crate::api::dataflow::FlowEdge;
use crate::api::lineage::{ColumnLineage, NodeLineage, Via};

fn o(node: &str, column: &str, via: Via) -> Origin {
    Origin { node: node.into(), column: column.into(), via }
}

/// A graph whose `sink` has one column `name` made from `source`.`from`.
fn one_column(source: &str, sink: &str, name: &str, origin: Origin, expr: Option<&str>) -> GraphLineage {
    let col = ColumnLineage {
        name: name.into(),
        origins: vec![origin.clone()],
        expr: expr.map(String::from),
        from: vec![origin],
        step: None,
    };
    GraphLineage {
        nodes: vec![
            NodeLineage { node: source.into(), ..Default::default() },
            NodeLineage { node: sink.into(), columns: vec![col], ..Default::default() },
        ],
    }
}

fn edge(graph: &str, node: &str, dataset: &str, writes: bool) -> FlowEdge {
    FlowEdge { graph: graph.into(), node: node.into(), dataset: dataset.into(), writes }
}

/// A (external file → a_out = sum(amount) → file:x) → B (file:x → b_out
/// renames total to amount → table:t) → C (table:t → c_out copies amount).
fn chain() -> (DataflowMap, BTreeMap<String, String>, Planned) {
    let map = DataflowMap {
        edges: vec![
            edge("A", "a_in", "file:in.csv", false),
            edge("A", "a_out", "file:x.csv", true),
            edge("B", "b_in", "file:x.csv", false),
            edge("B", "b_out", "table:core.t", true),
            edge("C", "c_in", "table:core.t", false),
            edge("C", "c_out", "file:report.csv", true),
        ],
        ..Default::default()
    };
    let names = [("A", "daily"), ("B", "load"), ("C", "report")].map(|(a, b)| (a.to_string(), b.to_string())).into();
    let planned: Planned = [
        ("A", one_column("a_in", "a_out", "total", o("a_in", "amount", Via::Aggregated), Some("sum(amount)"))),
        ("B", one_column("b_in", "b_out", "amount", o("b_in", "total", Via::Renamed), None)),
        ("C", one_column("c_in", "c_out", "amt", o("c_in", "amount", Via::Renamed), None)),
    ]
    .into_iter()
    .map(|(g, l)| (g.to_string(), Ok(l)))
    .collect();
    (map, names, planned)
}

fn done(next: Next) -> ColumnTrace {
    match next {
        Next::Done(t) => t,
        Next::Need(g) => panic!("still needs {g}"),
    }
}

#[test]
fn a_column_is_followed_through_a_table_and_a_file_to_the_first_graph() {
    let (map, names, planned) = chain();
    let t = done(trace(("C", "c_out", "amt"), &map, &names, &planned));
    let hops: Vec<(&str, &str, &str, Option<usize>)> =
        t.steps.iter().map(|s| (s.graph.as_str(), s.node.as_str(), s.column.as_str(), s.feeds)).collect();
    assert_eq!(
        hops,
        [("C", "c_out", "amt", None), ("B", "b_out", "amount", Some(0)), ("A", "a_out", "total", Some(1))]
    );
    assert_eq!(t.steps[1].dataset.as_deref(), Some("table:core.t"));
    assert_eq!(t.steps[2].dataset.as_deref(), Some("file:x.csv"));
    assert_eq!(t.steps[2].origins, vec![o("a_in", "amount", Via::Aggregated)]);
    assert_eq!(t.steps[2].expr.as_deref(), Some("sum(amount)"));
    assert_eq!(t.steps[2].graph_name, "daily");
    assert!(!t.truncated);
}

#[test]
fn only_the_graphs_on_the_way_are_asked_for_in_order() {
    let (map, names, all) = chain();
    let mut planned = Planned::new();
    let mut asked = Vec::new();
    while let Next::Need(g) = trace(("C", "c_out", "amt"), &map, &names, &planned) {
        asked.push(g.clone());
        planned.insert(g.clone(), all[&g].clone());
    }
    assert_eq!(asked, ["C", "B", "A"]);
    // Starting in B, C (downstream) is never planned.
    let from_b: Planned = all.iter().filter(|(g, _)| *g != "C").map(|(g, l)| (g.clone(), l.clone())).collect();
    assert_eq!(done(trace(("B", "b_out", "amount"), &map, &names, &from_b)).steps.len(), 2);
}

#[test]
fn a_graph_that_cannot_be_planned_or_a_missing_column_ends_its_branch_with_the_reason() {
    let (map, names, mut planned) = chain();
    planned.insert("B".into(), Err("source `b_in`: no such file".into()));
    let t = done(trace(("C", "c_out", "amt"), &map, &names, &planned));
    assert_eq!(t.steps.len(), 2);
    assert_eq!(t.steps[1].unknown.as_deref(), Some("source `b_in`: no such file"));
    let t = done(trace(("C", "c_out", "nope"), &map, &names, &planned));
    assert_eq!(t.steps.len(), 1);
    assert_eq!(t.steps[0].unknown.as_deref(), Some("`c_out` has no column `nope`"));
}

#[test]
fn graphs_that_feed_each_other_end_and_the_graph_limit_truncates() {
    // A and B write what the other reads: the walk ends once each column was seen.
    let map = DataflowMap {
        edges: vec![
            edge("A", "a_in", "file:b.csv", false),
            edge("A", "a_out", "file:a.csv", true),
            edge("B", "b_in", "file:a.csv", false),
            edge("B", "b_out", "file:b.csv", true),
        ],
        ..Default::default()
    };
    let planned: Planned = [
        ("A".to_string(), Ok(one_column("a_in", "a_out", "v", o("a_in", "v", Via::Copied), None))),
        ("B".to_string(), Ok(one_column("b_in", "b_out", "v", o("b_in", "v", Via::Copied), None))),
    ]
    .into();
    let t = done(trace(("A", "a_out", "v"), &map, &BTreeMap::new(), &planned));
    assert_eq!(t.steps.len(), 2);
    assert!(!t.truncated);

    // A long chain G0 ← G1 ← ... stops at MAX_GRAPHS planned graphs, saying so.
    let n = MAX_GRAPHS + 4;
    let mut edges = Vec::new();
    let mut planned = Planned::new();
    for i in 0..n {
        edges.push(edge(&format!("G{i}"), "in", &format!("file:{}.csv", i + 1), false));
        edges.push(edge(&format!("G{i}"), "out", &format!("file:{i}.csv"), true));
    }
    let map = DataflowMap { edges, ..Default::default() };
    for i in 0..MAX_GRAPHS {
        planned.insert(format!("G{i}"), Ok(one_column("in", "out", "v", o("in", "v", Via::Copied), None)));
    }
    let t = done(trace(("G0", "out", "v"), &map, &BTreeMap::new(), &planned));
    assert_eq!(t.steps.len(), MAX_GRAPHS);
    assert!(t.truncated);
}
