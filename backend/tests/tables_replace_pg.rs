//! Mode `replace` on PostgreSQL empties the target with TRUNCATE inside the
//! publish transaction (constant time), and with DELETE where TRUNCATE is
//! refused; either way a failure later in the run puts every row back.

mod tables_support;

use serde_json::json;
use tables_support::{Kind, TestDb, failure, graph};

fn schema() -> serde_json::Value {
    json!([{"name": "id", "type": "int64"}, {"name": "name", "type": "string"}])
}

async fn ids(db: &TestDb, table: &str) -> Vec<String> {
    db.lines(&format!("SELECT id::text, name FROM {table} ORDER BY id")).await
}

/// A table a foreign key references cannot be truncated: the rows are deleted.
#[tokio::test]
async fn a_table_a_foreign_key_references_is_replaced_row_by_row() {
    let db = TestDb::new(Kind::Pg).await;
    db.exec("CREATE TABLE dim (id BIGINT PRIMARY KEY, name TEXT)").await;
    db.exec("INSERT INTO dim VALUES (1, 'old')").await;
    db.exec("CREATE TABLE fact (dim_id BIGINT REFERENCES dim (id))").await;
    db.write("in.csv", "id,name\n2,b\n3,c\n");
    let g = graph("in.csv", schema(), json!({"connection": "dw", "table": "dim", "mode": "replace"}));
    db.run(&g, &[("biz_date", "2024-01-01")]).await.unwrap();
    assert_eq!(ids(&db, "dim").await, ["2|b", "3|c"]);
    // A referenced row cannot go: the run fails and the table keeps its rows.
    db.exec("INSERT INTO fact VALUES (2)").await;
    db.write("in.csv", "id,name\n4,d\n");
    let (node, msg) = failure(db.run(&g, &[("biz_date", "2024-01-01")]).await);
    assert_eq!(node.as_deref(), Some("out"));
    assert!(msg.contains("foreign key") || msg.contains("fact"), "{msg}");
    assert_eq!(ids(&db, "dim").await, ["2|b", "3|c"], "unchanged");
    db.drop().await;
}

/// TRUNCATE in the transaction is rolled back with it: a second sink that fails
/// to publish leaves the replaced table whole.
#[tokio::test]
async fn a_truncated_table_comes_back_when_another_sink_fails() {
    let db = TestDb::new(Kind::Pg).await;
    db.write("in.csv", "id,name\n1,a\n2,b\n");
    let g = graph("in.csv", schema(), json!({"connection": "dw", "table": "t", "mode": "replace"}));
    db.run(&g, &[("biz_date", "2024-01-01")]).await.unwrap();
    // The second sink's table lacks nothing at staging but refuses NULL names at publish.
    db.exec("CREATE TABLE strict (id BIGINT, name TEXT NOT NULL)").await;
    db.write("in.csv", "id,name\n7,\n");
    let mut two = g.clone();
    two["nodes"].as_array_mut().unwrap().push(json!({"id": "out2", "kind": "sink.table",
        "config": {"connection": "dw", "table": "strict", "mode": "append"}}));
    // The failing sink is wired first, so it is applied after `out` emptied `t`.
    let edges = two["edges"].as_array_mut().unwrap();
    edges.insert(0, json!({"from": "src", "to": "out2"}));
    let (_, msg) = failure(db.run(&two, &[("biz_date", "2024-01-01")]).await);
    assert!(msg.contains("null") || msg.contains("NULL"), "{msg}");
    assert_eq!(ids(&db, "t").await, ["1|a", "2|b"], "TRUNCATE rolled back");
    assert!(db.lines("SELECT id::text FROM strict").await.is_empty());
    db.drop().await;
}
