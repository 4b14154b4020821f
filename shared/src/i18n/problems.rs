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
    "against_column_alone",
    "agg_needs_column",
    "agg_needs_numeric",
    "aggregate_in_expr",
    "append_after_incremental",
    "argument_unsupported",
    "as_of_not_date",
    "between_needs_bound",
    "calendar_empty",
    "calendar_rule_unknown",
    "cast_unsupported",
    "check_value_type",
    "choose_columns",
    "choose_connection",
    "choose_join_keys",
    "choose_sort",
    "column_declared_twice",
    "column_listed_twice",
    "column_unknown",
    "column_unknown_suggest",
    "columns_empty_list",
    "config_invalid_length",
    "config_invalid_type",
    "config_no_fields",
    "config_too_large",
    "config_unknown_field",
    "config_unknown_variant",
    "config_untagged",
    "connection_read_only",
    "connection_undefined",
    "cycle",
    "date_literal_invalid",
    "date_or_param",
    "decimal_invalid",
    "derived_cycle",
    "derived_from_not_date",
    "derived_from_undeclared",
    "derived_no_default",
    "derived_no_value",
    "document_too_large",
    "edge_no_node",
    "edge_twice",
    "encoding_unsupported",
    "expr_empty",
    "expr_ends_early",
    "expr_missing_operator",
    "expr_not_bool",
    "expr_not_supported",
    "expr_qualified_column",
    "expr_rule_needs_expr",
    "expr_subquery",
    "expr_subquery_join",
    "expr_too_complex",
    "expr_unexpected",
    "expr_unreadable",
    "expr_unreadable_detail",
    "format_percent_or_scale",
    "format_version",
    "func_needs_column",
    "function_unknown",
    "function_unknown_suggest",
    "graph_field_unknown",
    "graph_too_large",
    "group_or_aggregate",
    "in_needs_values",
    "incremental_needs_column",
    "initial_too_long",
    "key_not_tracked",
    "keys_mismatch",
    "kind_unknown",
    "matches_needs_pattern",
    "matches_needs_string",
    "max_ratio_range",
    "min_above_max",
    "missing_field",
    "mode_needs_columns",
    "new_column_name",
    "no_port",
    "node_id_invalid",
    "node_id_twice",
    "one_character",
    "operand_needs_numbers",
    "operand_not_bool",
    "operand_not_number",
    "operator_unsupported",
    "output_column_twice",
    "output_column_unnamed",
    "param_default_wrong",
    "param_name_invalid",
    "param_no_value",
    "param_not_date",
    "param_not_declared",
    "param_ref_undeclared",
    "param_syntax",
    "param_undeclared",
    "paren_closes_nothing",
    "paren_not_closed",
    "path_absolute",
    "path_bad_placeholder",
    "path_empty",
    "path_file_parent",
    "path_folder",
    "path_inside_file",
    "path_leaves_root",
    "path_nul",
    "path_param_no_value",
    "path_stray_close",
    "path_unclosed",
    "path_undeclared_param",
    "pie_no_series",
    "pivot_needs_x",
    "port_over",
    "port_too_few",
    "port_unconnected",
    "predicate_not_bool",
    "quarantine_column_taken",
    "reconcile_needs_against",
    "reconcile_needs_fn",
    "regex_invalid",
    "report_needs_measure",
    "report_needs_title",
    "row_count_bound_whole",
    "row_count_needs_bound",
    "rule_field_not_applicable",
    "rule_name_chars",
    "rule_name_twice",
    "rule_needs_column",
    "rule_needs_columns",
    "rule_needs_name",
    "rules_none",
    "same_file",
    "scd2_column_taken",
    "scd2_needs_as_of",
    "schema_column_unnamed",
    "sink_feeds",
    "source_fed",
    "sql_empty",
    "sql_file_path",
    "sql_function_not_allowed",
    "sql_locking",
    "sql_not_allowed",
    "sql_not_input",
    "sql_not_table_name",
    "sql_one_statement",
    "sql_only_select",
    "sql_param_in_database",
    "sql_qualified_input",
    "sql_select_into",
    "sql_table_function",
    "sql_too_complex",
    "sql_unreadable",
    "sum_needs_numeric",
    "table_and_query",
    "table_bad_placeholder",
    "table_name_form",
    "table_name_invalid",
    "table_or_query",
    "table_param_no_value",
    "table_param_not_declared",
    "table_stray_close",
    "table_to_write",
    "table_unclosed",
    "table_undeclared_param",
    "text_not_closed",
    "tolerance_needs_numeric",
    "tolerance_negative",
    "type_unknown",
    "union_columns",
    "union_type_mismatch",
    "value_missing_after",
    "value_missing_before",
    "value_missing_between",
    "value_missing_inside",
    "value_not_single",
    "value_null",
    "window_not_allowed",
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
