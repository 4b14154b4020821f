//! `source.table` through `engine::prepare` / `execute` against real
//! PostgreSQL, MariaDB and SQLite. Every expected value is computed by the
//! database itself (epoch arithmetic in SQL), never by the code under test.

mod tables_common;

use datafusion::arrow::datatypes::{DataType as A, TimeUnit};
use datafusion::prelude::{col, lit};
use serde_json::json;
use sluice_backend::engine::error::EngineError;
use sluice_backend::engine::tables::read::recent_queries;
use tables_common::*;

#[tokio::test]
async fn postgres_types_match_what_the_database_computes() {
    pg("DROP SCHEMA IF EXISTS tsr_pg_types CASCADE; CREATE SCHEMA tsr_pg_types;
        CREATE TABLE tsr_pg_types.t (id bigint, amount numeric(18,2), big numeric(38,6), d date,
            ts timestamp, tz timestamptz, name text, ok boolean, f real, n int);
        INSERT INTO tsr_pg_types.t VALUES
          (1, 123.45, 12345678901234567890123456789012.123456, '2026-01-31', '2026-01-31 10:11:12.123456',
           '2026-01-31 10:00:00+08', '上海分行', true, 1.5, 7),
          (2, -0.05, 0, '1999-12-31', '1970-01-01 00:00:00', '2000-02-29 23:59:59.5-05', 'ASCII', false, -2.25, -1),
          (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);")
    .await;
    let dir = tempfile::tempdir().unwrap();
    let doc = table_graph(json!({"connection": "core", "table": "tsr_pg_types.t"}), json!({}));
    let p = prepare(dir.path(), doc, &pg_url(), &[]).await.unwrap();
    let schema = p.frames["src"].schema().as_arrow().clone();
    let ty = |n: &str| schema.field_with_name(n).unwrap().data_type().clone();
    assert_eq!(ty("amount"), A::Decimal128(18, 2));
    assert_eq!(ty("big"), A::Decimal128(38, 6));
    assert_eq!(ty("d"), A::Date32);
    assert_eq!(ty("tz"), A::Timestamp(TimeUnit::Nanosecond, None));
    assert_eq!((ty("name"), ty("ok"), ty("f"), ty("n")), (A::Utf8, A::Boolean, A::Float64, A::Int64));

    let got = read_src(&p).await;
    let want = pg_rows(
        "SELECT (amount * 100)::text, (big * 1000000)::text, (d - DATE '1970-01-01')::text,
                (extract(epoch FROM ts) * 1000000)::bigint::text, (extract(epoch FROM tz) * 1000000)::bigint::text,
                name, CASE WHEN ok THEN 'true' WHEN NOT ok THEN 'false' END, f::text, n::text
         FROM tsr_pg_types.t ORDER BY id",
    )
    .await;
    let trim = |v: Vec<Option<String>>| -> Vec<Option<String>> {
        v.into_iter().map(|s| s.map(|s| s.split('.').next().unwrap().to_string())).collect()
    };
    assert_eq!(ints(&got, "amount"), trim(column(&want, 0)));
    assert_eq!(ints(&got, "big"), trim(column(&want, 1)));
    assert_eq!(ints(&got, "d"), column(&want, 2));
    assert_eq!(ints(&got, "ts"), column(&want, 3));
    assert_eq!(ints(&got, "tz"), column(&want, 4), "timestamptz is read in UTC");
    assert_eq!(texts(&got, "name"), column(&want, 5));
    assert_eq!(texts(&got, "ok"), column(&want, 6));
    assert_eq!(texts(&got, "f"), column(&want, 7));
    assert_eq!(texts(&got, "n"), column(&want, 8));

    // No column needed at all (count of rows): the SELECT reads a constant.
    use datafusion::functions_aggregate::expr_fn::count;
    let n = p.frames["src"].clone().aggregate(vec![], vec![count(lit(1))]).unwrap().collect().await.unwrap();
    assert_eq!(texts(&n, &n[0].schema().field(0).name().clone()), vec![Some("3".into())]);
    // A filter on a date column runs in the database, exactly.
    let df = p.frames["src"]
        .clone()
        .filter(col("d").lt(lit(datafusion::common::ScalarValue::Date32(Some(20_000)))))
        .unwrap();
    let got = df.collect().await.unwrap();
    assert_eq!(got.iter().map(|b| b.num_rows()).sum::<usize>(), 1);
    assert!(
        recent_queries().iter().any(|q| q.contains("FROM \"tsr_pg_types\".\"t\" WHERE ((\"d\" < ")),
        "{:#?}",
        recent_queries()
    );
}

#[tokio::test]
async fn mariadb_types_and_utf8mb4_text_match_the_database() {
    my("DROP TABLE IF EXISTS tsr_my_types;
        CREATE TABLE tsr_my_types (id BIGINT, amount DECIMAL(18,2), d DATE, ts DATETIME(6), stamp TIMESTAMP(6) NULL,
            name VARCHAR(50) CHARACTER SET utf8mb4, ok BOOLEAN, u BIGINT UNSIGNED, f FLOAT, y YEAR);
        INSERT INTO tsr_my_types VALUES
          (1, 123.45, '2026-01-31', '2026-01-31 10:11:12.123456', '2026-01-31 02:00:00', '北京分行😀', TRUE, 18446744073709551615, 1.5, 2026),
          (2, -0.05, '1999-12-31', '1970-01-01 00:00:00', '2000-02-29 23:59:59.5', 'ascii', FALSE, 0, -2.25, 1999),
          (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)")
    .await;
    let dir = tempfile::tempdir().unwrap();
    let doc = table_graph(json!({"connection": "core", "table": "tsr_my_types"}), json!({}));
    let p = prepare(dir.path(), doc, &my_url(), &[]).await.unwrap();
    let schema = p.frames["src"].schema().as_arrow().clone();
    let ty = |n: &str| schema.field_with_name(n).unwrap().data_type().clone();
    assert_eq!((ty("amount"), ty("u"), ty("ok")), (A::Decimal128(18, 2), A::Decimal128(20, 0), A::Boolean));
    let got = read_src(&p).await;
    // The session runs in UTC, as the reader's does, so TIMESTAMP values compare in UTC.
    let want = my_rows(
        "SELECT CAST(CAST(amount * 100 AS SIGNED) AS CHAR), CAST(DATEDIFF(d, '1970-01-01') AS CHAR),
                CAST(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', ts) AS CHAR),
                CAST(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', stamp) AS CHAR),
                CAST(name AS CHAR), CASE WHEN ok THEN 'true' WHEN NOT ok THEN 'false' END, CAST(u AS CHAR), CAST(y AS CHAR)
         FROM tsr_my_types ORDER BY id",
    )
    .await;
    assert_eq!(ints(&got, "amount"), column(&want, 0));
    assert_eq!(ints(&got, "d"), column(&want, 1));
    assert_eq!(ints(&got, "ts"), column(&want, 2));
    assert_eq!(texts(&got, "name"), column(&want, 4), "utf8mb4 text round-trips");
    assert_eq!(texts(&got, "ok"), column(&want, 5));
    assert_eq!(texts(&got, "u"), column(&want, 6));
    assert_eq!(texts(&got, "y"), column(&want, 7));
    assert_eq!(texts(&got, "f"), vec![Some("1.5".into()), Some("-2.25".into()), None]);
}

#[tokio::test]
async fn mariadb_stamps_are_read_in_utc() {
    // Set through a session in +08:00: the stored instant is 02:00 UTC.
    my("DROP TABLE IF EXISTS tsr_my_tz;
        CREATE TABLE tsr_my_tz (id INT, stamp TIMESTAMP NULL);
        SET time_zone = '+08:00';
        INSERT INTO tsr_my_tz VALUES (1, '2026-01-31 10:00:00')")
    .await;
    let dir = tempfile::tempdir().unwrap();
    let doc = table_graph(json!({"connection": "core", "table": "tsr_my_tz"}), json!({}));
    let p = prepare(dir.path(), doc, &my_url(), &[]).await.unwrap();
    let got = read_src(&p).await;
    assert_eq!(texts(&got, "stamp"), vec![Some("2026-01-31T02:00:00".into())]);
}

#[tokio::test]
async fn sqlite_declared_dates_and_decimals_read_back_typed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dw.db");
    {
        use sqlx::{Connection, Executor};
        let url = format!("sqlite://{}?mode=rwc", file.display());
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        c.execute(
            "CREATE TABLE t (id INTEGER, amount DECIMAL(10,2), d DATE, ts DATETIME, name TEXT, ok BOOLEAN, f REAL);
             INSERT INTO t VALUES (1, 123.45, '2026-01-31', '2026-01-31 10:11:12.250', '深圳', 1, 0.5),
                                  (2, 7, '1999-12-31', '1970-01-01T00:00:00', 'x', 0, 2),
                                  (3, NULL, NULL, NULL, NULL, NULL, NULL);
             CREATE TABLE bad (id INTEGER, n INTEGER); INSERT INTO bad VALUES (1, 'oops');",
        )
        .await
        .unwrap();
        let want: Vec<(Option<i64>, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT CAST(round(amount * 100) AS INTEGER), CAST(julianday(d) - 2440587.5 AS INTEGER),
                    CAST(strftime('%s', ts) AS INTEGER) * 1000000 + CAST(substr(strftime('%f', ts), 4) AS INTEGER) * 1000
             FROM t ORDER BY id",
        )
        .fetch_all(&mut c)
        .await
        .unwrap();
        let doc = table_graph(json!({"connection": "core", "table": "t"}), json!({}));
        let p = prepare(dir.path(), doc, "sqlite://dw.db", &[]).await.unwrap();
        let schema = p.frames["src"].schema().as_arrow().clone();
        assert_eq!(schema.field_with_name("amount").unwrap().data_type(), &A::Decimal128(10, 2));
        assert_eq!(schema.field_with_name("ts").unwrap().data_type(), &A::Timestamp(TimeUnit::Nanosecond, None));
        let got = read_src(&p).await;
        let s = |v: Option<i64>| v.map(|v| v.to_string());
        assert_eq!(ints(&got, "amount"), want.iter().map(|w| s(w.0)).collect::<Vec<_>>());
        assert_eq!(ints(&got, "d"), want.iter().map(|w| s(w.1)).collect::<Vec<_>>());
        assert_eq!(ints(&got, "ts"), want.iter().map(|w| s(w.2)).collect::<Vec<_>>());
        assert_eq!(texts(&got, "name"), vec![Some("深圳".into()), Some("x".into()), None]);
        assert_eq!(texts(&got, "ok"), vec![Some("true".into()), Some("false".into()), None]);
    }
    // A text value in an INTEGER column is an error naming node and column, not a 0.
    let doc = table_graph(json!({"connection": "core", "table": "bad"}), json!({}));
    let p = prepare(dir.path(), doc, "sqlite://dw.db", &[]).await.unwrap();
    let err = p.frames["src"].clone().collect().await.unwrap_err().to_string();
    assert!(err.contains("`src`") && err.contains("column `n`"), "{err}");
    // The file is opened read-only: a missing database is not created.
    let doc = table_graph(json!({"connection": "core", "table": "t"}), json!({}));
    let e = prepare(dir.path(), doc, "sqlite://absent.db", &[]).await.err().unwrap();
    assert!(matches!(e, EngineError::Failed { node: Some(ref n), .. } if n == "src"), "{e}");
    assert!(!dir.path().join("absent.db").exists());
}

#[tokio::test]
async fn a_preview_of_two_million_rows_sends_limit_and_where() {
    pg("DROP SCHEMA IF EXISTS tsr_big CASCADE; CREATE SCHEMA tsr_big;
        CREATE TABLE tsr_big.t AS SELECT g AS id, (g % 1000)::numeric(10,2) AS amount, md5(g::text) AS note
        FROM generate_series(1, 2000000) g;")
    .await;
    let dir = tempfile::tempdir().unwrap();
    let doc = table_graph(json!({"connection": "core", "table": "tsr_big.t"}), json!({}));
    let p = prepare(dir.path(), doc, &pg_url(), &[]).await.unwrap();
    // What shows the table is not read is the SQL the database got (a timing would
    // belong in a benchmark): the limit goes with the query.
    let rows = p.frames["src"].clone().limit(0, Some(5)).unwrap().collect().await.unwrap();
    assert_eq!(rows.iter().map(|b| b.num_rows()).sum::<usize>(), 5);
    let sent = recent_queries();
    assert!(sent.iter().any(|q| q.contains("FROM \"tsr_big\".\"t\"") && q.ends_with("LIMIT 5")), "{sent:#?}");

    // A filter and a projection go to the database too; the answer is the database's.
    let df = p.frames["src"].clone().filter(col("id").gt(lit(1_999_990i64))).unwrap().select_columns(&["id"]).unwrap();
    let got: usize = df.collect().await.unwrap().iter().map(|b| b.num_rows()).sum();
    let want = pg_rows("SELECT count(*)::text FROM tsr_big.t WHERE id > 1999990").await;
    assert_eq!(Some(got.to_string()), want[0][0]);
    // All 2,000,000 rows stream through (many COPY chunks and batches); DataFusion's
    // sum and max agree with the database's.
    use datafusion::functions_aggregate::expr_fn::{max, sum};
    let all = p.frames["src"].clone().aggregate(vec![], vec![sum(col("amount")), max(col("note"))]).unwrap();
    let all = all.collect().await.unwrap();
    let want = pg_rows("SELECT sum(amount)::text, max(note) FROM tsr_big.t").await;
    assert_eq!(texts(&all, &all[0].schema().field(0).name().clone()), column(&want, 0));
    assert_eq!(texts(&all, &all[0].schema().field(1).name().clone()), column(&want, 1));
    let sent = recent_queries();
    assert!(
        sent.iter()
            .any(|q| q == "SELECT CAST(\"id\" AS BIGINT) AS \"id\" FROM \"tsr_big\".\"t\" WHERE ((\"id\" > 1999990))"),
        "{sent:#?}"
    );
}

#[tokio::test]
async fn mariadb_text_equality_is_pushed_but_checked_again() {
    my("DROP TABLE IF EXISTS tsr_my_case;
        CREATE TABLE tsr_my_case (id INT, name VARCHAR(10));
        INSERT INTO tsr_my_case VALUES (1, 'abc'), (2, 'ABC'), (3, 'abd')")
    .await;
    let dir = tempfile::tempdir().unwrap();
    let doc = table_graph(json!({"connection": "core", "table": "tsr_my_case"}), json!({}));
    let p = prepare(dir.path(), doc, &my_url(), &[]).await.unwrap();
    let df = p.frames["src"].clone().filter(col("name").eq(lit("abc"))).unwrap();
    let got = df.collect().await.unwrap();
    assert_eq!(
        texts(&got, "id"),
        vec![Some("1".into())],
        "MySQL's collation matches ABC too; DataFusion filters again"
    );
    assert!(recent_queries().iter().any(|q| q.contains("FROM `tsr_my_case` WHERE ((`name` = 'abc'))")));
}

#[tokio::test]
async fn param_table_names_and_queries_read_what_the_database_answers() {
    pg("DROP SCHEMA IF EXISTS tsr_param CASCADE; CREATE SCHEMA tsr_param;
        CREATE TABLE tsr_param.sales_2026 (branch text, amount numeric(12,2));
        INSERT INTO tsr_param.sales_2026 VALUES ('上海', 10.50), ('上海', 2.25), ('北京', 1.00);
        CREATE TABLE tsr_param.sales_2025 (branch text, amount numeric(12,2));")
    .await;
    let dir = tempfile::tempdir().unwrap();
    let doc = table_graph(
        json!({"connection": "core", "table": "tsr_param.sales_{year}"}),
        json!({"year": {"type": "string", "default": "2025"}}),
    );
    let p = prepare(dir.path(), doc, &pg_url(), &[("year", "2026")]).await.unwrap();
    let got = read_src(&p).await;
    assert_eq!(got.iter().map(|b| b.num_rows()).sum::<usize>(), 3, "the parameter picked sales_2026");

    let q = "SELECT branch, sum(amount) AS total, count(*) AS n FROM tsr_param.sales_2026 GROUP BY branch";
    let doc = table_graph(json!({"connection": "core", "query": q}), json!({}));
    let p = prepare(dir.path(), doc, &pg_url(), &[]).await.unwrap();
    let got = read_src(&p).await;
    let want = pg_rows(&format!("SELECT branch, total::text, n::text FROM ({q}) s ORDER BY branch")).await;
    assert_eq!(texts(&got, "branch"), column(&want, 0));
    assert_eq!(texts(&got, "n"), column(&want, 2));
    let totals: Vec<Option<String>> =
        texts(&got, "total").into_iter().map(|t| t.map(|t| t.trim_end_matches('0').to_string())).collect();
    assert_eq!(
        totals,
        column(&want, 1).into_iter().map(|t| t.map(|t| t.trim_end_matches('0').to_string())).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn hostile_table_names_are_refused_and_the_table_survives() {
    pg("DROP SCHEMA IF EXISTS tsr_sec CASCADE; CREATE SCHEMA tsr_sec;
        CREATE TABLE tsr_sec.victim (id int); INSERT INTO tsr_sec.victim VALUES (1);")
    .await;
    let dir = tempfile::tempdir().unwrap();
    for table in ["tsr_sec.victim; DROP TABLE tsr_sec.victim", "tsr_sec.\"victim\"", "x' OR '1'='1"] {
        let doc = table_graph(json!({"connection": "core", "table": table}), json!({}));
        let e = prepare(dir.path(), doc, &pg_url(), &[]).await.err().unwrap();
        assert!(matches!(&e, EngineError::Invalid(p) if p[0].node.as_deref() == Some("src")), "{table}: {e}");
    }
    let doc = table_graph(
        json!({"connection": "core", "table": "tsr_sec.v_{p}"}),
        json!({"p": {"type": "string", "default": "x"}}),
    );
    let e = prepare(dir.path(), doc, &pg_url(), &[("p", "x; DROP TABLE tsr_sec.victim; --")]).await.err().unwrap();
    assert!(e.to_string().contains("after substituting parameters"), "{e}");
    assert_eq!(pg_rows("SELECT count(*)::text FROM tsr_sec.victim").await[0][0].as_deref(), Some("1"));
}

#[tokio::test]
async fn queries_that_would_write_are_refused_before_anything_runs() {
    pg("DROP SCHEMA IF EXISTS tsr_ro CASCADE; CREATE SCHEMA tsr_ro; CREATE TABLE tsr_ro.t (id int);").await;
    let dir = tempfile::tempdir().unwrap();
    for q in [
        "INSERT INTO tsr_ro.t VALUES (1)",
        "DROP TABLE tsr_ro.t",
        "SELECT 1; DELETE FROM tsr_ro.t",
        "CREATE TABLE tsr_ro.u AS SELECT 1",
    ] {
        let doc = table_graph(json!({"connection": "core", "query": q}), json!({}));
        let e = prepare(dir.path(), doc, &pg_url(), &[]).await.err().unwrap();
        assert!(matches!(&e, EngineError::Invalid(p) if p[0].field.as_deref() == Some("query")), "{q}: {e}");
    }
    // Even a writing function the checker does not know meets a read-only transaction.
    let doc = table_graph(json!({"connection": "core", "query": "SELECT nextval('tsr_ro.s') AS n"}), json!({}));
    pg("CREATE SEQUENCE tsr_ro.s").await;
    let p = prepare(dir.path(), doc, &pg_url(), &[]).await.unwrap();
    let e = p.frames["src"].clone().collect().await.unwrap_err().to_string();
    assert!(e.contains("read-only"), "{e}");
}

#[tokio::test]
async fn an_unreachable_server_fails_within_the_connect_timeout() {
    use sluice_backend::engine::connect::{Connection, Connections};
    use sluice_backend::engine::{self, Mode, Options, root::DataRoot};
    let dir = tempfile::tempdir().unwrap();
    let root = DataRoot::new(dir.path());
    // A non-routable address: the connection attempt hangs (or is refused at once).
    let mut c = Connection::parse("postgres://u:Hidden9Pw@10.255.255.1:5432/db", &root).unwrap();
    c.connect_timeout = std::time::Duration::from_secs(1);
    let mut conns = Connections::default();
    conns.insert("core", c);
    let doc = table_graph(json!({"connection": "core", "table": "t"}), json!({}));
    let opts = Options { connections: Some(std::sync::Arc::new(conns)), ..Default::default() };
    let started = std::time::Instant::now();
    let e = engine::prepare_with(&graph(doc), &Default::default(), &root, Mode::Run, opts).await.err().unwrap();
    assert!(started.elapsed().as_secs_f64() < 5.0, "{:?}", started.elapsed());
    let text = e.to_string();
    assert!(text.starts_with("src: connection `core`: cannot connect"), "{text}");
    assert!(!text.contains("Hidden9Pw"), "{text}");
}
