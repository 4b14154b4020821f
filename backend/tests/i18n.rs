//! The product in two languages on the server side: each user's saved
//! language and date style (`/api/me/settings`), error messages and a 422's
//! problems in the language `Accept-Language` or the saved setting asks for,
//! and `sluice validate --lang`.

mod common;

use axum::http::{StatusCode, header};
use common::app::App;
use serde_json::json;
use std::process::Command;

#[tokio::test]
async fn settings_are_per_user_and_checked() {
    let app = App::new().await;
    let r = app.call("GET", "/api/me/settings", None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let bob = app.login("bob").await;
    let val = app.login("val").await;
    let r = app.call("GET", "/api/me/settings", None, Some(&bob)).await;
    assert_eq!((r.status, r.body.clone()), (StatusCode::OK, json!({"lang": null, "date_style": null})));
    let saved = json!({"lang": "zh-CN", "date_style": "long"});
    let r = app.call("PUT", "/api/me/settings", Some(saved.clone()), Some(&bob)).await;
    assert_eq!((r.status, r.body.clone()), (StatusCode::OK, saved.clone()));
    assert_eq!(app.call("GET", "/api/me/settings", None, Some(&bob)).await.body, saved);
    // Another user's are their own.
    assert_eq!(app.call("GET", "/api/me/settings", None, Some(&val)).await.body["lang"], json!(null));
    // Saved again: replaced.
    let r = app.call("PUT", "/api/me/settings", Some(json!({"lang": "en"})), Some(&bob)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        app.call("GET", "/api/me/settings", None, Some(&bob)).await.body,
        json!({"lang": "en", "date_style": null})
    );
    for bad in [json!({"lang": "fr"}), json!({"date_style": "roman"}), json!({"lang": "en", "theme": "dark"})] {
        let r = app.call("PUT", "/api/me/settings", Some(bad.clone()), Some(&bob)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
    }
}

#[tokio::test]
async fn errors_speak_the_asked_language_or_the_saved_one() {
    let app = App::new().await;
    let ask = |lang: Option<&str>, cookie: Option<&str>| {
        let mut req = App::request("GET", "/api/graphs", None, cookie);
        if let Some(l) = lang {
            req.headers_mut().insert(header::ACCEPT_LANGUAGE, l.parse().unwrap());
        }
        req
    };
    let r = app.send(ask(Some("zh-CN,zh;q=0.9,en;q=0.8"), None)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.body["error"]["message"], "请先登录");
    assert_eq!(r.body["error"]["code"], "unauthorized");
    let r = app.send(ask(Some("en-US"), None)).await;
    assert_eq!(r.body["error"]["message"], "sign in first");
    let r = app.send(ask(None, None)).await;
    assert_eq!(r.body["error"]["message"], "sign in first");

    // No header: the signed-in user's saved language.
    let bob = app.login("bob").await;
    app.call("PUT", "/api/me/settings", Some(json!({"lang": "zh-CN"})), Some(&bob)).await;
    let r = app.call("GET", "/api/no-such-thing", None, Some(&bob)).await;
    assert_eq!((r.status, r.body["error"]["message"].clone()), (StatusCode::NOT_FOUND, json!("没有这个 API 接口")));
    // The header wins over the setting.
    let mut req = App::request("GET", "/api/no-such-thing", None, Some(&bob));
    req.headers_mut().insert(header::ACCEPT_LANGUAGE, "en".parse().unwrap());
    assert_eq!(app.send(req).await.body["error"]["message"], "no such API endpoint");

    // A 422's problems: the English message stays, `text` is in the asked language.
    let graph = json!({"format": "sluice.graph/v1", "nodes": [
        {"id": "f", "kind": "transform.filter", "config": {"predicate": "true"}}], "edges": []});
    let mut req = App::request("POST", "/api/preview", Some(json!({"graph": graph, "node": "f"})), Some(&bob));
    req.headers_mut().insert(header::ACCEPT_LANGUAGE, "zh-CN".parse().unwrap());
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"]["message"], "数据流图有 1 个问题");
    let p = &r.body["error"]["details"]["problems"][0];
    assert_eq!(p["message"], "input port `in` is not connected", "{p}");
    assert_eq!(p["code"], "port_unconnected");
    assert_eq!(p["text"], "输入端口 `in` 未连接");
}

#[test]
fn the_command_line_speaks_english_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let graph = json!({"format": "sluice.graph/v1", "nodes": [
        {"id": "f", "kind": "transform.filter", "config": {"predicate": "true"}}], "edges": []});
    std::fs::write(dir.path().join("g.json"), graph.to_string()).unwrap();
    let run = |args: &[&str], lang_env: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_sluice"))
            .args(args)
            .env("LANG", lang_env)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("SLUICE_LANG")
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap()
    };
    // A Chinese locale alone changes nothing: schedulers parse these lines.
    assert!(run(&["validate", "g.json"], "zh_CN.UTF-8").contains("f: input port `in` is not connected"));
    assert!(run(&["validate", "g.json", "--lang", "zh-CN"], "C").contains("f: 输入端口 `in` 未连接"));
    assert!(run(&["--lang", "auto", "validate", "g.json"], "zh_CN.UTF-8").contains("f: 输入端口 `in` 未连接"));
    assert!(
        run(&["--lang", "auto", "validate", "g.json"], "en_US.UTF-8").contains("f: input port `in` is not connected")
    );
}

/// The browser fetches the Chinese texts (its first-paint module carries
/// English only): public, the file's own texts, revalidated by `ETag`.
#[tokio::test]
async fn catalogues_are_served_without_a_session_and_revalidate() {
    use tower::ServiceExt;
    let app = App::new().await;
    let r = app.call("GET", "/api/i18n/zh-CN", None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let file: serde_json::Value = serde_json::from_str(sluice_shared::i18n::source(sluice_shared::Lang::ZhCn)).unwrap();
    assert_eq!(r.body, file);
    assert_eq!(r.body["nav.graphs"], "数据流图");
    assert_eq!(app.call("GET", "/api/i18n/en", None, None).await.body["nav.graphs"], "Graphs");
    let r = app.call("GET", "/api/i18n/fr", None, None).await;
    assert_eq!((r.status, r.body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

    let res = app.router.clone().oneshot(App::request("GET", "/api/i18n/zh-CN", None, None)).await.unwrap();
    let etag = res.headers().get(header::ETAG).expect("an ETag").clone();
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
    let mut again = App::request("GET", "/api/i18n/zh-CN", None, None);
    again.headers_mut().insert(header::IF_NONE_MATCH, etag.clone());
    assert_eq!(app.router.clone().oneshot(again).await.unwrap().status(), StatusCode::NOT_MODIFIED);
    let other = app.router.clone().oneshot(App::request("GET", "/api/i18n/en", None, None)).await.unwrap();
    assert_ne!(other.headers()[header::ETAG], etag, "each language has its own tag");
}

/// The demo's report titles are data, kept in English; a chart drawn by the
/// server (SVG, PNG, the xlsx sheet) names them in the caller's language:
/// `Accept-Language`, else the saved setting.
#[tokio::test]
async fn demo_report_titles_follow_the_callers_language() {
    let app = App::new().await;
    let analyst = app.login("analyst").await;
    let svg = |lang: Option<&'static str>| {
        let mut req = App::request("GET", "/api/reports/branch_deposits/svg", None, Some(&analyst));
        if let Some(l) = lang {
            req.headers_mut().insert(header::ACCEPT_LANGUAGE, l.parse().unwrap());
        }
        req
    };
    let text = |req: axum::http::Request<axum::body::Body>| async {
        use tower::ServiceExt;
        let res = app.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        String::from_utf8(axum::body::to_bytes(res.into_body(), 1 << 24).await.unwrap().to_vec()).unwrap()
    };
    let zh = text(svg(Some("zh-CN,zh;q=0.9"))).await;
    assert!(zh.contains(">每日分行存款</text>"), "{zh}");
    let en = text(svg(Some("en-US"))).await;
    assert!(en.contains(">Daily branch deposits</text>") && !en.contains("每日"), "{en}");
    // No header: the saved language.
    let r = app.call("PUT", "/api/me/settings", Some(json!({"lang": "zh-CN"})), Some(&analyst)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(text(svg(None)).await.contains(">每日分行存款</text>"));
    // The report list keeps the data as written (the browser translates where it shows it).
    let list = app.call("GET", "/api/reports", None, Some(&analyst)).await;
    let titles: Vec<&str> =
        list.body["reports"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"Daily branch deposits"), "{titles:?}");
}

/// Every sentence of the demo's data a user reads (graph descriptions, report
/// titles) has its Chinese text in the catalogue (`demo.*`); names are
/// identifiers and stay.
#[test]
fn every_demo_text_is_translated() {
    use sluice_shared::i18n::{Lang, demo};
    let mut graphs = sluice_backend::demo::graphs();
    graphs.extend(sluice_backend::demo::reports::report_graphs());
    let mut texts = vec![];
    for g in &graphs {
        texts.push(g.description.clone());
        for n in g.nodes.iter().filter(|n| n.kind == "sink.report") {
            texts.push(n.config["title"].as_str().expect("a report title").to_string());
        }
    }
    assert_eq!(texts.len(), 8, "{texts:?}");
    for text in texts {
        let zh = demo(Lang::ZhCn, &text);
        assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "`{text}` has no Chinese text: {zh}");
        assert_eq!(demo(Lang::En, &text), text);
    }
}
