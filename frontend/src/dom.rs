//! Small browser helpers that several modules need.

use wasm_bindgen::JsCast;

pub fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

pub fn document() -> web_sys::Document {
    window().document().expect("a document")
}

/// Milliseconds since the epoch (enough to coalesce undo steps and time things).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Goes to a hash route such as `#/graphs`.
pub fn navigate(hash: &str) {
    let _ = window().location().set_hash(hash);
}

/// Whether the keyboard focus is in a text field, where keys belong to the field
/// and not to canvas shortcuts.
pub fn typing_in_field() -> bool {
    document()
        .active_element()
        .map(|el| {
            let tag = el.tag_name().to_ascii_lowercase();
            matches!(tag.as_str(), "input" | "textarea" | "select") || el.get_attribute("contenteditable").is_some()
        })
        .unwrap_or(false)
}

/// Offers `text` as a file download called `filename`.
pub fn download(filename: &str, text: &str, mime: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document().create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(filename);
        let _ = document().body().map(|b| b.append_child(&a));
        a.click();
        a.remove();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The value of the `data-<name>` attribute on the nearest element at or above
/// the event target that has one.
pub fn closest_data(ev: &web_sys::Event, name: &str) -> Option<(web_sys::Element, String)> {
    let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let el = target.closest(&format!("[data-{name}]")).ok()??;
    let v = el.get_attribute(&format!("data-{name}"))?;
    Some((el, v))
}
