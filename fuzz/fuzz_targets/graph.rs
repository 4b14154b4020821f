//! Graph documents: arbitrary bytes through the parser, then the validator and
//! the review diff on whatever parses. Nothing may panic, hang or blow up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sluice_shared::{Context, Graph, diff, parse_graph, validate};
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(graph) = parse_graph(text) else {
        return;
    };
    // Declarations only (the editor), then with run values (the server).
    let _ = validate(&graph, &Context::default());
    let given: BTreeMap<String, String> =
        [("biz_date", "2026-01-31"), ("n", "3"), ("name", "x")].map(|(k, v)| (k.into(), v.into())).into();
    let _ = validate(&graph, &Context { params: Some(&given), ..Default::default() });
    let _ = diff::diff(&Graph::new(&graph.name), &graph);
    let _ = diff::diff(&graph, &graph);
});
