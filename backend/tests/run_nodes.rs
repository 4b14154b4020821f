//! Issue 12 item 8: a run counts the rows out of every node (from DataFusion's
//! plan metrics, not only the sink's), a failure is blamed on the node whose
//! expression failed, and a run's output files can be downloaded by those who
//! see the run, from inside the data root only.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::app::App;
use serde_json::{Value, json};
use sluice_backend::engine::{self, Mode, error::EngineError, root::DataRoot};
use std::collections::BTreeMap;
use tower::ServiceExt;

/// 10 accounts in 3 branches; 4 with amount over 100 (2 in b1, 1 in b2, 1 in b9, which has no branch row).
fn data(dir: &std::path::Path) {
    let mut tx = String::from("id,branch,amount\n");
    for (i, (b, a)) in [
        ("b1", 150),
        ("b1", 20),
        ("b2", 300),
        ("b2", 5),
        ("b1", 101),
        ("b3", 7),
        ("b3", 99),
        ("b9", 500),
        ("b3", 1),
        ("b2", 100),
    ]
    .iter()
    .enumerate()
    {
        tx.push_str(&format!("{i},{b},{a}\n"));
    }
    std::fs::write(dir.join("tx.csv"), tx).unwrap();
    std::fs::write(dir.join("branches.csv"), "branch,name\nb1,North\nb2,South\nb3,East\n").unwrap();
}

fn pipeline() -> Value {
    json!({
        "format": "sluice.graph/v1", "name": "per_node",
        "nodes": [
            {"id": "tx", "kind": "source.csv", "config": {"path": "tx.csv"}},
            {"id": "branches", "kind": "source.csv", "config": {"path": "branches.csv"}},
            {"id": "big", "kind": "transform.filter", "config": {"predicate": "amount > 100"}},
            {"id": "named", "kind": "transform.join",
             "config": {"how": "inner", "on": [{"left": "branch", "right": "branch"}]}},
            {"id": "per_branch", "kind": "transform.aggregate",
             "config": {"group_by": ["name"], "aggregates": [{"fn": "sum", "column": "amount", "as": "total"}]}},
            {"id": "doubled", "kind": "transform.derive", "config": {"columns": [{"name": "twice", "expr": "total * 2"}]}},
            {"id": "top", "kind": "transform.limit", "config": {"n": 1}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/o.csv"}}
        ],
        "edges": [
            {"from": "tx", "to": "big"},
            {"from": "big", "to": "named", "port": "left"},
            {"from": "branches", "to": "named", "port": "right"},
            {"from": "named", "to": "per_branch"},
            {"from": "per_branch", "to": "doubled"},
            {"from": "doubled", "to": "top"},
            {"from": "top", "to": "out"}
        ]
    })
}

#[tokio::test]
async fn every_node_gets_its_rows_from_the_plan_metrics() {
    let dir = tempfile::tempdir().unwrap();
    data(dir.path());
    let g = sluice_shared::parse_graph_value(pipeline()).unwrap();
    let root = DataRoot::new(dir.path());
    let p = engine::prepare(&g, &BTreeMap::new(), &root, Mode::Run).await.unwrap();
    let o = engine::run::execute(&p, &root, &Default::default()).await;
    let written = o.result.unwrap();
    assert_eq!(written[0].rows, 1);
    let got: BTreeMap<&str, u64> = o.node_rows.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    // tx 10 → big 4 → named 3 (b9 has no branch) → per_branch 2 (North, South) → doubled 2 → top 1.
    assert_eq!(got.get("tx"), Some(&10), "{got:?}");
    assert_eq!(got.get("branches"), Some(&3), "{got:?}");
    assert_eq!(got.get("big"), Some(&4), "{got:?}");
    assert_eq!(got.get("named"), Some(&3), "{got:?}");
    assert_eq!(got.get("per_branch"), Some(&2), "{got:?}");
    assert_eq!(got.get("doubled"), Some(&2), "{got:?}");
    assert_eq!(got.get("top"), Some(&1), "{got:?}");
}

#[tokio::test]
async fn a_division_by_zero_is_blamed_on_the_formula_not_the_sink() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.csv"), "a,b\n4,2\n1,0\n").unwrap();
    let g = sluice_shared::parse_graph_value(json!({
        "format": "sluice.graph/v1", "name": "ratio",
        "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": "r.csv"}},
            {"id": "ratio", "kind": "transform.derive", "config": {"columns": [{"name": "q", "expr": "a / b"}]}},
            {"id": "keep", "kind": "transform.filter", "config": {"predicate": "q >= 0"}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/r.csv"}}
        ],
        "edges": [{"from": "src", "to": "ratio"}, {"from": "ratio", "to": "keep"}, {"from": "keep", "to": "out"}]
    }))
    .unwrap();
    let root = DataRoot::new(dir.path());
    let p = engine::prepare(&g, &BTreeMap::new(), &root, Mode::Run).await.unwrap();
    match engine::execute(&p, &root).await {
        Err(EngineError::Failed { node, message }) => {
            assert_eq!(node.as_deref(), Some("ratio"), "{message}");
            assert!(message.to_lowercase().contains("divide by zero"), "{message}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    assert!(!dir.path().join("out/r.csv").exists(), "nothing written");
}

async fn graph_id(app: &App, cookie: &str, name: &str) -> String {
    let (_, list) = app.req("GET", "/api/graphs", None, Some(cookie)).await;
    let g = list["graphs"].as_array().unwrap().iter().find(|g| g["name"] == name).unwrap();
    g["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_run_records_rows_per_node_and_its_outputs_download_for_those_who_see_it() {
    let app = App::new().await;
    let (ana, viewer) = (app.login("analyst").await, app.login("val").await);
    let id = graph_id(&app, &ana, "daily_branch_summary").await;
    let body = json!({"biz_date": "2026-11-24"});
    let (s, run) = app.req("POST", &format!("/api/graphs/{id}/run"), Some(body), Some(&ana)).await;
    assert_eq!(s, StatusCode::CREATED, "{run}");
    app.state.scheduler.drain().await.unwrap();
    let rid = run["id"].as_str().unwrap();
    let (_, detail) = app.req("GET", &format!("/api/runs/{rid}"), None, Some(&ana)).await;
    assert_eq!(detail["run"]["status"], "succeeded", "{detail}");
    let nodes = detail["nodes"].as_array().unwrap();
    let node = |id: &str| nodes.iter().find(|n| n["node_id"] == id).unwrap().clone();
    let sink_rows = node("summary_csv")["rows_out"].as_i64().unwrap();
    assert!(sink_rows > 0, "{detail}");
    // Every node has rows, not only the sink; a filter keeps no more than it read.
    for n in nodes {
        assert!(n["rows_out"].is_i64(), "{n}");
    }
    assert!(node("large_on_date")["rows_out"].as_i64() <= node("transactions")["rows_out"].as_i64());
    assert_eq!(node("biggest_first")["rows_out"].as_i64(), Some(sink_rows));
    assert_eq!(node("summary_csv")["output"], "out/daily_branch_summary_2026-11-24.csv");

    let url = format!("/api/runs/{rid}/outputs/summary_csv");
    let req = Request::builder().uri(&url).header(header::COOKIE, &ana).body(Body::empty()).unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().to_string();
    assert_eq!(disposition, "attachment; filename=\"daily_branch_summary_2026-11-24.csv\"");
    // Typed by its format, as the OpenAPI document lists it.
    assert_eq!(res.headers()[header::CONTENT_TYPE], "text/csv");
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert_eq!(text.lines().count() as i64, sink_rows + 1, "header and rows: {text}");
    // A recorded path that leads out of the write root is never served.
    let store = &app.state.store;
    let mut row = store.run_nodes(rid).await.unwrap().into_iter().find(|n| n.node_id == "summary_csv").unwrap();
    row.output = Some("../../../../../../etc/passwd".into());
    store.upsert_run_node(&row).await.unwrap();
    assert_eq!(app.call("GET", &url, None, Some(&ana)).await.status, StatusCode::NOT_FOUND);
    // Someone who does not see the draft gets nothing; a node without a file neither.
    assert_eq!(app.call("GET", &url, None, Some(&viewer)).await.status, StatusCode::FORBIDDEN);
    let other = format!("/api/runs/{rid}/outputs/transactions");
    assert_eq!(app.call("GET", &other, None, Some(&ana)).await.status, StatusCode::NOT_FOUND);
}
