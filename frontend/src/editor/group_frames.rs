//! Labelled frames behind node groups (`ui.groups` and each node's `ui.group`,
//! see `sluice_shared::star::groups`): a rectangle around the members drawn
//! under the wires and cards. Pressing the label selects the members and drags
//! them together (`gestures.rs`, role `group`).

use super::geometry::NODE_W;
use super::state::EditorState;
use leptos::prelude::*;
use sluice_shared::star::groups;

/// Padding around the members, in graph units.
const PAD: f64 = 18.0;

#[component]
pub fn GroupFrames() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let frames = move || {
        ed.doc_rev.track();
        let list = groups::list_ui(ed.ui.get_value().as_ref());
        list.into_iter()
            .filter_map(|g| {
                let boxes: Vec<(f64, f64, f64, f64)> = ed.nodes.with(|ns| {
                    ns.iter()
                        .filter(|n| {
                            n.ui.with_value(|u| {
                                u.as_ref().and_then(|u| u.get("group")).and_then(|v| v.as_str()) == Some(g.id.as_str())
                            })
                        })
                        .map(|n| {
                            let (x, y) = n.pos.get();
                            (x, y, x + NODE_W, y + n.height())
                        })
                        .collect()
                });
                let (x0, y0, x1, y1) =
                    boxes.iter().copied().reduce(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)))?;
                let (x, y, w, h) = (x0 - PAD, y0 - PAD - 20.0, x1 - x0 + 2.0 * PAD, y1 - y0 + 2.0 * PAD + 20.0);
                let id = g.id.clone();
                Some(view! {
                    <g class="group-frame" data-testid=format!("group-{id}")>
                        <rect class="group-rect" x=x y=y width=w height=h rx="12"></rect>
                        <text class="group-label" x=x + 12.0 y=y + 16.0 data-role="group" data-group=id.clone()
                            data-testid=format!("group-label-{id}")>{g.label}</text>
                    </g>
                })
            })
            .collect_view()
    };
    view! { <g class="groups">{frames}</g> }
}
