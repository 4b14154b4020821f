//! Explore over published file sinks (issue 16, "from any report or published
//! sink"): who may read what an approved graph's file sinks published (the
//! owner, admins, readers of a report of the same graph; 404 for anyone else;
//! never a draft's sandbox), and pivots over a published Parquet and CSV file
//! that agree with DuckDB over the same file.

mod common;

use common::app::App;
use serde_json::{Value, json};
use sluice_backend::store::{NO_PARAMS, NewRun, content_hash};
use sluice_shared::api::RunKind;

const DATES: [&str; 2] = ["2026-11-20", "2026-11-21"];

/// Deposits in, three outputs: Parquet and CSV files per date, and a report.
fn doc() -> Value {
    json!({"format": "sluice.graph/v1", "name": "deposits", "params": {"biz_date": {"type": "date"}},
        "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": "dep_{biz_date}.csv"}},
            {"id": "pq", "kind": "sink.parquet", "config": {"path": "out/dep_{biz_date}.parquet"}},
            {"id": "csv", "kind": "sink.csv", "config": {"path": "out/dep_{biz_date}.csv"}},
            {"id": "rep", "kind": "sink.report", "config": {"title": "Deposits", "chart": "bar", "x": "branch", "y": "amount"}}],
        "edges": [{"from": "src", "to": "pq"}, {"from": "src", "to": "csv"}, {"from": "src", "to": "rep"}]})
}

/// Rows with several branches, channels and products, deterministic.
fn input(seed: u64) -> String {
    let mut s = String::from("branch,channel,product,amount,qty\n");
    let mut x = seed;
    for _ in 0..600 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let b = ["A", "B", "C", "D"][(x >> 33) as usize % 4];
        let c = ["counter", "online", "mobile"][(x >> 40) as usize % 3];
        let p = ["loan", "deposit"][(x >> 45) as usize % 2];
        let amount = ((x >> 20) % 100_000) as f64 / 100.0;
        let qty = (x >> 50) % 20;
        s.push_str(&format!("{b},{c},{p},{amount},{qty}\n"));
    }
    s
}

/// Bob's graph approved and run (backfill) for both dates, plus a draft of
/// the same version for a third date; returns the app and the graph id.
async fn published() -> (App, String) {
    let app = App::new().await;
    let bob = app.state.store.user_by_name("bob").await.unwrap().unwrap();
    let text = serde_json::to_string_pretty(&doc()).unwrap();
    let g = app.state.store.create_graph(&bob.id, "bob", "deposits", "", &text).await.unwrap();
    let hash = content_hash(&text);
    let sub = app.state.store.submit(&g.id, 1, &hash, "", "bob").await.unwrap();
    app.state.store.decide(&sub.id, sluice_shared::api::SubmissionStatus::Approved, "admin", "ok").await.unwrap();
    let files = app.dir.path().join("files");
    for (i, date) in DATES.iter().chain(["2026-11-22"].iter()).enumerate() {
        std::fs::write(files.join(format!("dep_{date}.csv")), input(i as u64 + 7)).unwrap();
        let (kind, by) = if i < 2 { (RunKind::Backfill, "admin") } else { (RunKind::Draft, "bob") };
        let run = NewRun {
            schedule_id: None,
            graph_id: &g.id,
            hash: &hash,
            biz_date: date,
            kind,
            attempt: 1,
            not_before: 0,
            requested_by: by,
            params: &NO_PARAMS,
        };
        app.state.store.create_run(run).await.unwrap();
    }
    for _ in 0..3 {
        app.state.scheduler.drain().await.unwrap();
    }
    (app, g.id)
}

#[tokio::test]
async fn only_the_owner_admins_and_readers_of_the_graphs_reports_explore_its_outputs() {
    let (app, g) = published().await;
    let (bob, val, analyst, admin) =
        (app.login("bob").await, app.login("val").await, app.login("analyst").await, app.login("admin").await);
    let pivot = json!({"rows": ["branch"], "measures": [{"column": "amount", "agg": "sum"}]});
    let sample = format!("/api/published/{g}/pq");
    let pivot_at = format!("/api/published/{g}/pq/pivot");
    // The owner and an admin: both outputs, the two production dates only (not the draft's).
    for who in [&bob, &admin] {
        let (s, list) = app.req("GET", "/api/published", None, Some(who)).await;
        assert_eq!(s, 200, "{list}");
        // (The demo's graphs may publish too: only this graph's outputs are compared.)
        let outs: Vec<&Value> = list["outputs"].as_array().unwrap().iter().filter(|o| o["graph_id"] == g).collect();
        let named: Vec<(&str, &str)> =
            outs.iter().map(|o| (o["node"].as_str().unwrap(), o["format"].as_str().unwrap())).collect();
        assert_eq!(named, [("csv", "csv"), ("pq", "parquet")], "{list}");
        assert_eq!(outs[1]["dates"], json!(["2026-11-21", "2026-11-20"]));
        assert_eq!(app.req("GET", &sample, None, Some(who)).await.0, 200);
    }
    // The draft's date is not published: 404 even for the owner.
    assert_eq!(app.req("GET", &format!("{sample}?date=2026-11-22"), None, Some(&bob)).await.0, 404);
    // A viewer without a grant and another analyst: nothing listed, 404 everywhere.
    for who in [&val, &analyst] {
        let (_, list) = app.req("GET", "/api/published", None, Some(who)).await;
        assert_eq!(list["outputs"], json!([]));
        assert_eq!(app.req("GET", &sample, None, Some(who)).await.0, 404);
        assert_eq!(app.req("POST", &pivot_at, Some(pivot.clone()), Some(who)).await.0, 404);
        let save = json!({"graph_name": "stolen", "title": "t", "chart": "bar", "pivot": pivot});
        assert_eq!(app.req("POST", &format!("/api/published/{g}/pq/save"), Some(save), Some(who)).await.0, 404);
    }
    // Granted the graph's report, the viewer explores its outputs too.
    let (s, _) = app.req("POST", "/api/reports/rep/viewers", Some(json!({"username": "val"})), Some(&bob)).await;
    assert_eq!(s, 200);
    let (s, list) = app.req("GET", "/api/published", None, Some(&val)).await;
    assert_eq!((s.as_u16(), list["outputs"].as_array().unwrap().len()), (200, 2), "{list}");
    let (s, p) = app.req("POST", &pivot_at, Some(pivot.clone()), Some(&val)).await;
    assert_eq!((s.as_u16(), p["rows"].as_array().map(Vec::len)), (200, Some(4)), "{p}");
    // Unknown graphs and nodes, a report node, a bad date: 404 and 400, never 500.
    for path in [format!("/api/published/{g}/rep"), format!("/api/published/{g}/src"), "/api/published/x/pq".into()] {
        assert_eq!(app.req("GET", &path, None, Some(&bob)).await.0, 404, "{path}");
    }
    assert_eq!(app.req("GET", &format!("{sample}?date=yesterday"), None, Some(&bob)).await.0, 400);
}

/// The same pivot in DuckDB over the published file, rows as JSON text.
fn duckdb(file: &std::path::Path, sql: &str) -> Vec<Vec<Value>> {
    let script = r#"
import duckdb, json, sys
con = duckdb.connect()
rows = con.execute(sys.argv[2].replace("FILE", sys.argv[1])).fetchall()
print(json.dumps([[float(v) if isinstance(v, (int, float)) else v for v in r] for r in rows]))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script, file.to_str().unwrap(), sql])
        .output()
        .expect("python3 with duckdb (pip install duckdb; .ci/run installs it)");
    assert!(out.status.success(), "duckdb: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn as_floats(rows: &Value) -> Vec<Vec<Value>> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|v| match v {
                    Value::Number(n) => json!(n.as_f64().unwrap()),
                    other => other.clone(),
                })
                .collect()
        })
        .collect()
}

fn close(got: &[Vec<Value>], want: &[Vec<Value>]) {
    assert_eq!(got.len(), want.len(), "{got:?}\n{want:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.len(), w.len());
        for (a, b) in g.iter().zip(w) {
            match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => assert!((x - y).abs() <= 1e-6 * y.abs().max(1.0), "{g:?} vs {w:?}"),
                _ => assert_eq!(a, b, "{g:?} vs {w:?}"),
            }
        }
    }
}

#[tokio::test]
async fn a_multi_dimension_pivot_over_published_parquet_and_csv_matches_duckdb() {
    let (app, g) = published().await;
    let bob = app.login("bob").await;
    let req = json!({"date": "2026-11-20", "rows": ["branch", "product"], "columns": ["channel"],
        "measures": [{"column": "amount", "agg": "sum"}, {"column": "qty", "agg": "avg"},
                     {"column": "amount", "agg": "count"}, {"column": "amount", "agg": "min"},
                     {"column": "qty", "agg": "max"}],
        "filters": [{"column": "branch", "op": "in", "values": ["A", "B", "C"]},
                    {"column": "amount", "op": "ge", "value": "100"},
                    {"column": "channel", "op": "ne", "value": "mobile"}]});
    let sql = "SELECT branch, product, channel, sum(amount), avg(qty), count(amount), min(amount), max(qty) \
        FROM 'FILE' WHERE branch IN ('A', 'B', 'C') AND amount >= 100 AND channel <> 'mobile' \
        GROUP BY ALL ORDER BY branch, product, channel";
    let files = app.dir.path().join("files/out");
    for (node, file) in [("pq", "dep_2026-11-20.parquet"), ("csv", "dep_2026-11-20.csv")] {
        let (s, p) = app.req("POST", &format!("/api/published/{g}/{node}/pivot"), Some(req.clone()), Some(&bob)).await;
        assert_eq!(s, 200, "{node}: {p}");
        let names: Vec<&str> = p["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            ["branch", "product", "channel", "sum_amount", "avg_qty", "count_amount", "min_amount", "max_qty"]
        );
        let want = duckdb(
            &files.join(file),
            &sql.replace("'FILE'", if node == "csv" { "read_csv('FILE')" } else { "'FILE'" }),
        );
        assert_eq!(want.len(), 12, "3 branches x 2 products x 2 channels");
        close(&as_floats(&p["rows"]), &want);
    }
    // A hand-computed answer on the other date: rows of branch D, counted.
    let input = input(8);
    let d_rows = input.lines().skip(1).filter(|l| l.starts_with("D,")).count();
    let req = json!({"date": "2026-11-21", "measures": [{"column": "qty", "agg": "count"}],
        "filters": [{"column": "branch", "op": "eq", "value": "D"}]});
    let (s, p) = app.req("POST", &format!("/api/published/{g}/csv/pivot"), Some(req), Some(&bob)).await;
    assert_eq!((s.as_u16(), p["rows"].clone()), (200, json!([[d_rows]])), "{p}");
    // Save as report: a new graph reading the Parquet sink's file of each date.
    let save = json!({"graph_name": "deposit mix", "title": "Deposit mix", "chart": "pivot",
        "pivot": {"rows": ["branch", "product"], "columns": ["channel"],
            "measures": [{"column": "amount", "agg": "sum"}], "filters": [{"column": "branch", "op": "in", "values": ["A"]}]}});
    let (s, saved) = app.req("POST", &format!("/api/published/{g}/pq/save"), Some(save), Some(&bob)).await;
    assert_eq!(s, 201, "{saved}");
    let text = app.state.store.get_graph(saved["graph_id"].as_str().unwrap()).await.unwrap().doc;
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["nodes"][0]["config"]["path"], "out/dep_{biz_date}.parquet");
    assert_eq!(doc["nodes"][0]["kind"], "source.parquet");
    let report = &doc["nodes"][3]["config"];
    assert_eq!(
        (report["chart"].clone(), report["x"].clone(), report["series"].clone()),
        (json!("pivot"), json!("branch"), json!("channel"))
    );
    assert_eq!(doc["nodes"][2]["config"]["group_by"], json!(["branch", "product", "channel"]));
    assert_eq!(doc["nodes"][1]["config"]["predicate"], "\"branch\" IN ('A')");
}
