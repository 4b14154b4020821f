//! Engine behaviour beyond the conformance suite: encodings, hostile paths,
//! and what a failed run leaves behind.

use serde_json::json;
use sluice_backend::engine::publish::{Hooks, Step};
use sluice_backend::engine::{self, Mode, error::EngineError, root::DataRoot};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

fn csv_graph(path: &str, encoding: Option<&str>) -> sluice_shared::Graph {
    let mut src = json!({"id": "src", "kind": "source.csv", "config": {"path": path}});
    if let Some(e) = encoding {
        src["config"]["encoding"] = json!(e);
    }
    sluice_shared::parse_graph_value(json!({
        "format": "sluice.graph/v1", "name": "t",
        "nodes": [src, {"id": "out", "kind": "sink.csv", "config": {"path": "out/o.csv"}}],
        "edges": [{"from": "src", "to": "out"}]
    }))
    .unwrap()
}

async fn run(dir: &Path, g: &sluice_shared::Graph) -> Result<(), EngineError> {
    let root = DataRoot::new(dir);
    let p = engine::prepare(g, &BTreeMap::new(), &root, Mode::Run).await?;
    engine::execute(&p, &root).await.map(|_| ())
}

fn failure(r: Result<(), EngineError>) -> (Option<String>, String) {
    match r {
        Err(EngineError::Failed { node, message }) => (node, message),
        other => panic!("expected a run failure, got {other:?}"),
    }
}

#[tokio::test]
async fn gbk_files_are_refused_with_a_hint_or_converted_when_declared() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _, _) = encoding_rs::GBK.encode("分行,金额\n上海,100\n北京,200\n");
    std::fs::write(dir.path().join("gbk.csv"), &bytes).unwrap();
    let (node, msg) = failure(run(dir.path(), &csv_graph("gbk.csv", None)).await);
    assert_eq!(node.as_deref(), Some("src"));
    assert!(msg.contains("UTF-8") && msg.contains("gbk"), "{msg}");
    run(dir.path(), &csv_graph("gbk.csv", Some("gbk"))).await.unwrap();
    let out = std::fs::read_to_string(dir.path().join("out/o.csv")).unwrap();
    assert_eq!(out, "分行,金额\n上海,100\n北京,200\n");
}

#[tokio::test]
async fn a_byte_order_mark_does_not_end_up_in_a_column_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bom.csv"), b"\xEF\xBB\xBFid,name\n1,a\n").unwrap();
    run(dir.path(), &csv_graph("bom.csv", None)).await.unwrap();
    assert_eq!(std::fs::read_to_string(dir.path().join("out/o.csv")).unwrap(), "id,name\n1,a\n");
}

#[tokio::test]
async fn binary_and_missing_files_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.csv"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    let (_, msg) = failure(run(dir.path(), &csv_graph("x.csv", None)).await);
    assert!(msg.contains("not a CSV text file"), "{msg}");
    let (node, msg) = failure(run(dir.path(), &csv_graph("nope.csv", None)).await);
    assert_eq!(node.as_deref(), Some("src"));
    assert!(msg.contains("nope.csv") && msg.contains("not found"), "{msg}");
}

#[cfg(unix)]
#[tokio::test]
async fn symlinks_cannot_lead_outside_the_data_root() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.csv"), "a\n1\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.csv"), dir.path().join("link.csv")).unwrap();
    let (_, msg) = failure(run(dir.path(), &csv_graph("link.csv", None)).await);
    assert!(msg.contains("outside the data root"), "{msg}");
    // An output folder that is a symlink out of the root is refused too.
    std::fs::write(dir.path().join("ok.csv"), "a\n1\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("out")).unwrap();
    let (node, msg) = failure(run(dir.path(), &csv_graph("ok.csv", None)).await);
    assert_eq!(node.as_deref(), Some("out"));
    assert!(msg.contains("outside the data root"), "{msg}");
    assert!(!outside.path().join("o.csv").exists());
}

#[tokio::test]
async fn parameters_in_paths_cannot_escape_either() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.csv"), "a\n1\n").unwrap();
    let g = sluice_shared::parse_graph_value(json!({
        "format": "sluice.graph/v1", "name": "t",
        "params": {"d": {"type": "string"}},
        "nodes": [{"id": "src", "kind": "source.csv", "config": {"path": "in.csv"}},
                  {"id": "out", "kind": "sink.csv", "config": {"path": "out/{d}.csv"}}],
        "edges": [{"from": "src", "to": "out"}]
    }))
    .unwrap();
    let root = DataRoot::new(dir.path());
    let given: BTreeMap<String, String> = [("d".to_string(), "../../escape".to_string())].into();
    match engine::prepare(&g, &given, &root, Mode::Run).await {
        Err(EngineError::Invalid(p)) => {
            assert!(p[0].node.as_deref() == Some("out") && p[0].message.contains("leaves the data root"), "{p:?}")
        }
        other => panic!("expected invalid, got {:?}", other.err()),
    }
}

#[tokio::test]
async fn published_outputs_are_ordinary_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.csv"), "a\n1\n").unwrap();
    run(dir.path(), &csv_graph("in.csv", None)).await.unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("out/o.csv")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
}

/// A graph reading `input` and writing it to every path in `outputs` (sink ids `s0`, `s1`, ...).
fn fan_out(input: &str, outputs: &[&str]) -> sluice_shared::Graph {
    let mut nodes = vec![json!({"id": "src", "kind": "source.csv", "config": {"path": input}})];
    let mut edges = Vec::new();
    for (i, p) in outputs.iter().enumerate() {
        nodes.push(json!({"id": format!("s{i}"), "kind": "sink.csv", "config": {"path": p}}));
        edges.push(json!({"from": "src", "to": format!("s{i}")}));
    }
    sluice_shared::parse_graph_value(json!({"format": "sluice.graph/v1", "name": "t", "nodes": nodes, "edges": edges}))
        .unwrap()
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| format!("<{e}>"))
}

/// Files Sluice keeps beside outputs while publishing (temporaries, backups).
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".sluice"))
        .collect()
}

fn invalid(r: Result<(), EngineError>) -> Vec<sluice_shared::Problem> {
    match r {
        Err(EngineError::Invalid(p)) => p,
        other => panic!("expected an invalid graph, got {other:?}"),
    }
}

#[tokio::test]
async fn a_file_where_another_sink_needs_a_folder_is_refused_before_anything_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.csv"), "a\nnew\n").unwrap();
    std::fs::create_dir_all(dir.path().join("pp")).unwrap();
    std::fs::write(dir.path().join("pp/a.csv"), "old").unwrap();
    // The reproduction: `pp/x` is both a file (s1) and the folder of s0's file.
    let r = run(dir.path(), &fan_out("in.csv", &["pp/x/y.csv", "pp/x", "pp/a.csv"])).await;
    assert_eq!(read(dir.path(), "pp/a.csv"), "old", "no output may be replaced");
    let p = invalid(r);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].node.as_deref(), Some("s1"));
    assert!(p[0].message.contains("pp/x/y.csv") && p[0].message.contains("`s0`"), "{}", p[0].message);
    assert!(!dir.path().join("pp/x").exists());
}

#[tokio::test]
async fn sinks_on_the_same_normalized_path_are_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.csv"), "a\n1\n").unwrap();
    let p = invalid(run(dir.path(), &fan_out("in.csv", &["out/x.csv", "out/./x.csv"])).await);
    assert_eq!(p[0].node.as_deref(), Some("s1"));
    assert!(p[0].message.contains("`s0`") && p[0].message.contains("out/x.csv"), "{}", p[0].message);
    assert!(!dir.path().join("out/x.csv").exists());
    // The same once parameters are substituted.
    let mut g = fan_out("in.csv", &["out/{a}.csv", "out/{b}.csv"]);
    for name in ["a", "b"] {
        g.params.insert(name.into(), serde_json::from_value(json!({"type": "string"})).unwrap());
    }
    let root = DataRoot::new(dir.path());
    let given: BTreeMap<String, String> = [("a".into(), "x".into()), ("b".into(), "./x".into())].into();
    let p = match engine::prepare(&g, &given, &root, Mode::Run).await {
        Err(EngineError::Invalid(p)) => p,
        other => panic!("expected invalid, got {:?}", other.err()),
    };
    assert!(p[0].node.as_deref() == Some("s1") && p[0].message.contains("`s0`"), "{p:?}");
}

#[cfg(unix)]
#[tokio::test]
async fn no_folder_is_created_through_a_symlink_out_of_the_root() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.csv"), "a\n1\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
    let r = run(dir.path(), &fan_out("in.csv", &["link/sub/deeper/o.csv"])).await;
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing may be created outside the root");
    let (node, msg) = failure(r);
    assert_eq!(node.as_deref(), Some("s0"));
    assert!(msg.contains("`link`") && msg.contains("outside the data root"), "{msg}");
    assert!(msg.contains("link/sub/deeper/o.csv"), "{msg}");
    // A symlink that stays inside the root is followed.
    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("alias")).unwrap();
    run(dir.path(), &fan_out("in.csv", &["alias/new/o.csv"])).await.unwrap();
    assert_eq!(read(dir.path(), "real/new/o.csv"), "a\n1\n");
    // Two sinks naming one file through that symlink are refused.
    let (node, msg) = failure(run(dir.path(), &fan_out("in.csv", &["alias/p.csv", "real/p.csv"])).await);
    assert!(node.is_some() && msg.contains("same file") && msg.contains("alias/p.csv"), "{msg}");
}

async fn run_hooked(dir: &Path, g: &sluice_shared::Graph, hooks: &Hooks) -> Result<(), EngineError> {
    let root = DataRoot::new(dir);
    let p = engine::prepare(g, &BTreeMap::new(), &root, Mode::Run).await?;
    engine::execute_with(&p, &root, hooks).await.map(|_| ())
}

fn on_step(f: impl Fn(Step) + Send + Sync + 'static) -> Hooks {
    Hooks { on_step: Some(Arc::new(f)) }
}

#[tokio::test]
async fn a_failure_between_renames_puts_every_output_back() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.csv"), "a\nnew\n").unwrap();
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    for f in ["t0.csv", "t1.csv", "t2.csv"] {
        std::fs::write(dir.path().join("out").join(f), "old").unwrap();
    }
    // After the first rename, something turns the last target still old into
    // a folder with a file in it, so its rename fails.
    let out = dir.path().join("out");
    let blocked = Arc::new(Mutex::new(String::new()));
    let b = blocked.clone();
    let hooks = on_step(move |s| {
        if s == Step::Renamed(1) {
            let name = ["t0.csv", "t1.csv", "t2.csv"].into_iter().rfind(|f| read(&out, f) == "old").unwrap();
            std::fs::remove_file(out.join(name)).unwrap();
            std::fs::create_dir(out.join(name)).unwrap();
            std::fs::write(out.join(name).join("f"), "x").unwrap();
            *b.lock().unwrap() = name.to_string();
        }
    });
    let g = fan_out("in.csv", &["out/t0.csv", "out/t1.csv", "out/t2.csv"]);
    let (node, msg) = failure(run_hooked(dir.path(), &g, &hooks).await);
    let blocked = blocked.lock().unwrap().clone();
    assert!(msg.contains("put back") && msg.contains(&blocked), "{node:?}: {msg}");
    for f in ["t0.csv", "t1.csv", "t2.csv"].into_iter().filter(|f| *f != blocked) {
        assert_eq!(read(dir.path(), &format!("out/{f}")), "old", "{f} is put back");
    }
    assert_eq!(leftovers(&dir.path().join("out")), Vec::<String>::new());
    assert_eq!(std::fs::read_dir(dir.path().join(".sluice/publish")).unwrap().count(), 0, "the journal is gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_runs_writing_the_same_files_publish_one_after_the_other() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.csv"), "v\na\n").unwrap();
    std::fs::write(dir.path().join("b.csv"), "v\nb\n").unwrap();
    let targets = ["out/t1.csv", "out/./t2.csv"];
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/t1.csv"), "old").unwrap();
    std::fs::write(dir.path().join("out/t2.csv"), "old").unwrap();
    let (paused_tx, paused_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = Mutex::new(release_rx);
    // Run A stops in the middle of its publish, one of two files renamed.
    let hooks_a = on_step(move |s| {
        if s == Step::Renamed(1) {
            paused_tx.send(()).unwrap();
            release_rx.lock().unwrap().recv().unwrap();
        }
    });
    let (d, g) = (dir.path().to_path_buf(), fan_out("a.csv", &targets));
    let a = tokio::spawn(async move { run_hooked(&d, &g, &hooks_a).await });
    tokio::task::spawn_blocking(move || paused_rx.recv().unwrap()).await.unwrap();
    let mid = [read(dir.path(), "out/t1.csv"), read(dir.path(), "out/t2.csv")];
    assert!(mid.contains(&"v\na\n".to_string()) && mid.contains(&"old".to_string()), "{mid:?}");

    // Run B, started meanwhile on the same two files, waits for A's locks.
    let (waiting_tx, waiting_rx) = std::sync::mpsc::channel();
    let locked = Arc::new(AtomicBool::new(false));
    let seen = locked.clone();
    let hooks_b = on_step(move |s| match s {
        Step::Locking => waiting_tx.send(()).unwrap(),
        Step::Locked => seen.store(true, Ordering::SeqCst),
        _ => {}
    });
    let (d, g) = (dir.path().to_path_buf(), fan_out("b.csv", &["out/t1.csv", "out/t2.csv"]));
    let b = tokio::spawn(async move { run_hooked(&d, &g, &hooks_b).await });
    tokio::task::spawn_blocking(move || waiting_rx.recv().unwrap()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!locked.load(Ordering::SeqCst), "B must not publish while A holds the files");
    assert_eq!([read(dir.path(), "out/t1.csv"), read(dir.path(), "out/t2.csv")], mid);

    release_tx.send(()).unwrap();
    a.await.unwrap().unwrap();
    b.await.unwrap().unwrap();
    assert!(locked.load(Ordering::SeqCst));
    assert_eq!(read(dir.path(), "out/t1.csv"), "v\nb\n");
    assert_eq!(read(dir.path(), "out/t2.csv"), "v\nb\n", "both files come from the run that published last");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_waits_for_another_process_holding_the_file_lock() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.csv"), "v\nnew\n").unwrap();
    let root = DataRoot::new(dir.path());
    // What another process (a second `sluice run`, the server) holds while publishing.
    let held = engine::locks::lock_files(&root, &["out/t.csv".to_string()]).unwrap();
    let locked = Arc::new(AtomicBool::new(false));
    let seen = locked.clone();
    let (waiting_tx, waiting_rx) = std::sync::mpsc::channel();
    let hooks = on_step(move |s| match s {
        Step::Locking => waiting_tx.send(()).unwrap(),
        Step::Locked => seen.store(true, Ordering::SeqCst),
        _ => {}
    });
    let (d, g) = (dir.path().to_path_buf(), fan_out("in.csv", &["out/t.csv"]));
    let run = tokio::spawn(async move { run_hooked(&d, &g, &hooks).await });
    tokio::task::spawn_blocking(move || waiting_rx.recv().unwrap()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!locked.load(Ordering::SeqCst) && !dir.path().join("out/t.csv").exists());
    drop(held);
    run.await.unwrap().unwrap();
    assert_eq!(read(dir.path(), "out/t.csv"), "v\nnew\n");
}
