//! The product in Simplified Chinese and English: one catalogue of texts per
//! locale (`shared/locales/en.json`, `shared/locales/zh-CN.json`, flat
//! `"key": "text with {param}"` objects), compiled in with `include_str!` and
//! read once with `serde_json` (already in every module, so the catalogue costs
//! its text and a map, no parser of its own). The browser, the server and the
//! command line all look texts up here; `format` writes numbers and dates,
//! `problems` renders a validator problem from its code and parameters.
//!
//! Adding a text: put the key in both files (the test
//! `shared/tests/i18n_catalogue.rs` fails when a key is missing in either, when
//! the placeholders differ, or when no source uses the key), then call
//! `t(lang, "the.key")` / `fill(lang, "the.key", &[("name", value)])`.

pub mod format;
pub mod problems;
pub mod template;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The languages the product speaks. `as_str` is the BCP 47 tag the API, the
/// settings and the language switch use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    pub const fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// A language tag as browsers and `LANG` write it (`zh`, `zh-CN`, `zh_CN.UTF-8`,
    /// `en-US`); `None` for a language the product does not speak.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_', '.']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::ZhCn),
            "en" | "c" | "posix" => Some(Lang::En),
            _ => None,
        }
    }

    /// The preferred language of an `Accept-Language` header (highest `q`, first
    /// on ties) that the product speaks; `None` when it names none of them.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',').take(32) {
            let mut bits = part.split(';');
            let Some(lang) = bits.next().and_then(Lang::from_tag) else { continue };
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()))
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::ALL.into_iter().find(|l| l.as_str() == s).ok_or_else(|| format!("`{s}` is not a language (zh-CN, en)"))
    }
}

const EN: &str = include_str!("../../locales/en.json");
// The browser's first-paint module carries English only: the Chinese texts
// (about 19 KB gzip) are fetched when needed (`GET /api/i18n/zh-CN`) and
// handed to [`install`]. Everywhere else both are compiled in.
#[cfg(not(target_arch = "wasm32"))]
const ZH_CN: &str = include_str!("../../locales/zh-CN.json");

/// The catalogue's source text for `lang` (the tests read it, the server sends it).
#[cfg(not(target_arch = "wasm32"))]
pub fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::En => EN,
        Lang::ZhCn => ZH_CN,
    }
}

pub type Catalogue = HashMap<String, String>;

/// A catalogue file's texts. The files are part of the build and checked by
/// the tests; a broken one would show keys instead of texts, never stop the
/// program.
fn read(text: &str) -> Catalogue {
    serde_json::from_str(text).unwrap_or_default()
}

fn english_texts() -> &'static Catalogue {
    static EN_TEXTS: OnceLock<Catalogue> = OnceLock::new();
    EN_TEXTS.get_or_init(|| read(EN))
}

#[cfg(not(target_arch = "wasm32"))]
fn catalogue(lang: Lang) -> &'static Catalogue {
    static ZH_TEXTS: OnceLock<Catalogue> = OnceLock::new();
    match lang {
        Lang::En => english_texts(),
        Lang::ZhCn => ZH_TEXTS.get_or_init(|| read(ZH_CN)),
    }
}

#[cfg(target_arch = "wasm32")]
static INSTALLED_ZH: OnceLock<Catalogue> = OnceLock::new();

/// In the browser: Chinese once [`install`]ed, an empty catalogue before (every
/// lookup then falls back to English).
#[cfg(target_arch = "wasm32")]
fn catalogue(lang: Lang) -> &'static Catalogue {
    static NONE: OnceLock<Catalogue> = OnceLock::new();
    match lang {
        Lang::En => english_texts(),
        Lang::ZhCn => INSTALLED_ZH.get().unwrap_or_else(|| NONE.get_or_init(Catalogue::new)),
    }
}

/// Whether `lang`'s texts are here: always, except Chinese in the browser
/// before [`install`].
pub fn is_loaded(lang: Lang) -> bool {
    #[cfg(target_arch = "wasm32")]
    if lang == Lang::ZhCn {
        return INSTALLED_ZH.get().is_some();
    }
    let _ = lang;
    true
}

/// Hands the browser the texts of `lang` it fetched; the first ones stay
/// (English is always compiled in).
#[cfg(target_arch = "wasm32")]
pub fn install(lang: Lang, texts: Catalogue) {
    if lang == Lang::ZhCn {
        let _ = INSTALLED_ZH.set(texts);
    }
}

/// The English catalogue's keys that start with `prefix`, sorted.
pub fn keys_with(prefix: &str) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> =
        english_texts().keys().filter(|k| k.starts_with(prefix)).map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

/// An English sentence of one of the `prefix` texts (say `api.`) in `lang`;
/// a sentence the catalogue does not write comes back as it is.
pub fn translate(lang: Lang, prefix: &str, message: &str) -> String {
    if lang == Lang::En {
        return message.to_string();
    }
    let keys = keys_with(prefix);
    match template::recognize(keys.iter().copied(), message) {
        Some((i, params)) => {
            let p: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            fill(lang, keys[i], &p)
        }
        None => message.to_string(),
    }
}

/// A text of the demo's data (`sluice serve --demo`: a graph's description, a
/// report's title) as shown in `lang`: the `demo.*` text whose English is
/// `text`; any other text as it is. The data stays as written (a saved graph
/// never changes language); it is translated where it is shown, by the
/// browser's lists and pages and the server's charts and downloads. Names
/// (graphs, nodes, columns, calendars) are identifiers other texts refer to,
/// and stay as they are.
pub fn demo(lang: Lang, text: &str) -> String {
    translate(lang, "demo.", text)
}

/// The text in `lang` of the `prefix` key whose English text is `english`
/// (texts kept in English in a static table, like the config form's labels);
/// `english` itself when no such key exists.
pub fn by_english(lang: Lang, prefix: &str, english: &'static str) -> &'static str {
    if lang == Lang::En || english.is_empty() {
        return english;
    }
    match english_texts().iter().find(|(k, v)| v.as_str() == english && k.starts_with(prefix)) {
        Some((k, _)) => t(lang, k),
        None => english,
    }
}

/// Whether `key` is in `lang`'s catalogue.
pub fn has(lang: Lang, key: &str) -> bool {
    catalogue(lang).contains_key(key)
}

/// The text of `key` in `lang`; English when `lang` lacks it, the key itself
/// when English does too (the catalogue test keeps both from happening).
pub fn t(lang: Lang, key: &str) -> &'static str {
    if let Some(s) = catalogue(lang).get(key) {
        return s.as_str();
    }
    match english_texts().get(key) {
        Some(s) => s.as_str(),
        None => leak_key(key),
    }
}

/// A missing key shown as itself. Kept in one interned set so a key looked up
/// again and again costs nothing more.
fn leak_key(key: &str) -> &'static str {
    static MISSING: OnceLock<std::sync::Mutex<Vec<&'static str>>> = OnceLock::new();
    let mut seen = MISSING.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = seen.iter().copied().find(|s| *s == key) {
        return s;
    }
    if seen.len() >= 256 {
        return "?";
    }
    let s: &'static str = Box::leak(key.to_string().into_boxed_str());
    seen.push(s);
    s
}

/// `key`'s text with each `{name}` replaced by its value; a placeholder
/// without a value stays as written.
pub fn fill(lang: Lang, key: &str, params: &[(&str, &str)]) -> String {
    substitute(t(lang, key), |name| params.iter().find(|(n, _)| *n == name).map(|(_, v)| *v))
}

/// `text` with `{name}` replaced by `value(name)` where it gives one.
pub fn substitute<'v>(text: &str, value: impl Fn(&str) -> Option<&'v str>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                match value(&after[..close]) {
                    Some(v) => out.push_str(v),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The `{name}` placeholders of a text, in order (the tests compare them across
/// locales).
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                out.push(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_headers() {
        assert_eq!(Lang::from_tag("zh-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_tag("zh_CN.UTF-8"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_tag("en-US"), Some(Lang::En));
        assert_eq!(Lang::from_tag("C.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_accept_language("fr-FR,zh-CN;q=0.9,en;q=0.8"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_accept_language("en;q=0.5, zh;q=0.7"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_accept_language("en-GB,zh;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("zh;q=0, fr"), None);
        assert_eq!("zh-CN".parse::<Lang>(), Ok(Lang::ZhCn));
        assert!("de".parse::<Lang>().is_err());
    }

    #[test]
    fn substitution_keeps_unknown_and_odd_braces() {
        let s = substitute("a {x} b {y} c {not a name} {", |n| (n == "x").then_some("1"));
        assert_eq!(s, "a 1 b {y} c {not a name} {");
        assert_eq!(placeholders("{a} and {b_2} {c d}"), vec!["a", "b_2"]);
    }

    #[test]
    fn lookups_fall_back_to_english_then_the_key() {
        assert_eq!(t(Lang::En, "nav.graphs"), "Graphs");
        assert_eq!(t(Lang::ZhCn, "nav.graphs"), "数据流图");
        assert_eq!(t(Lang::ZhCn, "no.such.key"), "no.such.key");
    }
}
