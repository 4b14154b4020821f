//! `sink.table` modes: the names the contract gives, and which mode uses which keys.

use serde_json::json;
use sluice_shared::NodeKind;
use sluice_shared::config::{NodeConfig, TABLE_MODE_KEYS, TableMode};

#[test]
fn every_mode_is_spelled_as_the_contract_says() {
    let names: Vec<&str> = TableMode::ALL.iter().map(|m| m.as_str()).collect();
    assert_eq!(names, ["replace", "append", "merge", "replace_partition", "scd1", "scd2"]);
    for m in TableMode::ALL {
        assert_eq!(serde_json::to_value(m).unwrap(), json!(m.as_str()));
        assert_eq!(serde_json::from_value::<TableMode>(json!(m.as_str())).unwrap(), m);
        assert_eq!(TableMode::parse(m.as_str()), Some(m));
    }
    assert_eq!(TableMode::parse("replacepartition"), None);
}

#[test]
fn modes_use_the_keys_of_the_contract() {
    let uses = |m: TableMode| m.keys().to_vec();
    assert!(uses(TableMode::Replace).is_empty());
    // Beyond the contract's table, optional: the partitions a backfill replaces (docs/tables.md, "Backfills").
    assert_eq!(uses(TableMode::Append), ["partition_by"]);
    assert_eq!(uses(TableMode::Merge), ["keys"]);
    assert_eq!(uses(TableMode::Scd1), ["keys"]);
    assert_eq!(uses(TableMode::ReplacePartition), ["partition_by"]);
    assert_eq!(uses(TableMode::Scd2), ["keys", "tracked", "as_of", "expire_missing"]);
    for m in TableMode::ALL {
        assert!(m.keys().iter().all(|k| TABLE_MODE_KEYS.contains(k)), "{m:?}");
    }
    // Every optional key is used by some mode.
    for k in TABLE_MODE_KEYS {
        assert!(TableMode::ALL.iter().any(|m| m.keys().contains(&k)), "{k}");
    }
}

#[test]
fn a_table_sink_reads_every_mode_and_its_keys() {
    let cfg = json!({
        "connection": "dw", "table": "dim_customer", "mode": "scd2",
        "keys": ["customer_id"], "tracked": ["segment"], "as_of": "$biz_date", "expire_missing": true
    });
    let NodeConfig::SinkTable(s) = NodeConfig::parse(NodeKind::SinkTable, &cfg).unwrap() else { panic!() };
    assert_eq!(s.mode, TableMode::Scd2);
    assert_eq!(s.keys, ["customer_id"]);
    assert!(s.expire_missing);
    let cfg = json!({ "connection": "dw", "table": "t", "mode": "replace_partition", "partition_by": ["biz_date"] });
    let NodeConfig::SinkTable(s) = NodeConfig::parse(NodeKind::SinkTable, &cfg).unwrap() else { panic!() };
    assert_eq!(s.mode, TableMode::ReplacePartition);
    assert!(!s.expire_missing);
    let bad = json!({ "connection": "dw", "table": "t", "mode": "upsert" });
    assert!(NodeConfig::parse(NodeKind::SinkTable, &bad).is_err());
}
