//! Formatting shared by the pages: times, cell values, error banners.

use leptos::prelude::*;
use serde_json::Value;
use sluice_shared::api::Timestamp;

/// A moment as local `2026-11-25 14:03:07`.
pub fn time_ms(t: impl Into<Timestamp>) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.into().millis() as f64));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

pub fn opt_time<T: Into<Timestamp>>(t: Option<T>) -> String {
    t.map(time_ms).unwrap_or_else(|| "—".into())
}

/// A moment as local `2026-11-25 14:03` (lists).
pub fn minute_time(t: Timestamp) -> String {
    time_ms(t).chars().take(16).collect()
}

/// A JSON value as a table cell: text without quotes, nothing as an empty cell.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A config value in a diff: absent shows as an em dash.
pub fn opt_cell(v: &Option<Value>) -> String {
    v.as_ref().map(cell).unwrap_or_else(|| "—".into())
}

/// An error banner when `error` holds one.
pub fn error_banner(error: RwSignal<Option<String>>) -> impl IntoView {
    move || error.get().map(|e| view! { <div class="banner error" data-testid="page-error">{e}</div> })
}
