//! `POST /api/model/keys` on the demo data and on a small file with orphans:
//! the proposed keys, their match rates and orphan counts against counts made
//! here from the files themselves; the answers to bad requests.

mod common;

use axum::http::StatusCode;
use common::app::App;
use serde_json::{Value, json};
use std::collections::HashSet;

fn demo_graph() -> Value {
    json!({"format": "sluice.graph/v1", "name": "star", "nodes": [
        {"id": "transactions", "kind": "source.csv", "config": {"path": "demo/transactions.csv"}},
        {"id": "accounts", "kind": "source.csv", "config": {"path": "demo/accounts.csv"}},
        {"id": "branches", "kind": "source.csv", "config": {"path": "demo/branches.csv"}},
        {"id": "customers", "kind": "source.csv", "config": {"path": "demo/customers.csv"}},
        {"id": "dates", "kind": "source.dates", "config": {"from": "2026-09-26", "to": "2026-11-24"}},
        {"id": "half_built", "kind": "transform.filter", "config": {"predicate": "no_such_column > 1"}}
    ]})
}

/// Column `i` of every data row of a demo CSV (the demo's fields hold no commas in these columns).
fn column(app: &App, file: &str, i: usize) -> Vec<String> {
    let text = std::fs::read_to_string(app.dir.path().join("files/demo").join(file)).unwrap();
    text.lines().skip(1).map(|l| l.split(',').nth(i).unwrap().to_string()).collect()
}

fn best<'a>(answer: &'a Value, dim: &str) -> &'a Value {
    let d = answer["dimensions"].as_array().unwrap().iter().find(|d| d["node"] == dim).unwrap();
    &d["proposals"][0]
}

#[tokio::test]
async fn the_demo_star_gets_the_right_keys_and_match_rates() {
    let app = App::new().await;
    let c = app.login("analyst").await;
    let body = json!({"graph": demo_graph(), "fact": "transactions",
                      "dimensions": ["accounts", "branches", "customers", "dates"]});
    let (status, a) = app.req("POST", "/api/model/keys", Some(body), Some(&c)).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    // Counted here: fact rows whose key is among the dimension's keys.
    let txn_accounts = column(&app, "transactions.csv", 1);
    let txn_branches = column(&app, "transactions.csv", 6);
    let accounts: HashSet<String> = column(&app, "accounts.csv", 0).into_iter().collect();
    let branches: HashSet<String> = column(&app, "branches.csv", 0).into_iter().collect();
    let n = txn_accounts.len() as u64;
    assert_eq!(a["fact_rows"], n);
    let hit = |keys: &[String], set: &HashSet<String>| keys.iter().filter(|k| set.contains(*k)).count() as u64;

    let acc = best(&a, "accounts");
    assert_eq!(
        (acc["fact_column"].as_str(), acc["dimension_column"].as_str()),
        (Some("account_id"), Some("account_id"))
    );
    assert_eq!(acc["matched_rows"], hit(&txn_accounts, &accounts));
    assert_eq!(acc["orphans"], n - hit(&txn_accounts, &accounts));
    assert_eq!(acc["match_rate"], 1.0);
    assert_eq!(acc["unique"], true);

    let br = best(&a, "branches");
    assert_eq!((br["fact_column"].as_str(), br["dimension_column"].as_str()), (Some("branch"), Some("branch")));
    assert_eq!(br["matched_rows"], hit(&txn_branches, &branches));
    assert_eq!(br["match_rate"], 1.0);

    // Every transaction date is in the date dimension's 60 days.
    let dt = best(&a, "dates");
    assert_eq!((dt["fact_column"].as_str(), dt["dimension_column"].as_str()), (Some("txn_date"), Some("date")));
    assert_eq!(dt["match_rate"], 1.0);
    // Customers reach transactions only through accounts: nothing to propose.
    let cust = a["dimensions"].as_array().unwrap().iter().find(|d| d["node"] == "customers").unwrap();
    assert_eq!(cust["proposals"], json!([]), "{cust}");
    assert_eq!(cust["rows"], 1500);
}

#[tokio::test]
async fn orphans_and_duplicate_keys_are_flagged() {
    let app = App::new().await;
    let c = app.login("analyst").await;
    let dir = app.dir.path().join("files/mini");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("fact.csv"), "txn,account_id,amount\n1,A1,1\n2,A2,2\n3,A9,3\n4,A9,4\n5,,5\n6,A1,6\n")
        .unwrap();
    std::fs::write(dir.join("accounts.csv"), "id,name\nA1,x\nA2,y\nA3,z\n").unwrap();
    std::fs::write(dir.join("owners.csv"), "account_id,owner\nA1,p\nA1,q\nA2,r\n").unwrap();
    let graph = json!({"format": "sluice.graph/v1", "nodes": [
        {"id": "fact", "kind": "source.csv", "config": {"path": "mini/fact.csv"}},
        {"id": "accounts", "kind": "source.csv", "config": {"path": "mini/accounts.csv"}},
        {"id": "owners", "kind": "source.csv", "config": {"path": "mini/owners.csv"}}
    ]});
    let body = json!({"graph": graph, "fact": "fact", "dimensions": ["accounts", "owners"]});
    let (status, a) = app.req("POST", "/api/model/keys", Some(body), Some(&c)).await;
    assert_eq!(status, StatusCode::OK, "{a}");
    let acc = best(&a, "accounts");
    assert_eq!(acc["dimension_column"], "id");
    assert_eq!(acc["reason"], "`account` + `id`");
    // A1, A2, A1 match; A9 twice and the empty key do not.
    assert_eq!((acc["matched_rows"].as_u64(), acc["orphans"].as_u64()), (Some(3), Some(3)));
    assert_eq!(acc["match_rate"], 0.5);
    assert_eq!(acc["orphan_examples"], json!(["A9"]));
    let own = best(&a, "owners");
    assert_eq!(own["unique"], false, "A1 has two owners: not a key");
    assert!(own["score"].as_f64().unwrap() < acc["score"].as_f64().unwrap());
}

#[tokio::test]
async fn bad_requests_are_refused_in_words() {
    let app = App::new().await;
    let c = app.login("analyst").await;
    let ask = |fact: &str, dims: Value| json!({"graph": demo_graph(), "fact": fact, "dimensions": dims});
    let cases = [
        (ask("transactions", json!([])), StatusCode::BAD_REQUEST, "1 to 16"),
        (ask("nope", json!(["accounts"])), StatusCode::NOT_FOUND, "no node `nope`"),
        (ask("transactions", json!(["half_built"])), StatusCode::BAD_REQUEST, "not a source"),
        (ask("transactions", json!(["transactions"])), StatusCode::BAD_REQUEST, "its own dimension"),
    ];
    for (body, code, words) in cases {
        let (status, a) = app.req("POST", "/api/model/keys", Some(body), Some(&c)).await;
        assert_eq!(status, code, "{a}");
        assert!(a["error"]["message"].as_str().unwrap().contains(words), "{a}");
    }
    let viewer = app.login("val").await;
    let (status, _) =
        app.req("POST", "/api/model/keys", Some(ask("transactions", json!(["accounts"]))), Some(&viewer)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.req("POST", "/api/model/keys", Some(ask("transactions", json!(["accounts"]))), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
