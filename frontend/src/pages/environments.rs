//! The environments section of the connections page: each environment's file
//! data root and its bindings (graph connection name → connection). `dev` serves
//! editing, preview and draft runs; `prod` scheduled runs of approved versions.

use super::connection_form::EnvironmentForm;
use super::fmt::error_banner;
use crate::api::connections as api;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::api::connections::{ConnectionView, DEV, EnvironmentSpec, EnvironmentView, PROD};
use sluice_shared::connections::check_name;

#[component]
pub fn EnvironmentsSection(conns: RwSignal<Vec<ConnectionView>>) -> impl IntoView {
    let envs = RwSignal::new(Vec::<EnvironmentView>::new());
    let error = RwSignal::new(None::<String>);
    let new_name = RwSignal::new(String::new());
    let reload = move || {
        spawn_local(async move {
            match api::environments().await {
                Ok(list) => envs.try_set(list).map_or((), drop),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        })
    };
    reload();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = new_name.get_untracked().trim().to_string();
        if let Err(e) = check_name(&name) {
            return error.set(Some(e.replace("connection name", "environment name")));
        }
        spawn_local(async move {
            match api::save_environment(
                &name,
                &EnvironmentSpec { data_root: None, bindings: Default::default(), cluster: None },
            )
            .await
            {
                Ok(_) => {
                    new_name.set(String::new());
                    let _ = error.try_set(None);
                    reload();
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    };
    view! {
        <section class="review-section" data-testid="environments-section">
            <h2>{t("environments.environments")}</h2>
            <p class="muted">
                {format!("{DEV} is used while editing, previewing and for draft runs; {PROD} for scheduled runs of \
                    approved versions. A graph names a connection; each environment says which connection that name means \
                    (without a binding, the connection of the same name).")}
            </p>
            {error_banner(error)}
            <For each=move || envs.get() key=|e| e.name.clone()
                children=move |e| view! { <EnvironmentCard initial=EnvironmentForm::from_view(&e) conns=conns/> }/>
            <form class="inline-form" on:submit=add>
                <input placeholder=t("environments.new_environment_e_g_uat") data-testid="env-new-name" prop:value=new_name
                    on:input=move |ev| new_name.set(event_target_value(&ev))/>
                <button class="btn" type="submit" data-testid="env-add">{t("environments.add_environment")}</button>
            </form>
        </section>
    }
}

#[component]
fn EnvironmentCard(initial: EnvironmentForm, conns: RwSignal<Vec<ConnectionView>>) -> impl IntoView {
    let name = initial.name.clone();
    let form = RwSignal::new(initial);
    let status = RwSignal::new(None::<Result<String, String>>);
    let rows = move || form.with(|f| f.bindings.len());
    let save = move |_| {
        let f = form.get_untracked();
        let spec = match f.to_spec() {
            Ok(s) => s,
            Err(e) => return status.set(Some(Err(e))),
        };
        spawn_local(async move {
            let answer = api::save_environment(&f.name, &spec).await;
            let _ = status.try_set(Some(
                answer.map(|v| tf("connections.saved", &[("name", &v.name)])).map_err(|e| e.to_string()),
            ));
        });
    };
    view! {
        <div class="env-card" data-testid=format!("env-{name}")>
            <h3>{name.clone()}</h3>
            <label class="inline-form">
                {t("environments.file_data_root_relative_to")}
                <input data-testid="env-data-root" placeholder=t("environments.data_root_placeholder") spellcheck="false"
                    prop:value=move || form.with(|f| f.data_root.clone())
                    on:input=move |ev| form.update(|f| f.data_root = event_target_value(&ev))/>
            </label>
            <table class="data-table" data-testid="env-bindings">
                <thead><tr><th>{t("environments.graph_connection_name")}</th><th>{t("environments.connection_here")}</th><th></th></tr></thead>
                <tbody>
                    <For each=move || 0..rows() key=|i| *i children=move |i| view! { <BindingRow form=form i=i conns=conns/> }/>
                </tbody>
            </table>
            <div class="form-actions">
                <button class="btn small" type="button" data-testid="env-add-binding"
                    on:click=move |_| form.update(|f| f.bindings.push(Default::default()))>{t("environments.add_binding")}</button>
                <button class="btn primary small" type="button" data-testid="env-save" on:click=save>{t("toolbar.save")}</button>
            </div>
            {move || status.get().map(|s| match s {
                Ok(m) => view! { <div class="banner info" data-testid="env-status">{m}</div> }.into_any(),
                Err(e) => view! { <div class="banner error" data-testid="env-status">{e}</div> }.into_any(),
            })}
        </div>
    }
}

#[component]
fn BindingRow(form: RwSignal<EnvironmentForm>, i: usize, conns: RwSignal<Vec<ConnectionView>>) -> impl IntoView {
    let graph = move || form.with(|f| f.bindings.get(i).map(|b| b.0.clone()).unwrap_or_default());
    let conn = move || form.with(|f| f.bindings.get(i).map(|b| b.1.clone()).unwrap_or_default());
    let set = move |g: Option<String>, c: Option<String>| {
        form.update(|f| {
            if let Some(b) = f.bindings.get_mut(i) {
                if let Some(g) = g {
                    b.0 = g;
                }
                if let Some(c) = c {
                    b.1 = c;
                }
            }
        })
    };
    let options = move || {
        let current = conn();
        let mut names: Vec<String> = conns.with(|cs| cs.iter().map(|c| c.name.clone()).collect());
        if !current.is_empty() && !names.contains(&current) {
            names.push(current.clone()); // bound to a connection since deleted: keep it visible
        }
        names
            .into_iter()
            .map(|n| view! { <option value=n.clone() selected=n == current>{n.clone()}</option> })
            .collect_view()
    };
    view! {
        <tr data-testid="env-binding">
            <td>
                <input data-testid="env-binding-name" placeholder=t("environments.name_used_in_graphs") spellcheck="false"
                    prop:value=graph on:input=move |ev| set(Some(event_target_value(&ev)), None)/>
            </td>
            <td>
                <select data-testid="env-binding-connection" prop:value=conn
                    on:change=move |ev| set(None, Some(event_target_value(&ev)))>
                    <option value="">{t("environments.choose")}</option>
                    {options}
                </select>
            </td>
            <td>
                <button class="icon-btn small" type="button" title=t("environments.remove_this_binding") aria-label=t("environments.remove_binding")
                    on:click=move |_| form.update(|f| {
                        if i < f.bindings.len() {
                            f.bindings.remove(i);
                        }
                    })>"✕"</button>
            </td>
        </tr>
    }
}
