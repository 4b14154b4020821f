//! Form widgets of the database-table nodes: the connection (from the catalog),
//! the table (the connection's tables offered, free text allowed for `{param}`
//! and for tables a sink creates), the table/query switch, and the sink's mode.

use super::catalog::{Catalog, Loaded};
use super::lists::text_of;
use super::state::{EditorState, NodeData};
use super::table_rules::{mode_of, set_mode, table_text, use_query};
use crate::i18n::{t, tf};
use leptos::prelude::*;
use serde_json::Value;
use sluice_shared::config::TableMode;

fn config_text(n: NodeData, key: &'static str) -> impl Fn() -> String + Copy {
    move || n.config.with(|c| text_of(c.get(key)))
}

/// `connection`: a select of the catalog's connections (only writable ones for
/// a sink). A name the catalog does not list stays shown, so nothing changes
/// silently; without a catalog it is a text field.
pub fn connection_select(ed: EditorState, n: NodeData, writes: bool) -> AnyView {
    let catalog = expect_context::<Catalog>();
    let current = config_text(n, "connection");
    let set = move |v: String| ed.set_config(n, "connection", Some(Value::String(v)));
    let view = move || match catalog.connections.get() {
        Loaded::Ready(list) => {
            let cur = current();
            let mut names: Vec<String> =
                list.iter().filter(|c| !(writes && c.read_only)).map(|c| c.name.clone()).collect();
            if !cur.is_empty() && !names.contains(&cur) {
                names.push(cur.clone());
            }
            let options = names
                .into_iter()
                .map(|name| view! { <option value=name.clone() selected=name == cur>{name.clone()}</option> })
                .collect_view();
            view! {
                <select data-testid="config-connection" prop:value=current on:change=move |ev| set(event_target_value(&ev))>
                    <option value="">{if writes { t("table_fields.choose_writable") } else { t("table_fields.choose") }}</option>
                    {options}
                </select>
            }
            .into_any()
        }
        other => {
            let note = match other {
                Loaded::Failed(e) => tf("table_fields.connections_failed", &[("error", &e.to_string())]),
                _ => t("table_fields.listing_connections").to_string(),
            };
            view! {
                <input data-testid="config-connection" spellcheck="false" placeholder=t("table_fields.connection_name")
                    prop:value=current on:input=move |ev| set(event_target_value(&ev))/>
                <div class="field-help">{note}</div>
            }
            .into_any()
        }
    };
    view.into_any()
}

/// `table`: free text with the connection's tables offered; for a source, a
/// switch to write a query instead.
pub fn table_input(ed: EditorState, n: NodeData, query_switch: bool) -> AnyView {
    let catalog = expect_context::<Catalog>();
    let list_id = format!("tables-{}", n.key);
    let connection = config_text(n, "connection");
    let tables = move || {
        let conn = connection();
        let names: Vec<String> = match catalog.tables(&conn) {
            Loaded::Ready(list) if !conn.is_empty() => list.tables.iter().map(table_text).collect(),
            _ => Vec::new(),
        };
        names.into_iter().map(|t| view! { <option value=t></option> }).collect_view()
    };
    let note = move || {
        let conn = connection();
        (!conn.is_empty()).then(|| match catalog.tables(&conn) {
            Loaded::Ready(l) if l.truncated => t("table_fields.truncated").to_string(),
            Loaded::Ready(l) => {
                tf("table_fields.tables_on", &[("count", &l.tables.len().to_string()), ("connection", &conn)])
            }
            Loaded::Failed(e) => tf("table_fields.tables_failed", &[("error", &e.to_string())]),
            Loaded::Loading => t("table_fields.listing_tables").to_string(),
        })
    };
    view! {
        <input data-testid="config-table" list=list_id.clone() spellcheck="false" autocomplete="off"
            placeholder=t("table_fields.table_placeholder")
            prop:value=config_text(n, "table")
            on:input=move |ev| ed.set_config(n, "table", Some(Value::String(event_target_value(&ev))))/>
        <datalist id=list_id>{tables}</datalist>
        <div class="field-help" data-testid="config-table-note">{note}</div>
        {query_switch.then(|| view! {
            <button class="btn small ghost" type="button" data-testid="config-use-query"
                on:click=move |_| ed.edit_config(n, "query.switch", |m| use_query(m, true))>
                {t("table_fields.write_a_query_instead")}
            </button>
        })}
    }
    .into_any()
}

/// `query` of a source: one SELECT over the connection, and the way back to a table.
pub fn query_input(ed: EditorState, n: NodeData) -> AnyView {
    view! {
        <textarea class="code" data-testid="config-query" rows="4" spellcheck="false"
            placeholder=t("table_fields.query_placeholder")
            prop:value=config_text(n, "query")
            on:input=move |ev| ed.set_config(n, "query", Some(Value::String(event_target_value(&ev))))></textarea>
        <button class="btn small ghost" type="button" data-testid="config-use-table"
            on:click=move |_| ed.edit_config(n, "query.switch", |m| use_query(m, false))>
            {t("table_fields.pick_a_table_instead")}
        </button>
    }
    .into_any()
}

/// `mode` of a sink, from [`TableMode::ALL`]; a change drops the keys the new
/// mode does not use.
pub fn mode_select(ed: EditorState, n: NodeData) -> AnyView {
    let current = move || n.config.with(|c| mode_of(c).as_str());
    let options = super::options::table_modes()
        .into_iter()
        .map(|(m, label)| view! { <option value=m selected=move || current() == m>{label}</option> })
        .collect_view();
    view! {
        <select data-testid="config-mode" prop:value=current
            on:change=move |ev| {
                if let Some(m) = TableMode::parse(&event_target_value(&ev)) {
                    ed.edit_config(n, "mode", |c| set_mode(c, m));
                }
            }>{options}</select>
    }
    .into_any()
}
