//! The form rules of the database-table nodes, as plain functions over the
//! config JSON: which keys the form shows, what a mode change or the
//! table/query switch writes. Which keys a mode uses is `shared`'s rule
//! ([`TableMode::keys`]); this only applies it to the form.

use serde_json::{Map, Value};
use sluice_shared::NodeKind;
use sluice_shared::api::connections::TableRef;
use sluice_shared::config::{TABLE_MODE_KEYS, TableMode};

/// The mode a `sink.table` config names (`replace` when it names none or one
/// this build does not know: the validator reports that one).
pub fn mode_of(config: &Value) -> TableMode {
    config.get("mode").and_then(Value::as_str).and_then(TableMode::parse).unwrap_or(TableMode::Replace)
}

/// Whether a `source.table` config reads a query (rather than a table).
pub fn reads_query(config: &Value) -> bool {
    config.get("query").is_some()
}

/// Whether the form of `kind` shows `key` for this config.
pub fn field_visible(kind: NodeKind, key: &str, config: &Value) -> bool {
    match kind {
        NodeKind::SourceTable => match key {
            "table" => !reads_query(config),
            "query" => reads_query(config),
            _ => true,
        },
        NodeKind::SinkTable if TABLE_MODE_KEYS.contains(&key) => mode_of(config).keys().contains(&key),
        _ => true,
    }
}

/// Sets `mode` and drops the keys the new mode does not use, so a config never
/// carries `keys` into a `replace`.
pub fn set_mode(m: &mut Map<String, Value>, mode: TableMode) {
    m.insert("mode".into(), Value::String(mode.as_str().into()));
    for k in TABLE_MODE_KEYS {
        if !mode.keys().contains(&k) {
            m.remove(k);
        }
    }
}

/// Switches a `source.table` config between reading a table and a query. A
/// chosen table becomes `SELECT * FROM <table>` to start the query from.
pub fn use_query(m: &mut Map<String, Value>, on: bool) {
    if on {
        let table = m.remove("table").and_then(|t| t.as_str().map(str::trim).map(String::from)).unwrap_or_default();
        let query = if table.is_empty() { String::new() } else { format!("SELECT * FROM {table}") };
        m.insert("query".into(), Value::String(query));
    } else {
        m.remove("query");
        m.insert("table".into(), Value::String(String::new()));
    }
}

/// A table as the config names it: `schema.name`, or `name` without a schema.
pub fn table_text(t: &TableRef) -> String {
    match &t.schema {
        Some(s) => format!("{s}.{}", t.name),
        None => t.name.clone(),
    }
}

/// The (connection, table) whose columns a `source.table` config reads, when it
/// names both and the table has no `{param}` left to fill.
pub fn table_to_inspect(config: &Value) -> Option<(String, String)> {
    let text = |k: &str| config.get(k).and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
    let (conn, table) = (text("connection"), text("table"));
    (!conn.is_empty() && !table.is_empty() && !table.contains('{') && !reads_query(config)).then_some((conn, table))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn a_sink_shows_only_the_keys_its_mode_uses() {
        let shown = |mode: &str| -> Vec<&str> {
            let c = json!({ "connection": "dw", "table": "t", "mode": mode });
            TABLE_MODE_KEYS.into_iter().filter(|k| field_visible(NodeKind::SinkTable, k, &c)).collect()
        };
        assert!(shown("replace").is_empty());
        assert_eq!(shown("append"), ["partition_by"]);
        assert_eq!(shown("merge"), ["keys"]);
        assert_eq!(shown("scd1"), ["keys"]);
        assert_eq!(shown("replace_partition"), ["partition_by"]);
        assert_eq!(shown("scd2"), ["keys", "tracked", "as_of", "expire_missing"]);
        // No mode is `replace`; the common keys always show.
        let c = json!({ "connection": "dw", "table": "t" });
        assert!(!field_visible(NodeKind::SinkTable, "keys", &c));
        for k in ["connection", "table", "mode"] {
            assert!(field_visible(NodeKind::SinkTable, k, &c));
        }
    }

    #[test]
    fn a_mode_change_drops_the_keys_the_new_mode_does_not_use() {
        let mut m = obj(json!({
            "connection": "dw", "table": "t", "mode": "scd2",
            "keys": ["id"], "tracked": ["segment"], "as_of": "$biz_date", "expire_missing": true
        }));
        set_mode(&mut m, TableMode::Merge);
        assert_eq!(
            Value::Object(m.clone()),
            json!({ "connection": "dw", "table": "t", "mode": "merge", "keys": ["id"] })
        );
        set_mode(&mut m, TableMode::ReplacePartition);
        assert_eq!(Value::Object(m), json!({ "connection": "dw", "table": "t", "mode": "replace_partition" }));
    }

    #[test]
    fn a_source_switches_between_table_and_query() {
        let mut m = obj(json!({ "connection": "core", "table": "public.accounts" }));
        assert!(field_visible(NodeKind::SourceTable, "table", &Value::Object(m.clone())));
        use_query(&mut m, true);
        let c = Value::Object(m.clone());
        assert_eq!(c, json!({ "connection": "core", "query": "SELECT * FROM public.accounts" }));
        assert!(
            field_visible(NodeKind::SourceTable, "query", &c) && !field_visible(NodeKind::SourceTable, "table", &c)
        );
        assert_eq!(table_to_inspect(&c), None);
        use_query(&mut m, false);
        assert_eq!(Value::Object(m), json!({ "connection": "core", "table": "" }));
    }

    #[test]
    fn columns_are_fetched_only_for_a_named_table() {
        let c = |v: Value| table_to_inspect(&v);
        assert_eq!(c(json!({ "connection": "core", "table": " s.t " })), Some(("core".into(), "s.t".into())));
        assert_eq!(c(json!({ "connection": "core", "table": "t_{biz_date}" })), None);
        assert_eq!(c(json!({ "connection": "", "table": "t" })), None);
        assert_eq!(c(json!({ "connection": "core", "table": "" })), None);
        assert_eq!(table_text(&TableRef { schema: Some("public".into()), name: "a".into() }), "public.a");
        assert_eq!(table_text(&TableRef { schema: None, name: "a".into() }), "a");
    }
}
