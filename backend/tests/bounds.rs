//! Issue 9, items 8 and 9: nothing a graph asks for may take the server down.
//! Runs and previews have a memory pool and a spill cap, previews (the editor's
//! and the review page's) a timeout that stops them, string builders a length
//! cap, and documents size limits.

mod common;

use axum::http::StatusCode;
use common::app::App;
use serde_json::{Value, json};
use sluice_backend::engine::{self, Mode, Options, error::EngineError, limits::Limits, root::DataRoot};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

const TINY: Limits = Limits { memory: 64 << 10, spill: 1 << 30 };

/// `rows` rows of `id,branch,amount,times` in `dir/t.csv`.
fn table(dir: &Path, rows: usize) {
    let mut text = String::from("id,branch,amount,times\n");
    for i in 0..rows {
        text.push_str(&format!("{i},B{},{}.5,{}\n", i % 5000, i % 97, if i == 3 { 100_000_000 } else { 2 }));
    }
    std::fs::write(dir.join("t.csv"), text).unwrap();
}

fn doc(nodes: Value, edges: Value) -> sluice_shared::Graph {
    sluice_shared::parse_graph_value(json!({"format": "sluice.graph/v1", "name": "b", "nodes": nodes, "edges": edges}))
        .unwrap()
}

/// a, b: the same file; j: a join of the two on `branch`; out: a CSV sink.
fn join_graph() -> sluice_shared::Graph {
    doc(
        json!([
            {"id": "a", "kind": "source.csv", "config": {"path": "t.csv"}},
            {"id": "b", "kind": "source.csv", "config": {"path": "t.csv"}},
            {"id": "j", "kind": "transform.join", "config": {"how": "inner", "on": [{"left": "branch", "right": "branch"}]}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/j.csv"}}
        ]),
        json!([{"from": "a", "to": "j", "port": "left"}, {"from": "b", "to": "j", "port": "right"},
               {"from": "j", "to": "out"}]),
    )
}

fn derive_graph(expr: &str) -> sluice_shared::Graph {
    doc(
        json!([
            {"id": "src", "kind": "source.csv", "config": {"path": "t.csv"}},
            {"id": "grow", "kind": "transform.derive", "config": {"columns": [{"name": "s", "expr": expr}]}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/s.csv"}}
        ]),
        json!([{"from": "src", "to": "grow"}, {"from": "grow", "to": "out"}]),
    )
}

async fn run_with(dir: &Path, g: &sluice_shared::Graph, limits: Limits) -> Result<(), EngineError> {
    let root = DataRoot::new(dir);
    let opts = Options { limits: Some(limits), ..Default::default() };
    let p = engine::prepare_with(g, &BTreeMap::new(), &root, Mode::Run, opts).await?;
    engine::execute(&p, &root).await.map(|_| ())
}

#[tokio::test]
async fn a_run_past_its_memory_limit_fails_saying_so_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    table(dir.path(), 20_000);
    let err = run_with(dir.path(), &join_graph(), TINY).await.expect_err("64 KiB cannot hold the join");
    let EngineError::Failed { node, message } = err else { panic!("a run failure, got {err:?}") };
    // The join that ran out of memory is blamed, not the sink it feeds.
    assert_eq!(node.as_deref(), Some("j"), "{message}");
    assert!(message.starts_with("memory limit of 64 KiB exceeded ("), "{message}");
    assert!(!dir.path().join("out/j.csv").exists());
    // The same run within a sensible limit succeeds.
    run_with(dir.path(), &join_graph(), Limits::RUN).await.unwrap();
}

#[tokio::test]
async fn string_builders_are_capped_at_one_mebibyte_per_value() {
    let dir = tempfile::tempdir().unwrap();
    table(dir.path(), 10);
    // A literal count is refused before anything runs, naming the node.
    match run_with(dir.path(), &derive_graph("repeat('x', 100000000)"), Limits::RUN).await {
        Err(EngineError::Invalid(p)) => {
            assert_eq!(p[0].node.as_deref(), Some("grow"));
            assert!(p[0].message.contains("`repeat` with a count of 100000000"), "{}", p[0].message);
        }
        other => panic!("refused as invalid, got {other:?}"),
    }
    // A count from the data (row 3 asks for 100,000,000) fails the run instead of allocating it.
    for expr in ["repeat(branch, times)", "lpad(branch, times * 1, '0')", "concat(repeat(branch, times), 'x')"] {
        let err = run_with(dir.path(), &derive_graph(expr), Limits::RUN).await.expect_err(expr);
        let text = err.to_string();
        assert!(text.contains("would build a value of") && text.contains("at most 1 MiB"), "{expr}: {text}");
    }
    // replace() that multiplies a value past the cap, with an ordinary one still fine.
    let boom = "replace(repeat(branch, 200000), 'B', repeat('c', 1000))";
    let text = run_with(dir.path(), &derive_graph(boom), Limits::RUN).await.expect_err("capped").to_string();
    assert!(text.contains("`replace` would build a value of"), "{text}");
    run_with(dir.path(), &derive_graph("replace(repeat(branch, 2), 'B', 'bank ')"), Limits::RUN).await.unwrap();
}

fn preview_graph() -> Value {
    json!({
        "format": "sluice.graph/v1", "name": "p",
        "nodes": [
            {"id": "txns", "kind": "source.csv", "config": {"path": "demo/transactions.csv"}},
            {"id": "agg", "kind": "transform.aggregate", "config": {"group_by": ["txn_id"],
                "aggregates": [{"fn": "count", "as": "n"}, {"fn": "max", "column": "memo", "as": "m"}]}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/p.csv"}}
        ],
        "edges": [{"from": "txns", "to": "agg"}, {"from": "agg", "to": "out"}]
    })
}

#[tokio::test]
async fn a_preview_past_its_memory_limit_fails_with_the_limit_named() {
    let app = App::with_options(|o| o.preview_limits = TINY).await;
    let c = app.login("analyst").await;
    let body = json!({"graph": preview_graph(), "node": "agg", "full": true});
    let r = app.call("POST", "/api/preview", Some(body), Some(&c)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let p = &r.body["error"]["details"]["problems"][0];
    assert_eq!(p["node"], "agg");
    assert!(p["message"].as_str().unwrap().starts_with("memory limit of 64 KiB exceeded"), "{p}");
}

#[tokio::test]
async fn a_preview_that_runs_out_of_time_is_stopped() {
    let app = App::with_options(|o| o.preview_timeout = Duration::from_millis(1)).await;
    let c = app.login("analyst").await;
    let body = json!({"graph": preview_graph(), "node": "agg", "full": true, "editor": "tab1"});
    let r = app.call("POST", "/api/preview", Some(body), Some(&c)).await;
    assert_eq!(r.status, StatusCode::GATEWAY_TIMEOUT, "{}", r.body);
    let msg = r.body["error"]["message"].as_str().unwrap();
    assert!(msg.contains("took longer than 0.001 s and was stopped"), "{msg}");
}

#[tokio::test]
async fn review_page_previews_have_a_timeout_too() {
    let app = App::with_options(|o| o.preview_timeout = Duration::from_millis(1)).await;
    let ana = app.login("analyst").await;
    let admin = app.login("admin").await;
    let (s, saved) = app.req("POST", "/api/graphs", Some(json!({"graph": preview_graph()})), Some(&ana)).await;
    assert_eq!(s, StatusCode::CREATED, "{saved}");
    let id = saved["id"].as_str().unwrap();
    let (s, sub) =
        app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({"message": "m"})), Some(&ana)).await;
    assert_eq!(s, StatusCode::CREATED, "{sub}");
    let (s, detail) =
        app.req("GET", &format!("/api/reviews/{}", sub["id"].as_str().unwrap()), None, Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    let sample = &detail["samples"][0];
    assert_eq!(sample["node"], "out");
    assert!(sample["error"].as_str().unwrap().contains("took longer than 0.001 s and was stopped"), "{sample}");
}

#[tokio::test]
async fn graphs_past_the_size_limits_are_refused_clearly() {
    let app = App::new().await;
    let c = app.login("analyst").await;
    let nodes: Vec<Value> = (0..5001).map(|i| json!({"id": format!("n{i}"), "kind": "transform.distinct"})).collect();
    let g = json!({"format": "sluice.graph/v1", "name": "huge", "nodes": nodes});
    for path in ["/api/graphs", "/api/preview"] {
        let r = app.call("POST", path, Some(json!({"graph": g, "node": "n0"})), Some(&c)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {}", r.body);
        let p = &r.body["error"]["details"]["problems"][0];
        assert_eq!(p["message"], "the graph has 5001 nodes; the limit is 5000", "{path}");
    }
    let r = app.call("POST", "/api/validate", Some(json!({"graph": g})), Some(&c)).await;
    assert_eq!(r.body["problems"][0]["message"], "the graph has 5001 nodes; the limit is 5000");
}

#[test]
fn the_command_line_takes_a_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    table(dir.path(), 20_000);
    std::fs::write(dir.path().join("g.json"), serde_json::to_string(&join_graph()).unwrap()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["run", "g.json", "--memory", "64KiB"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("j: memory limit of 64 KiB exceeded"), "{stderr}");
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_sluice"))
        .args(["run", "g.json", "--memory", "lots"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "clap refuses a size it cannot read");
}
