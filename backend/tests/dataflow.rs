//! Three graphs chained through a file and a table, over HTTP: the data-flow
//! map links them, the schedules get the dependency suggested (and a missing one
//! flagged), each graph's lineage comes from its plans, and a review of an
//! upstream version that renames or removes a column read downstream needs the
//! admin to confirm the impact; one that only adds a column does not.

mod common;

use axum::http::StatusCode;
use common::app::App;
use serde_json::{Value, json};

const TXNS: &str = "branch,amount\nA,150\nB,20\nA,30\n";

/// G1: txns → total per branch → `mid/by_branch_{biz_date}.csv`. `total_name`
/// names the sum (`total` approved; `sum_amount` renames it); `extra` adds a count.
fn g1(total_name: &str, extra: bool) -> Value {
    let mut aggs = vec![json!({"fn": "sum", "column": "amount", "as": total_name})];
    if extra {
        aggs.push(json!({"fn": "count", "as": "n"}));
    }
    json!({
        "format": "sluice.graph/v1", "name": "g1_totals",
        "params": {"biz_date": {"type": "date", "default": "2026-11-24"}},
        "nodes": [
            {"id": "txns", "kind": "source.csv", "config": {"path": "in/txns.csv"}},
            {"id": "agg", "kind": "transform.aggregate", "config": {"group_by": ["branch"], "aggregates": aggs}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "mid/by_branch_{biz_date}.csv"}}
        ],
        "edges": [{"from": "txns", "to": "agg"}, {"from": "agg", "to": "out"}]
    })
}

/// G2: G1's file (its own parameter) → the `core` table `branch_totals`.
fn g2() -> Value {
    json!({
        "format": "sluice.graph/v1", "name": "g2_load",
        "params": {"d": {"type": "date", "default": "2026-11-24"}},
        "nodes": [
            {"id": "mid", "kind": "source.csv", "config": {"path": "mid/by_branch_{d}.csv"}},
            {"id": "big", "kind": "transform.filter", "config": {"predicate": "total > 100"}},
            {"id": "pick", "kind": "transform.select", "config": {"columns": ["branch", {"name": "total", "as": "amount"}]}},
            {"id": "load", "kind": "sink.table", "config": {"connection": "core", "table": "branch_totals"}}
        ],
        "edges": [{"from": "mid", "to": "big"}, {"from": "big", "to": "pick"}, {"from": "pick", "to": "load"}]
    })
}

/// G3: the table → a report file.
fn g3() -> Value {
    json!({
        "format": "sluice.graph/v1", "name": "g3_report",
        "nodes": [
            {"id": "bt", "kind": "source.table", "config": {"connection": "core", "table": "branch_totals"}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/report.csv"}}
        ],
        "edges": [{"from": "bt", "to": "out"}]
    })
}

struct Lib {
    app: App,
    ana: String,
    admin: String,
    admin2: String,
    ids: Vec<String>,
}

async fn create(app: &App, cookie: &str, graph: Value) -> String {
    let (s, body) = app.req("POST", "/api/graphs", Some(json!({"graph": graph})), Some(cookie)).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_string()
}

async fn submit(app: &App, cookie: &str, id: &str) -> String {
    let (s, sub) = app.req("POST", &format!("/api/graphs/{id}/submit"), Some(json!({})), Some(cookie)).await;
    assert_eq!(s, StatusCode::CREATED, "{sub}");
    sub["id"].as_str().unwrap().to_string()
}

async fn approve(app: &App, cookie: &str, sid: &str, confirm: bool) -> (StatusCode, Value) {
    let body = json!({"comment": "ok", "confirm_impact": confirm});
    app.req("POST", &format!("/api/reviews/{sid}/approve"), Some(body), Some(cookie)).await
}

/// The three graphs, each approved, with a `core` SQLite connection bound in `dev` and `prod`.
async fn library() -> Lib {
    let app = App::new().await;
    let (ana, admin, admin2) = (app.login("analyst").await, app.login("admin").await, app.login("admin2").await);
    let files = app.dir.path().join("files");
    std::fs::create_dir_all(files.join("in")).unwrap();
    std::fs::create_dir_all(files.join("mid")).unwrap();
    std::fs::write(files.join("in/txns.csv"), TXNS).unwrap();
    std::fs::write(files.join("mid/by_branch_2026-11-24.csv"), "branch,total\nA,180\nB,20\n").unwrap();
    let spec = json!({"kind": "sqlite", "database": "core.db", "read_only": false});
    let (s, body) = app.req("PUT", "/api/connections/core", Some(spec), Some(&admin)).await;
    assert!(s.is_success(), "{body}");
    for env in ["dev", "prod"] {
        let (s, body) = app
            .req("PUT", &format!("/api/environments/{env}"), Some(json!({"bindings": {"core": "core"}})), Some(&admin))
            .await;
        assert!(s.is_success(), "{body}");
    }
    let mut ids = Vec::new();
    for g in [g1("total", false), g2(), g3()] {
        let id = create(&app, &ana, g).await;
        let sid = submit(&app, &ana, &id).await;
        assert_eq!(approve(&app, &admin, &sid, false).await.0, StatusCode::OK);
        ids.push(id);
    }
    Lib { app, ana, admin, admin2, ids }
}

fn edges(map: &Value) -> Vec<(String, String, bool)> {
    let mut out: Vec<_> = map["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (e["graph"].as_str().unwrap().to_string(), e["dataset"].as_str().unwrap().to_string(), e["writes"] == true)
        })
        .collect();
    out.sort();
    out
}

/// Schedules for the three graphs: G2 does not wait for G1 yet (flagged as
/// missing); G3 waits for G2 already.
async fn schedules_wait_or_are_flagged(app: &App, admin: &str, [g1_id, g2_id, g3_id]: [&str; 3]) {
    for (id, deps) in [(g1_id, json!([])), (g2_id, json!([])), (g3_id, json!([g2_id]))] {
        let body = json!({"graph_id": id, "cron": "0 6 * * *", "depends_on": deps});
        let (s, b) = app.req("POST", "/api/schedules", Some(body), Some(admin)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let (_, sugg) = app.req("GET", "/api/dataflow/schedules", None, Some(admin)).await;
    let mut got: Vec<(String, String, bool)> = sugg["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (s["graph"].as_str().unwrap().into(), s["upstream_graph"].as_str().unwrap().into(), s["missing"] == true)
        })
        .collect();
    got.sort();
    let mut want = vec![(g2_id.to_string(), g1_id.to_string(), true), (g3_id.to_string(), g2_id.to_string(), false)];
    want.sort();
    assert_eq!(got, want, "{sugg}");
}

#[tokio::test]
async fn three_graphs_chain_through_a_file_and_a_table() {
    let Lib { app, ana, admin, admin2, ids } = library().await;
    let (g1_id, g2_id, g3_id) = (ids[0].clone(), ids[1].clone(), ids[2].clone());

    // The map: G1 → file → G2 → table → G3; G1's input comes from outside.
    let (s, map) = app.req("GET", "/api/dataflow", None, Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{map}");
    let file = "file:mid/by_branch_{biz_date}.csv".to_string();
    let table = "table:core.branch_totals".to_string();
    let mut expected = vec![
        (g1_id.clone(), "file:in/txns.csv".to_string(), false),
        (g1_id.clone(), file.clone(), true),
        (g2_id.clone(), file.clone(), false),
        (g2_id.clone(), table.clone(), true),
        (g3_id.clone(), table.clone(), false),
        (g3_id.clone(), "file:out/report.csv".to_string(), true),
    ];
    expected.sort();
    let demo_free: Vec<_> = edges(&map).into_iter().filter(|(g, _, _)| ids.contains(g)).collect();
    assert_eq!(demo_free, expected);
    let external: Vec<&str> = map["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["external"] == true)
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(external.contains(&"file:in/txns.csv") && !external.contains(&file.as_str()), "{external:?}");

    schedules_wait_or_are_flagged(&app, &admin, [&g1_id, &g2_id, &g3_id]).await;

    // Lineage of G2 from its plan: the table's `amount` is G1-file's `total`, renamed; rows by `total`.
    let (s, l) = app.req("GET", &format!("/api/graphs/{g2_id}/lineage"), None, Some(&ana)).await;
    assert_eq!(s, StatusCode::OK, "{l}");
    let load = l["nodes"].as_array().unwrap().iter().find(|n| n["node"] == "load").unwrap();
    let amount = load["columns"].as_array().unwrap().iter().find(|c| c["name"] == "amount").unwrap();
    assert_eq!(amount["origins"], json!([{"node": "mid", "column": "total", "via": "renamed"}]), "{amount}");
    assert_eq!(load["rows"], json!([{"node": "mid", "column": "total", "via": "filter"}]), "{load}");
    // Not another analyst's business.
    let bob = app.login("bob").await;
    assert_eq!(
        app.req("GET", &format!("/api/graphs/{g2_id}/lineage"), None, Some(&bob)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.req("GET", &format!("/api/graphs/{g2_id}/lineage"), None, None).await.0, StatusCode::UNAUTHORIZED);

    // G1 v2 renames `total`, which G2 filters and loads: approving needs the admin's confirmation.
    let (_, doc) = app.req("GET", &format!("/api/graphs/{g1_id}"), None, Some(&ana)).await;
    let body = json!({"graph": g1("sum_amount", false), "base_version": doc["version"]});
    let (s, saved) = app.req("PUT", &format!("/api/graphs/{g1_id}"), Some(body), Some(&ana)).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    let sid = submit(&app, &ana, &g1_id).await;
    let (s, impact) = app.req("GET", &format!("/api/reviews/{sid}/impact"), None, Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{impact}");
    assert_eq!(impact["changes"][0]["column"], "total", "{impact}");
    assert_eq!(impact["changes"][0]["kind"], "renamed", "{impact}");
    assert_eq!(impact["changes"][0]["renamed_to"], "sum_amount", "{impact}");
    let down = impact["downstream"].as_array().unwrap();
    assert_eq!(down.len(), 1, "{impact}");
    assert_eq!(down[0]["graph"], g2_id.as_str());
    let used: Vec<&str> = down[0]["used_by"].as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
    assert!(used.contains(&"load.amount") && used.contains(&"big (rows)"), "{used:?}");
    let (s, body) = approve(&app, &admin, &sid, false).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("g2_load"), "{body}");
    let (s, body) = approve(&app, &admin, &sid, true).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, log) = app.req("GET", "/api/audit?action=approve_with_impact", None, Some(&admin)).await;
    assert_eq!(log["entries"].as_array().map(Vec::len), Some(1), "{log}");

    // A version that only adds a column breaks nobody: no confirmation needed.
    let (_, doc) = app.req("GET", &format!("/api/graphs/{g1_id}"), None, Some(&ana)).await;
    let body = json!({"graph": g1("sum_amount", true), "base_version": doc["version"]});
    app.req("PUT", &format!("/api/graphs/{g1_id}"), Some(body), Some(&ana)).await;
    let sid = submit(&app, &ana, &g1_id).await;
    let (_, impact) = app.req("GET", &format!("/api/reviews/{sid}/impact"), None, Some(&admin2)).await;
    assert_eq!(impact["changes"], json!([]), "{impact}");
    assert_eq!(approve(&app, &admin2, &sid, false).await.0, StatusCode::OK);
}

/// G1 v2 drops `total` (only a count is left), which G2 filters and loads:
/// the review names it as removed with G2's uses, and approval needs the confirmation.
#[tokio::test]
async fn a_column_removed_upstream_is_flagged_in_review() {
    let Lib { app, ana, admin, ids, .. } = library().await;
    let (g1_id, g2_id) = (&ids[0], &ids[1]);
    let mut v2 = g1("total", true);
    v2["nodes"][1]["config"]["aggregates"].as_array_mut().unwrap().remove(0);
    let (_, doc) = app.req("GET", &format!("/api/graphs/{g1_id}"), None, Some(&ana)).await;
    let body = json!({"graph": v2, "base_version": doc["version"]});
    let (s, saved) = app.req("PUT", &format!("/api/graphs/{g1_id}"), Some(body), Some(&ana)).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    let sid = submit(&app, &ana, g1_id).await;
    let (s, impact) = app.req("GET", &format!("/api/reviews/{sid}/impact"), None, Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{impact}");
    let change = &impact["changes"].as_array().unwrap()[..];
    assert_eq!(change.len(), 1, "{impact}");
    assert_eq!(
        (&change[0]["sink"], &change[0]["column"], &change[0]["kind"]),
        (&json!("out"), &json!("total"), &json!("removed"))
    );
    assert!(change[0].get("renamed_to").is_none(), "{impact}");
    let down = impact["downstream"].as_array().unwrap();
    assert_eq!(down.len(), 1, "only G2 reads G1's file: {impact}");
    assert_eq!((&down[0]["graph"], &down[0]["graph_name"]), (&json!(g2_id), &json!("g2_load")), "{impact}");
    assert_eq!(
        (&down[0]["reader"], &down[0]["column"], &down[0]["kind"]),
        (&json!("mid"), &json!("total"), &json!("removed"))
    );
    let used: Vec<&str> = down[0]["used_by"].as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
    assert!(used.contains(&"load.amount") && used.contains(&"big (rows)"), "{used:?}");

    let (s, body) = approve(&app, &admin, &sid, false).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("g2_load"), "{body}");
    let (_, log) = app.req("GET", "/api/audit?action=approve_with_impact", None, Some(&admin)).await;
    assert_eq!(log["entries"], json!([]), "a refusal is not an approval: {log}");
    let (s, body) = approve(&app, &admin, &sid, true).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, log) = app.req("GET", "/api/audit?action=approve_with_impact", None, Some(&admin)).await;
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!((&entries[0]["actor"], &entries[0]["target"]), (&json!("admin"), &json!(g1_id)), "{log}");
    let detail = entries[0]["detail"].as_str().unwrap();
    assert!(detail.contains(&format!("version {}", saved["version"])) && detail.contains("g2_load"), "{detail}");
}

#[tokio::test]
async fn view_as_sql_and_draft_lineage_answer_for_the_posted_graph() {
    let Lib { app, ana, .. } = library().await;
    let body = json!({"graph": g1("total", true), "dialect": "postgres"});
    let (s, x) = app.req("POST", "/api/sql", Some(body), Some(&ana)).await;
    assert_eq!(s, StatusCode::OK, "{x}");
    assert_eq!(x["statements"][0]["sink"], "out");
    let sql = x["statements"][0]["sql"].as_str().unwrap();
    assert!(sql.contains("GROUP BY") && sql.contains("\"txns\""), "{sql}");
    let (s, _) =
        app.req("POST", "/api/sql", Some(json!({"graph": g1("t", false), "dialect": "oracle"})), Some(&ana)).await;
    assert!(s.is_client_error());
    let (s, l) = app.req("POST", "/api/lineage", Some(json!({"graph": g1("t", true)})), Some(&ana)).await;
    assert_eq!(s, StatusCode::OK, "{l}");
    let out = l["nodes"].as_array().unwrap().iter().find(|n| n["node"] == "out").unwrap();
    let t = out["columns"].as_array().unwrap().iter().find(|c| c["name"] == "t").unwrap();
    assert_eq!(
        t["origins"],
        json!([{"node": "txns", "column": "amount", "via": "aggregated"},
        {"node": "txns", "column": "branch", "via": "group_key"}])
    );
    assert_eq!(t["expr"], "sum(amount)");
    // An invalid graph is a 422 naming the node, never a 500.
    let mut bad = g1("t", false);
    bad["nodes"][1]["config"]["group_by"] = json!(["nope"]);
    let (s, body) = app.req("POST", "/api/lineage", Some(json!({"graph": bad})), Some(&ana)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("nope"), "{body}");
    let viewer = app.login("val").await;
    assert_eq!(
        app.req("POST", "/api/sql", Some(json!({"graph": g1("t", false)})), Some(&viewer)).await.0,
        StatusCode::FORBIDDEN
    );
}

/// `POST /api/lineage/trace`: G3's `amount` goes back through the table G2
/// loads and the file G1 writes to the `amount` G1 sums; another analyst, who
/// cannot see those graphs, gets only their own graph's step.
#[tokio::test]
async fn a_column_is_traced_back_across_the_table_and_the_file() {
    let Lib { app, ana, ids, .. } = library().await;
    // The table as G2's run leaves it in `dev` (G3 is planned against its columns).
    let db = app.dir.path().join("files/core.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", db.display())).await.unwrap();
    sqlx::query("CREATE TABLE branch_totals (branch TEXT, amount BIGINT)").execute(&pool).await.unwrap();
    pool.close().await;

    let body = json!({"graph": g3(), "graph_id": ids[2], "node": "out", "column": "amount"});
    let (s, t) = app.req("POST", "/api/lineage/trace", Some(body.clone()), Some(&ana)).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let steps = t["steps"].as_array().unwrap();
    let hops: Vec<(&str, &str, &str)> = steps
        .iter()
        .map(|s| (s["graph"].as_str().unwrap(), s["node"].as_str().unwrap(), s["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        hops,
        [(ids[2].as_str(), "out", "amount"), (ids[1].as_str(), "load", "amount"), (ids[0].as_str(), "out", "total")],
        "{t}"
    );
    assert_eq!(steps[0]["origins"], json!([{"node": "bt", "column": "amount", "via": "copied"}]), "{t}");
    assert_eq!(steps[1]["dataset"], "table:core.branch_totals", "{t}");
    assert_eq!(steps[1]["origins"], json!([{"node": "mid", "column": "total", "via": "renamed"}]), "{t}");
    assert_eq!((steps[1]["feeds"].as_u64(), steps[2]["feeds"].as_u64()), (Some(0), Some(1)), "{t}");
    assert!(steps[2]["dataset"].as_str().unwrap().contains("mid/by_branch_"), "{t}");
    let sum = json!([{"node": "txns", "column": "amount", "via": "aggregated"},
        {"node": "txns", "column": "branch", "via": "group_key"}]);
    assert_eq!((&steps[2]["origins"], steps[2]["expr"].as_str()), (&sum, Some("sum(amount)")), "{t}");
    assert_eq!((steps[2]["graph_name"].as_str(), t["truncated"].as_bool()), (Some("g1_totals"), Some(false)));

    // Bob sees none of the analyst's graphs: his copy of G3 ends in its own source.
    let bob = app.login("bob").await;
    let mine = json!({"graph": g3(), "node": "out", "column": "amount"});
    let (s, t) = app.req("POST", "/api/lineage/trace", Some(mine), Some(&bob)).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["steps"].as_array().unwrap().len(), 1, "{t}");
    assert_eq!(t["steps"][0]["graph"], "draft", "{t}");
    // An unknown column is said, not a 500; a broken graph is a 422; a viewer may not ask.
    let (s, t) = app
        .req("POST", "/api/lineage/trace", Some(json!({"graph": g3(), "node": "out", "column": "zz"})), Some(&ana))
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["steps"][0]["unknown"], "`out` has no column `zz`", "{t}");
    let broken = json!({"graph": {"format": "sluice.graph/v1", "name": "b", "nodes": [], "edges": [{"from": "x", "to": "y"}]},
        "node": "x", "column": "c"});
    assert_eq!(
        app.req("POST", "/api/lineage/trace", Some(broken), Some(&ana)).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
