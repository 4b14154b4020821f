//! Graph documents: arbitrary bytes through the parser, then the validator and
//! the review diff on whatever parses. Nothing may panic, hang or blow up.
//!
//! Byte-level mutations rarely keep a document valid JSON, so most inputs
//! would die in the parser; a custom mutator (see `json_mutate`) also edits
//! the parsed document (replace, drop, duplicate or swap values, splice in
//! known kinds, types, columns and expressions) so the validator sees
//! near-valid graphs too.
#![no_main]

mod json_mutate;

use libfuzzer_sys::{fuzz_mutator, fuzz_target};
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

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    json_mutate::mutate(data, size, max_size, seed)
});
