//! Leaving with unsaved changes asks first: the app's `confirm-leave` dialog for
//! links inside the page (caught here before the address changes; the shell's
//! `hashchange` guard catches the rest, e.g. the back button), and the
//! browser's own `beforeunload` prompt, armed only while there are unsaved changes.

use super::state::EditorState;
use crate::ctx::AppCtx;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Keeps the shell told about unsaved changes, for as long as the editor is on screen.
pub fn install(ed: EditorState) {
    let app = expect_context::<AppCtx>();
    let unload = StoredValue::new_local(None::<WindowListenerHandle>);
    Effect::new(move |_| {
        let dirty = ed.is_dirty();
        app.unsaved.set(dirty);
        if dirty && unload.with_value(Option::is_none) {
            let h = window_event_listener(leptos::ev::beforeunload, |ev| {
                ev.prevent_default();
                ev.set_return_value("");
            });
            unload.set_value(Some(h));
        } else if !dirty && let Some(h) = unload.try_update_value(Option::take).flatten() {
            h.remove();
        }
    });
    // A click on an in-page link: ask before the address changes, so staying
    // leaves no history entry behind.
    let clicks = window_event_listener(leptos::ev::click, move |ev| {
        if !app.unsaved.get_untracked() || ev.default_prevented() || ev.button() != 0 {
            return;
        }
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
            return;
        }
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href^='#']").ok().flatten())
        else {
            return;
        };
        let href = link.get_attribute("href").unwrap_or_default();
        let here = crate::dom::window().location().hash().unwrap_or_default();
        if href != here {
            ev.prevent_default();
            app.leave_to.set(Some(href));
        }
    });
    on_cleanup(move || {
        clicks.remove();
        if let Some(h) = unload.try_update_value(Option::take).flatten() {
            h.remove();
        }
        let _ = app.unsaved.try_set(false);
        let _ = app.leave_to.try_set(None);
    });
}
