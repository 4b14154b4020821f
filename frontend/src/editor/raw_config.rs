//! The config as JSON, under the form: for keys the form does not know (a typo
//! in an imported file, which the validator reports) and for anyone who would
//! rather type JSON. Applied when the text area loses focus, as one undo step.

use super::forms::fields_for;
use super::state::{EditorState, NodeData};
use crate::i18n::{t, tf};
use leptos::prelude::*;
use serde_json::Value;

#[component]
pub fn RawConfig(n: NodeData) -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let known: Vec<&'static str> =
        n.node_kind().map(|k| fields_for(k).iter().map(|f| f.key).collect()).unwrap_or_default();
    let error = RwSignal::new(None::<String>);
    let text = move || n.config.with(|c| serde_json::to_string_pretty(c).unwrap_or_default());
    let apply = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        match serde_json::from_str::<Value>(&typed) {
            Ok(v) if v.is_object() => {
                error.set(None);
                if n.config.with_untracked(|c| *c != v) {
                    ed.edit(None, || n.config.set(v));
                }
            }
            Ok(_) => error.set(Some(t("raw_config.not_object").into())),
            Err(e) => error.set(Some(tf("raw_config.bad_json", &[("why", &e.to_string())]))),
        }
    };
    let extra = move || {
        n.config.with(|c| {
            c.as_object()
                .map(|m| m.keys().filter(|k| !known.contains(&k.as_str())).cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let extra_view = move || {
        let keys = extra();
        (!keys.is_empty()).then(|| {
            let rows = keys
                .into_iter()
                .map(|k| {
                    let key = k.clone();
                    view! {
                        <li>
                            <code>{k.clone()}</code>
                            <button
                                class="btn small danger"
                                data-testid=format!("config-extra-{k}-remove")
                                on:click=move |_| ed.set_config(n, &key, None)
                            >
                                {t("params.remove")}
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="extra-keys">
                    <div class="field-label">{t("raw_config.keys_this_form_does_not")}</div>
                    <ul>{rows}</ul>
                </div>
            }
        })
    };
    view! {
        {extra_view}
        <details class="raw-config">
            <summary>{t("raw_config.config_as_json")}</summary>
            <textarea class="code" rows="8" spellcheck="false" data-testid="config-json" prop:value=text on:change=apply></textarea>
            {move || error.get().map(|e| view! { <div class="field-problem">{e}</div> })}
        </details>
    }
}
