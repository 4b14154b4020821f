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

/// src → sort by branch then id (descending) → out/sorted.csv, and src
/// straight to out/copy.csv (a sink that would succeed on its own).
fn sort_graph() -> sluice_shared::Graph {
    doc(
        json!([
            {"id": "src", "kind": "source.csv", "config": {"path": "t.csv"}},
            {"id": "order", "kind": "transform.sort", "config": {"by": [{"column": "branch"}, {"column": "id", "desc": true}]}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/sorted.csv"}},
            {"id": "copy", "kind": "sink.csv", "config": {"path": "out/copy.csv"}}
        ]),
        json!([{"from": "src", "to": "order"}, {"from": "order", "to": "out"}, {"from": "src", "to": "copy"}]),
    )
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// DataFusion sorts in one partition per CPU, each with 10 MiB held back for
/// its merge. A sort that spills frees that while it writes, and the other
/// partitions may take it meanwhile: it gets it back for sure only from 20
/// MiB per partition. Each partition then has about 10 MiB for its rows.
fn spilling() -> usize {
    cpus() * (20 << 20) + (4 << 20)
}

/// Rows that cannot fit in [`spilling`] (about 13 MB per partition, counted
/// twice while sorted): 200,000 on two CPUs.
fn spilling_rows() -> usize {
    cpus().max(2) * 100_000
}

/// `rows` rows of `id,branch,memo` in `dir/t.csv`, the memo 100 characters.
fn wide_table(dir: &Path, rows: usize) {
    let memo = "m".repeat(100);
    let mut text = String::from("id,branch,memo\n");
    for i in 0..rows {
        text.push_str(&format!("{i},B{},{memo}\n", i % 5000));
    }
    std::fs::write(dir.join("t.csv"), text).unwrap();
}

/// The names in `dir/out`, sorted.
fn outputs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Issue 9.9: spill space is bounded. The sort must spill; with 64 KiB of spill
/// space it fails naming that limit, publishes nothing and leaves the previous
/// output; with the same memory and room to spill it succeeds, so the spill
/// limit is what stopped it.
#[tokio::test]
async fn a_run_past_its_spill_limit_fails_saying_so_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let rows = spilling_rows();
    wide_table(dir.path(), rows);
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/sorted.csv"), "previous\n").unwrap();
    let small = Limits { memory: spilling(), spill: 64 << 10 };
    let err = run_with(dir.path(), &sort_graph(), small).await.expect_err("64 KiB cannot hold the spill files");
    let EngineError::Failed { node, message } = err else { panic!("a run failure, got {err:?}") };
    assert_eq!(node.as_deref(), Some("order"), "{message}");
    assert!(message.starts_with("spill limit of 64 KiB exceeded ("), "{message}");
    assert!(message.ends_with("or raise the limit") && !message.contains("datafusion"), "{message}");
    assert_eq!(std::fs::read_to_string(dir.path().join("out/sorted.csv")).unwrap(), "previous\n");
    assert_eq!(outputs(dir.path()), ["sorted.csv"], "no other output, no temporary left");

    run_with(dir.path(), &sort_graph(), Limits { memory: spilling(), spill: 1 << 30 }).await.unwrap();
    let sorted = std::fs::read_to_string(dir.path().join("out/sorted.csv")).unwrap();
    assert_eq!(sorted.lines().count(), rows + 1);
    let first = format!("{},B0,", rows - 5000);
    assert!(sorted.lines().nth(1).unwrap().starts_with(&first), "branch B0 first, highest id first");
    assert_eq!(outputs(dir.path()), ["copy.csv", "sorted.csv"]);
}

#[test]
fn the_command_line_takes_a_spill_limit() {
    let dir = tempfile::tempdir().unwrap();
    wide_table(dir.path(), spilling_rows());
    std::fs::write(dir.path().join("g.json"), serde_json::to_string(&sort_graph()).unwrap()).unwrap();
    let memory = spilling().to_string();
    let sluice = |spill: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sluice"))
            .args(["run", "g.json", "--memory", &memory, "--spill-limit", spill])
            .env_remove("SLUICE_SPILL_LIMIT")
            .env_remove("SLUICE_RUN_MEMORY")
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = sluice("64KiB");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("order: spill limit of 64 KiB exceeded"), "{stderr}");
    assert!(!dir.path().join("out/sorted.csv").exists() && !dir.path().join("out/copy.csv").exists());
    let out = sluice("1GiB");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("out/sorted.csv").exists());
}
