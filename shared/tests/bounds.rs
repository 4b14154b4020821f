//! Structural checks stay linear, and documents past the size limits get one
//! clear problem instead of unbounded work.

use serde_json::json;
use sluice_shared::limits::{MAX_DOCUMENT_BYTES, MAX_EDGES, MAX_NODES};
use sluice_shared::{Context, Graph, Problem, parse_graph, parse_graph_value, validate};
use std::time::{Duration, Instant};

fn graph(nodes: &[String], edges: &[(String, String)]) -> Graph {
    let doc = json!({
        "format": "sluice.graph/v1",
        "nodes": nodes.iter().map(|id| json!({"id": id, "kind": "transform.union"})).collect::<Vec<_>>(),
        "edges": edges.iter().map(|(f, t)| json!({"from": f, "to": t})).collect::<Vec<_>>(),
    });
    // Read directly, so that graphs past the limits can be built too.
    serde_json::from_value(doc).expect("a graph")
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

fn cycle_problems(problems: &[Problem]) -> Vec<(&str, &str)> {
    problems
        .iter()
        .filter(|p| p.message.contains("is on a cycle"))
        .map(|p| (p.node.as_deref().unwrap_or("(graph)"), p.message.as_str()))
        .collect()
}

#[test]
fn a_long_chain_behind_a_cycle_validates_quickly() {
    // a ⇄ b, then b → c0 → c1 → … → c1999. The old predecessor walk took minutes.
    let mut nodes = vec!["a".to_string(), "b".to_string()];
    nodes.extend(names("c", 2000));
    let mut edges = vec![("a".to_string(), "b".to_string()), ("b".to_string(), "a".to_string())];
    edges.push(("b".into(), "c0".into()));
    for i in 1..2000 {
        edges.push((format!("c{}", i - 1), format!("c{i}")));
    }
    let g = graph(&nodes, &edges);
    let started = Instant::now();
    let report = validate(&g, &Context::default());
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "validation took {took:?}");
    let cycles = cycle_problems(&report.problems);
    assert_eq!(cycles, vec![("a", "is on a cycle: a → b → a"), ("b", "is on a cycle: b → a → b")]);
    assert!(report.order.is_empty(), "nothing behind a cycle is ordered");
}

#[test]
fn every_node_on_any_cycle_gets_one_through_itself() {
    // Two cycles sharing `hub`: hub → x → hub and hub → y1 → y2 → hub; a self-loop on `s`;
    // `tail` is behind the cycles but on none.
    let nodes: Vec<String> = ["hub", "x", "y1", "y2", "s", "tail"].iter().map(|s| s.to_string()).collect();
    let e = |f: &str, t: &str| (f.to_string(), t.to_string());
    let edges = vec![e("hub", "x"), e("x", "hub"), e("hub", "y1"), e("y1", "y2"), e("y2", "hub"), e("s", "s")];
    let mut edges = edges;
    edges.push(e("y2", "tail"));
    let report = validate(&graph(&nodes, &edges), &Context::default());
    let cycles = cycle_problems(&report.problems);
    let by: std::collections::BTreeMap<&str, &str> = cycles.iter().copied().collect();
    assert_eq!(cycles.len(), 5, "{cycles:?}");
    assert_eq!(by["hub"], "is on a cycle: hub → x → hub");
    assert_eq!(by["x"], "is on a cycle: x → hub → x");
    assert_eq!(by["y1"], "is on a cycle: y1 → y2 → hub → y1");
    assert_eq!(by["y2"], "is on a cycle: y2 → hub → y1 → y2");
    assert_eq!(by["s"], "is on a cycle: s → s");
    assert!(!by.contains_key("tail"));
}

#[test]
fn a_very_long_cycle_is_abbreviated_not_repeated_in_full() {
    let nodes = names("n", 3000);
    let mut edges: Vec<(String, String)> = (1..3000).map(|i| (format!("n{}", i - 1), format!("n{i}"))).collect();
    edges.push(("n2999".into(), "n0".into()));
    let started = Instant::now();
    let report = validate(&graph(&nodes, &edges), &Context::default());
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    let cycles = cycle_problems(&report.problems);
    assert_eq!(cycles.len(), 3000);
    let (node, msg) = cycles.iter().find(|(n, _)| *n == "n5").unwrap();
    assert_eq!(*node, "n5");
    assert!(msg.starts_with("is on a cycle: n5 → n6 → n7"), "{msg}");
    assert!(msg.ends_with("… (2960 more) → n5"), "{msg}");
}

#[test]
fn too_many_nodes_or_edges_is_one_clear_problem() {
    let g = graph(&names("n", MAX_NODES + 1), &[]);
    let report = validate(&g, &Context::default());
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert_eq!(report.problems[0].to_string(), "(graph): nodes: the graph has 5001 nodes; the limit is 5000");
    let problems = parse_graph_value(serde_json::to_value(&g).unwrap()).expect_err("refused while reading");
    assert_eq!(problems, report.problems);

    let doc = json!({
        "format": "sluice.graph/v1",
        "nodes": [{"id": "a", "kind": "transform.union"}],
        "edges": vec![json!({"from": "a", "to": "a"}); MAX_EDGES + 1],
    });
    let problems = parse_graph_value(doc).expect_err("refused before reading");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].message, "the graph has 20001 edges; the limit is 20000");
}

#[test]
fn an_oversized_document_is_refused_before_parsing() {
    let text = format!("{{\"format\": \"sluice.graph/v1\", \"name\": \"{}\"}}", "x".repeat(MAX_DOCUMENT_BYTES));
    let problems = parse_graph(&text).expect_err("too big");
    assert_eq!(problems.len(), 1);
    assert!(problems[0].message.starts_with("the document is 8.0 MiB; the limit is 8 MiB"), "{}", problems[0].message);
}
