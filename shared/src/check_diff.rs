//! What a new version does to its data quality checks, for review: rules added,
//! removed, loosened (fewer rows would fail or break the run) or otherwise changed.
//! Rules are matched by check node id and rule name.

use crate::check::{CheckConfig, CheckRule, RuleLevel};
use crate::config::NodeConfig;
use crate::{Graph, NodeKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    /// Fewer rows fail it, or a broken rule no longer stops the run.
    Loosened,
    Changed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleChange {
    pub node: String,
    pub rule: String,
    pub change: Change,
    /// What changed, in words (`level error → warn; max_failures 0 → 10`).
    pub detail: String,
}

fn checks(g: &Graph) -> Vec<(String, CheckConfig)> {
    g.nodes
        .iter()
        .filter(|n| n.kind == NodeKind::TransformCheck.as_str())
        .filter_map(|n| match NodeConfig::parse(NodeKind::TransformCheck, &n.config) {
            Ok(NodeConfig::TransformCheck(c)) => Some((n.id.clone(), c)),
            _ => None,
        })
        .collect()
}

/// Every rule change from `before` to `after`, in `after`'s node and rule order
/// (removed rules last).
pub fn rule_changes(before: &Graph, after: &Graph) -> Vec<RuleChange> {
    let (old, new) = (checks(before), checks(after));
    let find = |list: &[(String, CheckConfig)], node: &str, rule: &str| -> Option<CheckRule> {
        let c = &list.iter().find(|(id, _)| id == node)?.1;
        c.rules.iter().find(|r| r.name == rule).cloned()
    };
    let mut out = Vec::new();
    for (node, c) in &new {
        for r in &c.rules {
            let change =
                |change, detail: String| RuleChange { node: node.clone(), rule: r.name.clone(), change, detail };
            match find(&old, node, &r.name) {
                None => out.push(change(Change::Added, format!("{} ({})", r.kind.as_str(), r.level.as_str()))),
                Some(o) if o == *r => {}
                Some(o) => {
                    let (loosened, words) = compare(&o, r);
                    let kind = if loosened { Change::Loosened } else { Change::Changed };
                    out.push(change(kind, words.join("; ")));
                }
            }
        }
    }
    for (node, c) in &old {
        for r in c.rules.iter().filter(|r| find(&new, node, &r.name).is_none()) {
            let detail = format!("{} ({})", r.kind.as_str(), r.level.as_str());
            out.push(RuleChange { node: node.clone(), rule: r.name.clone(), change: Change::Removed, detail });
        }
    }
    out
}

fn text(v: &Option<impl Serialize>) -> String {
    match v {
        None => "none".into(),
        Some(v) => serde_json::to_value(v).map(|v| v.to_string()).unwrap_or_default(),
    }
}

/// Whether `new` only lets more rows through than `old`, and the differences in words.
fn compare(old: &CheckRule, new: &CheckRule) -> (bool, Vec<String>) {
    let mut words = Vec::new();
    let mut looser = true;
    let mut note = |field: &str, a: String, b: String, loosens: bool| {
        if a != b {
            words.push(format!("{field} {a} → {b}"));
            looser &= loosens;
        }
    };
    note("kind", old.kind.as_str().into(), new.kind.as_str().into(), false);
    note("level", old.level.as_str().into(), new.level.as_str().into(), new.level == RuleLevel::Warn);
    let limit = |r: &CheckRule| r.max_failures.or(if r.max_ratio.is_none() { Some(0) } else { None });
    let (a, b) = (limit(old), limit(new));
    note("max_failures", text(&a), text(&b), b.is_none_or(|b| a.is_some_and(|a| b >= a)));
    let (a, b) = (old.max_ratio, new.max_ratio);
    note("max_ratio", text(&a), text(&b), b.is_none_or(|b| a.is_some_and(|a| b >= a)));
    use std::cmp::Ordering::{Equal, Greater, Less};
    let widens_low = |a: &Option<Value>, b: &Option<Value>| b.is_none() || matches!(order(a, b), Some(Greater | Equal));
    let widens_high = |a: &Option<Value>, b: &Option<Value>| b.is_none() || matches!(order(a, b), Some(Less | Equal));
    note("min", text(&old.min), text(&new.min), widens_low(&old.min, &new.min));
    note("max", text(&old.max), text(&new.max), widens_high(&old.max, &new.max));
    let gained = old.values.iter().flatten().all(|v| new.values.iter().flatten().any(|w| w == v));
    note("values", text(&old.values), text(&new.values), gained);
    let (a, b) = (old.tolerance.unwrap_or(0.0), new.tolerance.unwrap_or(0.0));
    note("tolerance", a.to_string(), b.to_string(), b >= a);
    for (field, a, b) in [
        ("columns", text(&old.columns), text(&new.columns)),
        ("column", text(&old.column), text(&new.column)),
        ("pattern", text(&old.pattern), text(&new.pattern)),
        ("expr", text(&old.expr), text(&new.expr)),
        ("fn", text(&old.func), text(&new.func)),
        ("against_column", text(&old.against_column), text(&new.against_column)),
    ] {
        note(field, a, b, false);
    }
    (looser && !words.is_empty(), words)
}

/// Bounds compared as numbers, or as text (ISO dates order as text).
fn order(a: &Option<Value>, b: &Option<Value>) -> Option<std::cmp::Ordering> {
    match (a.as_ref()?, b.as_ref()?) {
        (Value::String(x), Value::String(y)) => match (x.parse::<f64>(), y.parse::<f64>()) {
            (Ok(x), Ok(y)) => x.partial_cmp(&y),
            _ => Some(x.cmp(y)),
        },
        (x, y) => x.as_f64()?.partial_cmp(&y.as_f64()?),
    }
}
