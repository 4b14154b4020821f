//! One node card on the canvas: a header coloured by category, the id, a line
//! summarising the config, a problem mark, and its ports.

use super::geometry::{HEAD_H, NODE_W, in_port_y, out_port_y};
use super::state::{EditorState, NodeData};
use crate::i18n::{t, tf};
use leptos::prelude::*;
use serde_json::Value;
use sluice_shared::{Category, NodeKind};

/// The CSS class of a category (header colour, minimap colour).
pub fn category_class(kind: Option<NodeKind>) -> &'static str {
    match kind.map(NodeKind::category) {
        Some(Category::Collection) => "cat-collection",
        Some(Category::Processing) => "cat-processing",
        Some(Category::Distribution) => "cat-distribution",
        None => "cat-unknown",
    }
}

/// A one-character mark for each kind, shown in the palette and on cards.
pub fn kind_icon(kind: Option<NodeKind>) -> &'static str {
    match kind {
        Some(NodeKind::SourceCsv | NodeKind::SinkCsv) => "▦",
        Some(NodeKind::SourceParquet | NodeKind::SinkParquet) => "▥",
        Some(NodeKind::SourceJson) => "{}",
        Some(NodeKind::SourceDates) => "▣",
        Some(NodeKind::SourceExcel | NodeKind::SinkExcel) => "▤",
        Some(NodeKind::SourceTable | NodeKind::SinkTable) => "⛁",
        Some(NodeKind::Filter) => "▽",
        Some(NodeKind::Select) => "☰",
        Some(NodeKind::Derive) => "ƒ",
        Some(NodeKind::Join) => "⋈",
        Some(NodeKind::Union) => "∪",
        Some(NodeKind::Aggregate) => "Σ",
        Some(NodeKind::Sort) => "⇅",
        Some(NodeKind::Distinct) => "◇",
        Some(NodeKind::Limit) => "⤓",
        Some(NodeKind::Sql) => "⌘",
        Some(NodeKind::TransformCheck) => "✓",
        Some(NodeKind::SinkReport) => "◔",
        None => "?",
    }
}

fn text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// Names in a list of strings or `{"name"}`/`{"column"}` objects.
fn names(v: Option<&Value>, key: &str) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => text(other.get(key)),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What the node does, in a few words, from its config.
pub fn summary(kind: Option<NodeKind>, c: &Value) -> String {
    let get = |k: &str| c.get(k);
    let s = match kind {
        Some(NodeKind::SourceTable) => match (text(get("table")), text(get("query"))) {
            (t, _) if !t.is_empty() => format!("{} · {t}", text(get("connection"))),
            (_, q) if !q.is_empty() => q,
            _ => String::new(),
        },
        Some(NodeKind::SinkTable) => {
            let mode = text(get("mode"));
            let mode = if mode.is_empty() || mode == "replace" { String::new() } else { format!(" · {mode}") };
            format!("{} · {}{mode}", text(get("connection")), text(get("table")))
        }
        Some(NodeKind::Filter) => text(get("predicate")),
        Some(NodeKind::Select) | Some(NodeKind::Derive) => names(get("columns"), "name").join(", "),
        Some(NodeKind::Join) => {
            let on: Vec<String> = get("on")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(|k| format!("{} = {}", text(k.get("left")), text(k.get("right")))).collect())
                .unwrap_or_default();
            let how = text(get("how"));
            tf("node_view.join", &[("how", if how.is_empty() { "inner" } else { &how }), ("on", &on.join(", "))])
        }
        Some(NodeKind::Union) => {
            if get("distinct").and_then(Value::as_bool) == Some(true) {
                t("node_view.distinct_rows").into()
            } else {
                t("node_view.all_rows").into()
            }
        }
        Some(NodeKind::Aggregate) => {
            let by = names(get("group_by"), "name");
            let aggs: Vec<String> = get("aggregates")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(|x| format!("{}({})", text(x.get("fn")), text(x.get("column")))).collect())
                .unwrap_or_default();
            if by.is_empty() {
                aggs.join(", ")
            } else {
                tf("node_view.by", &[("by", &by.join(", ")), ("aggs", &aggs.join(", "))])
            }
        }
        Some(NodeKind::Sort) => get("by")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|k| {
                        let desc = k.get("desc").and_then(Value::as_bool) == Some(true);
                        format!("{} {}", text(k.get("column")), if desc { "↓" } else { "↑" })
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        Some(NodeKind::Distinct) => match get("columns") {
            Some(_) => names(get("columns"), "name").join(", "),
            None => t("node_view.all_columns").into(),
        },
        Some(NodeKind::Limit) => tf("node_view.first", &[("n", &text(get("n")))]),
        Some(NodeKind::Sql) => text(get("query")),
        Some(NodeKind::SourceDates) => format!("{} … {}", text(get("from")), text(get("to"))),
        Some(NodeKind::TransformCheck) => names(get("rules"), "name").join(", "),
        Some(NodeKind::SinkReport) => {
            let t = text(get("title"));
            let chart = text(get("chart"));
            format!("{t} · {}", if chart.is_empty() { "table".into() } else { chart })
        }
        _ => text(get("path")),
    };
    s.trim().replace('\n', " ")
}

/// The width of `c` in ems, estimated on the safe side for the UI font
/// (proportional) or the monospace font.
fn char_em(c: char, mono: bool) -> f64 {
    let wide = matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
        || (c as u32) >= 0x1F300;
    match c {
        _ if wide => 1.0,
        _ if mono => 0.6,
        'i' | 'l' | 'j' | 't' | 'f' | 'r' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' | '(' | ')' => 0.36,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.9,
        'A'..='Z' => 0.72,
        _ => 0.62,
    }
}

/// `text` cut with "…" so that it is at most `max_px` wide in a `font_px`
/// font: a card's text never runs past its border.
pub fn fit_text(text: &str, max_px: f64, font_px: f64, mono: bool) -> String {
    let width = |s: &str| s.chars().map(|c| char_em(c, mono)).sum::<f64>() * font_px;
    if width(text) <= max_px {
        return text.to_string();
    }
    let room = max_px - char_em('…', mono).max(0.62) * font_px;
    let mut used = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        used += char_em(c, mono) * font_px;
        if used > room {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[component]
pub fn NodeView(n: NodeData) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let lineage = use_context::<super::lineage::Lineage>();
    let groups = use_context::<super::group_view::GroupView>();
    let kind = n.node_kind();
    let cat = category_class(kind);
    let label = kind.map(crate::i18n::kind).unwrap_or(t("node_view.unknown_kind")).to_string();
    let kind_text = n.kind.get_value();
    let h = n.height();
    let key = n.key;
    let ports = n.ports();
    // Port names sit at the left edge of multi-input cards; the text moves aside.
    let text_x = if ports.len() > 1 { 44.0 } else { 12.0 };
    let text_w = NODE_W - text_x - 10.0;

    let class = move || {
        let mut c = format!("node {cat}");
        if n.selected.get() {
            c.push_str(" selected");
        }
        if n.problems.with(|p| !p.is_empty()) {
            c.push_str(" has-problem");
        }
        if groups.is_some_and(|g| g.is_hidden(key)) {
            c.push_str(" in-collapsed");
        }
        if let Some(l) = lineage {
            let id = n.id.get();
            if l.node_lit(&id) {
                c.push_str(if l.node_source(&id) { " lit lit-source" } else { " lit" });
            }
        }
        c
    };
    let transform = move || {
        let (x, y) = n.pos.get();
        format!("translate({x:.1},{y:.1})")
    };
    let head = format!("M0,{HEAD_H} V10 Q0,0 10,0 H{w} Q{NODE_W},0 {NODE_W},10 V{HEAD_H} Z", w = NODE_W - 10.0);

    let inputs = ports
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let name = p.name;
            let y = in_port_y(i, ports.len(), h);
            let port_class = move || {
                let mut c = String::from("port port-in");
                if let Some(valid) = ed.wire_targets.with(|t| t.as_ref().map(|t| t.contains(&(key, name)))) {
                    c.push_str(if valid { " valid" } else { " invalid" });
                }
                if ed.wire_hover.get() == Some((key, name)) {
                    c.push_str(" hover");
                }
                c
            };
            view! {
                <circle
                    class=port_class
                    data-role="port-in"
                    data-key=key.to_string()
                    data-port=name
                    data-testid=move || format!("port-{}-in-{name}", n.id.get())
                    cx="0"
                    cy=y
                    r="6.5"
                >
                    <title>{tf("node_view.input", &[("port", name)])}</title>
                </circle>
                {(ports.len() > 1).then(|| view! {
                    <text class="port-label" x="11" y=y + 3.5>{name}</text>
                })}
            }
        })
        .collect_view();

    let output = n.has_output().then(|| {
        view! {
            <circle
                class="port port-out"
                data-role="port-out"
                data-key=key.to_string()
                data-testid=move || format!("port-{}-out", n.id.get())
                cx=NODE_W
                cy=out_port_y(h)
                r="6.5"
            >
                <title>{t("node_view.output_drag_to_an_input")}</title>
            </circle>
        }
    });

    let problem_mark = move || {
        n.problems.with(|ps| {
            (!ps.is_empty()).then(|| {
                let tip = ps
                    .iter()
                    .map(|(_, m)| format!("• {m}"))
                    .collect::<Vec<_>>()
                    .join("\n");
                let count = ps.len();
                view! {
                    <g class="problem-mark" transform=format!("translate({},{})", NODE_W - 14.0, HEAD_H / 2.0)>
                        <circle r="8"></circle>
                        <text y="4" text-anchor="middle">{if count > 9 { "!".to_string() } else { count.to_string() }}</text>
                        <title>{tip}</title>
                    </g>
                }
            })
        })
    };

    view! {
        <g
            class=class
            data-role="node"
            data-key=key.to_string()
            data-testid=move || format!("node-{}", n.id.get())
            data-kind=kind_text
            transform=transform
        >
            <rect class="node-body" width=NODE_W height=h rx="10"></rect>
            <path class="node-head" d=head></path>
            <rect class="node-outline" width=NODE_W height=h rx="10"></rect>
            <text class="node-icon" x="10" y="16.5">{kind_icon(kind)}</text>
            <text class="node-label" x="30" y="16.5">{fit_text(&label, NODE_W - 30.0 - 24.0, 12.0, false)}</text>
            <text class="node-id" x=text_x y=HEAD_H + 19.0>{move || n.id.with(|id| fit_text(id, text_w, 13.0, false))}</text>
            <text class="node-sub" x=text_x y=HEAD_H + 35.0>
                {move || n.config.with(|c| fit_text(&summary(kind, c), text_w, 11.0, true))}
            </text>
            {problem_mark}
            {inputs}
            {output}
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn width(s: &str, font: f64, mono: bool) -> f64 {
        s.chars().map(|c| char_em(c, mono)).sum::<f64>() * font
    }

    #[test]
    fn short_text_is_kept_and_long_text_is_cut_inside_the_card() {
        assert_eq!(fit_text("txns", 154.0, 13.0, false), "txns");
        for (text, mono) in [
            ("branch_daily_transactions_by_region_2026", false),
            ("WWWWWWWWWWWWWWWWWWWWWWWW", false),
            ("分行每日交易汇总按地区分组", false),
            ("region <> 'x' AND amount > 1000 AND status = 'open'", true),
        ] {
            let font = if mono { 11.0 } else { 13.0 };
            let cut = fit_text(text, 154.0, font, mono);
            assert!(cut.ends_with('…') && cut.chars().count() < text.chars().count(), "{cut}");
            assert!(width(&cut, font, mono) <= 154.0 + 1e-9, "{cut} is too wide");
        }
        // 154 px of an 11 px monospace font: 22 characters and the ellipsis.
        assert_eq!(fit_text(&"a".repeat(40), 154.0, 11.0, true).chars().count(), 23);
    }

    #[test]
    fn summaries_say_what_a_node_does() {
        let c = json!({ "how": "left", "on": [{ "left": "id", "right": "branch_id" }] });
        assert_eq!(summary(Some(NodeKind::Join), &c), "left on id = branch_id");
        assert_eq!(summary(Some(NodeKind::Limit), &json!({ "n": 5 })), "first 5");
        assert_eq!(summary(Some(NodeKind::Filter), &json!({ "predicate": "a > 1\nAND b" })), "a > 1 AND b");
    }
}
