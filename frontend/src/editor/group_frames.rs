//! Labelled frames behind node groups (`ui.groups` and each node's `ui.group`,
//! see `sluice_shared::star::groups`), drawn under the wires and cards. The
//! title bar drags the members together (`gestures.rs`, role `group`), its
//! buttons collapse/expand and ungroup, a double-click renames. A collapsed
//! group is one compact box with its name and member count; its members are
//! hidden and wires crossing its border end at the box (`group_view.rs`).

use super::geometry::NODE_W;
use super::group_view::{BOX_H, GroupView};
use super::node_view::fit_text;
use super::state::EditorState;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use sluice_shared::star::groups::{self, Group};

/// Padding around the members, in graph units.
const PAD: f64 = 18.0;
/// Height of the title bar.
const TITLE_H: f64 = 24.0;

#[component]
pub fn GroupFrames() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let gv = expect_context::<GroupView>();
    let frames = move || {
        ed.doc_rev.track();
        ed.layout_rev.track();
        groups::list_ui(ed.ui.get_value().as_ref())
            .into_iter()
            .filter_map(|g| {
                let members = ed.group_members(&g.id);
                let count = members.len();
                if g.collapsed {
                    let (x, y) = gv.boxes.with(|b| b.get(&g.id).copied())?;
                    return Some(frame_view(&g, count, (x, y, NODE_W, BOX_H)));
                }
                let (x0, y0, x1, y1) = members
                    .iter()
                    .map(|n| {
                        let (x, y) = n.pos.get();
                        (x, y, x + NODE_W, y + n.height())
                    })
                    .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)))?;
                let rect = (x0 - PAD, y0 - PAD - 20.0, x1 - x0 + 2.0 * PAD, y1 - y0 + 2.0 * PAD + 20.0);
                Some(frame_view(&g, count, rect))
            })
            .collect_view()
    };
    view! { <g class="groups">{frames}</g> }
}

/// One group: the dashed frame (or, collapsed, the solid box) and its title bar.
fn frame_view(g: &Group, count: usize, (x, y, w, h): (f64, f64, f64, f64)) -> impl IntoView + use<> {
    let id = g.id.clone();
    let collapsed = g.collapsed;
    let (class, body_id) = if collapsed {
        ("group-frame collapsed", format!("group-box-{id}"))
    } else {
        ("group-frame", format!("group-frame-{id}"))
    };
    let toggle_tip = if collapsed { t("groups.expand") } else { t("groups.collapse") };
    let count_text = tf("groups.members", &[("count", &count.to_string())]);
    let label = fit_text(&g.label, (w - 70.0).max(30.0), 13.0, false);
    view! {
        <g class=class data-testid=format!("group-{id}")>
            <rect class="group-rect" x=x y=y width=w height=h rx="12" data-role="group" data-group=id.clone()
                data-testid=body_id></rect>
            <rect class="group-title" x=x y=y width=w height=TITLE_H rx="12" data-role="group" data-group=id.clone()>
                <title>{t("groups.drag_to_move")}</title>
            </rect>
            <text class="group-label" x=x + 12.0 y=y + 16.0 data-role="group" data-group=id.clone()
                data-testid=format!("group-label-{id}")>{label}</text>
            {collapsed.then(|| view! {
                <text class="group-count" x=x + 12.0 y=y + 42.0 data-role="group" data-group=id.clone()
                    data-testid=format!("group-count-{id}")>{count_text}</text>
            })}
            <g class="group-button" data-role="group-ungroup" data-group=id.clone()
                data-testid=format!("group-ungroup-{id}") transform=format!("translate({},{})", x + w - 44.0, y + 4.0)>
                <rect width="16" height="16" rx="4"></rect>
                <text x="8" y="12.5" text-anchor="middle">"×"</text>
                <title>{t("groups.ungroup")}</title>
            </g>
            <g class="group-button" data-role="group-toggle" data-group=id.clone()
                data-testid=format!("group-toggle-{id}") data-collapsed=collapsed.to_string()
                transform=format!("translate({},{})", x + w - 24.0, y + 4.0)>
                <rect width="16" height="16" rx="4"></rect>
                <text x="8" y="12.5" text-anchor="middle">{if collapsed { "▸" } else { "▾" }}</text>
                <title>{toggle_tip}</title>
            </g>
        </g>
    }
}

/// The field that renames a group, laid over its title bar (HTML over the
/// canvas, at the title's screen position). Enter or leaving the field
/// renames; Escape cancels.
#[component]
pub fn GroupRename() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let gv = expect_context::<GroupView>();
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
            el.select();
        }
    });
    let finish = move |save: bool| {
        let Some(id) = gv.renaming.get_untracked() else { return };
        // Read before the field goes away (leaving it fires blur: a second call finds nothing to do).
        let value = input.get_untracked().map(|el| el.value());
        gv.renaming.set(None);
        if save && let Some(value) = value {
            ed.rename_group(&id, &value);
        }
    };
    move || {
        let id = gv.renaming.get()?;
        let g = groups::list_ui(ed.ui.get_value().as_ref()).into_iter().find(|g| g.id == id)?;
        let members = ed.group_members(&id);
        let (gx, gy) = if g.collapsed {
            gv.boxes.with_untracked(|b| b.get(&id).copied())?
        } else {
            let (x, y) = members.iter().map(|n| n.pos.get_untracked()).reduce(|a, b| (a.0.min(b.0), a.1.min(b.1)))?;
            (x - PAD, y - PAD - 20.0)
        };
        let v = ed.view.get();
        let (sx, sy) = (gx * v.k + v.x, gy * v.k + v.y);
        Some(view! {
            <input
                node_ref=input
                class="group-rename"
                data-testid=format!("group-rename-{id}")
                style:left=format!("{sx:.0}px")
                style:top=format!("{sy:.0}px")
                aria-label=t("groups.name")
                value=g.label
                on:keydown=move |ev| match ev.key().as_str() {
                    "Enter" => finish(true),
                    "Escape" => finish(false),
                    _ => {}
                }
                on:blur=move |_| finish(true)
            />
        })
    }
}
