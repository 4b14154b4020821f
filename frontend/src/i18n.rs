//! The browser's language: texts come from the shared catalogue
//! (`shared/locales/*.json`, see `sluice_shared::i18n`), looked up with [`t`]
//! and [`tf`] in the current language. The language is, in order: the one the
//! signed-in user saved (`GET /api/me/settings`), the one picked before signing
//! in (localStorage `sluice.lang`), the browser's (`navigator.language`
//! starting with `zh` → `zh-CN`, else `en`). Changing it re-renders the page
//! (the shell's view reads `AppCtx::lang`), so components look texts up plainly.

use crate::dom;
pub use sluice_shared::i18n::format::DateStyle;
use sluice_shared::i18n::{self, Lang};
use std::cell::Cell;

thread_local! {
    static LANG: Cell<Lang> = const { Cell::new(Lang::En) };
    static DATES: Cell<Option<DateStyle>> = const { Cell::new(None) };
}

const STORE_KEY: &str = "sluice.lang";

/// The language texts are shown in now.
pub fn lang() -> Lang {
    LANG.with(Cell::get)
}

/// The text of `key` in the current language.
pub fn t(key: &str) -> &'static str {
    i18n::t(lang(), key)
}

/// The text of `key` with its `{name}` placeholders filled.
pub fn tf(key: &str, params: &[(&str, &str)]) -> String {
    i18n::fill(lang(), key, params)
}

/// A config form text (label, help, placeholder) kept in English in the
/// form's static tables, in the current language (`field.*` keys).
pub fn tx(english: &'static str) -> &'static str {
    i18n::by_english(lang(), "field.", english)
}

/// A text of the demo's data (a graph's description, a report's title) in
/// the current language; any other text as it is.
pub fn demo(text: &str) -> String {
    i18n::demo(lang(), text)
}

/// A problem as `<node>: <field>: <text>` in the current language.
pub fn problem_line(p: &sluice_shared::Problem) -> String {
    i18n::problems::line(lang(), p)
}

/// A scheduler alert's English sentence in the current language (`alert.*`
/// texts read back with their values; an unknown sentence stays English).
pub fn alert(message: &str) -> String {
    i18n::translate(lang(), "alert.", message)
}

/// A model wizard refusal or generator problem (`sluice_shared::star`'s
/// English sentences, `star.*` texts) in the current language.
pub fn star(message: &str) -> String {
    i18n::translate(lang(), "star.", message)
}

/// A state or role in words: `family.text`, e.g. `run_status.failed`
/// (the families are enumerated by the catalogue test).
pub fn state(family: &str, text: &str) -> &'static str {
    t(&format!("{family}.{text}"))
}

pub fn role(r: sluice_shared::api::Role) -> &'static str {
    state("role", r.as_str())
}

/// A node kind's name (`kind.source.csv`).
pub fn kind(k: sluice_shared::NodeKind) -> &'static str {
    state("kind", k.as_str())
}

/// How dates are written: the user's choice, else the language's habit.
pub fn date_style() -> DateStyle {
    DATES.with(Cell::get).unwrap_or_else(|| DateStyle::default_for(lang()))
}

/// A `YYYY-MM-DD` date as the user reads dates.
pub fn date(text: &str) -> String {
    i18n::format::date_text(lang(), date_style(), text)
}

/// Fetches `l`'s texts unless they are here (the first-paint module carries
/// English only). A failed fetch leaves English showing; it is tried again
/// at the next switch.
pub async fn ensure(l: Lang) {
    #[cfg(target_arch = "wasm32")]
    if !i18n::is_loaded(l)
        && let Ok(texts) = crate::api::catalogue(l).await
    {
        i18n::install(l, texts);
    }
    let _ = l;
}

/// Sets the language for the texts looked up from now on (the caller re-renders),
/// remembers it in localStorage and tells the page (`<html lang>`).
pub fn set_lang(l: Lang) {
    LANG.with(|c| c.set(l));
    if let Ok(Some(s)) = dom::window().local_storage() {
        let _ = s.set_item(STORE_KEY, l.as_str());
    }
    if let Some(el) = dom::document().document_element() {
        let _ = el.set_attribute("lang", l.as_str());
    }
}

pub fn set_date_style(s: Option<DateStyle>) {
    DATES.with(|c| c.set(s));
}

/// The language to start in: remembered in localStorage, else the browser's.
pub fn initial() -> Lang {
    let stored = dom::window().local_storage().ok().flatten().and_then(|s| s.get_item(STORE_KEY).ok().flatten());
    stored
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| from_browser(&dom::window().navigator().language().unwrap_or_default()))
}

/// `navigator.language` starting with `zh` → Chinese, anything else English.
pub fn from_browser(tag: &str) -> Lang {
    if tag.to_ascii_lowercase().starts_with("zh") { Lang::ZhCn } else { Lang::En }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_language() {
        assert_eq!(from_browser("zh-CN"), Lang::ZhCn);
        assert_eq!(from_browser("zh-TW"), Lang::ZhCn);
        assert_eq!(from_browser("en-US"), Lang::En);
        assert_eq!(from_browser("fr"), Lang::En);
        assert_eq!(from_browser(""), Lang::En);
    }
}
