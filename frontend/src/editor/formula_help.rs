//! The formula helper under an expression field: the input's columns and the
//! function catalogue (`shared::expr_words::FUNCTIONS`, the same list the
//! server checks calls against), filterable; a click adds the column or the
//! call to the end of the expression being written.

use super::state::{EditorState, NodeData};
use crate::i18n::t;
use leptos::prelude::*;
use serde_json::Value;
use sluice_shared::expr_words::FUNCTIONS;

/// Where a click writes: a top-level key (`predicate`), or the `expr` of the last formula row.
#[derive(Clone, Copy)]
pub enum Target {
    Key(&'static str),
    LastFormula,
}

/// `text` with `piece` added at the end, a space between when needed.
pub fn append(text: &str, piece: &str) -> String {
    if text.is_empty() || text.ends_with([' ', '(']) { format!("{text}{piece}") } else { format!("{text} {piece}") }
}

/// A column name as an expression reads it: quoted when it is not a plain identifier.
pub fn column_ref(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain { name.to_string() } else { format!("\"{}\"", name.replace('"', "\"\"")) }
}

fn insert(ed: EditorState, n: NodeData, target: Target, piece: String) {
    match target {
        Target::Key(key) => {
            let now = n.config.with_untracked(|c| c.get(key).and_then(Value::as_str).unwrap_or_default().to_string());
            ed.set_config(n, key, Some(Value::String(append(&now, &piece))));
        }
        Target::LastFormula => ed.edit_config(n, "columns.expr", |m| {
            let list = m.entry("columns").or_insert_with(|| Value::Array(Vec::new()));
            if !list.is_array() {
                *list = Value::Array(Vec::new());
            }
            let rows = list.as_array_mut().expect("a list");
            if rows.is_empty() {
                rows.push(serde_json::json!({"name": "", "expr": ""}));
            }
            if let Some(Value::Object(row)) = rows.last_mut() {
                let now = row.get("expr").and_then(Value::as_str).unwrap_or_default().to_string();
                row.insert("expr".into(), Value::String(append(&now, &piece)));
            }
        }),
    }
}

#[component]
pub fn FormulaHelp(n: NodeData, target: Target, inputs: Signal<Vec<(String, String)>>) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let open = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let columns = move || {
        let q = search.get().to_lowercase();
        inputs
            .get()
            .into_iter()
            .filter(|(c, _)| c.to_lowercase().contains(&q))
            .map(|(c, ty)| {
                let piece = column_ref(&c);
                view! {
                    <button type="button" class="chip" data-testid=format!("formula-col-{c}") title=ty
                        on:click=move |_| insert(ed, n, target, piece.clone())>{c.clone()}</button>
                }
            })
            .collect_view()
    };
    let functions = move || {
        let q = search.get().to_lowercase();
        FUNCTIONS
            .iter()
            .filter(|(name, _, what)| name.contains(&q) || what.to_lowercase().contains(&q))
            .map(|(name, sig, what)| {
                view! {
                    <button type="button" class="formula-fn" data-testid=format!("formula-fn-{name}")
                        on:click=move |_| insert(ed, n, target, format!("{name}("))>
                        <span class="code">{*sig}</span><span class="muted">{*what}</span>
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <div class="formula-help">
            <button type="button" class="btn small link" data-testid="formula-help-open" on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { t("formula_help.hide") } else { t("formula_help.show") }}
            </button>
            {move || open.get().then(|| view! {
                <div class="formula-panel" data-testid="formula-help">
                    <input placeholder=t("formula_help.search_columns_and_functions") data-testid="formula-search"
                        prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
                    <div class="formula-cols"><b>{t("formula_help.columns")}</b>{columns}</div>
                    <div class="formula-fns"><b>{t("formula_help.functions")}</b>{functions}</div>
                </div>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_added_readably() {
        assert_eq!(append("", "amount"), "amount");
        assert_eq!(append("amount >", "100"), "amount > 100");
        assert_eq!(append("round(", "amount"), "round(amount");
        assert_eq!(column_ref("amount"), "amount");
        assert_eq!(column_ref("branch name"), "\"branch name\"");
    }
}
