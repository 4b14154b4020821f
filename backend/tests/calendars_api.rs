//! `/api/calendars`: admins import, copy (the built-in `cn`), replace and delete
//! calendars, each change in the audit log; everyone signed in reads them; the
//! export is the file `sluice bizdate --calendar` reads.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::app::App;
use serde_json::{Value, json};
use tower::ServiceExt;

const BANK: &str = "date,kind,note\n2026-10-01,holiday,National Day\n2026-10-10,workday,\"make-up, Saturday\"\n";

async fn export(app: &App, name: &str, cookie: &str) -> (StatusCode, String, String) {
    export_as(app, name, "csv", cookie).await
}

async fn export_as(app: &App, name: &str, form: &str, cookie: &str) -> (StatusCode, String, String) {
    let req = Request::builder()
        .uri(format!("/api/calendars/{name}/{form}"))
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let ct = res.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, ct, String::from_utf8(bytes.to_vec()).unwrap())
}

fn names(list: &Value) -> Vec<String> {
    list["calendars"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn admins_keep_calendars_and_every_change_is_audited() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let (s, list) = app.req("GET", "/api/calendars", None, Some(&admin)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(names(&list), ["cn"]);
    assert_eq!(list["calendars"][0]["builtin"], true);
    assert_eq!(list["calendars"][0]["first_year"], 2004);

    // Import a calendar file.
    let (s, made) = app.req("POST", "/api/calendars", Some(json!({"name": "bank", "csv": BANK})), Some(&admin)).await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    assert_eq!((made["holidays"].as_u64(), made["workdays"].as_u64()), (Some(1), Some(1)));
    assert_eq!(made["weekly"], "1111100");
    let (s, ct, text) = export(&app, "bank", &admin).await;
    assert_eq!((s, ct.starts_with("text/csv")), (StatusCode::OK, true));
    assert_eq!(text, BANK, "the export reads back as imported");

    // Copy the built-in China calendar, then add the bank's own closure to it.
    let (s, copy) =
        app.req("POST", "/api/calendars", Some(json!({"name": "cn_bank", "copy_from": "cn"})), Some(&admin)).await;
    assert_eq!(s, StatusCode::CREATED, "{copy}");
    let (_, _, cn_text) = export(&app, "cn", &admin).await;
    let with_closure = format!("{cn_text}2026-12-31,holiday,bank year-end closure\n");
    let (s, upd) = app.req("PUT", "/api/calendars/cn_bank", Some(json!({"csv": with_closure})), Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{upd}");
    assert_eq!(upd["holidays"].as_u64(), copy["holidays"].as_u64().map(|h| h + 1));
    let (_, detail) = app.req("GET", "/api/calendars/cn_bank", None, Some(&admin)).await;
    let last = detail["exceptions"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last, json!({"date": "2026-12-31", "kind": "holiday", "note": "bank year-end closure"}));

    let (s, _) = app.req("DELETE", "/api/calendars/bank", None, Some(&admin)).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, list) = app.req("GET", "/api/calendars", None, Some(&admin)).await;
    assert_eq!(names(&list), ["cn", "cn_bank"]);

    let (_, audit) = app.req("GET", "/api/audit", None, Some(&admin)).await;
    let actions: Vec<(String, String)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("calendar_"))
        .map(|e| (e["action"].as_str().unwrap().into(), e["target"].as_str().unwrap().into()))
        .collect();
    let want = [
        ("calendar_delete", "bank"),
        ("calendar_update", "cn_bank"),
        ("calendar_create", "cn_bank"),
        ("calendar_create", "bank"),
    ];
    assert_eq!(actions, want.map(|(a, t)| (a.to_string(), t.to_string())));
}

#[tokio::test]
async fn bad_files_names_and_roles_are_refused() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let bad = "date,kind,note\n2026-10-01,holiday,\n2026-10-01,holiday,again\n";
    let (s, body) = app.req("POST", "/api/calendars", Some(json!({"name": "x", "csv": bad})), Some(&admin)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["message"].as_str().unwrap().contains("line 3"), "{body}");
    let (s, _) = app.req("POST", "/api/calendars", Some(json!({"name": "cn", "csv": BANK})), Some(&admin)).await;
    assert_eq!(s, StatusCode::CONFLICT, "a built-in cannot be shadowed");
    let (s, _) = app.req("POST", "/api/calendars", Some(json!({"name": "a b", "csv": BANK})), Some(&admin)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app
        .req("POST", "/api/calendars", Some(json!({"name": "w", "csv": BANK, "weekly": "11111"})), Some(&admin))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app.req("POST", "/api/calendars", Some(json!({"name": "bank", "csv": BANK})), Some(&admin)).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = app.req("POST", "/api/calendars", Some(json!({"name": "bank", "csv": BANK})), Some(&admin)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = app.req("PUT", "/api/calendars/cn", Some(json!({"csv": BANK})), Some(&admin)).await;
    assert_eq!(s, StatusCode::CONFLICT, "built-ins are read-only");
    let (s, _) = app.req("GET", "/api/calendars/nope", None, Some(&admin)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Analysts read calendars but cannot change them.
    let analyst = app.login("analyst").await;
    let (s, _) = app.req("GET", "/api/calendars/bank", None, Some(&analyst)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.req("POST", "/api/calendars", Some(json!({"name": "mine", "csv": BANK})), Some(&analyst)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.req("DELETE", "/api/calendars/bank", None, Some(&analyst)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.req("GET", "/api/calendars", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

/// The editor's validation and preview know the built-in and the stored calendars.
#[tokio::test]
async fn graphs_in_the_editor_resolve_calendars_by_name() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let (s, _) = app.req("POST", "/api/calendars", Some(json!({"name": "bank", "csv": BANK})), Some(&admin)).await;
    assert_eq!(s, StatusCode::CREATED);
    let graph = |cal: &str| {
        json!({
            "format": "sluice.graph/v1", "name": "days",
            "params": {"biz_date": {"type": "date", "default": "2024-10-08"},
                       "prev": {"type": "date", "derive": {"from": "biz_date", "calendar": "cn", "offset": -1}}},
            "nodes": [{"id": "d", "kind": "source.dates", "config": {"from": "$prev", "to": "$biz_date", "calendar": cal}},
                      {"id": "out", "kind": "sink.csv", "config": {"path": "out/days.csv"}}],
            "edges": [{"from": "d", "to": "out"}]
        })
    };
    let analyst = app.login("analyst").await;
    let (s, v) = app.req("POST", "/api/validate", Some(json!({"graph": graph("cn")})), Some(&analyst)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["problems"], json!([]), "{v}");
    let (_, v) = app.req("POST", "/api/validate", Some(json!({"graph": graph("mars")})), Some(&analyst)).await;
    let problems = v["problems"].as_array().unwrap();
    assert!(problems.iter().any(|p| p["node"] == "d" && p["field"] == "calendar"), "{v}");

    // Preview: 2024-09-30 ..= 2024-10-08 by the built-in China calendar.
    let body = json!({"graph": graph("cn"), "node": "d", "limit": 100});
    let (s, p) = app.req("POST", "/api/preview", Some(body), Some(&analyst)).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let rows = p["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 9);
    let open: Vec<bool> = rows.iter().map(|r| r[8].as_bool().unwrap()).collect();
    assert_eq!(open, [true, false, false, false, false, false, false, false, true], "{p}");
    // A stored calendar by name: `bank` covers 2026 only, so 2024 is outside it.
    let body = json!({"graph": graph("bank"), "node": "d", "limit": 100});
    let (s, p) = app.req("POST", "/api/preview", Some(body), Some(&analyst)).await;
    assert!(s.is_client_error(), "{p}");
    assert!(p["error"].to_string().contains("no data for year 2024"), "{p}");
}

/// iCalendar: the export of the built-in `cn` imports back as the same calendar;
/// imports are for admins, audited, and a bad file names its line.
#[tokio::test]
async fn calendars_travel_as_icalendar() {
    let app = App::new().await;
    let admin = app.login("admin").await;
    let (s, ct, ics) = export_as(&app, "cn", "ics", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/calendar"), "{ct}");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.contains("DTSTART;VALUE=DATE:20251001"), "{ics}");
    let (s, made) = app.req("POST", "/api/calendars", Some(json!({"name": "cn_ics", "ics": ics})), Some(&admin)).await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    let (_, cn) = app.req("GET", "/api/calendars/cn", None, Some(&admin)).await;
    let (_, back) = app.req("GET", "/api/calendars/cn_ics", None, Some(&admin)).await;
    assert_eq!(back["exceptions"], cn["exceptions"], "the same days, kinds and notes");
    let (_, _, cn_csv) = export(&app, "cn", &admin).await;
    let (_, _, back_csv) = export(&app, "cn_ics", &admin).await;
    assert_eq!(back_csv, cn_csv);

    // Replace from an .ics; the CSV route still reads what the .ics said.
    let one = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261001\r\nDTEND;VALUE=DATE:20261003\r\n\
               SUMMARY:Closed\\, twice\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let (s, upd) = app.req("PUT", "/api/calendars/cn_ics", Some(json!({"ics": one})), Some(&admin)).await;
    assert_eq!(s, StatusCode::OK, "{upd}");
    assert_eq!(upd["holidays"], 2);
    let (_, _, csv) = export(&app, "cn_ics", &admin).await;
    assert_eq!(csv, "date,kind,note\n2026-10-01,holiday,\"Closed, twice\"\n2026-10-02,holiday,\"Closed, twice\"\n");

    // Mistakes: the line and the reason; never both files; analysts cannot import.
    let no_date = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:when?\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let (s, body) = app.req("POST", "/api/calendars", Some(json!({"name": "x", "ics": no_date})), Some(&admin)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.contains("iCalendar file: line 2") && msg.contains("DTSTART"), "{msg}");
    let both = json!({"name": "x", "ics": one, "csv": BANK});
    let (s, _) = app.req("POST", "/api/calendars", Some(both), Some(&admin)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app.req("PUT", "/api/calendars/cn_ics", Some(json!({})), Some(&admin)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let huge = "X".repeat(300 * 1024);
    let (s, _) = app.req("POST", "/api/calendars", Some(json!({"name": "x", "ics": huge})), Some(&admin)).await;
    assert!(s.is_client_error(), "size-limited: {s}");
    let analyst = app.login("analyst").await;
    let (s, _) = app.req("POST", "/api/calendars", Some(json!({"name": "mine", "ics": one})), Some(&analyst)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.req("PUT", "/api/calendars/cn_ics", Some(json!({"ics": one})), Some(&analyst)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = export_as(&app, "cn_ics", "ics", &analyst).await;
    assert_eq!(s, StatusCode::OK, "everyone signed in reads calendars");
    let (s, _, _) = export_as(&app, "nope", "ics", &analyst).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (_, audit) = app.req("GET", "/api/audit", None, Some(&admin)).await;
    let entries: Vec<(String, String)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == "cn_ics")
        .map(|e| (e["action"].as_str().unwrap().into(), e["detail"].as_str().unwrap_or_default().into()))
        .collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries[0].0 == "calendar_update" && entries[0].1.contains("from ics"), "{entries:?}");
    assert!(entries[1].0 == "calendar_create" && entries[1].1.contains("imported (ics)"), "{entries:?}");
}
