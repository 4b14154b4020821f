//! A check's quarantine written to a table (`{"connection", "table"}`), in
//! `append` mode with `_failed_rules`, on SQLite and PostgreSQL: published
//! with the other sinks when the run passes, and alone when an error rule
//! breaks (every other sink, table or file, keeps its old content).

mod tables_support;

use serde_json::{Value, json};
use tables_support::{Kind, TestDb, failure};

/// in.csv → chk (acct set: error; ccy known: warn) → `good` (a table, replace; on SQLite the
/// file good.csv: two table sinks cannot hold write transactions on one SQLite file at once)
/// and raw.csv from the source.
fn graph(kind: Kind) -> Value {
    let good = match kind {
        Kind::Lite => json!({"id": "out", "kind": "sink.csv", "config": {"path": "good.csv"}}),
        _ => json!({"id": "out", "kind": "sink.table", "config": {"connection": "dw", "table": "good"}}),
    };
    json!({
        "format": "sluice.graph/v1", "name": "q",
        "nodes": [
            {"id": "src", "kind": "source.csv", "config": {"path": "in.csv",
             "schema": [{"name": "id", "type": "int64"}, {"name": "acct", "type": "string"}, {"name": "ccy", "type": "string"}]}},
            {"id": "chk", "kind": "transform.check", "config": {
                "rules": [
                    {"name": "acct_set", "kind": "not_null", "columns": ["acct"]},
                    {"name": "ccy_known", "kind": "in", "column": "ccy", "values": ["CNY", "USD"], "level": "warn"}
                ],
                "quarantine": {"connection": "dw", "table": "bad_rows"}}},
            good,
            {"id": "raw", "kind": "sink.csv", "config": {"path": "raw.csv"}}
        ],
        "edges": [{"from": "src", "to": "chk"}, {"from": "chk", "to": "out"}, {"from": "src", "to": "raw"}]
    })
}

async fn quarantine_table(kind: Kind) {
    let db = TestDb::new(kind).await;
    let ctx = format!("{kind:?}");
    let id = db.text("id");
    let bad = format!("SELECT {id}, acct, ccy, _failed_rules FROM bad_rows ORDER BY id");

    // A passing run (one warning): every sink and the quarantine publish.
    db.write("in.csv", "id,acct,ccy\n1,A1,CNY\n2,A2,EUR\n");
    let written = db.run(&graph(kind), &[]).await.unwrap_or_else(|e| panic!("{ctx}: {e}"));
    let q = written.iter().find(|w| w.node == "chk").expect("the quarantine is reported");
    assert_eq!((q.rows, q.table.as_deref()), (1, Some("dw.bad_rows")), "{ctx}");
    assert_eq!(db.lines(&bad).await, ["2|A2|EUR|ccy_known"], "{ctx}");
    let good = || async {
        match kind {
            Kind::Lite => std::fs::read_to_string(db.dir.path().join("good.csv"))
                .unwrap()
                .lines()
                .skip(1)
                .map(|l| l.replace(',', "|"))
                .collect(),
            _ => db.lines(&format!("SELECT {id}, acct, ccy FROM good ORDER BY id")).await,
        }
    };
    assert_eq!(good().await, ["1|A1|CNY", "2|A2|EUR"], "{ctx}");
    let raw_before = std::fs::read_to_string(db.dir.path().join("raw.csv")).unwrap();

    // An error rule breaks: only the quarantine publishes (appended); `good` and raw.csv stay.
    db.write("in.csv", "id,acct,ccy\n3,,CNY\n4,A4,JPY\n5,A5,USD\n");
    let (node, message) = failure(db.run(&graph(kind), &[]).await);
    assert_eq!(node.as_deref(), Some("chk"), "{ctx}");
    assert_eq!(message, "check acct_set failed: 1 of 3 rows", "{ctx}");
    assert_eq!(db.lines(&bad).await, ["2|A2|EUR|ccy_known", "3|∅|CNY|acct_set", "4|A4|JPY|ccy_known"], "{ctx}");
    assert_eq!(good().await, ["1|A1|CNY", "2|A2|EUR"], "{ctx}: the other sink is unchanged");
    assert_eq!(std::fs::read_to_string(db.dir.path().join("raw.csv")).unwrap(), raw_before, "{ctx}");
    db.drop().await;
}

#[tokio::test]
async fn quarantine_table_on_sqlite() {
    quarantine_table(Kind::Lite).await;
}

#[tokio::test]
async fn quarantine_table_on_postgres() {
    quarantine_table(Kind::Pg).await;
}

#[tokio::test]
async fn a_quarantine_table_name_is_checked_like_a_sink_table() {
    let db = TestDb::new(Kind::Lite).await;
    db.write("in.csv", "id,acct,ccy\n1,A1,CNY\n");
    let mut g = graph(Kind::Lite);
    g["nodes"][1]["config"]["quarantine"]["table"] = json!("bad-rows");
    match db.run(&g, &[]).await {
        Err(sluice_backend::engine::error::EngineError::Invalid(p)) => {
            let p = p.iter().find(|p| p.node.as_deref() == Some("chk")).expect("a problem on chk");
            assert_eq!(p.field.as_deref(), Some("quarantine.table"));
            assert!(p.message.contains("not a table name"), "{}", p.message);
        }
        other => panic!("expected an invalid graph, got {other:?}"),
    }
}
