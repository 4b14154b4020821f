//! The Sluice canvas: a Leptos (client-side rendered) app compiled to WebAssembly.
//! It uses the `shared` crate to validate graphs in the browser with exactly the
//! rules the server applies.
//!
//! Code map:
//! - [`app`]: session check, hash routing (`#/login`, `#/graphs`, `#/graphs/<id>`), top bar.
//! - [`api`]: every call to the server, in one place.
//! - [`pages`]: the login form and the graph list.
//! - [`editor`]: the node editor (canvas, palette, inspector, problems, preview).

pub mod api;
pub mod app;
pub mod dom;
pub mod editor;
pub mod pages;

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
