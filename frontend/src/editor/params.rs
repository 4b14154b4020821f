//! The parameters popover: declare `$name` parameters with a type and a default.

use super::state::{EditorState, ParamRow};
use leptos::prelude::*;
use sluice_shared::ParamType;
use sluice_shared::structure::valid_id;

use crate::i18n::t;
use sluice_shared::params::type_name as param_type_name;

fn parse_type(s: &str) -> ParamType {
    ParamType::ALL.into_iter().find(|t| param_type_name(*t) == s).unwrap_or(ParamType::String)
}

#[component]
pub fn ParamsEditor(on_close: impl Fn() + 'static) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let len = Memo::new(move |_| ed.params.with(Vec::len));
    let update = move |i: usize, field: &str, f: Box<dyn FnOnce(&mut ParamRow)>| {
        ed.edit(Some(&format!("param:{i}:{field}")), || {
            ed.params.update(|ps| {
                if let Some(p) = ps.get_mut(i) {
                    f(p)
                }
            })
        });
    };
    let add = move |_| {
        let name = (1..)
            .map(|i| if i == 1 { "biz_date".to_string() } else { format!("param_{i}") })
            .find(|n| ed.params.with_untracked(|ps| !ps.iter().any(|p| p.name == *n)))
            .unwrap_or_default();
        ed.edit(None, || {
            ed.params.update(|ps| ps.push(ParamRow { name, ty: ParamType::Date, default: String::new(), derive: None }))
        });
    };
    let row = move |i: usize| {
        let get = move |f: fn(&ParamRow) -> String| move || ed.params.with(|ps| ps.get(i).map(f).unwrap_or_default());
        let warning = move || {
            ed.params.with(|ps| {
                let p = ps.get(i)?;
                let name = p.name.trim();
                if !valid_id(name) {
                    Some(t("params.name_rule"))
                } else if ps.iter().filter(|q| q.name.trim() == name).count() > 1 {
                    Some(t("params.name_twice"))
                } else {
                    None
                }
            })
        };
        view! {
            <div class="param-row">
                <span class="param-dollar">"$"</span>
                <input data-testid=format!("param-{i}-name") placeholder=t("params.name") spellcheck="false"
                    prop:value=get(|p| p.name.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        update(i, "name", Box::new(move |p| p.name = v));
                    }/>
                <select data-testid=format!("param-{i}-type")
                    prop:value=get(|p| param_type_name(p.ty).to_string())
                    on:change=move |ev| {
                        let t = parse_type(&event_target_value(&ev));
                        update(i, "type", Box::new(move |p| p.ty = t));
                    }>
                    {ParamType::ALL.into_iter().map(|t| {
                        let name = param_type_name(t);
                        view! { <option value=name selected=move || ed.params.with(|ps| ps.get(i).is_some_and(|p| p.ty == t))>{name}</option> }
                    }).collect_view()}
                </select>
                <input data-testid=format!("param-{i}-default") placeholder=t("params.default") spellcheck="false"
                    prop:value=get(|p| p.default.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        update(i, "default", Box::new(move |p| p.default = v));
                    }/>
                <button class="icon-btn small remove" title=t("params.remove") aria-label=t("params.remove_parameter") data-testid=format!("param-{i}-remove")
                    on:click=move |_| ed.edit(None, || ed.params.update(|ps| { if i < ps.len() { ps.remove(i); } }))>"✕"</button>
                {move || warning().map(|w| view! { <div class="field-problem param-warning">{w}</div> })}
            </div>
        }
    };
    let graph_problems = move || {
        ed.problems.with(|ps| {
            ps.iter()
                .filter(|p| p.node.is_none() && p.field.as_deref().is_some_and(|f| f.starts_with("params")))
                .map(|p| view! { <div class="field-problem">{p.message.clone()}</div> })
                .collect_view()
        })
    };
    view! {
        <div class="popover params-editor" data-testid="params-editor">
            <div class="popover-head">
                <b>{t("params.parameters")}</b>
                <button class="icon-btn small" on:click=move |_| on_close()>"✕"</button>
            </div>
            <p class="muted">{t("params.help")}</p>
            {move || (0..len.get()).map(row).collect_view()}
            {graph_problems}
            <button class="btn small add" data-testid="param-add" disabled=ed.readonly on:click=add>{t("params.add_parameter")}</button>
        </div>
    }
}
