//! Every problem the validator gives carries a stable code, so the browser and
//! the API can say it in Chinese too. The inputs are the committed ones: the
//! conformance suite's invalid graphs, the fuzz corpus of graphs, and the fuzz
//! corpora of expressions and SQL, each put into a graph (a filter's
//! predicate, a SQL node's query).

use serde_json::{Value, json};
use sluice_shared::i18n::Lang;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    assert!(!out.is_empty(), "{} is empty", dir.display());
    out
}

fn texts(dir: &str) -> Vec<String> {
    files(dir).into_iter().filter_map(|p| String::from_utf8(std::fs::read(p).ok()?).ok()).collect()
}

fn wrapped(kind: &str, config: Value) -> String {
    json!({"format": "sluice.graph/v1", "params": {"biz_date": {"type": "date"}}, "nodes": [
        {"id": "txns", "kind": "source.csv", "config": {"path": "t.csv", "schema": [
            {"name": "amount", "type": "float64"}, {"name": "branch", "type": "string"}, {"name": "day", "type": "date"}]}},
        {"id": "n", "kind": kind, "config": config},
        {"id": "out", "kind": "sink.csv", "config": {"path": "o.csv"}}],
      "edges": [{"from": "txns", "to": "n"}, {"from": "n", "to": "out"}]})
    .to_string()
}

/// The graphs: every input as a document.
fn graphs() -> Vec<String> {
    let mut all = texts("backend/tests/conformance/invalid");
    all.extend(texts("fuzz/corpus/graph"));
    all.extend(texts("fuzz/corpus/expr").into_iter().map(|e| wrapped("transform.filter", json!({"predicate": e}))));
    all.extend(texts("fuzz/corpus/sqlcheck").into_iter().map(|q| wrapped("transform.sql", json!({"query": q}))));
    all
}

#[test]
fn every_problem_of_the_corpora_has_a_code() {
    let (mut seen, mut uncoded) = (0usize, BTreeSet::new());
    for text in graphs() {
        let Ok((_, report)) = sluice_shared::validate_text(&text, &Default::default()) else { continue };
        for p in report.problems {
            seen += 1;
            match p.code.as_deref() {
                None => {
                    uncoded.insert(p.message.clone());
                }
                Some(_) => {
                    let zh = p.text(Lang::ZhCn);
                    assert_ne!(zh, p.message, "`{}` has no Chinese text", p.message);
                }
            }
        }
    }
    assert!(seen > 300, "the corpora gave only {seen} problems");
    assert!(
        uncoded.is_empty(),
        "{} problems without a code:\n{}",
        uncoded.len(),
        uncoded.into_iter().collect::<Vec<_>>().join("\n")
    );
}
