//! Backfills and `append` table sinks (docs/tables.md, "Backfills").
//!
//! A backfill of a past business date reads every row of an incremental
//! `source.table` (no watermark), so an `append` sink would add rows it already
//! added, and again on every rerun. An `append` `sink.table` may therefore name
//! `partition_by`: the column(s) holding each row's partition (its business
//! date, say). Scheduled and draft runs append as usual; a backfill runs the
//! sink as `replace_partition` over those columns ([`for_backfill`]), so a rerun
//! leaves the table as it was.
//!
//! [`problems`]: before a backfill is queued (`POST /api/schedules/{id}/backfill`)
//! and again when a backfill run starts, an `append` sink fed through any path
//! by an incremental `source.table` must name `partition_by`; otherwise the
//! backfill is refused with the sink and field named. It is not a validation
//! rule: the contract's `append` needs no config, and scheduled, draft and
//! command-line runs append as before. A check's `against` input does not
//! count (it is compared, not passed on).

use crate::config::NodeConfig;
use crate::model::Graph;
use crate::problem::Problem;
use crate::tables::TableMode;
use std::collections::{BTreeMap, BTreeSet};

/// The input ports of each node: port → upstream node ids (as the validator's report keeps them).
pub type Inputs = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// The port of `transform.check` whose rows are compared, not passed on.
const AGAINST: &str = "against";

/// Why a backfill of `graph` cannot run: a problem on `partition_by` for every
/// `append` `sink.table` without it that an incremental `source.table` feeds.
/// Nodes whose config does not parse are skipped (validation reports them).
pub fn problems(graph: &Graph) -> Vec<Problem> {
    let configs: BTreeMap<String, NodeConfig> = graph
        .nodes
        .iter()
        .filter_map(|n| {
            let kind = crate::NodeKind::parse(&n.kind)?;
            Some((n.id.clone(), NodeConfig::parse(kind, &n.config).ok()?))
        })
        .collect();
    let mut inputs = Inputs::new();
    for e in &graph.edges {
        let port = e.port.clone().unwrap_or_else(|| "in".to_string());
        inputs.entry(e.to.clone()).or_default().entry(port).or_default().push(e.from.clone());
    }
    let mut out = Vec::new();
    check(&configs, &inputs, &mut out);
    out
}

/// Adds a problem on `partition_by` for every `append` `sink.table` without it
/// that an incremental `source.table` feeds.
pub fn check(configs: &BTreeMap<String, NodeConfig>, inputs: &Inputs, problems: &mut Vec<Problem>) {
    for (id, cfg) in configs {
        let NodeConfig::SinkTable(t) = cfg else { continue };
        if t.mode != TableMode::Append || !t.partition_by.is_empty() {
            continue;
        }
        if let Some(src) = incremental_upstream(id, configs, inputs) {
            let msg = format!(
                "mode `append` after incremental source `{src}` needs `partition_by` (what a backfill replaces)"
            );
            problems.push(Problem::node(id, Some("partition_by"), msg));
        }
    }
}

/// The first incremental `source.table` (by id) upstream of `id`, not counting `against` inputs.
fn incremental_upstream(id: &str, configs: &BTreeMap<String, NodeConfig>, inputs: &Inputs) -> Option<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![id.to_string()];
    let mut found = BTreeSet::new();
    while let Some(n) = stack.pop() {
        for (port, froms) in inputs.get(&n).into_iter().flatten() {
            let check = matches!(configs.get(&n), Some(NodeConfig::TransformCheck(_)));
            if check && port == AGAINST {
                continue;
            }
            for from in froms.iter().filter(|f| seen.insert(f.to_string())) {
                if let Some(NodeConfig::SourceTable(s)) = configs.get(from)
                    && s.incremental.is_some()
                {
                    found.insert(from.clone());
                }
                stack.push(from.clone());
            }
        }
    }
    found.into_iter().next()
}

/// The graph a backfill runs: every `append` `sink.table` naming `partition_by`
/// becomes `replace_partition` over those columns. Quarantine tables keep
/// appending (they log each run's failing rows). Nodes whose config does not
/// parse are left as they are (validation reports them).
pub fn for_backfill(graph: &Graph) -> Graph {
    let mut g = graph.clone();
    for n in g.nodes.iter_mut().filter(|n| n.kind == crate::NodeKind::SinkTable.as_str()) {
        let Some(cfg) = n.config.as_object_mut() else { continue };
        let append = cfg.get("mode").and_then(|m| m.as_str()) == Some(TableMode::Append.as_str());
        let parts = cfg.get("partition_by").and_then(|p| p.as_array()).is_some_and(|a| !a.is_empty());
        if append && parts {
            cfg.insert("mode".into(), TableMode::ReplacePartition.as_str().into());
        }
    }
    g
}

/// Whether [`for_backfill`] changes anything in `graph`.
pub fn replaces_partitions(graph: &Graph) -> bool {
    &for_backfill(graph) != graph
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{Context, validate};
    use serde_json::json;

    fn graph(sink: serde_json::Value, check: bool) -> Graph {
        let mut nodes = vec![
            json!({"id": "src", "kind": "source.table",
                   "config": {"connection": "dw", "table": "tx", "incremental": {"column": "updated_at"}}}),
            json!({"id": "plain", "kind": "source.table", "config": {"connection": "dw", "table": "ref"}}),
            json!({"id": "out", "kind": "sink.table", "config": sink}),
        ];
        let mut edges = vec![];
        if check {
            nodes.push(json!({"id": "chk", "kind": "transform.check", "config": {"rules": [
                {"name": "same", "kind": "reconcile", "fn": "count"}]}}));
            edges.push(json!({"from": "plain", "to": "chk"}));
            edges.push(json!({"from": "src", "to": "chk", "port": "against"}));
            edges.push(json!({"from": "chk", "to": "out"}));
        } else {
            edges.push(json!({"from": "src", "to": "out"}));
        }
        let doc = json!({"format": "sluice.graph/v1", "name": "g", "nodes": nodes, "edges": edges});
        serde_json::from_value(doc).unwrap()
    }

    fn texts(g: &Graph) -> Vec<String> {
        problems(g).iter().map(|p| format!("{}", p)).collect()
    }

    #[test]
    fn append_after_incremental_needs_partitions() {
        let g = graph(json!({"connection": "dw", "table": "t", "mode": "append"}), false);
        let p = texts(&g);
        assert!(
            p.iter().any(|m| m.contains("out")
                && m.contains("mode `append` after incremental source `src` needs `partition_by`")),
            "{p:?}"
        );
        // Not a validation problem: the contract's `append` needs no config.
        let valid = validate(&g, &Context::default()).problems;
        assert!(!valid.iter().any(|p| p.field.as_deref() == Some("partition_by")), "{valid:?}");
        // Coded, so it reads in Chinese too; on the sink's `partition_by`.
        let all = problems(&g);
        let p = all.iter().find(|p| p.code.as_deref() == Some("append_after_incremental")).expect("a code");
        assert_eq!((p.node.as_deref(), p.field.as_deref()), (Some("out"), Some("partition_by")));
        assert_eq!(p.params.get("source").map(String::as_str), Some("src"));
        assert!(p.text(crate::i18n::Lang::ZhCn).contains("回补"), "{}", p.text(crate::i18n::Lang::ZhCn));
        let g = graph(json!({"connection": "dw", "table": "t", "mode": "append", "partition_by": ["day"]}), false);
        assert!(texts(&g).is_empty(), "{:?}", texts(&g));
        for mode in ["replace", "merge"] {
            let g = graph(json!({"connection": "dw", "table": "t", "mode": mode, "keys": ["id"]}), false);
            assert!(texts(&g).is_empty(), "{mode}");
        }
    }

    #[test]
    fn an_against_input_does_not_count() {
        let g = graph(json!({"connection": "dw", "table": "t", "mode": "append"}), true);
        assert!(texts(&g).is_empty(), "{:?}", texts(&g));
    }

    #[test]
    fn a_backfill_replaces_the_partitions_of_append_sinks() {
        let g = graph(json!({"connection": "dw", "table": "t", "mode": "append", "partition_by": ["day"]}), false);
        assert!(replaces_partitions(&g));
        let b = for_backfill(&g);
        assert_eq!(b.node("out").unwrap().config["mode"], "replace_partition");
        assert_eq!(b.node("out").unwrap().config["partition_by"], json!(["day"]));
        let plain = graph(json!({"connection": "dw", "table": "t", "mode": "append"}), false);
        assert!(!replaces_partitions(&plain));
        assert_eq!(for_backfill(&plain), plain);
    }
}
