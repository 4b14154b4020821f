//! Reports (issue 16): each scheduled run publishes a report's rows for its
//! business date (Parquet in the data root, an index row in the store); the
//! history survives later versions of the graph; drafts stay in the sandbox;
//! who reads what over the API; downloads.

mod common;

use common::app::App;
use common::world::{DAY, World};
use serde_json::{Value, json};
use sluice_backend::engine::report_store::{self, Query};
use sluice_backend::store::{NO_PARAMS, NewRun, content_hash};
use std::path::PathBuf;

fn report_doc(title: &str, predicate: Option<&str>) -> Value {
    let mut nodes = vec![json!({"id": "src", "kind": "source.csv", "config": {"path": "dep_{biz_date}.csv"}})];
    let mut edges = vec![];
    let mut last = "src";
    if let Some(p) = predicate {
        nodes.push(json!({"id": "big", "kind": "transform.filter", "config": {"predicate": p}}));
        edges.push(json!({"from": "src", "to": "big"}));
        last = "big";
    }
    nodes.push(json!({"id": "deposits", "kind": "sink.report",
        "config": {"title": title, "chart": "bar", "x": "branch", "y": "amount"}}));
    edges.push(json!({"from": last, "to": "deposits"}));
    json!({"format": "sluice.graph/v1", "name": "deposits", "params": {"biz_date": {"type": "date"}},
        "nodes": nodes, "edges": edges})
}

async fn rows_of(file: PathBuf) -> Vec<Vec<Value>> {
    let q = Query {
        sort: vec![sluice_shared::config::SortKey { column: "branch".into(), desc: false }],
        limit: 100,
        ..Default::default()
    };
    report_store::read(file, q).await.unwrap().rows
}

#[tokio::test]
async fn each_business_date_keeps_its_rows_and_version_after_the_graph_changes() {
    let w = World::new(None).await;
    let g = w.graph_doc(report_doc("Deposits", None)).await;
    w.schedule(&g, &[], 0, None).await;
    w.input("dep", "2026-11-20", "branch,amount\nA,10\nB,20\n");
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    assert_eq!(w.statuses(&g.0).await[0].1, "succeeded");

    // Version 2 filters and renames; once approved the schedule follows it.
    let (v2, h2) = w.save(&g.0, 1, report_doc("Big deposits", Some("amount > 15"))).await;
    w.approve(&g.0, v2, &h2).await;
    w.input("dep", "2026-11-21", "branch,amount\nA,5\nB,30\nC,40\n");
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    w.sched.drain().await.unwrap();

    let dates = w.store.report_dates("deposits", None, 10).await.unwrap();
    let got: Vec<(String, i64, i64)> = dates.iter().map(|d| (d.biz_date.clone(), d.version, d.row_count)).collect();
    assert_eq!(got, [("2026-11-21".to_string(), 2, 2), ("2026-11-20".to_string(), 1, 2)]);
    assert!(dates[1].config.contains("\"Deposits\""), "the old date keeps its own config: {}", dates[1].config);
    assert!(dates[0].config.contains("Big deposits"));
    let old = w.files().join("reports/deposits/2026-11-20.parquet");
    assert_eq!(rows_of(old).await, [[json!("A"), json!(10)], [json!("B"), json!(20)]]);
    let new = w.files().join("reports/deposits/2026-11-21.parquet");
    assert_eq!(rows_of(new).await, [[json!("B"), json!(30)], [json!("C"), json!(40)]]);
    let r = w.store.report("deposits").await.unwrap();
    assert_eq!(r.title, "Big deposits");
}

#[tokio::test]
async fn a_draft_run_never_replaces_what_a_scheduled_run_published() {
    let w = World::new(None).await;
    let g = w.graph_doc(report_doc("Deposits", None)).await;
    w.schedule(&g, &[], 0, None).await;
    w.input("dep", "2026-11-20", "branch,amount\nA,10\nB,20\n");
    w.clock.advance(DAY);
    w.sched.drain().await.unwrap();
    // The analyst edits and runs a draft for the same date.
    let (_, h2) = w.save(&g.0, 1, report_doc("Deposits", Some("amount > 15"))).await;
    let draft = w.draft(&g.0, &h2, "2026-11-20").await;
    w.sched.drain().await.unwrap();
    assert_eq!(w.store.run(&draft.id).await.unwrap().status, sluice_shared::api::RunStatus::Succeeded);
    let published = w.files().join("reports/deposits/2026-11-20.parquet");
    assert_eq!(rows_of(published).await.len(), 2, "the published rows stay");
    assert_eq!(rows_of(w.sandbox().join("reports/deposits/2026-11-20.parquet")).await.len(), 1);
    let viewers_see = w.store.report_dates("deposits", None, 10).await.unwrap();
    assert_eq!(viewers_see.len(), 1);
    assert_eq!(viewers_see[0].scope, "");
    let owner_sees = w.store.report_dates("deposits", Some(&w.owner), 10).await.unwrap();
    assert_eq!(owner_sees.len(), 2);
    assert_eq!(owner_sees.iter().filter(|d| d.scope == w.owner).count(), 1);
}

/// An app with bob's approved report graph published for two dates; returns the cookies.
async fn published_app() -> (App, String) {
    publish(report_doc("Deposits", None)).await
}

/// Bob's graph `doc`, approved and run by the scheduler for two business dates.
async fn publish(doc: Value) -> (App, String) {
    let app = App::new().await;
    let bob = app.state.store.user_by_name("bob").await.unwrap().unwrap();
    let doc = serde_json::to_string_pretty(&doc).unwrap();
    let g = app.state.store.create_graph(&bob.id, "bob", "deposits", "", &doc).await.unwrap();
    let hash = content_hash(&doc);
    let sub = app.state.store.submit(&g.id, 1, &hash, "", "bob").await.unwrap();
    app.state.store.decide(&sub.id, sluice_shared::api::SubmissionStatus::Approved, "admin", "ok").await.unwrap();
    let files = app.dir.path().join("files");
    std::fs::write(files.join("dep_2026-11-20.csv"), "branch,amount\nA,10\nB,20\nC,123456789\n").unwrap();
    std::fs::write(files.join("dep_2026-11-21.csv"), "branch,amount\nA,11\nB,21\n").unwrap();
    for date in ["2026-11-20", "2026-11-21"] {
        let run = NewRun {
            schedule_id: None,
            graph_id: &g.id,
            hash: &hash,
            biz_date: date,
            kind: sluice_shared::api::RunKind::Backfill,
            attempt: 1,
            not_before: 0,
            requested_by: "admin",
            params: &NO_PARAMS,
        };
        app.state.store.create_run(run).await.unwrap();
    }
    app.state.scheduler.drain().await.unwrap();
    app.state.scheduler.drain().await.unwrap();
    (app, g.id)
}

#[tokio::test]
async fn a_granted_viewer_reads_the_report_but_not_the_graph_and_others_get_404() {
    let (app, graph_id) = published_app().await;
    let bob = app.login("bob").await;
    let val = app.login("val").await;
    let analyst = app.login("analyst").await;
    // Before the grant: the viewer does not see it at all.
    let (s, list) = app.req("GET", "/api/reports", None, Some(&val)).await;
    assert_eq!(s, 200);
    assert_eq!(list["reports"], json!([]));
    assert_eq!(app.req("GET", "/api/reports/deposits/rows", None, Some(&val)).await.0, 404);
    // The owner grants it.
    let (s, v) = app.req("POST", "/api/reports/deposits/viewers", Some(json!({"username": "val"})), Some(&bob)).await;
    assert_eq!((s.as_u16(), v["viewers"].clone()), (200, json!(["val"])));
    let (_, list) = app.req("GET", "/api/reports", None, Some(&val)).await;
    assert_eq!(list["reports"][0]["name"], "deposits");
    assert_eq!(list["reports"][0]["latest"], "2026-11-21");
    assert_eq!(list["reports"][0]["chart"], "bar");
    let (s, page) =
        app.req("GET", "/api/reports/deposits/rows?date=2026-11-20&sort=amount&desc=true", None, Some(&val)).await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(page["rows"][0], json!(["C", 123456789]));
    assert_eq!(page["total"], 3);
    assert_eq!(page["version"], 1);
    // The date's row count has its own name: `rows` is the page's rows.
    assert_eq!(page["row_count"], 3);
    let (_, dates) = app.req("GET", "/api/reports/deposits/dates", None, Some(&val)).await;
    assert_eq!(dates["dates"].as_array().unwrap().len(), 2);
    // The graph stays out of reach; viewers cannot grant.
    let s = app.req("GET", &format!("/api/graphs/{graph_id}"), None, Some(&val)).await.0;
    assert!(s == 404 || s == 403, "{s}");
    let s = app.req("POST", "/api/reports/deposits/viewers", Some(json!({"username": "analyst"})), Some(&val)).await.0;
    assert_eq!(s, 403);
    // An analyst without a grant: 404 everywhere, as if it did not exist.
    for path in ["rows", "dates", "csv", "xlsx", "svg", "png"] {
        let s = app.req("GET", &format!("/api/reports/deposits/{path}"), None, Some(&analyst)).await.0;
        assert_eq!(s, 404, "{path}");
    }
    let body = json!({"measures": [{"column": "amount", "agg": "sum"}]});
    assert_eq!(app.req("POST", "/api/reports/deposits/pivot", Some(body), Some(&analyst)).await.0, 404);
    // Revoked: gone again.
    assert_eq!(app.req("DELETE", "/api/reports/deposits/viewers/val", None, Some(&bob)).await.0, 204);
    assert_eq!(app.req("GET", "/api/reports/deposits/rows", None, Some(&val)).await.0, 404);
}

#[tokio::test]
async fn bad_queries_name_the_field_and_never_fail_the_server() {
    let (app, _) = published_app().await;
    let bob = app.login("bob").await;
    for (q, word) in [
        ("limit=0", "limit"),
        ("limit=5000", "limit"),
        ("date=yesterday", "date"),
        ("sort=nope", "nope"),
        ("filter_column=nope&filter=x", "nope"),
    ] {
        let (s, body) = app.req("GET", &format!("/api/reports/deposits/rows?{q}"), None, Some(&bob)).await;
        assert_eq!(s, 400, "{q}: {body}");
        assert!(body["error"]["message"].as_str().unwrap().contains(word), "{q}: {body}");
    }
    let (s, _) = app.req("GET", "/api/reports/deposits/rows?date=2020-01-01", None, Some(&bob)).await;
    assert_eq!(s, 404);
    let bad = json!({"rows": ["nope"], "measures": [{"column": "amount", "agg": "sum"}]});
    let (s, body) = app.req("POST", "/api/reports/deposits/pivot", Some(bad), Some(&bob)).await;
    assert_eq!(s, 400, "{body}");
    let bad = json!({"measures": [{"column": "amount", "agg": "sum"}],
        "filters": [{"column": "amount", "op": "gt", "value": "lots"}]});
    let (s, body) = app.req("POST", "/api/reports/deposits/pivot", Some(bad), Some(&bob)).await;
    assert_eq!(s, 400, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("filters[0]"), "{body}");
}

#[tokio::test]
async fn pivot_and_save_as_report_submit_a_new_graph() {
    let (app, _) = published_app().await;
    let bob = app.login("bob").await;
    let req = json!({"date": "2026-11-20", "rows": ["branch"],
        "measures": [{"column": "amount", "agg": "sum"}, {"column": "amount", "agg": "count"}],
        "filters": [{"column": "amount", "op": "lt", "value": "100"}]});
    let (s, p) = app.req("POST", "/api/reports/deposits/pivot", Some(req.clone()), Some(&bob)).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["rows"], json!([["A", 10, 1], ["B", 20, 1]]));
    let save = json!({"graph_name": "deposit pivot", "title": "Small deposits", "chart": "bar", "pivot": req});
    let (s, saved) = app.req("POST", "/api/reports/deposits/save", Some(save), Some(&bob)).await;
    assert_eq!(s, 201, "{saved}");
    let (s, g) =
        app.req("GET", &format!("/api/graphs/{}", saved["graph_id"].as_str().unwrap()), None, Some(&bob)).await;
    assert_eq!(s, 200);
    let doc = g["graph"].clone();
    let report = doc["nodes"].as_array().unwrap().iter().find(|n| n["kind"] == "sink.report").unwrap().clone();
    assert_eq!(report["config"]["y"], json!(["sum_amount", "count_amount"]));
    let subs = app.state.store.submissions(Some(sluice_shared::api::SubmissionStatus::Submitted), None).await.unwrap();
    assert!(subs.iter().any(|s| s.id == saved["submission"]), "submitted for review");
}

/// A download's status, headers and bytes.
async fn download(app: &App, path: &str, cookie: &str) -> (u16, axum::http::HeaderMap, Vec<u8>) {
    use tower::ServiceExt;
    let req = axum::http::Request::builder()
        .uri(path)
        .header(axum::http::header::COOKIE, cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    let bytes = axum::body::to_bytes(res.into_body(), 64 << 20).await.unwrap().to_vec();
    (status, headers, bytes)
}

#[tokio::test]
async fn downloads_hold_the_rows_with_the_reports_formats() {
    use calamine::{Data, Reader, Xlsx};
    let (app, _) = published_app().await;
    let bob = app.login("bob").await;
    let (s, h, bytes) = download(&app, "/api/reports/deposits/xlsx?date=2026-11-20&sort=branch", &bob).await;
    assert_eq!(s, 200);
    assert!(h["content-disposition"].to_str().unwrap().contains("deposits_2026-11-20.xlsx"));
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert_eq!(rows[0], [Data::String("branch".into()), Data::String("amount".into())]);
    assert_eq!(rows[3], [Data::String("C".into()), Data::Float(123456789.0)]);
    assert_eq!(rows.len(), 4);
    let (s, _, csv) = download(&app, "/api/reports/deposits/csv?date=2026-11-21&sort=branch", &bob).await;
    assert_eq!(s, 200);
    assert_eq!(String::from_utf8(csv).unwrap(), "\u{feff}branch,amount\r\nA,11\r\nB,21\r\n");
    let (s, h, svg) = download(&app, "/api/reports/deposits/svg?date=2026-11-20", &bob).await;
    assert_eq!(s, 200);
    assert_eq!(h["content-type"], "image/svg+xml");
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains(">Deposits</text>") && svg.contains(">branch</text>"), "{svg}");
}

#[tokio::test]
async fn png_download_is_the_chart_as_a_picture_for_readers_only() {
    let (app, _) = published_app().await;
    let bob = app.login("bob").await;
    let val = app.login("val").await;
    let path = "/api/reports/deposits/png?date=2026-11-20";
    // A viewer without a grant: 404, as for the SVG.
    assert_eq!(download(&app, path, &val).await.0, 404);
    let (s, _) = app.req("POST", "/api/reports/deposits/viewers", Some(json!({"username": "val"})), Some(&bob)).await;
    assert_eq!(s, 200);
    for who in [&bob, &val] {
        let (s, h, png) = download(&app, path, who).await;
        assert_eq!(s, 200, "{}", String::from_utf8_lossy(&png));
        assert_eq!(h["content-type"], "image/png");
        assert!(h["content-disposition"].to_str().unwrap().contains("deposits_2026-11-20.png"));
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "the PNG signature");
        // IHDR: 1440 × 800, twice the chart's size.
        assert_eq!(png[16..24], [0, 0, 0x05, 0xa0, 0, 0, 0x03, 0x20]);
    }
    // A date with no rows: 404, not an empty picture.
    assert_eq!(download(&app, "/api/reports/deposits/png?date=2020-01-01", &val).await.0, 404);
}

#[test]
fn excel_number_formats_follow_the_report_format() {
    use sluice_backend::server::reports::download::excel_format;
    use sluice_shared::report::{ColumnFormat, Scale};
    let f = |d: Option<u8>, t: bool, p: bool, s: Option<Scale>| ColumnFormat {
        decimals: d,
        thousands: t,
        percent: p,
        scale: s,
    };
    assert_eq!(excel_format(&f(None, false, false, None), None), (None, 1.0));
    assert_eq!(excel_format(&f(Some(2), true, false, None), None), (Some("#,##0.00".into()), 1.0));
    assert_eq!(excel_format(&f(Some(1), false, true, None), None), (Some("0.0%".into()), 1.0));
    assert_eq!(excel_format(&f(None, true, false, Some(Scale::Wan)), None), (Some("#,##0.00\"万\"".into()), 1e4));
    assert_eq!(excel_format(&f(Some(0), false, false, Some(Scale::Yi)), None), (Some("0\"亿\"".into()), 1e8));
}

#[tokio::test]
async fn the_xlsx_download_keeps_numbers_as_numbers_in_the_reports_format() {
    let mut doc = report_doc("Deposits", None);
    doc["nodes"][1]["config"]["format"] = json!({"amount": {"scale": "wan", "decimals": 2, "thousands": true}});
    let (app, _) = publish(doc).await;
    let bob = app.login("bob").await;
    let (s, _, bytes) = download(&app, "/api/reports/deposits/xlsx?date=2026-11-20&sort=branch", &bob).await;
    assert_eq!(s, 200);
    // The cell holds the number in 万 (a number a reader can sum), shown with the format.
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert_eq!(rows[3][0], Data::String("C".into()));
    match &rows[3][1] {
        Data::Float(v) => assert!((v - 12345.6789).abs() < 1e-9, "{v}"),
        other => panic!("amount is not a number: {other:?}"),
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut styles = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
    assert!(styles.contains("formatCode=\"#,##0.00&quot;万&quot;\""), "{styles}");
}

#[tokio::test]
async fn the_table_filter_and_every_pivot_part_answer_exactly() {
    let (app, _) = published_app().await;
    let bob = app.login("bob").await;
    let (s, page) = app
        .req("GET", "/api/reports/deposits/rows?date=2026-11-20&filter_column=branch&filter=b", None, Some(&bob))
        .await;
    assert_eq!(s, 200, "{page}");
    assert_eq!((page["rows"].clone(), page["total"].clone()), (json!([["B", 20]]), json!(1)));
    // Columns across, every aggregate, and a comparison filter.
    let req = json!({"date": "2026-11-20", "columns": ["branch"],
        "measures": [{"column": "amount", "agg": "min"}, {"column": "amount", "agg": "max"},
                     {"column": "amount", "agg": "avg"}],
        "filters": [{"column": "branch", "op": "ne", "value": "C"}]});
    let (s, p) = app.req("POST", "/api/reports/deposits/pivot", Some(req), Some(&bob)).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["rows"], json!([["A", 10, 10, 10.0], ["B", 20, 20, 20.0]]), "{p}");
    let req = json!({"date": "2026-11-20", "measures": [{"column": "amount", "agg": "avg"}],
        "filters": [{"column": "amount", "op": "ge", "value": "20"}]});
    let (s, p) = app.req("POST", "/api/reports/deposits/pivot", Some(req), Some(&bob)).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["rows"], json!([[61728404.5]]), "{p}");
}
