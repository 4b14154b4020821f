//! The editor's catalog (`dbmeta::columns`, the column pickers) and a run
//! (`source.table`: the driver describes the SELECT, `types::map`) read every
//! column of real PostgreSQL, MariaDB and SQLite tables as the same contract
//! type, or both refuse it. PostgreSQL and MariaDB on 127.0.0.1 are required.

mod common;
mod tables_common;

use sluice_backend::engine::connect::Connection;
use sluice_backend::engine::dbmeta;
use sluice_backend::engine::root::DataRoot;
use sluice_backend::engine::tables::{dialect, scan, types};
use sluice_shared::DataType;
use sluice_shared::api::connections::TableRef;
use sluice_shared::table_source::TableName;

/// Each column's type as the catalog lists it and as a run reads it.
async fn both(conn: &Connection, schema: Option<&str>, table: &str) -> Vec<(String, Option<DataType>)> {
    let r = TableRef { schema: schema.map(str::to_string), name: table.to_string() };
    let catalog = dbmeta::columns(conn, &r).await.unwrap();
    let name = TableName { schema: r.schema.clone(), table: table.to_string() };
    let mut db = scan::connect("c", conn).await.unwrap();
    let from = dialect::quote_table(conn.kind, &name);
    let described = scan::describe(&mut db, &from, Some(&name)).await.unwrap();
    assert_eq!(catalog.len(), described.len());
    let mut out = Vec::new();
    for (field, (col, driver, ps)) in catalog.into_iter().zip(described) {
        assert_eq!(field.name, col);
        let run = types::map(conn.kind, &driver, ps).ok().map(|(ty, _, _)| ty);
        assert_eq!(field.ty, run, "{:?} column `{col}`: the catalog and a run differ (read as {driver})", conn.kind);
        out.push((col, run));
    }
    out
}

fn ty_of(cols: &[(String, Option<DataType>)], name: &str) -> Option<DataType> {
    cols.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no column {name}")).1
}

#[tokio::test]
async fn postgresql_types_read_alike_in_the_catalog_and_a_run() {
    let db = common::PgDb::create().await;
    let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url).await.unwrap();
    sqlx::raw_sql(
        "CREATE TYPE mood AS ENUM ('ok', 'sad'); CREATE SCHEMA dw; CREATE TABLE dw.t (
         a smallint, b integer, c bigint, d oid, e real, f double precision, g numeric(18,2), h numeric,
         i numeric(50,10), j numeric(60,45), k boolean, l date, m timestamp, n timestamptz,
         o timestamp(3) with time zone, p varchar(20), q char(3), r text, s uuid, t jsonb, u interval,
         v time, w bit(3), x varbit, y int4[], z mood, raw bytea)",
    )
    .execute(&mut c)
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection::parse(&db.url, &DataRoot::new(dir.path())).unwrap();
    let cols = both(&conn, Some("dw"), "t").await;
    assert_eq!(cols.len(), 27);
    assert_eq!(ty_of(&cols, "d"), Some(DataType::Int64));
    assert_eq!(ty_of(&cols, "g"), Some(DataType::Decimal(18, 2)));
    assert_eq!(ty_of(&cols, "h"), Some(DataType::Decimal(38, 10)));
    assert_eq!(ty_of(&cols, "i"), Some(DataType::Decimal(38, 10)));
    assert_eq!(ty_of(&cols, "o"), Some(DataType::Timestamp));
    assert_eq!(ty_of(&cols, "y"), Some(DataType::String));
    assert_eq!(ty_of(&cols, "raw"), None);
    db.drop_db().await;
}

#[tokio::test]
async fn mariadb_types_read_alike_in_the_catalog_and_a_run() {
    let table = format!("sl_types_{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    tables_common::my(&format!(
        "CREATE TABLE {table} (a tinyint, b tinyint(1), c tinyint unsigned, d smallint, e mediumint, f int,
         g int unsigned, h bigint, i bigint unsigned, j year, k float, l double, m decimal(12,4),
         n decimal(65,30), o date, p datetime(6), q timestamp NULL, r time, s varchar(20), t char(3), u text,
         v longtext, w enum('a','b'), x set('x','y'), y json, z blob, aa varbinary(8), ab binary(16), ac bit(1),
         ad bit(8), ae point, af boolean, ag varchar(20) COLLATE utf8mb4_unicode_ci,
         ah varchar(20) COLLATE utf8mb4_bin, ai text COLLATE utf8mb4_bin)",
    ))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection::parse(&tables_common::my_url(), &DataRoot::new(dir.path())).unwrap();
    let cols = both(&conn, None, &table).await;
    tables_common::my(&format!("DROP TABLE {table}")).await;
    assert_eq!(cols.len(), 35);
    assert_eq!(ty_of(&cols, "b"), Some(DataType::Bool));
    assert_eq!(ty_of(&cols, "af"), Some(DataType::Bool));
    assert_eq!(ty_of(&cols, "i"), Some(DataType::Decimal(20, 0)));
    assert_eq!(ty_of(&cols, "n"), Some(DataType::Decimal(38, 30)));
    assert_eq!(ty_of(&cols, "p"), Some(DataType::Timestamp));
    assert_eq!(ty_of(&cols, "w"), Some(DataType::String));
    // Text in a binary collation (MariaDB's JSON too) is text; the `binary` character set is bytes.
    for c in ["y", "ah", "ai"] {
        assert_eq!(ty_of(&cols, c), Some(DataType::String), "{c}");
    }
    assert_eq!((ty_of(&cols, "ac"), ty_of(&cols, "ae"), ty_of(&cols, "z")), (None, None, None));
}

#[tokio::test]
async fn sqlite_types_read_alike_in_the_catalog_and_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE t (a DECIMAL(10,3), b DECIMAL, c NUMERIC, d DATETIME, e DATE, f INTEGER, g VARCHAR(20),
         h BLOB, i, j BOOLEAN, k DOUBLE, l REAL, m MONEY, n TEXT)",
    )
    .execute(&mut c)
    .await
    .unwrap();
    let conn = Connection::parse("sqlite://t.db", &DataRoot::new(dir.path())).unwrap();
    let cols = both(&conn, None, "t").await;
    assert_eq!(cols.len(), 14);
    assert_eq!(
        (ty_of(&cols, "a"), ty_of(&cols, "c")),
        (Some(DataType::Decimal(10, 3)), Some(DataType::Decimal(38, 10)))
    );
    assert_eq!((ty_of(&cols, "h"), ty_of(&cols, "i")), (None, Some(DataType::String)));
}

/// A run reads MariaDB's JSON and text in a binary collation as text, values intact.
#[tokio::test]
async fn mariadb_json_and_binary_collated_text_are_read_as_text() {
    let table = format!("sl_bin_{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    tables_common::my(&format!(
        "CREATE TABLE {table} (id int, doc json, code varchar(10) COLLATE utf8mb4_bin);
         INSERT INTO {table} VALUES (1, '{{\"name\": \"张三\"}}', 'AbC'), (2, NULL, NULL)"
    ))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let doc =
        tables_common::table_graph(serde_json::json!({"connection": "core", "table": table}), serde_json::json!({}));
    let prepared = tables_common::prepare(dir.path(), doc, &tables_common::my_url(), &[]).await;
    let batches = match prepared {
        Ok(p) => Ok(tables_common::read_src(&p).await),
        Err(e) => Err(e.to_string()),
    };
    tables_common::my(&format!("DROP TABLE {table}")).await;
    let batches = batches.unwrap();
    let doc = tables_common::texts(&batches, "doc");
    assert_eq!(doc, [Some("{\"name\": \"张三\"}".to_string()), None]);
    assert_eq!(tables_common::texts(&batches, "code"), [Some("AbC".to_string()), None]);
}
