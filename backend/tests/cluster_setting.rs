//! Issue 20, what every build has: the cluster command line (a build without
//! the `cluster` feature says so and exits 2), and an environment's `cluster`
//! setting (API, store, the scheduler's runs of that environment).

mod common;
#[cfg(feature = "cluster")]
#[path = "local_cluster/mod.rs"]
mod local_cluster;

use axum::http::StatusCode;
use common::app::App;
use common::world::{DAY, World, dates};
use serde_json::json;
use sluice_backend::store::RunFilter;
use std::process::{Command, Output};

fn sluice(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sluice")).args(args).output().expect("spawn sluice")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const NO_SUPPORT: &str = "this build of sluice has no cluster support; build with --features cluster";

#[cfg(not(feature = "cluster"))]
#[test]
fn without_the_feature_every_cluster_command_says_so_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("g.json");
    std::fs::write(dir.path().join("in.csv"), "a\n1\n").unwrap();
    let doc = json!({"format": "sluice.graph/v1", "name": "g", "nodes": [
        {"id": "src", "kind": "source.csv", "config": {"path": "in.csv"}},
        {"id": "out", "kind": "sink.csv", "config": {"path": "out.csv"}}],
        "edges": [{"from": "src", "to": "out"}]});
    std::fs::write(&graph, doc.to_string()).unwrap();
    let g = graph.to_str().unwrap();
    for args in [
        vec!["cluster", "scheduler"],
        vec!["cluster", "scheduler", "--bind", "127.0.0.1:50050"],
        vec!["cluster", "executor", "--scheduler", "127.0.0.1:50050", "--slots", "2", "--work-dir", "/tmp/x"],
        vec!["run", g, "--cluster", "df://127.0.0.1:50050"],
    ] {
        let out = sluice(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(NO_SUPPORT), "{args:?}: {}", stderr(&out));
    }
    assert!(!dir.path().join("out.csv").exists(), "nothing ran");
    // Without --cluster the same graph runs here.
    let out = sluice(&["run", g]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[cfg(feature = "cluster")]
#[test]
fn a_bad_cluster_address_is_exit_2_naming_the_form() {
    let out = sluice(&["run", "nowhere.json", "--cluster", "df://host-without-port"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("df://HOST:PORT"), "{}", stderr(&out));
}

#[tokio::test]
async fn an_environment_keeps_its_cluster_and_refuses_a_bad_one() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let spec = json!({"data_root": "prod-files", "cluster": "df://10.0.0.5:50050"});
    let (s, body) = app.req("PUT", "/api/environments/prod", Some(spec), Some(&admin)).await;
    assert_eq!((s, body["cluster"].clone()), (StatusCode::OK, json!("df://10.0.0.5:50050")), "{body}");
    let (_, envs) = app.req("GET", "/api/environments", None, Some(&admin)).await;
    assert_eq!(envs[1]["cluster"], json!("df://10.0.0.5:50050"), "{envs}");
    assert_eq!(envs[0]["cluster"], json!(null), "dev has none");
    for bad in ["10.0.0.5", "df://10.0.0.5:0", "http://x:1/y", "df://a b:1"] {
        let (s, body) = app.req("PUT", "/api/environments/prod", Some(json!({"cluster": bad})), Some(&admin)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(body.to_string().contains("cluster"), "{bad}: {body}");
    }
    // Empty is none.
    let (s, body) = app.req("PUT", "/api/environments/prod", Some(json!({"cluster": ""})), Some(&admin)).await;
    assert_eq!((s, body["cluster"].clone()), (StatusCode::OK, json!(null)));
    let analyst = app.login("bob").await;
    let (s, _) = app.req("PUT", "/api/environments/prod", Some(json!({"cluster": "df://x:1"})), Some(&analyst)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "admins only");
}

/// Scheduled runs of an environment with a cluster go there; drafts (in `dev`)
/// do not. Without the feature such a run fails saying why, and writes nothing.
#[tokio::test]
async fn scheduled_runs_of_an_environment_with_a_cluster_use_it() {
    let w = World::new(None).await;
    let mut prod = w.store.environment("prod").await.unwrap().unwrap();
    // A port nothing listens on: with the feature, the run fails as unreachable.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    prod.cluster = Some(format!("df://127.0.0.1:{port}"));
    w.store.put_environment(&prod, "admin").await.unwrap();
    let env = w.sched.environment_for(sluice_backend::store::RunKind::Scheduled).await.unwrap();
    assert_eq!(env.cluster.map(|c| c.port), Some(port));
    let dev = w.sched.environment_for(sluice_backend::store::RunKind::Draft).await.unwrap();
    assert_eq!(dev.cluster, None);

    let g = w.graph("daily", "in").await;
    for d in dates(19, 21) {
        w.input("in", &d, "a,b\n1,2\n");
    }
    w.schedule(&g, &[], 0, None).await;
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    let runs = w.store.runs(&RunFilter::default().graph(&g.0), 10).await.unwrap();
    assert_eq!(runs.len(), 1);
    let error = runs[0].error.clone().unwrap_or_default();
    let expected = if cfg!(feature = "cluster") { "cannot reach the cluster scheduler" } else { NO_SUPPORT };
    assert!(error.contains(expected), "{error}");
    assert!(!w.files().join("out/daily_2026-11-20.csv").exists(), "nothing published");
}

/// With the feature, a live cluster: the scheduler's run of an approved graph
/// in `prod`, whose `cluster` is a local Ballista cluster (one scheduler, two
/// executors), succeeds, publishes its output, and the executors ran its tasks.
#[cfg(feature = "cluster")]
#[tokio::test(flavor = "multi_thread")]
async fn a_scheduled_run_on_a_live_cluster_publishes_its_output() {
    let cluster = local_cluster::LocalCluster::start(2, 2);
    let w = World::new(None).await;
    let mut prod = w.store.environment("prod").await.unwrap().unwrap();
    prod.cluster = Some(cluster.url.clone());
    w.store.put_environment(&prod, "admin").await.unwrap();
    let doc = json!({"format": "sluice.graph/v1", "name": "sums",
        "params": {"biz_date": {"type": "date"}},
        "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": "in_{biz_date}.csv"}},
            {"id": "agg", "kind": "transform.aggregate", "config": {"group_by": ["k"], "aggregates": [
                {"fn": "sum", "column": "v", "as": "total"}]}},
            {"id": "sort", "kind": "transform.sort", "config": {"by": [{"column": "k"}]}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/sums_{biz_date}.csv"}}],
        "edges": [{"from": "src", "to": "agg"}, {"from": "agg", "to": "sort"}, {"from": "sort", "to": "out"}]});
    let g = w.graph_doc(doc).await;
    w.input("in", "2026-11-20", "k,v\nb,2\na,1\na,3\n");
    w.schedule(&g, &[], 0, None).await;
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    let runs = w.store.runs(&RunFilter::default().graph(&g.0), 10).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].status.to_string(), runs[0].error.clone()), ("succeeded".into(), None), "{}", cluster.logs());
    let out = std::fs::read_to_string(w.files().join("out/sums_2026-11-20.csv")).unwrap();
    assert_eq!(out, "k,total\na,4\nb,2\n");
    let tasks = cluster.finished_tasks();
    assert!(!tasks.is_empty(), "the executors ran no task\n{}", cluster.logs());
    let jobs = local_cluster::jobs(&tasks);
    assert_eq!(jobs.len(), 1, "one sink, one job: {jobs:?}");
}
