//! The full checker: `shared`'s validator with the expression, SQL and regex
//! checks, built as a second WebAssembly module (`checker/`) that the page
//! loads after first paint (`static/index.html` sets `window.sluiceChecker`
//! and fires `sluice-checker`). This module is built without them (no
//! `sqlparser`, a third of its size), so until the checker arrives the editor
//! shows the structural problems only; the server still refuses to preview or
//! run a graph with the other problems (422) and lists them for a saved
//! version. Once it is there, the editor's problems are the server's, word for
//! word: the same code gives them.

use leptos::prelude::*;
use sluice_shared::checker::{Answer, Request};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The global `index.html` puts the loaded module in, and the event it fires then.
const GLOBAL: &str = "sluiceChecker";
const EVENT: &str = "sluice-checker";

thread_local! {
    // Reference-counted, not owned by the component that first asks: it
    // lives as long as the page.
    static READY: ArcRwSignal<bool> = listen();
}

fn listen() -> ArcRwSignal<bool> {
    let ready = ArcRwSignal::new(loaded().is_some());
    if let Some(w) = web_sys::window() {
        let set = ready.clone();
        let on = Closure::<dyn Fn()>::new(move || set.set(true));
        let _ = w.add_event_listener_with_callback(EVENT, on.as_ref().unchecked_ref());
        on.forget(); // one listener for the page's life
    }
    ready
}

/// Tracked: whether the full checker has arrived (validate again when it does).
pub fn ready() -> ArcRwSignal<bool> {
    READY.with(Clone::clone)
}

fn loaded() -> Option<(JsValue, js_sys::Function)> {
    let window: JsValue = web_sys::window()?.into();
    let module = js_sys::Reflect::get(&window, &JsValue::from_str(GLOBAL)).ok()?;
    if module.is_undefined() || module.is_null() {
        return None;
    }
    let f = js_sys::Reflect::get(&module, &JsValue::from_str("validate")).ok()?.dyn_into().ok()?;
    Some((module, f))
}

/// Validates as the editor shows it: with the full checker when it has
/// arrived, else with this module's structural checks.
pub fn validate(req: Request) -> Answer {
    full(&req).unwrap_or_else(|| sluice_shared::checker::run(&req))
}

fn full(req: &Request) -> Option<Answer> {
    let (module, f) = loaded()?;
    let text = serde_json::to_string(req).ok()?;
    match f.call1(&module, &JsValue::from_str(&text)) {
        Ok(out) => serde_json::from_str(&out.as_string()?).ok(),
        Err(e) => {
            leptos::logging::error!("sluice: the full checker failed: {e:?}");
            None
        }
    }
}
