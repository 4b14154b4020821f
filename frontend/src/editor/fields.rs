//! The config form's fields: how each key is edited (which keys a kind has is
//! in [`super::forms`]). Every input writes to the graph as the user types, so
//! problems follow live.

use super::file_picker::PathField;
use super::forms::{FieldSpec, Widget};
use super::formula_help::FormulaHelp;
use super::lists::{ListEditor, columns_list_id, text_of};
use super::select_checklist::SelectChecklist;
use super::state::{EditorState, NodeData};
use super::table_fields;
use crate::i18n::tx;
use leptos::prelude::*;
use serde_json::Value;
use sluice_shared::NodeKind;

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
                .then_some(("", tx("(default)")))
                .into_iter()
                .chain(options())
                .map(|(o, label)| view! { <option value=o selected=move || cur() == o>{label}</option> })
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
