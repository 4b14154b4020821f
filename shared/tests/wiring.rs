//! Every refusal the editor can show comes from `can_connect`, and is word for word
//! the problem the validator reports when the same edge is saved anyway.

use serde_json::json;
use sluice_shared::structure::{Refusal, Wiring, can_connect, find_cycle_in};
use sluice_shared::{Context, Edge, Graph, validate};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// s1, s2: sources; f, g, h, m: filters; j: a join; u: a union; k: a sink.
/// s1 → f → g → k, s1 → j.left, s1 → u → h → m.
fn base() -> Graph {
    let nodes = [
        ("s1", "source.csv"),
        ("s2", "source.csv"),
        ("f", "transform.filter"),
        ("g", "transform.filter"),
        ("h", "transform.filter"),
        ("m", "transform.filter"),
        ("j", "transform.join"),
        ("u", "transform.union"),
        ("k", "sink.csv"),
    ];
    let edges = [("s1", "f", None), ("f", "g", None), ("g", "k", None), ("s1", "j", Some("left"))];
    let edges = edges.into_iter().chain([("s1", "u", None), ("u", "h", None), ("h", "m", None)]);
    serde_json::from_value(json!({
        "format": "sluice.graph/v1",
        "nodes": nodes.iter().map(|(id, kind)| json!({"id": id, "kind": kind, "config": {}})).collect::<Vec<_>>(),
        "edges": edges.map(|(f, t, p)| json!({"from": f, "to": t, "port": p})).collect::<Vec<_>>(),
    }))
    .expect("a graph")
}

fn with_edge(mut g: Graph, from: &str, to: &str, port: &str) -> Graph {
    g.edges.push(Edge { from: from.into(), to: to.into(), port: (port != "in").then(|| port.into()), ui: None });
    g
}

/// Asserts `can_connect` refuses, and that the validator, given the edge anyway,
/// reports the same sentence on the same node.
fn refused_like_the_validator(g: &Graph, from: &str, to: &str, port: &str) -> Refusal {
    let r = can_connect(g, from, to, port).expect_err("refused");
    let saved = with_edge(g.clone(), from, to, port);
    let report = validate(&saved, &Context::default());
    let want = r.problem();
    assert!(
        report.problems.iter().any(|p| p.node == want.node && p.message == want.message),
        "validator did not report {want} for {from} → {to} ({port}); it reported {:#?}",
        report.problems
    );
    // And the validator reported nothing of that kind before the edge was added.
    let before = validate(g, &Context::default());
    assert!(!before.problems.iter().any(|p| p.message == want.message), "{want} was there before");
    r
}

#[test]
fn every_refusal_is_the_validators_problem_for_the_same_edge() {
    let g = base();
    type Case = (&'static str, &'static str, &'static str, fn(&Refusal) -> bool);
    let cases: Vec<Case> = vec![
        ("u", "u", "in", |r| matches!(r, Refusal::SelfLoop { .. })),
        ("k", "u", "in", |r| matches!(r, Refusal::NoOutput { .. })),
        ("f", "s2", "in", |r| matches!(r, Refusal::NoInput { .. })),
        ("s2", "j", "middle", |r| matches!(r, Refusal::UnknownPort { .. })),
        ("s1", "f", "in", |r| matches!(r, Refusal::Duplicate { .. })),
        ("s1", "j", "left", |r| matches!(r, Refusal::Duplicate { .. })),
        ("s2", "f", "in", |r| matches!(r, Refusal::PortFull { max: 1, .. })),
        ("s2", "j", "left", |r| matches!(r, Refusal::PortFull { max: 1, .. })),
        ("m", "u", "in", |r| matches!(r, Refusal::Cycle { .. })),
        ("s1", "nope", "in", |r| matches!(r, Refusal::NoSuchNode { .. })),
        ("nope", "u", "in", |r| matches!(r, Refusal::NoSuchNode { .. })),
    ];
    for (from, to, port, is_kind) in cases {
        let r = refused_like_the_validator(&g, from, to, port);
        assert!(is_kind(&r), "{from} → {to} ({port}): unexpected {r:?}");
    }
}

#[test]
fn the_sentences_read_as_the_validators() {
    let g = base();
    let msg = |from, to, port| can_connect(&g, from, to, port).expect_err("refused").to_string();
    assert_eq!(msg("u", "u", "in"), "u: is on a cycle: u → u");
    assert_eq!(msg("k", "u", "in"), "k: a sink has no output, so it cannot feed `u`");
    assert_eq!(msg("f", "s2", "in"), "s2: a source takes no input; remove the edge from `f`");
    assert_eq!(msg("s2", "j", "x"), "j: has no input port `x` (ports: left, right); check the edge from `s2`");
    assert_eq!(msg("s1", "f", "in"), "f: the edge from `s1` is drawn twice");
    assert_eq!(msg("s2", "f", "in"), "f: input port `in` takes 1 edge, has 2 (from s1, s2)");
    assert_eq!(msg("m", "u", "in"), "m: is on a cycle: m → u → h → m");
    assert_eq!(msg("s1", "nope", "in"), "s1: edge s1 → nope: no node has the id `nope`");
    assert_eq!(msg("x", "y", "in"), "(graph): edges: edge x → y: no node has the id `y`");
}

#[test]
fn allowed_wires_pass_and_validate_without_a_wiring_problem() {
    let g = base();
    for (from, to, port) in [("s2", "j", "right"), ("m", "j", "right"), ("s2", "u", "in"), ("g", "u", "in")] {
        assert_eq!(can_connect(&g, from, to, port), Ok(()), "{from} → {to} ({port})");
        let saved = with_edge(g.clone(), from, to, port);
        let before = validate(&g, &Context::default()).problems.len();
        let after = validate(&saved, &Context::default());
        // Adding a legal edge adds no problem (it may even fix the join's missing input).
        assert!(after.problems.len() <= before, "{:#?}", after.problems);
    }
    // One index answers many candidates the same way.
    let w = Wiring::new(&g);
    for n in &g.nodes {
        assert_eq!(w.check("s2", &n.id, "in"), can_connect(&g, "s2", &n.id, "in"));
    }
}

#[test]
fn a_cycle_through_a_long_chain_is_found_quickly() {
    let n = 2_000;
    let nodes: Vec<_> = (0..n).map(|i| json!({"id": format!("n{i}"), "kind": "transform.union"})).collect();
    let edges: Vec<_> = (1..n).map(|i| json!({"from": format!("n{}", i - 1), "to": format!("n{i}")})).collect();
    let g: Graph =
        serde_json::from_value(json!({"format": "sluice.graph/v1", "nodes": nodes, "edges": edges})).expect("a graph");
    let started = Instant::now();
    let r = can_connect(&g, &format!("n{}", n - 1), "n0", "in").expect_err("a cycle");
    let Refusal::Cycle { path } = &r else { panic!("{r:?}") };
    assert_eq!(path.len(), n);
    assert!(r.message().starts_with("is on a cycle: n1999 → n0 → n1"), "{}", r.message());
    assert!(r.message().contains("(1960 more)"), "{}", r.message());
    assert_eq!(can_connect(&g, "n0", &format!("n{}", n - 1), "in"), Ok(()));
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    // The same sentence the validator gives the last node once the edge is saved.
    let saved = with_edge(g, &format!("n{}", n - 1), "n0", "in");
    let report = validate(&saved, &Context::default());
    let on_last = |p: &&sluice_shared::Problem| p.node.as_deref() == Some("n1999") && p.message.contains("cycle");
    assert_eq!(report.problems.iter().find(on_last).expect("a cycle problem").message, r.message());
}

fn deps(pairs: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
    pairs.iter().map(|(k, vs)| (k.to_string(), vs.iter().map(|v| v.to_string()).collect())).collect()
}

#[test]
fn dependency_cycles_are_found_and_spelled_round() {
    assert_eq!(find_cycle_in(&deps(&[])), None);
    assert_eq!(find_cycle_in(&deps(&[("a", &["b", "c"]), ("b", &["c"]), ("c", &["x"])])), None);
    assert_eq!(find_cycle_in(&deps(&[("a", &["a"])])), Some(vec!["a".into(), "a".into()]));
    let found = find_cycle_in(&deps(&[("a", &["b"]), ("b", &["c"]), ("c", &["d", "b"]), ("d", &[])]));
    assert_eq!(found, Some(vec!["b".into(), "c".into(), "b".into()]));
    // A diamond is no cycle.
    assert_eq!(find_cycle_in(&deps(&[("a", &["b", "c"]), ("b", &["d"]), ("c", &["d"])])), None);
}

#[test]
fn a_long_dependency_chain_is_linear() {
    let n = 50_000;
    let mut m: BTreeMap<String, BTreeSet<String>> =
        (0..n).map(|i| (format!("s{i}"), BTreeSet::from([format!("s{}", i + 1)]))).collect();
    let started = Instant::now();
    assert_eq!(find_cycle_in(&m), None);
    m.insert(format!("s{n}"), BTreeSet::from(["s0".to_string()]));
    let cycle = find_cycle_in(&m).expect("a cycle");
    assert_eq!(cycle.len(), n + 2);
    assert_eq!(cycle.first(), cycle.last());
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}

/// The recursive finder `backend/src/server/runs.rs` had, kept here to show
/// `find_cycle_in` answers exactly as it did (so runs.rs can switch unchanged).
fn old_find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut c = path[i..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges.keys().find_map(|k| visit(k, edges, &mut Vec::new(), &mut done))
}

#[test]
fn find_cycle_in_answers_as_the_schedule_check_did() {
    let mut seed: u64 = 0x5eed;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for _ in 0..2_000 {
        let size = 1 + next(8);
        let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for _ in 0..next(12) {
            let (a, b) = (format!("g{}", next(size)), format!("g{}", next(size)));
            m.entry(a).or_default().insert(b);
        }
        assert_eq!(find_cycle_in(&m), old_find_cycle(&m), "{m:?}");
    }
}

#[test]
fn a_wire_into_a_full_single_input_replaces_its_wire_only_where_the_result_is_valid() {
    let g = base();
    let w = Wiring::new(&g);
    // f takes one input, fed by s1: a wire from s2 replaces it.
    assert_eq!(w.check_replacing("s2", "f", "in"), Ok(Some("s1".to_string())));
    let mut replaced = g.clone();
    replaced.edges.retain(|e| !(e.from == "s1" && e.to == "f"));
    let replaced = with_edge(replaced, "s2", "f", "in");
    // The validator has nothing more to say about f than before (its empty config).
    let about_f = |g: &Graph| {
        let report = validate(g, &Context::default());
        let mut m: Vec<String> =
            report.problems.into_iter().filter(|p| p.node.as_deref() == Some("f")).map(|p| p.message).collect();
        m.sort();
        m
    };
    assert_eq!(about_f(&replaced), about_f(&g));
    // The join's left input is full too; its right is free (nothing to replace).
    assert_eq!(w.check_replacing("s2", "j", "left"), Ok(Some("s1".to_string())));
    assert_eq!(w.check_replacing("s2", "j", "right"), Ok(None));
    // Replacing does not lift the other rules: a cycle, a sink's output, the same wire again.
    assert!(matches!(w.check_replacing("g", "f", "in"), Err(Refusal::Cycle { .. })));
    assert!(matches!(w.check_replacing("k", "h", "in"), Err(Refusal::NoOutput { .. })));
    assert!(matches!(w.check_replacing("s1", "f", "in"), Err(Refusal::Duplicate { .. })));
    assert!(matches!(w.check_replacing("f", "f", "in"), Err(Refusal::SelfLoop { .. })));
    // Without a replacement the plain check still refuses the full input.
    assert!(matches!(can_connect(&g, "s2", "f", "in"), Err(Refusal::PortFull { .. })));
}
