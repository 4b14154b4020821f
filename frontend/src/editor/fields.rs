//! The config form of each node kind: which keys it has and how each is edited.
//! Every input writes to the graph as the user types, so problems follow live.

use super::file_picker::PathField;
use super::formula_help::FormulaHelp;
use super::lists::{self, ListEditor, ListSpec, columns_list_id, text_of};
use super::select_checklist::SelectChecklist;
use super::state::{EditorState, NodeData};
use super::table_fields;
use crate::i18n::tx;
use leptos::prelude::*;
use serde_json::Value;
use sluice_shared::NodeKind;
use sluice_shared::config::{ChartKind, ENCODINGS, JoinHow};

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
    Choice {
        options: &'static [&'static str],
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
    let path = f("path", "File", Widget::Path, "relative to the data root; {param} allowed");
    match kind {
        SourceCsv => vec![
            path,
            f("delimiter", "Delimiter", Widget::Delimiter, "one character; \\t for tab"),
            f("has_header", "First row is the header", Widget::Bool(true), ""),
            f("encoding", "Encoding", Widget::Choice { options: &ENCODINGS, optional: true }, ""),
            f("schema", "Declared columns", Widget::List(&lists::SCHEMA), "optional: otherwise types are inferred"),
        ],
        SourceParquet | SourceJson | SinkParquet => vec![path],
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
            f("how", "Join type", Widget::Choice { options: &JoinHow::NAMES, optional: false }, ""),
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
            f("chart", "Chart", Widget::Choice { options: &ChartKind::NAMES, optional: false }, ""),
            f("x", "X axis", Widget::Column, "optional"),
            f("y", "Y axis", Widget::Column, "optional (a list of measures in the JSON view)"),
            f("series", "Series", Widget::Column, "optional: one line or bar per value"),
        ],
    }
}

/// Whether a problem's `field` (`aggregates[0].column`, `on.1`...) is about `key`.
pub fn field_matches(field: &str, key: &str) -> bool {
    field.strip_prefix(key).is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// The expression fields that get the formula helper.
fn formula_target(kind: Option<NodeKind>, key: &str) -> Option<super::formula_help::Target> {
    use super::formula_help::Target;
    match (kind?, key) {
        (NodeKind::Filter, "predicate") => Some(Target::Key("predicate")),
        (NodeKind::Derive, "columns") => Some(Target::LastFormula),
        _ => None,
    }
}

/// One labelled field with its problems underneath.
#[component]
pub fn Field(n: NodeData, spec: FieldSpec) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let key = spec.key;
    let problems = move || {
        n.problems.with(|ps| {
            ps.iter()
                .filter(|(f, _)| f.as_deref().is_some_and(|f| field_matches(f, key)))
                .map(|(_, m)| view! { <div class="field-problem">{m.clone()}</div> })
                .collect_view()
        })
    };
    let input = widget(ed, n, key, spec.widget);
    let help = (!spec.help.is_empty()).then(|| view! { <div class="field-help">{tx(spec.help)}</div> });
    let formula = formula_target(n.node_kind(), key).map(|target| {
        let inputs = Signal::derive(move || super::inspector::input_columns(ed, n, "in"));
        view! { <FormulaHelp n=n target=target inputs=inputs/> }
    });
    view! {
        <div class=format!("field field-{key}")>
            <div class="field-label">{tx(spec.label)}<code>{key}</code></div>
            {input}
            {formula}
            {help}
            {problems}
        </div>
    }
}

fn widget(ed: EditorState, n: NodeData, key: &'static str, w: Widget) -> AnyView {
    let testid = format!("config-{key}");
    let current = move || n.config.with(|c| c.get(key).cloned());
    let set = move |v: Option<Value>| ed.set_config(n, key, v);
    match w {
        Widget::Text { optional, placeholder } => view! {
            <input data-testid=testid placeholder=tx(placeholder) spellcheck="false"
                prop:value=move || text_of(current().as_ref())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    set((!(optional && v.is_empty())).then_some(Value::String(v)))
                }/>
        }
        .into_any(),
        Widget::Code { optional, placeholder } => view! {
            <textarea class="code" data-testid=testid placeholder=tx(placeholder) rows="3" spellcheck="false"
                prop:value=move || text_of(current().as_ref())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    set((!(optional && v.is_empty())).then_some(Value::String(v)))
                }></textarea>
        }
        .into_any(),
        Widget::Path => view! { <PathField n=n testid=testid/> }.into_any(),
        Widget::Delimiter => view! {
            <input class="short" data-testid=testid placeholder="," spellcheck="false"
                prop:value=move || text_of(current().as_ref()).replace('\t', "\\t")
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    set((!v.is_empty()).then(|| Value::String(v.replace("\\t", "\t"))))
                }/>
        }
        .into_any(),
        Widget::Bool(default) => view! {
            <label class="check">
                <input type="checkbox" data-testid=testid
                    prop:checked=move || current().and_then(|v| v.as_bool()).unwrap_or(default)
                    on:change=move |ev| set(Some(Value::Bool(event_target_checked(&ev))))/>
                {if default { "yes (default)" } else { "no (default)" }}
            </label>
        }
        .into_any(),
        Widget::Number { optional, default } => number_input(ed, n, key, optional, default),
        Widget::Choice { options, optional } => {
            let cur = move || text_of(current().as_ref());
            // An optional choice starts with "(default)": the key left out.
            let opts = optional
                .then_some("")
                .into_iter()
                .chain(options.iter().copied())
                .map(|o| {
                    let label = if o.is_empty() { tx("(default)") } else { o };
                    view! { <option value=o selected=move || cur() == o>{label}</option> }
                })
                .collect_view();
            view! {
                <select data-testid=testid prop:value=cur
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set((!(optional && v.is_empty())).then_some(Value::String(v)))
                    }>{opts}</select>
            }
            .into_any()
        }
        Widget::Column => view! {
            <input data-testid=testid placeholder=tx("column") list=columns_list_id(n, "in") spellcheck="false"
                prop:value=move || text_of(current().as_ref())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    set((!v.is_empty()).then_some(Value::String(v)))
                }/>
        }
        .into_any(),
        Widget::List(spec) => view! { <ListEditor n=n spec=spec/> }.into_any(),
        Widget::SelectColumns => {
            let inputs = Signal::derive(move || super::inspector::input_columns(ed, n, "in"));
            view! { <SelectChecklist n=n inputs=inputs/> }.into_any()
        }
        Widget::Connection { writes } => table_fields::connection_select(ed, n, writes),
        Widget::Table { query_switch } => table_fields::table_input(ed, n, query_switch),
        Widget::Query => table_fields::query_input(ed, n),
        Widget::TableMode => table_fields::mode_select(ed, n),
    }
}

/// A number field. What the user types stays in the input as typed (it is never
/// re-rendered from the config while the field has focus); the config gets a
/// number only when the text reads as the key's type (`shared`'s rule), and
/// text that does not read is kept and reported as a problem of the node.
fn number_input(ed: EditorState, n: NodeData, key: &'static str, optional: bool, default: u64) -> AnyView {
    let kind = n.node_kind();
    let config_text = move || n.config.with(|c| text_of(c.get(key)));
    let initial = n.pending_text(key).map_or_else(|| config_text_untracked(n, key), |t| t.text);
    let text = RwSignal::new(initial);
    let focused = StoredValue::new(false);
    // Follow the config when it changes from elsewhere (undo, import, the raw
    // editor), never while the user is typing here.
    Effect::new(move |prev: Option<String>| {
        let now = config_text();
        if prev.is_some_and(|p| p != now) && !focused.get_value() {
            text.set(now.clone());
        }
        now
    });
    let on_input = move |ev: leptos::ev::Event| {
        let raw = event_target_value(&ev);
        text.set(raw.clone());
        if optional && raw.trim().is_empty() {
            n.set_typed(key, None);
            ed.set_config(n, key, None);
            return;
        }
        match kind.and_then(|k| sluice_shared::config::parse_typed_text(k, key, &raw)) {
            Some(Ok(v)) => {
                n.set_typed(key, None);
                if n.config.with_untracked(|c| c.get(key) != Some(&v)) {
                    ed.set_config(n, key, Some(v));
                }
            }
            Some(Err(message)) => n.set_typed(key, Some((raw, message))),
            // Not a number key of this kind: no rule to read it by; keep the text.
            None => ed.set_config(n, key, Some(Value::String(raw))),
        }
    };
    view! {
        <input class="short" type="text" inputmode="numeric" autocomplete="off" spellcheck="false"
            data-testid=format!("config-{key}") placeholder=default.to_string()
            class:invalid=move || n.typed.with(|t| t.iter().any(|t| t.key == key))
            prop:value=text
            on:focus=move |_| focused.set_value(true)
            on:blur=move |_| focused.set_value(false)
            on:input=on_input/>
    }
    .into_any()
}

fn config_text_untracked(n: NodeData, key: &str) -> String {
    n.config.with_untracked(|c| text_of(c.get(key)))
}
