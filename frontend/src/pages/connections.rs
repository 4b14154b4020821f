//! `#/admin/connections`: the databases graphs may read and write, and (from
//! [`super::environments`]) the environments that bind graph connection names
//! to them. Secrets go in through the form and never come back: the list shows
//! only whether one is stored.

use super::connection_form::{ConnectionForm, default_port, is_networked, kind_label};
use super::environments::EnvironmentsSection;
use super::fmt::error_banner;
use crate::api::connections as api;
use crate::app::AppCtx;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::api::connections::{ConnectionView, TestOutcome, TlsMode};
use sluice_shared::connections::DbKind;

#[component]
pub fn ConnectionsPage() -> impl IntoView {
    let app = expect_context::<AppCtx>();
    let conns = RwSignal::new(Vec::<ConnectionView>::new());
    move || {
        if !app.is_admin() {
            return view! { <div class="list-page"><div class="banner error">{t("admin.only_admins_can_open_this")}</div></div> }
                .into_any();
        }
        view! {
            <div class="list-page wide" data-testid="connections-page">
                <div class="list-head">
                    <a class="btn ghost" href="#/admin">{t("connections.administration")}</a>
                    <h1>{t("connections.connections")}</h1>
                </div>
                <ConnectionsSection conns=conns/>
                <EnvironmentsSection conns=conns/>
            </div>
        }
        .into_any()
    }
}

/// Where a connection points, in one line.
fn target_text(c: &ConnectionView) -> String {
    if !is_networked(c.kind) {
        return tf("connections.file", &[("path", &c.database)]);
    }
    let host = c.host.clone().unwrap_or_default();
    let port = c.port.or(default_port(c.kind)).map(|p| format!(":{p}")).unwrap_or_default();
    let user = c.user.as_ref().map(|u| format!("{u}@")).unwrap_or_default();
    format!("{user}{host}{port}/{}", c.database)
}

#[component]
fn ConnectionsSection(conns: RwSignal<Vec<ConnectionView>>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<ConnectionForm>);
    let reload = move || {
        spawn_local(async move {
            match api::connections().await {
                Ok(list) => conns.try_set(list).map_or((), drop),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        })
    };
    reload();
    let remove = move |name: String| {
        let ask = tf("connections.delete_question", &[("name", &name)]);
        if !crate::dom::window().confirm_with_message(&ask).unwrap_or(false) {
            return;
        }
        spawn_local(async move {
            match api::delete_connection(&name).await {
                Ok(()) => notice.try_set(Some(tf("connections.deleted", &[("name", &name)]))).map_or((), drop),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
            reload();
        });
    };
    let row = move |c: ConnectionView| {
        let (edit, name) = (ConnectionForm::from_view(&c), c.name.clone());
        view! {
            <tr data-testid=format!("connection-{}", c.name) data-name=c.name.clone()>
                <td><b>{c.name.clone()}</b></td>
                <td>{kind_label(c.kind)}</td>
                <td class="code">{target_text(&c)}</td>
                <td>{if c.read_only { t("connections.read_only") } else { t("connections.read_write") }}</td>
                <td>{if c.has_secret { t("connections.secret_stored") } else { t("connections.no_secret") }}</td>
                <td class="muted">{format!("{} · {}", c.updated_by, c.updated_at)}</td>
                <td>
                    <button class="btn small" type="button" data-testid="connection-edit"
                        on:click=move |_| editing.set(Some(edit.clone()))>{t("schedules.edit")}</button>
                    <button class="btn small danger" type="button" data-testid="connection-delete"
                        on:click=move |_| remove(name.clone())>{t("graph_list.delete")}</button>
                </td>
            </tr>
        }
    };
    let saved = Callback::new(move |name: String| {
        editing.set(None);
        let _ = error.try_set(None);
        let _ = notice.try_set(Some(tf("connections.saved", &[("name", &name)])));
        reload();
    });
    view! {
        <section class="review-section" data-testid="connections-section">
            <h2>{t("connections.databases")}</h2>
            {error_banner(error)}
            {move || notice.get().map(|n| view! { <div class="banner info" data-testid="connection-notice">{n}</div> })}
            <table class="data-table" data-testid="connection-list">
                <thead><tr>
                    <th>{t("connections.name")}</th><th>{t("runs.kind")}</th><th>{t("connections.where")}</th><th>{t("connections.access")}</th><th>{t("connections.secret")}</th><th>{t("connections.changed")}</th><th></th>
                </tr></thead>
                <tbody>{move || conns.get().into_iter().map(row).collect_view()}</tbody>
            </table>
            {move || conns.with(Vec::is_empty).then(|| view! { <p class="muted">{t("connections.no_connections_yet")}</p> })}
            <button class="btn primary" type="button" data-testid="new-connection"
                on:click=move |_| editing.set(Some(ConnectionForm::default()))>{t("connections.new_connection")}</button>
            {move || editing.get().map(|f| view! {
                <ConnectionEditor initial=f on_saved=saved on_cancel=move || editing.set(None)/>
            })}
        </section>
    }
}

/// One labelled text input bound to a field of the form.
fn text_input(
    form: RwSignal<ConnectionForm>,
    testid: &'static str,
    label: &'static str,
    get: fn(&ConnectionForm) -> String,
    set: fn(&mut ConnectionForm, String),
) -> impl IntoView {
    view! {
        <label>
            {label}
            <input data-testid=testid spellcheck="false" autocomplete="off"
                prop:value=move || form.with(get)
                on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))/>
        </label>
    }
}

#[component]
fn ConnectionEditor(
    initial: ConnectionForm,
    on_saved: Callback<String>,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let existing = initial.existing;
    let form = RwSignal::new(initial);
    let outcome = RwSignal::new(None::<TestOutcome>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let net = move || form.with(|f| is_networked(f.kind));
    let test = move |_| {
        let f = form.get_untracked();
        let (name, spec) = match f.checked_name().and_then(|n| f.to_spec().map(|s| (n, s))) {
            Ok(ok) => ok,
            Err(e) => return problem.set(Some(e)),
        };
        problem.set(None);
        outcome.set(None);
        busy.set(true);
        spawn_local(async move {
            let answer = api::test_connection(&name, &spec).await;
            let _ = busy.try_set(false);
            match answer {
                Ok(o) => outcome.try_set(Some(o)).map_or((), drop),
                Err(e) => problem.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let f = form.get_untracked();
        let (name, spec) = match f.checked_name().and_then(|n| f.to_spec().map(|s| (n, s))) {
            Ok(ok) => ok,
            Err(e) => return problem.set(Some(e)),
        };
        busy.set(true);
        spawn_local(async move {
            let answer = api::save_connection(&name, &spec).await;
            let _ = busy.try_set(false);
            match answer {
                Ok(v) => on_saved.run(v.name),
                Err(e) => problem.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    };
    let password_hint = move || {
        form.with(|f| if f.existing && f.has_secret { t("connections.secret_kept") } else { t("admin.password") })
    };
    view! {
        <form class="connection-form" data-testid="connection-form" on:submit=save>
            <h3>{if existing { t("connections.edit") } else { t("connections.new") }}</h3>
            <div class="inline-form">
                <label>
                    {t("connections.name")}
                    <input data-testid="connection-name" spellcheck="false" autocomplete="off" readonly=existing
                        placeholder=t("connections.e_g_core") prop:value=move || form.with(|f| f.name.clone())
                        on:input=move |ev| form.update(|f| f.name = event_target_value(&ev))/>
                </label>
                <KindSelect form=form/>
            </div>
            <div class="inline-form">
                {move || net().then(|| view! {
                    {text_input(form, "connection-host", t("connections.host"), |f| f.host.clone(), |f, v| f.host = v)}
                    <label>
                        {t("connections.port")}
                        <input class="narrow" data-testid="connection-port" inputmode="numeric" autocomplete="off"
                            placeholder=move || form.with(|f| default_port(f.kind).map(|p| p.to_string()).unwrap_or_default())
                            prop:value=move || form.with(|f| f.port.clone())
                            on:input=move |ev| form.update(|f| f.port = event_target_value(&ev))/>
                    </label>
                })}
                {text_input(form, "connection-database", t("connections.database"), |f| f.database.clone(), |f, v| f.database = v)}
                {move || (!net()).then(|| view! { <span class="muted">{t("connections.the_database_file_relative_to")}</span> })}
            </div>
            {move || net().then(|| view! {
                <div class="inline-form">
                    {text_input(form, "connection-user", t("admin.user"), |f| f.user.clone(), |f, v| f.user = v)}
                    <label>
                        {t("login.password")}
                        <input type="password" data-testid="connection-password" autocomplete="new-password"
                            placeholder=password_hint prop:value=move || form.with(|f| f.password.clone())
                            on:input=move |ev| form.update(|f| f.password = event_target_value(&ev))/>
                    </label>
                    <TlsSelect form=form/>
                </div>
            })}
            <div class="inline-form">
                <label>
                    {t("connections.connect_timeout_s")}
                    <input class="narrow" data-testid="connection-timeout" inputmode="numeric" autocomplete="off"
                        prop:value=move || form.with(|f| f.timeout.clone())
                        on:input=move |ev| form.update(|f| f.timeout = event_target_value(&ev))/>
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="connection-read-only"
                        prop:checked=move || form.with(|f| f.read_only)
                        on:change=move |ev| form.update(|f| f.read_only = event_target_checked(&ev))/>
                    {t("connections.read_only_graphs_may_read")}
                </label>
            </div>
            {move || problem.get().map(|p| view! { <div class="banner error" data-testid="connection-problem">{p}</div> })}
            {move || outcome.get().map(|o| view! {
                <div class=if o.ok { "banner ok" } else { "banner error" } data-testid="connection-test-result"
                    data-ok=o.ok.to_string()>
                    <b>{if o.ok { "✓ " } else { "✕ " }}</b>{o.message}
                    <span class="muted">{format!(" ({} ms)", o.elapsed_ms)}</span>
                </div>
            })}
            <div class="form-actions">
                <button class="btn" type="button" data-testid="connection-test" disabled=busy on:click=test>
                    {t("connections.test_connection")}
                </button>
                <button class="btn primary" type="submit" data-testid="connection-save" disabled=busy>{t("toolbar.save")}</button>
                <button class="btn ghost" type="button" data-testid="connection-cancel" on:click=move |_| on_cancel()>
                    {t("run.cancel")}
                </button>
            </div>
        </form>
    }
}

#[component]
fn KindSelect(form: RwSignal<ConnectionForm>) -> impl IntoView {
    let current = move || form.with(|f| f.kind.as_str());
    view! {
        <label>
            {t("runs.kind")}
            <select data-testid="connection-kind" prop:value=current
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(k) = DbKind::ALL.into_iter().find(|k| k.as_str() == v) {
                        form.update(|f| f.kind = k);
                    }
                }>
                {DbKind::ALL.map(|k| view! { <option value=k.as_str() selected=move || current() == k.as_str()>{kind_label(k)}</option> })}
            </select>
        </label>
    }
}

#[component]
fn TlsSelect(form: RwSignal<ConnectionForm>) -> impl IntoView {
    let current = move || form.with(|f| f.tls.as_str());
    view! {
        <label>
            {t("connections.tls")}
            <select data-testid="connection-tls" prop:value=current
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(t) = TlsMode::ALL.into_iter().find(|t| t.as_str() == v) {
                        form.update(|f| f.tls = t);
                    }
                }>
                {TlsMode::ALL.map(|t| view! { <option value=t.as_str() selected=move || current() == t.as_str()>{t.as_str()}</option> })}
            </select>
        </label>
    }
}
