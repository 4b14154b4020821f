//! The editor's second WebAssembly module: `shared`'s validator with every
//! check (expressions, SQL, regex syntax; `sqlparser` lives only here). The
//! page loads it after first paint (`static/index.html`); until then the
//! editor validates with the first-paint module's structural checks, and the
//! server's 422 still guards saving and running. See `frontend/src/checker.rs`.

use wasm_bindgen::prelude::wasm_bindgen;

/// Validates a `sluice_shared::checker::Request` (JSON) and returns the
/// `Answer` (JSON), or `undefined` for a request that does not read.
#[wasm_bindgen]
pub fn validate(request: &str) -> Option<String> {
    sluice_shared::checker::run_json(request)
}
