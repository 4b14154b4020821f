//! `sink.table` on real PostgreSQL, MariaDB and SQLite: every mode and the
//! type round trips. Expected rows are written out by hand below and compared
//! with what the database itself answers.

mod tables_support;

use serde_json::json;
use tables_support::{Kind, TestDb, graph};

fn sales_schema() -> serde_json::Value {
    json!([{"name": "id", "type": "int64"}, {"name": "name", "type": "string"}, {"name": "amount", "type": "decimal(10,2)"}])
}

async fn sales(db: &TestDb, table: &str) -> Vec<String> {
    let q = format!("SELECT {}, name, {} FROM {table} ORDER BY id", db.text("id"), db.dec("amount", 2));
    db.lines(&q).await
}

async fn write_sales(db: &TestDb, csv: &str, sink: serde_json::Value) -> u64 {
    db.write("in.csv", csv);
    let w = db.run(&graph("in.csv", sales_schema(), sink), &[("biz_date", "2024-01-01")]).await.expect("run");
    assert_eq!(w[0].table.as_deref(), w[0].table.as_deref().filter(|t| t.starts_with("dw.")));
    w[0].rows
}

async fn replace_append_merge(kind: Kind) {
    let db = TestDb::new(kind).await;
    let sink = |mode: &str| json!({"connection": "dw", "table": "sales", "mode": mode, "keys": ["id"]});
    // replace creates the table.
    assert_eq!(write_sales(&db, "id,name,amount\n1,a,1.50\n2,b,2\n", sink("replace")).await, 2);
    assert_eq!(sales(&db, "sales").await, ["1|a|1.50", "2|b|2.00"]);
    // replace again: exactly the new rows.
    write_sales(&db, "id,name,amount\n3,c,3.25\n", sink("replace")).await;
    assert_eq!(sales(&db, "sales").await, ["3|c|3.25"]);
    // append adds.
    write_sales(&db, "id,name,amount\n4,d,4.00\n", sink("append")).await;
    assert_eq!(sales(&db, "sales").await, ["3|c|3.25", "4|d|4.00"]);
    // merge: 4 updated, 5 inserted, 3 untouched.
    write_sales(&db, "id,name,amount\n4,D,40.10\n5,e,5.00\n", sink("merge")).await;
    assert_eq!(sales(&db, "sales").await, ["3|c|3.25", "4|D|40.10", "5|e|5.00"]);
    // scd1 behaves like merge, on a table it creates with the key as primary key.
    let scd1 = json!({"connection": "dw", "table": "sales1", "mode": "scd1", "keys": ["id"]});
    write_sales(&db, "id,name,amount\n1,a,1.00\n2,b,2.00\n", scd1.clone()).await;
    write_sales(&db, "id,name,amount\n2,B,22.00\n3,c,3.00\n", scd1).await;
    assert_eq!(sales(&db, "sales1").await, ["1|a|1.00", "2|B|22.00", "3|c|3.00"]);
    db.drop().await;
}

async fn partitions(kind: Kind) {
    let db = TestDb::new(kind).await;
    let schema = json!([{"name": "biz", "type": "date"}, {"name": "id", "type": "int64"}, {"name": "amount", "type": "decimal(10,2)"}]);
    let sink = json!({"connection": "dw", "table": "daily", "mode": "replace_partition", "partition_by": ["biz"]});
    let g = graph("in.csv", schema, sink);
    let look = || async {
        let q = format!(
            "SELECT {}, {}, {} FROM daily ORDER BY biz, id",
            db.text("biz"),
            db.text("id"),
            db.dec("amount", 2)
        );
        db.lines(&q).await
    };
    db.write("in.csv", "biz,id,amount\n2024-01-01,1,1.00\n2024-01-02,2,2.00\n");
    db.run(&g, &[("biz_date", "2024-01-02")]).await.unwrap();
    assert_eq!(look().await, ["2024-01-01|1|1.00", "2024-01-02|2|2.00"]);
    // The second day is recomputed: its rows are replaced, the first day's stay.
    db.write("in.csv", "biz,id,amount\n2024-01-02,3,3.00\n2024-01-02,4,4.00\n");
    for _ in 0..2 {
        db.run(&g, &[("biz_date", "2024-01-02")]).await.unwrap();
        assert_eq!(
            look().await,
            ["2024-01-01|1|1.00", "2024-01-02|3|3.00", "2024-01-02|4|4.00"],
            "rerun is idempotent"
        );
    }
    db.drop().await;
}

async fn history(kind: Kind) {
    let db = TestDb::new(kind).await;
    let schema = json!([{"name": "id", "type": "int64"}, {"name": "name", "type": "string"}, {"name": "city", "type": "string"}]);
    let sink = |expire: bool| {
        json!({"connection": "dw", "table": "dim_customer", "mode": "scd2", "keys": ["id"], "tracked": ["city"],
               "as_of": "$biz_date", "expire_missing": expire})
    };
    let look = || async {
        let q = format!(
            "SELECT {}, {}, name, city, {}, {}, CASE WHEN is_current THEN 'Y' ELSE 'N' END FROM dim_customer ORDER BY sk",
            db.text("sk"),
            db.text("id"),
            db.text("valid_from"),
            db.text("valid_to")
        );
        db.lines(&q).await
    };
    db.write("in.csv", "id,name,city\n1,a,北京\n2,b,上海\n3,c,广州\n");
    db.run(&graph("in.csv", schema.clone(), sink(false)), &[("biz_date", "2024-01-01")]).await.unwrap();
    assert_eq!(look().await, ["1|1|a|北京|2024-01-01|∅|Y", "2|2|b|上海|2024-01-01|∅|Y", "3|3|c|广州|2024-01-01|∅|Y"]);
    // Day 2: 1 unchanged, 2 moved, 3 missing (kept), 4 new. New versions get keys in key order.
    db.write("in.csv", "id,name,city\n1,a,北京\n2,b,深圳\n4,d,成都\n");
    db.run(&graph("in.csv", schema.clone(), sink(false)), &[("biz_date", "2024-01-02")]).await.unwrap();
    let day2 = [
        "1|1|a|北京|2024-01-01|∅|Y",
        "2|2|b|上海|2024-01-01|2024-01-02|N",
        "3|3|c|广州|2024-01-01|∅|Y",
        "4|2|b|深圳|2024-01-02|∅|Y",
        "5|4|d|成都|2024-01-02|∅|Y",
    ];
    assert_eq!(look().await, day2);
    // Rerunning day 2 changes nothing: every key's tracked values are as stored.
    db.run(&graph("in.csv", schema.clone(), sink(false)), &[("biz_date", "2024-01-02")]).await.unwrap();
    assert_eq!(look().await, day2);
    // Day 3 with expire_missing: only key 1 arrives, every other current row closes.
    db.write("in.csv", "id,name,city\n1,a,北京\n");
    db.run(&graph("in.csv", schema, sink(true)), &[("biz_date", "2024-01-03")]).await.unwrap();
    assert_eq!(
        look().await,
        [
            "1|1|a|北京|2024-01-01|∅|Y",
            "2|2|b|上海|2024-01-01|2024-01-02|N",
            "3|3|c|广州|2024-01-01|2024-01-03|N",
            "4|2|b|深圳|2024-01-02|2024-01-03|N",
            "5|4|d|成都|2024-01-02|2024-01-03|N",
        ]
    );
    db.drop().await;
}

async fn types(kind: Kind) {
    let db = TestDb::new(kind).await;
    let schema = json!([
        {"name": "i", "type": "int64"}, {"name": "f", "type": "float64"}, {"name": "d", "type": "decimal(18,4)"},
        {"name": "s", "type": "string"}, {"name": "b", "type": "bool"}, {"name": "dt", "type": "date"},
        {"name": "ts", "type": "timestamp"}
    ]);
    db.write(
        "in.csv",
        "i,f,d,s,b,dt,ts\n1,1.5,1234.5678,\"中文，测试 😀 tab\tand \\ back\",true,2024-02-29,2024-02-29T13:45:01.123456\n\
         2,,,x,,,\n-9007199254740993,-0.25,-0.0001,y,false,1999-12-31,1999-12-31T23:59:59\n",
    );
    let sink = json!({"connection": "dw", "table": "类型", "mode": "replace"});
    db.run(&graph("in.csv", schema, sink), &[("biz_date", "2024-01-01")]).await.unwrap();
    let q = format!(
        "SELECT {}, {}, {}, s, CASE WHEN b THEN 'Y' WHEN NOT b THEN 'N' END, {}, {} FROM {} ORDER BY i",
        db.text("i"),
        db.text("f"),
        db.dec("d", 4),
        db.text("dt"),
        db.text("ts"),
        if kind == Kind::My { "`类型`" } else { "\"类型\"" }
    );
    let ts2 = if kind == Kind::My { "1999-12-31 23:59:59.000000" } else { "1999-12-31 23:59:59" };
    assert_eq!(
        db.lines(&q).await,
        [
            format!("-9007199254740993|-0.25|-0.0001|y|N|1999-12-31|{ts2}"),
            "1|1.5|1234.5678|中文，测试 😀 tab\tand \\ back|Y|2024-02-29|2024-02-29 13:45:01.123456".to_string(),
            "2|∅|∅|x|∅|∅|∅".to_string(),
        ]
    );
    if kind == Kind::Lite {
        // SQLite has no date type: the contract's ISO text.
        let t = db
            .lines("SELECT typeof(dt), CAST(dt AS TEXT), typeof(ts), CAST(ts AS TEXT) FROM \"类型\" WHERE i = 1")
            .await;
        assert_eq!(t, ["text|2024-02-29|text|2024-02-29 13:45:01.123456"]);
    }
    db.drop().await;
}

/// Three table sinks into one database in one run (one creates its table, one
/// merges into an existing one): each lands, none waits on another's lock.
async fn sinks_sharing_a_database(kind: Kind) {
    let db = TestDb::new(kind).await;
    write_sales(&db, "id,name,amount\n1,a,1.00\n", json!({"connection": "dw", "table": "kept", "mode": "replace"}))
        .await;
    db.write("in.csv", "id,name,amount\n1,A,10.00\n2,b,2.00\n");
    let mut g = graph("in.csv", sales_schema(), json!({"connection": "dw", "table": "fresh", "mode": "replace"}));
    let nodes = g["nodes"].as_array_mut().unwrap();
    nodes.push(json!({"id": "merged", "kind": "sink.table", "config": {"connection": "dw", "table": "kept", "mode": "merge", "keys": ["id"]}}));
    nodes.push(
        json!({"id": "logged", "kind": "sink.table", "config": {"connection": "dw", "table": "log", "mode": "append"}}),
    );
    let edges = g["edges"].as_array_mut().unwrap();
    edges.push(json!({"from": "src", "to": "merged"}));
    edges.push(json!({"from": "src", "to": "logged"}));
    let w = db.run(&g, &[("biz_date", "2024-01-01")]).await.expect("every sink publishes");
    assert_eq!(w.len(), 3);
    for table in ["fresh", "kept", "log"] {
        assert_eq!(sales(&db, table).await, ["1|A|10.00", "2|b|2.00"], "table {table}");
    }
    db.drop().await;
}

#[tokio::test]
async fn replace_append_merge_scd1_on_postgres() {
    replace_append_merge(Kind::Pg).await;
}
#[tokio::test]
async fn replace_append_merge_scd1_on_mariadb() {
    replace_append_merge(Kind::My).await;
}
#[tokio::test]
async fn replace_append_merge_scd1_on_sqlite() {
    replace_append_merge(Kind::Lite).await;
}
#[tokio::test]
async fn replace_partition_reruns_are_idempotent_on_postgres() {
    partitions(Kind::Pg).await;
}
#[tokio::test]
async fn replace_partition_reruns_are_idempotent_on_mariadb() {
    partitions(Kind::My).await;
}
#[tokio::test]
async fn replace_partition_reruns_are_idempotent_on_sqlite() {
    partitions(Kind::Lite).await;
}
#[tokio::test]
async fn scd2_history_over_business_dates_on_postgres() {
    history(Kind::Pg).await;
}
#[tokio::test]
async fn scd2_history_over_business_dates_on_mariadb() {
    history(Kind::My).await;
}
#[tokio::test]
async fn scd2_history_over_business_dates_on_sqlite() {
    history(Kind::Lite).await;
}
#[tokio::test]
async fn types_round_trip_on_postgres() {
    types(Kind::Pg).await;
}
#[tokio::test]
async fn types_round_trip_on_mariadb() {
    types(Kind::My).await;
}
#[tokio::test]
async fn types_round_trip_on_sqlite() {
    types(Kind::Lite).await;
}
#[tokio::test]
async fn sinks_sharing_a_database_publish_together_on_postgres() {
    sinks_sharing_a_database(Kind::Pg).await;
}
#[tokio::test]
async fn sinks_sharing_a_database_publish_together_on_mariadb() {
    sinks_sharing_a_database(Kind::My).await;
}
#[tokio::test]
async fn sinks_sharing_a_database_publish_together_on_sqlite() {
    sinks_sharing_a_database(Kind::Lite).await;
}
