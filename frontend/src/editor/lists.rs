//! List editors for list-valued config keys (`columns`, `group_by`,
//! `aggregates`, `by`, `on`, `schema`): one row per item, add and remove.
//! Rows are keyed by index and read their values reactively, so typing in a
//! row never re-creates it (focus stays). A blank last row takes new items.

use super::options::{self, Choices};
use super::state::{EditorState, NodeData};
use crate::i18n::{t, tx};
use leptos::prelude::*;
use serde_json::{Map, Value, json};

/// One cell of a row.
#[derive(Clone, Copy)]
pub enum Cell {
    /// A column of the node's input `port`, typed or picked from a list.
    Column(&'static str),
    Text(&'static str),
    /// An expression (monospace).
    Code(&'static str),
    /// One of a shared enum's words, shown by its label.
    Choice(Choices),
    Check,
    /// A column type (`int64`, `decimal(18,2)`...).
    Type,
}

#[derive(Clone, Copy)]
pub struct Sub {
    pub key: &'static str,
    pub cell: Cell,
    /// Removed from the row when emptied (e.g. `column` of a `count`).
    pub optional: bool,
}

/// How a list-valued key is edited.
pub struct ListSpec {
    pub key: &'static str,
    /// Cells of an object row; empty means a list of column names.
    pub subs: &'static [Sub],
    /// For a list of column names: the port they come from.
    pub port: &'static str,
    pub new_row: fn() -> Value,
    /// `transform.select`: a row with only a name is written as the bare name.
    pub compact: bool,
    /// Drop the key when the last row goes (`distinct.columns` is optional).
    pub drop_when_empty: bool,
    pub add_label: &'static str,
    /// A blank last row to type a new item into; without it, only "+ Add" adds
    /// (aggregates: a blank row would read as a setting that is not there).
    pub phantom: bool,
}

const fn sub(key: &'static str, cell: Cell) -> Sub {
    Sub { key, cell, optional: false }
}

pub const DERIVE_COLUMNS: ListSpec = ListSpec {
    key: "columns",
    subs: &[sub("name", Cell::Text("new column")), sub("expr", Cell::Code("expression, e.g. amount * 2"))],
    port: "in",
    new_row: || json!({ "name": "", "expr": "" }),
    compact: false,
    drop_when_empty: false,
    add_label: "+ Add formula",
    phantom: true,
};

/// `transform.check` rules: name, kind, level and the scalar fields most rules
/// use; lists (`columns`, `values`) and bounds are edited in the raw config.
pub const CHECK_RULES: ListSpec = ListSpec {
    key: "rules",
    subs: &[
        sub("name", Cell::Text("rule name")),
        sub("kind", Cell::Choice(options::rule_kinds)),
        Sub { key: "level", cell: Cell::Choice(options::rule_levels), optional: true },
        Sub { key: "column", cell: Cell::Column("in"), optional: true },
        Sub { key: "pattern", cell: Cell::Text("regex (matches)"), optional: true },
        Sub { key: "expr", cell: Cell::Code("passes when true (expr)"), optional: true },
    ],
    port: "in",
    new_row: || json!({ "name": "", "kind": "not_null", "columns": [] }),
    compact: false,
    drop_when_empty: false,
    add_label: "+ Add rule",
    phantom: true,
};

pub const AGGREGATES: ListSpec = ListSpec {
    key: "aggregates",
    subs: &[
        sub("fn", Cell::Choice(options::agg_fns)),
        Sub { key: "column", cell: Cell::Column("in"), optional: true },
        sub("as", Cell::Text("result name")),
    ],
    port: "in",
    new_row: || json!({ "fn": "sum", "as": "" }),
    compact: false,
    drop_when_empty: false,
    add_label: "+ Add aggregate",
    phantom: false,
};

pub const GROUP_BY: ListSpec = ListSpec {
    key: "group_by",
    subs: &[],
    port: "in",
    new_row: || json!(""),
    compact: false,
    drop_when_empty: false,
    add_label: "+ Add group column",
    phantom: true,
};

pub const DISTINCT_COLUMNS: ListSpec = ListSpec {
    key: "columns",
    subs: &[],
    port: "in",
    new_row: || json!(""),
    compact: false,
    drop_when_empty: true,
    add_label: "+ Add column",
    phantom: true,
};

/// A list of input columns stored under `key` (table sinks' keys, partitions, tracked columns).
const fn column_names(key: &'static str) -> ListSpec {
    ListSpec {
        key,
        subs: &[],
        port: "in",
        new_row: || json!(""),
        compact: false,
        drop_when_empty: true,
        add_label: "+ Add column",
        phantom: true,
    }
}

pub const TABLE_KEYS: ListSpec = column_names("keys");
pub const TABLE_PARTITION_BY: ListSpec = column_names("partition_by");
pub const TABLE_TRACKED: ListSpec = column_names("tracked");

pub const SORT_BY: ListSpec = ListSpec {
    key: "by",
    subs: &[sub("column", Cell::Column("in")), sub("desc", Cell::Check)],
    port: "in",
    new_row: || json!({ "column": "", "desc": false }),
    compact: false,
    drop_when_empty: false,
    add_label: "+ Add sort key",
    phantom: true,
};

pub const JOIN_ON: ListSpec = ListSpec {
    key: "on",
    subs: &[sub("left", Cell::Column("left")), sub("right", Cell::Column("right"))],
    port: "in",
    new_row: || json!({ "left": "", "right": "" }),
    compact: false,
    drop_when_empty: false,
    add_label: "+ Add key pair",
    phantom: true,
};

pub const SCHEMA: ListSpec = ListSpec {
    key: "schema",
    subs: &[sub("name", Cell::Text("column")), sub("type", Cell::Type)],
    port: "in",
    new_row: || json!({ "name": "", "type": "string" }),
    compact: false,
    drop_when_empty: true,
    add_label: "+ Declare a column",
    phantom: true,
};

/// The `<datalist>` id with the columns of `port` of a node.
pub fn columns_list_id(n: NodeData, port: &str) -> String {
    format!("cols-{}-{port}", n.key)
}

pub fn text_of(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// Reads cell `sub` of row `i` (`None` for a list of names).
fn read(c: &Value, key: &str, i: usize, sub: Option<&str>) -> Value {
    let row = c.get(key).and_then(|l| l.get(i)).cloned().unwrap_or(Value::Null);
    match (sub, &row) {
        (None, _) => row,
        // A bare name in `select.columns` is `{"name": ...}`.
        (Some("name"), Value::String(_)) => row,
        (Some(_), Value::String(_)) => Value::Null,
        (Some(s), _) => row.get(s).cloned().unwrap_or(Value::Null),
    }
}

/// The list under `key`, created (or reset if it was not a list) for writing.
fn list_mut<'a>(m: &'a mut Map<String, Value>, key: &str) -> &'a mut Vec<Value> {
    let v = m.entry(key.to_string()).or_insert_with(|| json!([]));
    if !v.is_array() {
        *v = json!([]);
    }
    v.as_array_mut().expect("made a list")
}

fn write(ed: EditorState, n: NodeData, spec: &'static ListSpec, i: usize, sub: Option<Sub>, v: Value) {
    let field = format!("{}.{i}.{}", spec.key, sub.map_or("", |s| s.key));
    ed.edit_config(n, &field, |m| {
        let list = list_mut(m, spec.key);
        while list.len() <= i {
            list.push((spec.new_row)());
        }
        let Some(sub) = sub else {
            list[i] = v;
            return;
        };
        let row = &mut list[i];
        if let Value::String(name) = row {
            *row = json!({ "name": name.clone() });
        }
        if !row.is_object() {
            *row = json!({});
        }
        let obj = row.as_object_mut().expect("made an object");
        let empty = matches!(&v, Value::String(s) if s.is_empty());
        if sub.optional && empty {
            obj.remove(sub.key);
        } else {
            obj.insert(sub.key.to_string(), v);
        }
        if spec.compact
            && obj.len() == 1
            && let Some(name) = obj.get("name").cloned()
        {
            *row = name;
        }
    });
}

#[component]
pub fn ListEditor(n: NodeData, spec: &'static ListSpec) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let key = spec.key;
    let len = Memo::new(move |_| n.config.with(|c| c.get(key).and_then(Value::as_array).map_or(0, Vec::len)));
    let add = move |_| {
        ed.edit_config(n, &format!("{key}.add"), |m| list_mut(m, key).push((spec.new_row)()));
        ed.history.update_value(|h| h.seal());
    };
    let remove = move |i: usize| {
        ed.edit_config(n, &format!("{key}.remove"), |m| {
            let list = list_mut(m, key);
            if i < list.len() {
                list.remove(i);
            }
            if spec.drop_when_empty && list.is_empty() {
                m.remove(key);
            }
        });
        ed.history.update_value(|h| h.seal());
    };

    let row = move |i: usize| {
        let cells: Vec<AnyView> = if spec.subs.is_empty() {
            vec![cell_view(ed, n, spec, i, None)]
        } else {
            spec.subs.iter().map(|s| cell_view(ed, n, spec, i, Some(*s))).collect()
        };
        // The last row is a blank one to type into (as in a spreadsheet):
        // typing there creates the item, and a new blank row appears below.
        let phantom = move || i >= len.get();
        view! {
            <div class="list-row" class:phantom=phantom data-testid=format!("config-{key}-{i}-row")>
                {cells}
                <button
                    class="icon-btn small remove"
                    class:invisible=phantom
                    title=t("lists.remove_this_row")
                    aria-label=t("lists.remove_row")
                    data-testid=format!("config-{key}-{i}-remove")
                    on:click=move |_| remove(i)
                >"✕"</button>
            </div>
        }
    };

    let header = move || {
        (!spec.subs.is_empty()).then(|| {
            let labels = spec
                .subs
                .iter()
                .map(|s| view! { <span class=format!("rows-head-cell cell-{}", s.key)>{tx(s.key)}</span> })
                .collect_view();
            view! { <div class="rows-head">{labels}<span class="rows-head-pad"></span></div> }
        })
    };

    view! {
        <div class="list-editor" data-testid=format!("config-{key}")>
            {header}
            // Keyed by index: a row's inputs stay the same elements (and keep
            // focus) when rows are added after it.
            <For each=move || 0..len.get() + usize::from(spec.phantom) key=|i| *i children=row/>
            <button class="btn small add" data-testid=format!("config-{key}-add") on:click=add>
                {tx(spec.add_label)}
            </button>
        </div>
    }
}

fn cell_view(ed: EditorState, n: NodeData, spec: &'static ListSpec, i: usize, sub: Option<Sub>) -> AnyView {
    let key = spec.key;
    let testid = match sub {
        Some(s) => format!("config-{key}-{i}-{}", s.key),
        None => format!("config-{key}-{i}"),
    };
    let sub_key = sub.map(|s| s.key);
    // The blank last row shows what a new item starts as.
    let value = move || {
        n.config.with(|c| match c.get(key).and_then(|l| l.get(i)) {
            Some(_) => read(c, key, i, sub_key),
            None => read(&json!({ key: [(spec.new_row)()] }), key, 0, sub_key),
        })
    };
    let cell = sub.map_or(Cell::Column(spec.port), |s| s.cell);
    let class = format!("cell cell-{}", sub_key.unwrap_or("name"));
    let set_text = move |ev: leptos::ev::Event| write(ed, n, spec, i, sub, Value::String(event_target_value(&ev)));
    match cell {
        Cell::Column(port) => view! {
            <input class=class data-testid=testid placeholder=tx("column") list=columns_list_id(n, port)
                spellcheck="false" prop:value=move || text_of(Some(&value())) on:input=set_text/>
        }
        .into_any(),
        Cell::Text(ph) => view! {
            <input class=class data-testid=testid placeholder=tx(ph) spellcheck="false"
                prop:value=move || text_of(Some(&value())) on:input=set_text/>
        }
        .into_any(),
        Cell::Code(ph) => view! {
            <input class=format!("{class} code") data-testid=testid placeholder=tx(ph) spellcheck="false"
                prop:value=move || text_of(Some(&value())) on:input=set_text/>
        }
        .into_any(),
        Cell::Type => view! {
            <input class=class data-testid=testid placeholder=tx("type") list="sluice-types" spellcheck="false"
                prop:value=move || text_of(Some(&value())) on:input=set_text/>
        }
        .into_any(),
        Cell::Check => view! {
            <label class="cell check">
                <input type="checkbox" data-testid=testid
                    prop:checked=move || value().as_bool().unwrap_or(false)
                    on:change=move |ev| write(ed, n, spec, i, sub, Value::Bool(event_target_checked(&ev)))/>
                {sub_key.unwrap_or_default()}
            </label>
        }
        .into_any(),
        Cell::Choice(choices) => {
            let current = move || text_of(Some(&value()));
            let opts = choices()
                .into_iter()
                .map(|(o, label)| view! { <option value=o selected=move || current() == o>{label}</option> })
                .collect_view();
            view! {
                <select class=class data-testid=testid prop:value=current on:change=set_text>{opts}</select>
            }
            .into_any()
        }
    }
}
