//! The config form of each node kind: which keys it has, in the order a user
//! fills them in, and the widget each key is edited with ([`super::fields`]
//! draws them). Option lists come from the shared enums ([`super::options`]).

use super::lists::{self, ListSpec};
use super::options::{self, Choices};
use sluice_shared::NodeKind;

/// How one config key is edited.
#[derive(Clone, Copy)]
pub enum Widget {
    /// Free text; `optional` keys are removed when emptied.
    Text {
        optional: bool,
        placeholder: &'static str,
    },
    /// An expression or query, in a monospace text area.
    Code {
        optional: bool,
        placeholder: &'static str,
    },
    /// A file path relative to the data root, with the server's files offered.
    Path,
    /// One character (`\t` is typed as backslash-t).
    Delimiter,
    Bool(bool),
    Number {
        optional: bool,
        default: u64,
    },
    /// One of a shared enum's words, shown by its label.
    Choice {
        options: Choices,
        /// `Some` when the key may be left out (the first option means "leave out").
        optional: bool,
    },
    /// One column of the input, optional.
    Column,
    List(&'static ListSpec),
    /// A connection from the catalog; `writes`: only writable ones.
    Connection {
        writes: bool,
    },
    /// A table of the chosen connection; `query_switch`: offer a query instead.
    Table {
        query_switch: bool,
    },
    /// A source's query, with the way back to a table.
    Query,
    /// A `sink.table` mode, from `TableMode::ALL`.
    TableMode,
    /// `transform.select`'s columns as a checklist of the input's columns.
    SelectColumns,
}

#[derive(Clone, Copy)]
pub struct FieldSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub widget: Widget,
    pub help: &'static str,
}

const fn f(key: &'static str, label: &'static str, widget: Widget, help: &'static str) -> FieldSpec {
    FieldSpec { key, label, widget, help }
}

const TEXT: Widget = Widget::Text { optional: false, placeholder: "" };
const OPT_TEXT: Widget = Widget::Text { optional: true, placeholder: "" };

/// The form of a kind, in the order a user fills it in.
pub fn fields_for(kind: NodeKind) -> Vec<FieldSpec> {
    use NodeKind::*;
    match kind {
        SourceCsv | SourceParquet | SourceJson | SourceExcel | SourceTable | SourceDates => source_fields(kind),
        Filter | Select | Derive | Join | Union | Aggregate | Sort | Distinct | Limit | Sql | TransformCheck => {
            transform_fields(kind)
        }
        SinkCsv | SinkParquet | SinkExcel | SinkTable | SinkReport => sink_fields(kind),
    }
}

fn path_field() -> FieldSpec {
    f("path", "File", Widget::Path, "relative to the data root; {param} allowed")
}

fn source_fields(kind: NodeKind) -> Vec<FieldSpec> {
    use NodeKind::*;
    let path = path_field();
    match kind {
        SourceCsv => vec![
            path,
            f("delimiter", "Delimiter", Widget::Delimiter, "one character; \\t for tab"),
            f("has_header", "First row is the header", Widget::Bool(true), ""),
            f("encoding", "Encoding", Widget::Choice { options: options::encodings, optional: true }, ""),
            f("schema", "Declared columns", Widget::List(&lists::SCHEMA), "optional: otherwise types are inferred"),
        ],
        SourceParquet | SourceJson => vec![path],
        SourceExcel => vec![
            path,
            f("sheet", "Sheet", Widget::Text { optional: true, placeholder: "first sheet" }, ""),
            f("schema", "Declared columns", Widget::List(&lists::SCHEMA), "optional"),
        ],
        SourceTable => vec![
            f(
                "connection",
                "Connection",
                Widget::Connection { writes: false },
                "set up by an admin; dev while editing",
            ),
            f("table", "Table", Widget::Table { query_switch: true }, ""),
            f("query", "Query", Widget::Query, "one SELECT over this connection; it cannot change anything"),
        ],
        SourceDates => vec![
            f("from", "From", TEXT, "YYYY-MM-DD or $param"),
            f("to", "To", TEXT, "YYYY-MM-DD or $param"),
            f("calendar", "Calendar", OPT_TEXT, "optional: adds is_business_day, business_day_of_month"),
        ],
        _ => vec![],
    }
}

fn transform_fields(kind: NodeKind) -> Vec<FieldSpec> {
    use NodeKind::*;
    match kind {
        Filter => vec![f(
            "predicate",
            "Keep rows where",
            Widget::Code { optional: false, placeholder: "amount > 100 AND branch = 'North'" },
            "a SQL condition; $param for parameters",
        )],
        Select => vec![f(
            "columns",
            "Columns",
            Widget::SelectColumns,
            "tick the columns to keep; rename and cast beside each; ↑ ↓ set the output order",
        )],
        Derive => vec![f(
            "columns",
            "Formulas",
            Widget::List(&lists::DERIVE_COLUMNS),
            "a name equal to an input column replaces it",
        )],
        Join => vec![
            f("how", "Join type", Widget::Choice { options: options::join_kinds, optional: false }, ""),
            f("on", "Match on", Widget::List(&lists::JOIN_ON), "left column = right column"),
        ],
        Union => vec![f("distinct", "Remove duplicate rows", Widget::Bool(false), "")],
        Aggregate => vec![
            f("group_by", "Group by", Widget::List(&lists::GROUP_BY), ""),
            f("aggregates", "Aggregates", Widget::List(&lists::AGGREGATES), "count without a column counts rows"),
        ],
        Sort => vec![f("by", "Sort by", Widget::List(&lists::SORT_BY), "nulls last")],
        Distinct => {
            vec![f("columns", "Over columns", Widget::List(&lists::DISTINCT_COLUMNS), "none: over all columns")]
        }
        Limit => vec![
            f("n", "Rows", Widget::Number { optional: false, default: 100 }, ""),
            f("offset", "Skip first", Widget::Number { optional: true, default: 0 }, ""),
        ],
        Sql => vec![f(
            "query",
            "Query",
            Widget::Code { optional: false, placeholder: "SELECT * FROM upstream_id" },
            "each input is a table named by its node id",
        )],
        TransformCheck => vec![f(
            "rules",
            "Rules",
            Widget::List(&lists::CHECK_RULES),
            "columns, values, min/max and the quarantine target: in the raw config",
        )],
        _ => vec![],
    }
}

fn sink_fields(kind: NodeKind) -> Vec<FieldSpec> {
    use NodeKind::*;
    let path = path_field();
    match kind {
        SinkParquet => vec![path],
        SinkCsv => vec![path, f("delimiter", "Delimiter", Widget::Delimiter, "")],
        SinkExcel => vec![path, f("sheet", "Sheet", Widget::Text { optional: true, placeholder: "Sheet1" }, "")],
        SinkTable => vec![
            f("connection", "Connection", Widget::Connection { writes: true }, "read-only connections are not offered"),
            f("table", "Table", Widget::Table { query_switch: false }, "created from the output when missing"),
            f("mode", "Mode", Widget::TableMode, ""),
            f("keys", "Key columns", Widget::List(&lists::TABLE_KEYS), "the columns that identify a row"),
            f(
                "partition_by",
                "Partition columns",
                Widget::List(&lists::TABLE_PARTITION_BY),
                "rows whose values occur in the output are replaced",
            ),
            f("tracked", "Tracked columns", Widget::List(&lists::TABLE_TRACKED), "a change starts a new version"),
            f(
                "as_of",
                "Valid from",
                Widget::Code { optional: true, placeholder: "$biz_date" },
                "a date expression for new versions",
            ),
            f("expire_missing", "Close keys missing from the output", Widget::Bool(false), ""),
        ],
        SinkReport => vec![
            f("title", "Title", TEXT, ""),
            f("chart", "Chart", Widget::Choice { options: options::chart_kinds, optional: false }, ""),
            f("x", "X axis", Widget::Column, "optional"),
            f("y", "Y axis", Widget::Column, "optional (a list of measures in the JSON view)"),
            f("series", "Series", Widget::Column, "optional: one line or bar per value"),
        ],
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind has a form (`file.*` sinks and sources at least their path),
    /// and no key appears twice in one form.
    #[test]
    fn every_kind_has_a_form_with_distinct_keys() {
        for kind in NodeKind::ALL {
            let keys: Vec<&str> = fields_for(kind).iter().map(|f| f.key).collect();
            assert!(!keys.is_empty(), "{} has no form", kind.as_str());
            let mut unique = keys.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), keys.len(), "{}: {keys:?}", kind.as_str());
        }
        assert_eq!(fields_for(NodeKind::SinkParquet).iter().map(|f| f.key).collect::<Vec<_>>(), ["path"]);
        assert_eq!(fields_for(NodeKind::Join)[0].key, "how");
    }
}
