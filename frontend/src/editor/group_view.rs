//! Node groups as the canvas draws them, and the edits on them. The rules
//! (who is a member, who is hidden, how a wire routes around a collapsed
//! group, rename and ungroup) are `sluice_shared::star::groups`; this file
//! holds them as memos the cards and wires read, and turns the frame's buttons
//! into undoable edits. Groups live in `ui`, so an edit here is a layout
//! change: one undo step, unsaved, but nothing to validate or preview again.

use super::geometry::NODE_W;
use super::state::{Change, EditorState, NodeData};
use leptos::prelude::*;
use sluice_shared::star::groups::{self, Wire};
use std::collections::HashMap;

/// Height of a collapsed group's box, in graph units.
pub const BOX_H: f64 = 56.0;

/// The collapsed groups: who is hidden and where each box is.
#[derive(Clone, Copy)]
pub struct GroupView {
    /// Node key → the collapsed group it is hidden in.
    pub hidden: Memo<HashMap<u64, String>>,
    /// Collapsed group id → its box's top-left corner (graph units). Follows
    /// the members' positions, so dragging the box moves them all.
    pub boxes: Memo<HashMap<String, (f64, f64)>>,
    /// The group whose name is being edited.
    pub renaming: RwSignal<Option<String>>,
}

impl GroupView {
    pub fn new(ed: EditorState) -> Self {
        let hidden = Memo::new(move |_| {
            ed.doc_rev.track();
            ed.layout_rev.track();
            let listed = groups::list_ui(ed.ui.get_value().as_ref());
            if !listed.iter().any(|g| g.collapsed) {
                return HashMap::new();
            }
            ed.nodes.with(|ns| {
                ns.iter()
                    .filter_map(|n| {
                        n.ui.with_value(|u| groups::hidden_in(u.as_ref(), &listed).map(|g| (n.key, g.to_string())))
                    })
                    .collect()
            })
        });
        let boxes = Memo::new(move |_| {
            let mut at: HashMap<String, Vec<[f64; 2]>> = HashMap::new();
            hidden.with(|h| {
                for (key, g) in h {
                    if let Some(n) = ed.by_key(*key) {
                        let (x, y) = n.pos.get();
                        at.entry(g.clone()).or_default().push([x, y]);
                    }
                }
            });
            at.into_iter().filter_map(|(g, ps)| groups::collapsed_at(&ps).map(|p| (g, p))).collect()
        });
        GroupView { hidden, boxes, renaming: RwSignal::new(None) }
    }

    /// Whether node `key` is hidden in a collapsed group (tracked).
    pub fn is_hidden(&self, key: u64) -> bool {
        self.hidden.with(|h| h.contains_key(&key))
    }

    /// The ends of the wire `from → to` (`port` on `to`) as drawn, or `None`
    /// when it runs inside one collapsed group. An end hidden in a collapsed
    /// group is drawn at that group's box.
    pub fn wire_ends(&self, from: NodeData, to: NodeData, port: &str) -> Option<((f64, f64), (f64, f64))> {
        let (hf, ht) = self.hidden.with(|h| (h.get(&from.key).cloned(), h.get(&to.key).cloned()));
        match groups::route(hf.as_deref(), ht.as_deref()) {
            Wire::Hidden => None,
            Wire::Drawn { from: bf, to: bt } => {
                let a = match bf.and_then(|g| self.box_at(g)) {
                    Some((x, y)) => (x + NODE_W, y + BOX_H / 2.0),
                    None => from.out_port_at(from.pos.get()),
                };
                let b = match bt.and_then(|g| self.box_at(g)) {
                    Some((x, y)) => (x, y + BOX_H / 2.0),
                    None => to.in_port_at(port, to.pos.get()),
                };
                Some((a, b))
            }
        }
    }

    fn box_at(&self, group: &str) -> Option<(f64, f64)> {
        self.boxes.with(|b| b.get(group).copied())
    }
}

impl EditorState {
    /// The members of group `id` on the canvas (untracked).
    pub fn group_members(&self, id: &str) -> Vec<NodeData> {
        let listed = groups::list_ui(self.ui.get_value().as_ref());
        self.nodes.with_untracked(|ns| {
            ns.iter()
                .filter(|n| n.ui.with_value(|u| groups::member_of(u.as_ref(), &listed) == Some(id)))
                .copied()
                .collect()
        })
    }

    /// Collapses or expands group `id` (one undo step).
    pub fn toggle_group(&self, id: &str) {
        let collapsed = groups::list_ui(self.ui.get_value().as_ref()).iter().any(|g| g.id == id && g.collapsed);
        self.group_edit(|ed| {
            ed.ui.update_value(|u| groups::set_collapsed(u, id, !collapsed));
            true
        });
    }

    /// Renames group `id`; an empty label is refused with a message.
    pub fn rename_group(&self, id: &str, label: &str) {
        let same = groups::list_ui(self.ui.get_value().as_ref()).iter().any(|g| g.id == id && g.label == label.trim());
        if same {
            return;
        }
        let done = self.group_edit(|ed| ed.ui.try_update_value(|u| groups::rename(u, id, label)).unwrap_or(false));
        if !done {
            self.notify_error(crate::i18n::t("groups.empty_name"));
        }
    }

    /// Removes group `id`, keeping its nodes (one undo step).
    pub fn ungroup(&self, id: &str) {
        self.group_edit(|ed| {
            for n in ed.group_members(id) {
                n.ui.update_value(|u| {
                    groups::leave(u, id);
                });
            }
            ed.ui.try_update_value(|u| groups::remove(u, id)).unwrap_or(false)
        });
    }

    /// Applies a change to the groups as one undo step; `f` says whether it
    /// changed anything (if not, no step is recorded).
    fn group_edit(&self, f: impl FnOnce(&Self) -> bool) -> bool {
        if self.readonly {
            self.notify_error(crate::i18n::t("ops.read_only"));
            return false;
        }
        let before = self.snapshot();
        let changed = f(self);
        if changed {
            self.commit(before, Change::Layout);
        }
        changed
    }
}
