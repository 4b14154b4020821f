//! `transform.select` as a checklist of the input's columns: tick a column to
//! keep it, rename it and cast it beside its name, move it up or down to set
//! the output order. Chosen columns come first, in output order; columns the
//! input no longer has stay listed (marked) until unticked.

use super::state::{EditorState, NodeData};
use crate::i18n::t;
use leptos::prelude::*;
use serde_json::{Map, Value, json};

/// One chosen column: its name, new name and type (`None`: unchanged).
#[derive(Debug, Clone, PartialEq)]
pub struct Chosen {
    pub name: String,
    pub rename: Option<String>,
    pub cast: Option<String>,
}

/// The `columns` config as chosen columns.
pub fn read(config: &Value) -> Vec<Chosen> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    config
        .get("columns")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| match c {
            Value::String(s) => Some(Chosen { name: s.clone(), rename: None, cast: None }),
            Value::Object(o) => {
                Some(Chosen { name: text(o.get("name"))?, rename: text(o.get("as")), cast: text(o.get("type")) })
            }
            _ => None,
        })
        .collect()
}

/// Chosen columns as the config writes them: a bare name when nothing else is set.
pub fn write(cols: &[Chosen]) -> Value {
    Value::Array(
        cols.iter()
            .map(|c| {
                if c.rename.is_none() && c.cast.is_none() {
                    return json!(c.name);
                }
                let mut o = Map::new();
                o.insert("name".into(), json!(c.name));
                if let Some(r) = &c.rename {
                    o.insert("as".into(), json!(r));
                }
                if let Some(t) = &c.cast {
                    o.insert("type".into(), json!(t));
                }
                Value::Object(o)
            })
            .collect(),
    )
}

/// Ticks (`on`) or unticks column `name`; a ticked column goes last.
pub fn toggle(cols: &mut Vec<Chosen>, name: &str, on: bool) {
    cols.retain(|c| c.name != name || on);
    if on && !cols.iter().any(|c| c.name == name) {
        cols.push(Chosen { name: name.to_string(), rename: None, cast: None });
    }
}

/// Moves column `name` one place up (`-1`) or down (`1`).
pub fn shift(cols: &mut [Chosen], name: &str, by: isize) {
    if let Some(i) = cols.iter().position(|c| c.name == name) {
        let j = i as isize + by;
        if j >= 0 && (j as usize) < cols.len() {
            cols.swap(i, j as usize);
        }
    }
}

#[component]
pub fn SelectChecklist(n: NodeData, inputs: Signal<Vec<(String, String)>>) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let chosen = Memo::new(move |_| n.config.with(read));
    let change = move |what: &str, f: &dyn Fn(&mut Vec<Chosen>)| {
        let mut cols = chosen.get_untracked();
        f(&mut cols);
        ed.edit_config(n, &format!("columns.{what}"), |m| {
            m.insert("columns".into(), write(&cols));
        });
    };
    // Rows: the chosen columns in output order, then the input's other columns.
    let rows = move || {
        let picked = chosen.get();
        let ins = inputs.get();
        let mut out: Vec<(String, String, Option<Chosen>)> = picked
            .iter()
            .map(|c| {
                let ty = ins.iter().find(|(n, _)| *n == c.name).map(|(_, t)| t.clone());
                (c.name.clone(), ty.unwrap_or_else(|| t("select_checklist.missing").into()), Some(c.clone()))
            })
            .collect();
        out.extend(ins.into_iter().filter(|(n, _)| !picked.iter().any(|c| c.name == *n)).map(|(n, t)| (n, t, None)));
        out
    };
    let all = move |on: bool| {
        let names: Vec<String> = inputs.get_untracked().into_iter().map(|(n, _)| n).collect();
        change("all", &|cols| {
            for name in &names {
                toggle(cols, name, on);
            }
        });
    };
    let row = move |(name, ty, c): (String, String, Option<Chosen>)| {
        let on = c.is_some();
        let missing = ty == t("select_checklist.missing");
        let (n1, n2, n3, n4, n5) = (name.clone(), name.clone(), name.clone(), name.clone(), name.clone());
        let rename = c.as_ref().and_then(|c| c.rename.clone()).unwrap_or_default();
        let cast = c.as_ref().and_then(|c| c.cast.clone()).unwrap_or_default();
        view! {
            <div class="select-row" class:off=!on class:missing=missing data-testid="select-row" data-column=name.clone()>
                <label class="check">
                    <input type="checkbox" data-testid=format!("select-col-{name}") prop:checked=on
                        on:change=move |ev| { let v = event_target_checked(&ev); change("toggle", &|cols| toggle(cols, &n1, v)) }/>
                    <span class="code">{name.clone()}</span>
                    <span class="muted">{ty}</span>
                </label>
                <input class="cell" placeholder=t("select_checklist.rename_to") data-testid=format!("select-as-{name}") prop:disabled=!on
                    prop:value=rename spellcheck="false"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        change("as", &|cols| if let Some(c) = cols.iter_mut().find(|c| c.name == n2) {
                            c.rename = Some(v.trim().to_string()).filter(|s| !s.is_empty());
                        })
                    }/>
                <input class="cell" placeholder=t("select_checklist.type") list="sluice-types" data-testid=format!("select-type-{name}")
                    prop:disabled=!on prop:value=cast spellcheck="false"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        change("type", &|cols| if let Some(c) = cols.iter_mut().find(|c| c.name == n3) {
                            c.cast = Some(v.trim().to_string()).filter(|s| !s.is_empty());
                        })
                    }/>
                <button class="icon-btn small" title=t("select_checklist.move_up") data-testid=format!("select-up-{name}") prop:disabled=!on
                    on:click=move |_| change("up", &|cols| shift(cols, &n4, -1))>"↑"</button>
                <button class="icon-btn small" title=t("select_checklist.move_down") data-testid=format!("select-down-{name}") prop:disabled=!on
                    on:click=move |_| change("down", &|cols| shift(cols, &n5, 1))>"↓"</button>
            </div>
        }
    };
    view! {
        <div class="select-checklist" data-testid="config-columns">
            <div class="row-actions">
                <button class="btn small" data-testid="select-all" on:click=move |_| all(true)>{t("select_checklist.all")}</button>
                <button class="btn small" data-testid="select-none" on:click=move |_| all(false)>{t("select_checklist.none")}</button>
            </div>
            {move || {
                let r = rows();
                if r.is_empty() {
                    view! { <p class="muted">{t("select_checklist.wire_an_input_to_list")}</p> }.into_any()
                } else {
                    r.into_iter().map(row).collect_view().into_any()
                }
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticking_renaming_and_moving_write_the_select_config() {
        let mut cols = read(&json!({"columns": ["a", {"name": "b", "as": "bee"}]}));
        toggle(&mut cols, "c", true);
        toggle(&mut cols, "a", false);
        shift(&mut cols, "c", -1);
        assert_eq!(write(&cols), json!(["c", {"name": "b", "as": "bee"}]));
        cols[1].cast = Some("string".into());
        cols[1].rename = None;
        assert_eq!(write(&cols), json!(["c", {"name": "b", "type": "string"}]));
        shift(&mut cols, "c", -1); // already first: stays
        assert_eq!(cols[0].name, "c");
    }
}
