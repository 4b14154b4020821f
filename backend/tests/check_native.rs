//! Row rules planned two ways flag the same rows: in this process (each flag
//! `sluice_flag`, an `in` list of codes `sluice_in_codes`, `engine/flag.rs` and
//! `engine/codes.rs`) and portably (`CASE` and DataFusion's `IN`, as a cluster
//! or the SQL export gets them). Texts of every length around the 7-byte codes,
//! NULLs, several batches and partitions.

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

const BRANCHES: [&str; 9] = ["B001", "B002", "B01", "B0011", "B001234", "B0012345", "B001-long-name", "", "X001"];

/// 20,000 rows in batches of 1,500: `id` (NULL every 101st), `branch` (from
/// [`BRANCHES`], NULL every 13th), `day` 0..30.
fn input() -> Vec<RecordBatch> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, true),
        Field::new("branch", DataType::Utf8, true),
        Field::new("day", DataType::Int64, true),
    ]));
    let rows: Vec<usize> = (0..20_000).collect();
    rows.chunks(1_500)
        .map(|chunk| {
            let id: Int64Array = chunk.iter().map(|&i| (i % 101 != 0).then_some(i as i64)).collect();
            let branch: StringArray = chunk.iter().map(|&i| (i % 13 != 0).then(|| BRANCHES[i % 9])).collect();
            let day: Int64Array = chunk.iter().map(|&i| Some((i % 30) as i64)).collect();
            RecordBatch::try_new(schema.clone(), vec![Arc::new(id), Arc::new(branch), Arc::new(day)]).unwrap()
        })
        .collect()
}

/// Per quarantined row, sorted: its `id` and `_failed_rules`; and the rows out.
async fn flagged(how: Planning) -> (Vec<(Option<i64>, String)>, usize) {
    let ctx = session(Limits::PREVIEW).unwrap();
    let batches = input();
    let table = MemTable::try_new(batches[0].schema(), vec![batches[..6].to_vec(), batches[6..].to_vec()]).unwrap();
    let inputs: Inputs =
        BTreeMap::from([("in".to_string(), vec![("src".to_string(), ctx.read_table(Arc::new(table)).unwrap())])]);
    let config: CheckConfig = serde_json::from_value(json!({"rules": [
        {"name": "known", "kind": "in", "column": "branch", "values": ["B001", "B002", "B0011", "B001234", ""]},
        {"name": "code", "kind": "matches", "column": "branch", "pattern": "^B[0-9]{3}$"},
        {"name": "set", "kind": "not_null", "columns": ["id"]},
        {"name": "days", "kind": "between", "column": "day", "min": 1, "max": 27},
        {"name": "not_7", "kind": "expr", "expr": "day <> 7"}
    ]}))
    .unwrap();
    let plan = checks::plan("chk", &config, &inputs, &BTreeMap::new(), how).unwrap();
    let physical = plan.quarantine.clone().create_physical_plan().await.unwrap();
    let shown = displayable(physical.as_ref()).indent(true).to_string();
    for udf in ["sluice_flag", "sluice_in_codes"] {
        assert_eq!(shown.contains(udf), how.native, "{udf}: {shown}");
    }
    let out: usize = plan.out.clone().collect().await.unwrap().iter().map(RecordBatch::num_rows).sum();
    let mut rows = Vec::new();
    for b in plan.quarantine.clone().collect().await.unwrap() {
        let id = b.column_by_name("id").unwrap().as_primitive::<Int64Type>();
        let why = b.column_by_name("_failed_rules").unwrap();
        let why = datafusion::arrow::compute::cast(why, &DataType::Utf8).unwrap();
        let why = why.as_string::<i32>();
        rows.extend((0..b.num_rows()).map(|i| (id.is_valid(i).then(|| id.value(i)), why.value(i).to_string())));
    }
    rows.sort();
    assert_eq!(out + rows.len(), 20_000, "every row leaves by `out` or the quarantine");
    (rows, out)
}

#[tokio::test]
async fn native_and_portable_flags_agree() {
    let native = flagged(Planning { tally: false, native: true }).await;
    let portable = flagged(Planning { tally: false, native: false }).await;
    assert_eq!(native, portable);
    // Each rule failed somewhere, and a NULL branch failed neither text rule.
    for rule in ["known", "code", "set", "days", "not_7"] {
        assert!(native.0.iter().any(|(_, why)| why.split(',').any(|r| r == rule)), "{rule} never failed");
    }
    let failing = |id: i64| native.0.iter().find(|(i, _)| *i == Some(id)).map(|(_, why)| why.as_str());
    assert_eq!(failing(13), None, "branch NULL, day 13: passes");
    assert_eq!(failing(5), Some("known,code"), "B0012345 (8 bytes, its first 7 a listed code) is not listed");
    assert_eq!(failing(4), Some("code"), "B001234 (7 bytes) is listed");
    assert_eq!(failing(3), Some("code"), "B0011 is listed but no code of 3 digits");
}
