//! The review page's sample rows lined up: the rows an output loses and gains
//! are paired by their key (the group columns of the aggregate that feeds the
//! output), so a reviewer reads one line per key with the changed cells
//! marked, instead of two unsorted lists. Without a key, each side is sorted.

use super::fmt::cell;
use leptos::prelude::*;
use serde_json::Value;
use sluice_shared::{Graph, NodeConfig, NodeKind};
use std::collections::BTreeMap;

/// The columns that identify a row of `sink`'s output: the group columns of the
/// nearest aggregate upstream, through nodes with one input.
pub fn key_columns(graph: &Graph, sink: &str) -> Vec<String> {
    let mut at = sink.to_string();
    for _ in 0..graph.nodes.len() {
        let Some(n) = graph.node(&at) else { break };
        if let Some(NodeKind::Aggregate) = NodeKind::parse(&n.kind)
            && let Ok(NodeConfig::Aggregate(c)) = NodeConfig::parse(NodeKind::Aggregate, &n.config)
        {
            return c.group_by;
        }
        let inputs: Vec<&str> = graph.edges.iter().filter(|e| e.to == at).map(|e| e.from.as_str()).collect();
        match inputs.as_slice() {
            [one] => at = one.to_string(),
            _ => break,
        }
    }
    Vec::new()
}

/// One line of the lined-up table.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// Same key on both sides: before, after, and which cells differ.
    Changed {
        before: Vec<Value>,
        after: Vec<Value>,
        changed: Vec<bool>,
    },
    Removed(Vec<Value>),
    Added(Vec<Value>),
}

fn text_key(row: &[Value], idx: &[usize]) -> String {
    idx.iter().map(|i| row.get(*i).map(cell).unwrap_or_default()).collect::<Vec<_>>().join("\u{1f}")
}

fn sort_key(row: &[Value]) -> String {
    row.iter().map(cell).collect::<Vec<_>>().join("\u{1f}")
}

/// The rows of one key: (before, after).
type Sides = (Vec<Vec<Value>>, Vec<Vec<Value>>);

/// Pairs `removed` and `added` rows by the `keys` columns (in `columns`), sorted by key;
/// without keys (or a key column missing) the removed rows come first, each side sorted.
pub fn line_up(columns: &[String], keys: &[String], removed: Vec<Vec<Value>>, added: Vec<Vec<Value>>) -> Vec<Line> {
    let idx: Option<Vec<usize>> = keys.iter().map(|k| columns.iter().position(|c| c == k)).collect();
    let Some(idx) = idx.filter(|i| !i.is_empty()) else {
        let (mut r, mut a) = (removed, added);
        r.sort_by_key(|x| sort_key(x));
        a.sort_by_key(|x| sort_key(x));
        return r.into_iter().map(Line::Removed).chain(a.into_iter().map(Line::Added)).collect();
    };
    let mut by_key: BTreeMap<String, Sides> = BTreeMap::new();
    for r in removed {
        by_key.entry(text_key(&r, &idx)).or_default().0.push(r);
    }
    for a in added {
        by_key.entry(text_key(&a, &idx)).or_default().1.push(a);
    }
    let mut out = Vec::new();
    for (_, (before, after)) in by_key {
        let mut after = after.into_iter();
        for b in before {
            match after.next() {
                Some(a) => {
                    let changed = (0..b.len().max(a.len())).map(|i| b.get(i) != a.get(i)).collect();
                    out.push(Line::Changed { before: b, after: a, changed });
                }
                None => out.push(Line::Removed(b)),
            }
        }
        out.extend(after.map(Line::Added));
    }
    out
}

fn cells(row: &[Value]) -> impl IntoView + use<> {
    row.iter().map(|v| view! { <td>{cell(v)}</td> }).collect_view()
}

/// The lined-up rows under a header of `columns`.
#[component]
pub fn LinedRows(
    columns: Vec<String>,
    keys: Vec<String>,
    removed: Vec<Vec<Value>>,
    added: Vec<Vec<Value>>,
) -> impl IntoView {
    let head = columns.iter().map(|c| {
        let is_key = keys.contains(c);
        view! { <th class:key=is_key data-testid="sample-header">{c.clone()}</th> }
    });
    let head = head.collect_view();
    let lines = line_up(&columns, &keys, removed, added)
        .into_iter()
        .map(|l| match l {
            Line::Removed(r) => view! { <tr class="diff-removed-row" data-testid="sample-row-removed"><td>"−"</td>{cells(&r)}</tr> }.into_any(),
            Line::Added(r) => view! { <tr class="diff-added-row" data-testid="sample-row-added"><td>"+"</td>{cells(&r)}</tr> }.into_any(),
            Line::Changed { before, after, changed } => {
                let tds = after
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        if changed.get(i).copied().unwrap_or(false) {
                            let old = before.get(i).map(cell).unwrap_or_default();
                            let title = crate::i18n::tf("review_rows.was", &[("old", &old.to_string())]);
                            view! {
                                <td class="cell-changed" data-testid="sample-cell-changed" title=title>
                                    <s class="diff-removed-text">{old}</s>" "<span class="diff-added-text">{cell(v)}</span>
                                </td>
                            }
                            .into_any()
                        } else {
                            view! { <td>{cell(v)}</td> }.into_any()
                        }
                    })
                    .collect_view();
                view! { <tr class="diff-changed-row" data-testid="sample-row-changed"><td>"~"</td>{tds}</tr> }.into_any()
            }
        })
        .collect_view();
    view! {
        <table class="data-table sample-lined" data-testid="sample-table">
            <thead><tr><th></th>{head}</tr></thead>
            <tbody>{lines}</tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(v: Value) -> Vec<Value> {
        v.as_array().unwrap().clone()
    }

    #[test]
    fn rows_pair_by_key_and_mark_changed_cells() {
        let cols = vec!["branch".to_string(), "total".to_string(), "n".to_string()];
        let removed = vec![row(json!(["b2", 10, 1])), row(json!(["b1", 5, 2])), row(json!(["b3", 1, 1]))];
        let added = vec![row(json!(["b1", 7, 2])), row(json!(["b0", 9, 9])), row(json!(["b2", 10, 3]))];
        let lines = line_up(&cols, &["branch".into()], removed, added);
        assert_eq!(
            lines,
            vec![
                Line::Added(row(json!(["b0", 9, 9]))),
                Line::Changed {
                    before: row(json!(["b1", 5, 2])),
                    after: row(json!(["b1", 7, 2])),
                    changed: vec![false, true, false]
                },
                Line::Changed {
                    before: row(json!(["b2", 10, 1])),
                    after: row(json!(["b2", 10, 3])),
                    changed: vec![false, false, true]
                },
                Line::Removed(row(json!(["b3", 1, 1]))),
            ]
        );
    }

    #[test]
    fn without_a_key_each_side_is_sorted() {
        let cols = vec!["a".to_string()];
        let lines = line_up(&cols, &[], vec![row(json!(["z"])), row(json!(["c"]))], vec![row(json!(["b"]))]);
        assert_eq!(
            lines,
            vec![Line::Removed(row(json!(["c"]))), Line::Removed(row(json!(["z"]))), Line::Added(row(json!(["b"])))]
        );
    }

    #[test]
    fn the_key_is_the_group_columns_of_the_aggregate_upstream() {
        let g = sluice_shared::parse_graph_value(json!({
            "format": "sluice.graph/v1", "name": "k",
            "nodes": [
                {"id": "src", "kind": "source.csv", "config": {"path": "a.csv"}},
                {"id": "agg", "kind": "transform.aggregate",
                 "config": {"group_by": ["branch", "day"], "aggregates": [{"fn": "count", "as": "n"}]}},
                {"id": "top", "kind": "transform.sort", "config": {"by": [{"column": "n"}]}},
                {"id": "out", "kind": "sink.csv", "config": {"path": "out/a.csv"}}
            ],
            "edges": [{"from": "src", "to": "agg"}, {"from": "agg", "to": "top"}, {"from": "top", "to": "out"}]
        }))
        .unwrap();
        assert_eq!(key_columns(&g, "out"), ["branch", "day"]);
        assert!(key_columns(&g, "src").is_empty());
    }
}
