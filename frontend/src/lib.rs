//! The Sluice canvas: a Leptos (client-side rendered) app compiled to WebAssembly.
//! It uses the `shared` crate to validate graphs in the browser with exactly the
//! rules the server applies.
//!
//! Code map:
//! - [`app`]: session check, the page for the route, top bar.
//! - [`route`]: hash routes (`#/login`, `#/graphs`, `#/graphs/<id>`, `#/reviews`,
//!   `#/reviews/<sid>`, `#/runs`, `#/runs/<id>`, `#/admin`, `#/admin/connections`).
//! - [`ctx`]: `AppCtx`, the app-wide state (user, unsaved changes) every page reads.
//! - [`api`]: every call to the server, in one place (review, runs and admin in `api/ops.rs`;
//!   connections, environments and the table catalog in `api/connections.rs`).
//! - [`pages`]: the login form, the graph list, the review queue and review page,
//!   run history and run progress, the admin page (users, schedules, audit), and
//!   connections and environments.
//! - [`editor`]: the node editor (canvas, palette, inspector, problems, preview).
//! - [`i18n`]: the current language and catalogue lookups (`t`, `tf`).
//! - [`checker`]: the full validator, a second WebAssembly module loaded after first paint.
//! - [`lazy_pages`]: the pages outside the editor, split into chunks loaded on first visit.

pub mod api;
pub mod app;
pub mod checker;
pub mod ctx;
pub mod dom;
pub mod editor;
pub mod i18n;
pub mod lazy_pages;
pub mod pages;
pub mod route;

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
