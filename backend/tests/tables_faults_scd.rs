//! `sink.table` modes `scd2` and `scd1` when the run fails after they staged
//! (another sink fails to stage, another sink's publish fails, or the scd2
//! insert itself fails after its rows were closed): every dimension must be
//! exactly as before — rows, surrogate keys, `valid_from`, `valid_to`,
//! `is_current` — and no staging table is left. The same run without the
//! fault then lands the change, so the faults really hit a pending change.

mod tables_support;

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tables_support::{Kind, TestDb, failure, graph};

fn schema() -> Value {
    json!([{"name": "id", "type": "int64"}, {"name": "name", "type": "string"}, {"name": "city", "type": "string"}])
}

/// The scd2 sink (`out`, table `dim`) and the scd1 sink (`dim1`, table `dim1`),
/// plus `extra` sinks, which the run stages and publishes after both dimensions.
fn dims_graph(extra: &[(&str, Value)]) -> Value {
    let scd2 = json!({"connection": "dw", "table": "dim", "mode": "scd2", "keys": ["id"], "tracked": ["city"],
                      "as_of": "$biz_date", "expire_missing": true});
    let mut g = graph("in.csv", schema(), scd2);
    let scd1 = json!({"connection": "dw", "table": "dim1", "mode": "scd1", "keys": ["id"]});
    g["nodes"].as_array_mut().unwrap().push(json!({"id": "dim1", "kind": "sink.table", "config": scd1}));
    // The extra sinks' wires first: the topological order then puts them last.
    let mut edges: Vec<Value> = extra.iter().map(|(id, _)| json!({"from": "src", "to": id})).collect();
    edges.extend([json!({"from": "src", "to": "out"}), json!({"from": "src", "to": "dim1"})]);
    g["edges"] = json!(edges);
    for (id, config) in extra {
        g["nodes"].as_array_mut().unwrap().push(json!({"id": id, "kind": "sink.table", "config": config}));
    }
    // The engine stages and applies table sinks in this order: a fault is only
    // a fault after staging if the dimensions come first.
    let parsed = sluice_shared::parse_graph_value(g.clone()).expect("graph parses");
    let order = sluice_shared::structure::check(&parsed, &mut Vec::new()).order;
    let at = |id: &str| order.iter().position(|o| o == id).expect("ordered");
    for (id, _) in extra {
        assert!(at(id) > at("out") && at(id) > at("dim1"), "{order:?}");
    }
    g
}

/// Every row of both dimensions, every column as text (NULL as `∅`).
async fn dims(db: &TestDb) -> (Vec<String>, Vec<String>) {
    let t = |c: &str| db.text(c);
    let scd2 = format!(
        "SELECT {}, {}, name, city, {}, {}, \
         CASE WHEN is_current IS NULL THEN '∅' WHEN is_current THEN 'Y' ELSE 'N' END FROM dim ORDER BY sk",
        t("sk"),
        t("id"),
        t("valid_from"),
        t("valid_to")
    );
    let scd1 = format!("SELECT {}, name, city FROM dim1 ORDER BY id", t("id"));
    (db.lines(&scd2).await, db.lines(&scd1).await)
}

/// Day 3's input: 1 moves, 2 unchanged, 3 missing (expired), 4 new; names repeat.
const DAY3: &str = "id,name,city\n1,a,杭州\n2,b,深圳\n4,a,北京\n";

/// Two days loaded: the scd2 dimension holds a closed version already.
async fn loaded(kind: Kind) -> TestDb {
    let db = TestDb::new(kind).await;
    db.write("in.csv", "id,name,city\n1,a,北京\n2,b,上海\n3,c,广州\n");
    db.run(&dims_graph(&[]), &[("biz_date", "2024-01-01")]).await.expect("day 1");
    db.write("in.csv", "id,name,city\n1,a,北京\n2,b,深圳\n3,c,广州\n");
    db.run(&dims_graph(&[]), &[("biz_date", "2024-01-02")]).await.expect("day 2");
    let day2 = (
        vec![
            "1|1|a|北京|2024-01-01|∅|Y".to_string(),
            "2|2|b|上海|2024-01-01|2024-01-02|N".to_string(),
            "3|3|c|广州|2024-01-01|∅|Y".to_string(),
            "4|2|b|深圳|2024-01-02|∅|Y".to_string(),
        ],
        vec!["1|a|北京".to_string(), "2|b|深圳".to_string(), "3|c|广州".to_string()],
    );
    assert_eq!(dims(&db).await, day2, "the two days loaded as expected");
    db.write("in.csv", DAY3);
    db
}

/// The run that failed, without its fault: the pending change lands, with the
/// next surrogate keys after the ones already there.
async fn day3_lands(db: &TestDb) {
    db.run(&dims_graph(&[]), &[("biz_date", "2024-01-03")]).await.expect("day 3 without the fault");
    let day3 = (
        vec![
            "1|1|a|北京|2024-01-01|2024-01-03|N".to_string(),
            "2|2|b|上海|2024-01-01|2024-01-02|N".to_string(),
            "3|3|c|广州|2024-01-01|2024-01-03|N".to_string(),
            "4|2|b|深圳|2024-01-02|∅|Y".to_string(),
            "5|1|a|杭州|2024-01-03|∅|Y".to_string(),
            "6|4|a|北京|2024-01-03|∅|Y".to_string(),
        ],
        vec!["1|a|杭州".to_string(), "2|b|深圳".to_string(), "3|c|广州".to_string(), "4|a|北京".to_string()],
    );
    assert_eq!(dims(db).await, day3);
}

/// No `sluice_stage_*` table in the database, and no session of the run left
/// open on it (a temporary table lives exactly as long as its session; other
/// sessions' temporary tables are visible in PostgreSQL's `pg_class`, not in MariaDB).
async fn no_staging_left(db: &TestDb) {
    let (tables, sessions) = match db.kind {
        Kind::Pg => (
            "SELECT CAST(relname AS TEXT) FROM pg_class WHERE relname LIKE 'sluice_stage_%'",
            Some(
                "SELECT CAST(pid AS TEXT) FROM pg_stat_activity \
                  WHERE datname = current_database() AND pid <> pg_backend_pid()",
            ),
        ),
        Kind::My => (
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'sluice_stage_%'",
            Some(
                "SELECT CAST(id AS CHAR) FROM information_schema.processlist \
                  WHERE db = DATABASE() AND id <> CONNECTION_ID()",
            ),
        ),
        Kind::Lite => ("SELECT name FROM sqlite_master WHERE name LIKE 'sluice_stage_%'", None),
    };
    assert_eq!(db.lines(tables).await, Vec::<String>::new(), "no staging table is left");
    if let Some(q) = sessions {
        // The test's own closed connections may take a moment to go.
        let started = Instant::now();
        while !db.lines(q).await.is_empty() {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "a session of the run is still open: {:?}",
                db.lines(q).await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Every sink stages; the last one's statements fail while publishing (its
/// table has a NOT NULL column the output lacks), after both dimensions applied.
async fn another_sink_fails_to_publish(kind: Kind) {
    let db = loaded(kind).await;
    db.exec("CREATE TABLE b (id BIGINT, name TEXT, city TEXT, must TEXT NOT NULL)").await;
    db.exec("INSERT INTO b VALUES (5, 'e', 'x', 'm')").await;
    let before = dims(&db).await;
    let b = json!({"connection": "dw", "table": "b", "mode": "append"});
    let (node, msg) = failure(db.run(&dims_graph(&[("out2", b)]), &[("biz_date", "2024-01-03")]).await);
    assert_eq!(node.as_deref(), Some("out2"), "{msg}");
    assert!(msg.contains("publishing") && msg.contains("must"), "{msg}");
    assert_eq!(dims(&db).await, before, "both dimensions are exactly as before");
    assert_eq!(db.lines(&format!("SELECT {}, name FROM b", db.text("id"))).await, ["5|e"]);
    no_staging_left(&db).await;
    day3_lands(&db).await;
    db.drop().await;
}

/// A merge sink keyed on `name` fails at staging (day 3 repeats a name) after
/// both dimensions staged.
async fn another_sink_fails_to_stage(kind: Kind) {
    let db = loaded(kind).await;
    let before = dims(&db).await;
    let by_name = json!({"connection": "dw", "table": "by_name", "mode": "merge", "keys": ["name"]});
    let (node, msg) = failure(db.run(&dims_graph(&[("by_name", by_name)]), &[("biz_date", "2024-01-03")]).await);
    assert_eq!(node.as_deref(), Some("by_name"), "{msg}");
    assert!(msg.contains("duplicate keys"), "{msg}");
    assert_eq!(dims(&db).await, before, "both dimensions are exactly as before");
    no_staging_left(&db).await;
    day3_lands(&db).await;
    db.drop().await;
}

/// A unique index on `city` makes the scd2 insert fail (new key 4 takes the
/// city of the version of key 1 the same run closes) after its close
/// statements ran and after the scd1 sink applied: the closed versions must
/// be open again, and the scd1 dimension as before.
async fn scd2_insert_fails_after_closing(kind: Kind) {
    let db = loaded(kind).await;
    let city = if kind == Kind::My { "city(100)" } else { "city" };
    db.exec(&format!("CREATE UNIQUE INDEX dim_city ON dim ({city})")).await;
    let before = dims(&db).await;
    let (node, msg) = failure(db.run(&dims_graph(&[]), &[("biz_date", "2024-01-03")]).await);
    assert_eq!(node.as_deref(), Some("out"), "{msg}");
    assert!(msg.contains("publishing") && msg.contains("dw.dim"), "{msg}");
    assert_eq!(dims(&db).await, before, "the closed versions are current again, nothing was inserted");
    no_staging_left(&db).await;
    db.drop().await;
}

#[tokio::test]
async fn dimensions_roll_back_when_another_sink_fails_to_publish_on_postgres() {
    another_sink_fails_to_publish(Kind::Pg).await;
}
#[tokio::test]
async fn dimensions_roll_back_when_another_sink_fails_to_publish_on_mariadb() {
    another_sink_fails_to_publish(Kind::My).await;
}
#[tokio::test]
async fn dimensions_roll_back_when_another_sink_fails_to_publish_on_sqlite() {
    another_sink_fails_to_publish(Kind::Lite).await;
}
#[tokio::test]
async fn dimensions_stay_when_another_sink_fails_to_stage_on_postgres() {
    another_sink_fails_to_stage(Kind::Pg).await;
}
#[tokio::test]
async fn dimensions_stay_when_another_sink_fails_to_stage_on_mariadb() {
    another_sink_fails_to_stage(Kind::My).await;
}
#[tokio::test]
async fn dimensions_stay_when_another_sink_fails_to_stage_on_sqlite() {
    another_sink_fails_to_stage(Kind::Lite).await;
}
#[tokio::test]
async fn scd2_closes_roll_back_when_its_insert_fails_on_postgres() {
    scd2_insert_fails_after_closing(Kind::Pg).await;
}
#[tokio::test]
async fn scd2_closes_roll_back_when_its_insert_fails_on_mariadb() {
    scd2_insert_fails_after_closing(Kind::My).await;
}
#[tokio::test]
async fn scd2_closes_roll_back_when_its_insert_fails_on_sqlite() {
    scd2_insert_fails_after_closing(Kind::Lite).await;
}
