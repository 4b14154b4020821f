//! Validator problems in any language: a problem with a `code` is rendered from
//! the catalogue's `problem.<code>` text and its `params`; one without a code
//! keeps its English sentence. `CODES` lists every code the validator gives,
//! with the parameters each needs (the tests render each in both languages).

use super::{Lang, fill, has};
use crate::problem::{GRAPH_SCOPE, Problem};

/// Every problem code. Its parameters are the placeholders of its English text
/// (`problem.<code>` in `locales/en.json`).
pub const CODES: &[&str] = &[
    "add_formula",
    "agg_needs_column",
    "agg_needs_numeric",
    "choose_columns",
    "choose_connection",
    "choose_join_keys",
    "choose_sort",
    "column_unknown",
    "column_unknown_suggest",
    "connection_read_only",
    "connection_undefined",
    "cycle",
    "edge_no_node",
    "edge_twice",
    "encoding_unsupported",
    "format_version",
    "group_or_aggregate",
    "keys_mismatch",
    "kind_unknown",
    "missing_field",
    "new_column_name",
    "no_port",
    "node_id_invalid",
    "node_id_twice",
    "output_column_twice",
    "param_no_value",
    "param_undeclared",
    "path_absolute",
    "path_folder",
    "path_leaves_root",
    "path_undeclared_param",
    "port_over",
    "port_too_few",
    "port_unconnected",
    "predicate_not_bool",
    "same_file",
    "sink_feeds",
    "source_fed",
    "table_or_query",
];

/// The catalogue key of a code.
pub fn key(code: &str) -> String {
    format!("problem.{code}")
}

/// `p`'s message in `lang`.
pub fn render(lang: Lang, p: &Problem) -> String {
    match p.code.as_deref() {
        Some(code) if has(Lang::En, &key(code)) => {
            let params: Vec<(&str, &str)> = p.params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            fill(lang, &key(code), &params)
        }
        _ => p.message.clone(),
    }
}

/// The command line's `<node id>: <field>: <message>` line in `lang` (English
/// is exactly `Problem`'s `Display`).
pub fn line(lang: Lang, p: &Problem) -> String {
    let scope = p.node.as_deref().unwrap_or(GRAPH_SCOPE);
    match &p.field {
        Some(field) => format!("{scope}: {field}: {}", render(lang, p)),
        None => format!("{scope}: {}", render(lang, p)),
    }
}

/// The code and parameters of an English sentence that one of the codes' texts
/// writes: a problem made from a plain sentence gets its code this way, so a
/// check that still writes `format!("unknown column `{name}`{hint}")` is
/// rendered in every language once its text is in the catalogue
/// ([`super::template::recognize`]).
pub fn recognize(message: &str) -> Option<(&'static str, Vec<(String, String)>)> {
    let keys: Vec<String> = CODES.iter().map(|c| key(c)).collect();
    let (i, params) = super::template::recognize(keys.iter().map(String::as_str), message)?;
    Some((CODES[i], params))
}
