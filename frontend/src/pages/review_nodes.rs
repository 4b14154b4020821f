//! The review page's added and removed nodes in full: every setting of each
//! (the filter's condition, the output's path, the aggregate's groups ...),
//! so a new graph can be judged from the review page alone.

use super::fmt::cell;
use leptos::prelude::*;
use serde_json::Value;
use sluice_shared::{Graph, NodeKind};

/// A config value as text: text as is, lists of text joined, anything else as compact JSON.
pub fn setting_text(v: &Value) -> String {
    match v {
        Value::Array(items) if items.iter().all(Value::is_string) => {
            items.iter().map(cell).collect::<Vec<_>>().join(", ")
        }
        Value::Array(items) => items.iter().map(setting_text).collect::<Vec<_>>().join("; "),
        Value::Object(map) => {
            map.iter().map(|(k, v)| format!("{k}: {}", setting_text(v))).collect::<Vec<_>>().join(", ")
        }
        other => cell(other),
    }
}

fn node_block(g: &Graph, id: &str, testid: &'static str, dot: &'static str) -> impl IntoView + use<> {
    let n = g.node(id).cloned();
    let kind = n.as_ref().map(|n| n.kind.clone()).unwrap_or_default();
    let label = NodeKind::parse(&kind).map(|k| crate::i18n::kind(k).to_string()).unwrap_or_else(|| kind.clone());
    let rows = n
        .and_then(|n| n.config.as_object().cloned())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            view! {
                <tr data-testid="node-config-row" data-key=k.clone()>
                    <th class="code">{k.clone()}</th>
                    <td class="code" data-testid="node-config-value">{setting_text(&v)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="diff-node" data-testid=testid data-node=id.to_string()>
            <h3><span class=format!("diff-dot {dot}")></span>{id.to_string()}" "<span class="muted">{label}</span></h3>
            <table class="data-table kv"><tbody>{rows}</tbody></table>
        </div>
    }
}

/// Every setting of the nodes the submission adds (from `graph`) and removes (from `base`).
#[component]
pub fn AddedRemovedNodes(graph: Graph, base: Option<Graph>, added: Vec<String>, removed: Vec<String>) -> impl IntoView {
    let added = added.iter().map(|id| node_block(&graph, id, "added-node", "diff-added")).collect_view();
    let removed =
        base.map(|b| removed.iter().map(|id| node_block(&b, id, "removed-node", "diff-removed")).collect_view());
    view! { {added} {removed} }
}

#[cfg(test)]
mod tests {
    use super::setting_text;
    use serde_json::json;

    #[test]
    fn settings_read_as_text() {
        assert_eq!(setting_text(&json!("amount > 100")), "amount > 100");
        assert_eq!(setting_text(&json!(["branch", "day"])), "branch, day");
        assert_eq!(setting_text(&json!([{"fn": "sum", "column": "amount"}])), "column: amount, fn: sum");
        assert_eq!(setting_text(&json!(true)), "true");
    }
}
