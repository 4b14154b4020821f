//! `unique` rules planned two ways give the same rows: the hash mark a run on
//! one machine uses (`engine/dupes.rs`) and the sorted window a cluster or the
//! SQL export uses. Keys with NULLs, two key columns, several batches and
//! partitions, duplicates far apart in the input.

use datafusion::arrow::array::{Array, AsArray, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Int64Type, Schema};
use datafusion::datasource::MemTable;
use datafusion::physical_plan::displayable;
use serde_json::json;
use sluice_backend::engine::checks::{self, Planning};
use sluice_backend::engine::{limits::Limits, session, transforms::Inputs};
use sluice_shared::check::CheckConfig;
use std::collections::BTreeMap;
use std::sync::Arc;

/// 40,000 rows in batches of 3,000: `id` distinct but for a repeat every 997
/// rows and a NULL every 1,009; (`branch`, `day`) from small domains.
fn input() -> Vec<RecordBatch> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, true),
        Field::new("branch", DataType::Utf8, true),
        Field::new("day", DataType::Int64, true),
    ]));
    let rows: Vec<usize> = (0..40_000).collect();
    rows.chunks(3_000)
        .map(|chunk| {
            let id: Int64Array = chunk
                .iter()
                .map(|&i| match i {
                    i if i % 1009 == 0 => None,
                    // The id of the row 2,500 rows earlier: in another batch.
                    i if i % 997 == 0 && i > 2_500 => Some(1_000_000 + i as i64 - 2_500),
                    i => Some(1_000_000 + i as i64),
                })
                .collect();
            let branch: StringArray =
                chunk.iter().map(|&i| (i % 31 != 0).then(|| format!("B{:03}", i % 211))).collect();
            let day: Int64Array = chunk.iter().map(|&i| Some((i % 19) as i64)).collect();
            RecordBatch::try_new(schema.clone(), vec![Arc::new(id), Arc::new(branch), Arc::new(day)]).unwrap()
        })
        .collect()
}

/// The `id`s of the rows each plan quarantines, sorted, and its failure counts.
async fn quarantined(how: Planning, columns: &[&str]) -> (Vec<Option<i64>>, usize) {
    let ctx = session(Limits::PREVIEW).unwrap();
    let batches = input();
    let table = MemTable::try_new(batches[0].schema(), vec![batches[..7].to_vec(), batches[7..].to_vec()]).unwrap();
    let df = ctx.read_table(Arc::new(table)).unwrap();
    let inputs: Inputs = BTreeMap::from([("in".to_string(), vec![("src".to_string(), df)])]);
    let config: CheckConfig = serde_json::from_value(json!({
        "rules": [{"name": "once", "kind": "unique", "columns": columns}]
    }))
    .unwrap();
    let plan = checks::plan("chk", &config, &inputs, &BTreeMap::new(), how).unwrap();
    let physical = plan.quarantine.clone().create_physical_plan().await.unwrap();
    let shown = displayable(physical.as_ref()).indent(true).to_string();
    assert_eq!(shown.contains("CheckUniqueExec"), how.native, "{shown}");
    assert_eq!(shown.contains("WindowAggExec"), !how.native, "{shown}");
    let out: usize = plan.out.clone().collect().await.unwrap().iter().map(RecordBatch::num_rows).sum();
    let mut ids = Vec::new();
    for b in plan.quarantine.clone().collect().await.unwrap() {
        let a = b.column_by_name("id").unwrap().as_primitive::<Int64Type>();
        ids.extend((0..a.len()).map(|i| a.is_valid(i).then(|| a.value(i))));
    }
    ids.sort();
    assert_eq!(out + ids.len(), 40_000, "every row leaves by `out` or the quarantine");
    (ids, out)
}

#[tokio::test]
async fn one_key_column_hashed_and_windowed_agree() {
    let hashed = quarantined(Planning { tally: false, native: true }, &["id"]).await;
    let windowed = quarantined(Planning { tally: false, native: false }, &["id"]).await;
    // 38 repeats, each failing with the row it repeats.
    assert_eq!(hashed.0.len(), 76, "{:?}", hashed.0);
    assert!(hashed.0.iter().all(Option::is_some), "a NULL key is never a duplicate");
    assert_eq!(hashed, windowed);
}

#[tokio::test]
async fn two_key_columns_hashed_and_windowed_agree() {
    let hashed = quarantined(Planning { tally: false, native: true }, &["branch", "day"]).await;
    let windowed = quarantined(Planning { tally: false, native: false }, &["branch", "day"]).await;
    assert!(hashed.0.len() > 1_000 && hashed.1 > 1_000, "both outputs hold rows: {} / {}", hashed.0.len(), hashed.1);
    assert_eq!(hashed, windowed);
}
