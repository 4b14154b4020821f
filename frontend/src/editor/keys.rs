//! Keyboard shortcuts of the editor. Keys typed into a field belong to the
//! field (its own undo, Backspace), except Ctrl+S.

use super::interact::Interact;
use super::persist;
use super::state::EditorState;
use crate::dom;
use leptos::prelude::*;

pub fn install(ed: EditorState, it: Interact) {
    let down = window_event_listener(leptos::ev::keydown, move |ev| {
        let ctrl = ev.ctrl_key() || ev.meta_key();
        let key = ev.key();
        let lower = key.to_lowercase();
        if ctrl && lower == "s" {
            ev.prevent_default();
            persist::save(ed);
            return;
        }
        if dom::typing_in_field() || it.gesture_active() {
            return;
        }
        let handled = shortcut(ed, ctrl, ev.shift_key(), &lower);
        if handled {
            ev.prevent_default();
        }
    });
    let up = window_event_listener(leptos::ev::keyup, move |ev| {
        if ev.key() == " " {
            ed.space_down.set(false);
        }
    });
    on_cleanup(move || {
        down.remove();
        up.remove();
    });
}

/// Runs the shortcut for a key (`lower`: the key, lower case); whether there was one.
fn shortcut(ed: EditorState, ctrl: bool, shift: bool, lower: &str) -> bool {
    match (ctrl, shift, lower) {
        (false, _, "delete" | "backspace") => {
            ed.delete_selection();
            true
        }
        (true, false, "z") => {
            ed.undo();
            true
        }
        (true, true, "z") | (true, _, "y") => {
            ed.redo();
            true
        }
        (true, _, "c") => {
            ed.copy_selection();
            true
        }
        (true, _, "v") => {
            ed.paste();
            true
        }
        (true, _, "d") => {
            ed.duplicate_selection();
            true
        }
        (true, _, "a") => {
            ed.select_all();
            true
        }
        (false, _, "escape") => {
            ed.clear_selection();
            true
        }
        (false, _, " ") => {
            ed.space_down.set(true);
            true
        }
        (false, _, "f") => {
            ed.fit_view();
            true
        }
        (false, _, "l") if !ed.readonly => {
            ed.auto_layout();
            true
        }
        (false, _, "h") => {
            ed.hand_mode.update(|h| *h = !*h);
            true
        }
        (false, _, "+" | "=") => {
            ed.zoom_by(1.25);
            true
        }
        (false, _, "-") => {
            ed.zoom_by(0.8);
            true
        }
        _ => false,
    }
}
