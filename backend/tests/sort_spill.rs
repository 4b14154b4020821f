//! A sort under a small memory limit on a machine with many cores spills
//! instead of failing: each sort partition sets aside memory for merging its
//! spilled runs, and at DataFusion's 10 MiB per partition, 64 partitions
//! under a 64 MiB limit (a preview's size, scaled) would hold more than the
//! whole limit before sorting a row. `limits::sort_reservation` scales it.

use datafusion::arrow::array::Int64Array;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::datasource::MemTable;
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};
use sluice_backend::engine::limits::{self, Limits};
use std::sync::Arc;

const PARTITIONS: usize = 64;

fn context(l: Limits, reservation: usize) -> SessionContext {
    let mut cfg = SessionConfig::new().with_target_partitions(PARTITIONS);
    cfg.options_mut().execution.sort_spill_reservation_bytes = reservation;
    let state = SessionStateBuilder::new()
        .with_config(cfg)
        .with_runtime_env(limits::runtime(l).unwrap())
        .with_default_features()
        .build();
    SessionContext::new_with_state(state)
}

/// 64 partitions of 40,000 rows (two int64 columns): 41 MB of data.
fn table() -> MemTable {
    let schema =
        Arc::new(Schema::new(vec![Field::new("k", DataType::Int64, false), Field::new("v", DataType::Int64, false)]));
    let parts = (0..PARTITIONS as i64)
        .map(|p| {
            let k: Int64Array = (0..40_000i64).map(|i| (i * 7919 + p * 104_729) % 1_000_003).collect();
            let v: Int64Array = (0..40_000i64).map(|i| i + p).collect();
            vec![RecordBatch::try_new(schema.clone(), vec![Arc::new(k), Arc::new(v)]).unwrap()]
        })
        .collect();
    MemTable::try_new(schema, parts).unwrap()
}

async fn sort(ctx: &SessionContext) -> Result<i64, String> {
    ctx.register_table("t", Arc::new(table())).unwrap();
    let df = ctx.sql("SELECT k FROM t ORDER BY k").await.map_err(|e| e.to_string())?;
    let batches = df.collect().await.map_err(|e| e.to_string())?;
    let keys: Vec<i64> = batches
        .iter()
        .flat_map(|b| b.column(0).as_any().downcast_ref::<Int64Array>().unwrap().values().to_vec())
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "sorted");
    Ok(keys.len() as i64)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sort_with_many_partitions_spills_under_a_small_limit() {
    let l = Limits { memory: 64 << 20, spill: 1 << 30 };
    // What DataFusion sets aside by default: 64 × 10 MiB, more than the limit.
    let before = sort(&context(l, 10 << 20)).await;
    assert!(before.is_err(), "the default set-aside should not fit: {before:?}");
    // Scaled: a quarter of the limit over all partitions.
    let scaled = limits::sort_reservation(l, PARTITIONS);
    assert_eq!(scaled, (64 << 20) / (4 * PARTITIONS));
    assert_eq!(sort(&context(l, scaled)).await, Ok(PARTITIONS as i64 * 40_000));
    // Big limits keep DataFusion's own figure.
    assert_eq!(limits::sort_reservation(Limits::RUN, 16), 10 << 20);
}
