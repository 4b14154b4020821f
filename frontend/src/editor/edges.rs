//! Wires: bezier paths that follow their two nodes, with a tooltip listing the
//! columns flowing on them, and the ghost wire drawn while connecting.

use super::geometry::wire_path;
use super::interact::Interact;
use super::state::EdgeData;
use crate::i18n::t;
use leptos::prelude::*;
use sluice_shared::Schema;

/// "amount: decimal(18,2)" lines for a tooltip.
pub fn describe_schema(schema: Option<&Schema>) -> String {
    match schema {
        None => t("edges.unknown").into(),
        Some(s) if s.0.is_empty() => t("edges.no_columns").into(),
        Some(s) => {
            s.0.iter()
                .map(|f| match f.ty {
                    Some(t) => format!("{}: {t}", f.name),
                    None => format!("{}: ?", f.name),
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
}

#[component]
pub fn EdgeView(e: EdgeData) -> impl IntoView {
    let it = expect_context::<Interact>();
    let lineage = use_context::<super::lineage::Lineage>();
    let groups = use_context::<super::group_view::GroupView>();
    let key = e.key;
    let port = e.port_name();
    let port_for_ends = port.clone();
    // Reads only the two end positions: moving any other node leaves this alone.
    // An end hidden in a collapsed group is drawn at the group's box; a wire
    // inside one collapsed group is not drawn (`None`).
    let ends = Memo::new(move |_| match groups {
        Some(gv) => gv.wire_ends(e.from, e.to, &port_for_ends),
        None => Some((e.from.out_port_at(e.from.pos.get()), e.to.in_port_at(&port_for_ends, e.to.pos.get()))),
    });
    let d = Memo::new(move |_| ends.get().map(|((x1, y1), (x2, y2))| wire_path(x1, y1, x2, y2)).unwrap_or_default());
    // The midpoint of this symmetric bezier is the midpoint of its ends. A small
    // handle there keeps the edge's box from collapsing to zero height when the
    // wire is perfectly straight (tools measure visibility by that box).
    let mid =
        Memo::new(move |_| ends.get().map_or((0.0, 0.0), |((x1, y1), (x2, y2))| ((x1 + x2) / 2.0, (y1 + y2) / 2.0)));
    let class = move || {
        let mut c = String::from("edge");
        if e.selected.get() {
            c.push_str(" selected");
        }
        if it.insert_target.get() == Some(key) {
            c.push_str(" insert");
        }
        if lineage.is_some_and(|l| l.edge_lit(&e.from.id.get(), &e.to.id.get())) {
            c.push_str(" lit");
        }
        if ends.with(Option::is_none) {
            c.push_str(" in-collapsed");
        }
        c
    };
    let port_suffix = if port == "in" { String::new() } else { format!(" ({port})") };
    let title = move || {
        let cols = e.from.schema.with(|s| describe_schema(s.as_ref()));
        format!("{} → {}{port_suffix}\n{cols}", e.from.id.get(), e.to.id.get())
    };
    view! {
        <g
            class=class
            data-role="edge"
            data-key=e.key.to_string()
            data-testid=move || format!("edge-{}-{}", e.from.id.get(), e.to.id.get())
            data-port=port
        >
            <path class="edge-hit" d=d></path>
            <path class="edge-line" d=d></path>
            <circle class="edge-mid" r="5" cx=move || format!("{:.1}", mid.get().0) cy=move || format!("{:.1}", mid.get().1)></circle>
            <title>{title}</title>
        </g>
    }
}

#[component]
pub fn GhostWire() -> impl IntoView {
    let it = expect_context::<Interact>();
    move || {
        it.ghost.get().map(|((x1, y1), (x2, y2))| {
            view! { <path class="ghost-wire" d=wire_path(x1, y1, x2, y2)></path> }
        })
    }
}
