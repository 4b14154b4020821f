//! Engine behaviour beyond the conformance suite: encodings, hostile paths,
//! and what a failed run leaves behind.

use serde_json::json;
use sluice_backend::engine::{self, Mode, error::EngineError, root::DataRoot};
use std::collections::BTreeMap;
use std::path::Path;

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
