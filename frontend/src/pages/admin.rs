//! `#/admin`: users and roles, the audit log, (from [`super::schedules`])
//! schedules, backfills and alerts, (from [`super::calendars`]) business calendars, (from
//! [`super::watermarks`]) incremental reads' watermarks, and a link to
//! `#/admin/connections`. The server refuses all of it to non-admins;
//! the page only spares them the attempt.

use super::calendars::CalendarsSection;
use super::fmt::{error_banner, time_ms};
use super::schedules::SchedulesSection;
use crate::api::{self, AuditEntry, Role, UserInfo};
use crate::app::AppCtx;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The roles as the pickers list them: least power first.
fn roles() -> impl Iterator<Item = Role> {
    Role::ALL.iter().rev().copied()
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let app = expect_context::<AppCtx>();
    provide_context(super::calendars::CalendarNames(RwSignal::new(Vec::new())));
    move || {
        if !app.is_admin() {
            return view! { <div class="list-page"><div class="banner error">{t("admin.only_admins_can_open_this")}</div></div> }
                .into_any();
        }
        view! {
            <div class="list-page wide" data-testid="admin-page">
                <div class="list-head">
                    <h1>{t("admin.administration")}</h1>
                    <a class="btn" href="#/admin/connections" data-testid="admin-connections">{t("admin.connections_and_environments")}</a>
                </div>
                <UsersSection/>
                <SchedulesSection/>
                <CalendarsSection/>
                <super::watermarks::WatermarksSection/>
                <AuditSection/>
            </div>
        }
        .into_any()
    }
}

#[component]
fn UsersSection() -> impl IntoView {
    let users = RwSignal::new(Vec::<UserInfo>::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let (name, password, role) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(Role::Analyst));
    // The admin's own password, which the server asks for before it creates an admin or makes one.
    let mine = RwSignal::new(String::new());
    let reload = move || {
        spawn_local(async move {
            match api::users().await {
                Ok(list) => users.try_set(list).map_or((), drop),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        })
    };
    reload();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, p, r, me) =
            (name.get_untracked(), password.get_untracked(), role.get_untracked(), mine.get_untracked());
        spawn_local(async move {
            match api::create_user(n.trim(), &p, r, &me).await {
                Ok(u) => {
                    let _ = notice.try_set(Some(tf(
                        "admin.created_user",
                        &[("user", &u.username), ("role", crate::i18n::role(u.role))],
                    )));
                    let _ = error.try_set(None);
                    name.set(String::new());
                    password.set(String::new());
                    reload();
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    };
    let change_role = move |user: String, r: String| {
        let me = mine.get_untracked();
        let Ok(r) = r.parse::<Role>() else { return };
        spawn_local(async move {
            match api::set_role(&user, r, &me).await {
                Ok(()) => {
                    let _ =
                        notice.try_set(Some(tf("admin.role_set", &[("user", &user), ("role", crate::i18n::role(r))])));
                    let _ = error.try_set(None);
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
            reload();
        });
    };
    let toggle = move |user: String, disable: bool| {
        spawn_local(async move {
            match api::set_disabled(&user, disable).await {
                Ok(()) => {
                    let who = [("user", user.as_str())];
                    let text = if disable { tf("admin.user_disabled", &who) } else { tf("admin.user_enabled", &who) };
                    let _ = notice.try_set(Some(text));
                    let _ = error.try_set(None);
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
            reload();
        });
    };
    let row = move |u: UserInfo| {
        let who = u.username.clone();
        let (target, disabled) = (u.username.clone(), u.disabled);
        view! {
            <tr data-testid="user-row" data-user=u.username.clone()>
                <td>{u.username.clone()}</td>
                <td>
                    <select data-testid="user-role" on:change=move |ev| change_role(who.clone(), event_target_value(&ev))>
                        {roles().map(|r| view! { <option value=r.as_str() selected=u.role == r>{crate::i18n::role(r)}</option> }).collect_view()}
                    </select>
                </td>
                <td>{time_ms(u.created_at)}</td>
                <td>
                    <button class="btn" type="button" data-testid="user-toggle" data-disabled=disabled.to_string()
                        on:click=move |_| toggle(target.clone(), !disabled)>
                        {if disabled { t("admin.enable") } else { t("admin.disable") }}
                    </button>
                </td>
            </tr>
        }
    };
    view! {
        <section class="review-section" data-testid="users-section">
            <h2>{t("admin.users")}</h2>
            {error_banner(error)}
            {move || notice.get().map(|n| view! { <div class="banner info">{n}</div> })}
            <table class="data-table" data-testid="users-table">
                <thead><tr><th>{t("admin.user")}</th><th>{t("admin.role")}</th><th>{t("admin.created")}</th><th>{t("admin.account")}</th></tr></thead>
                <tbody>{move || users.get().into_iter().map(row).collect_view()}</tbody>
            </table>
            <form class="inline-form" data-testid="user-form" on:submit=create>
                <input placeholder=t("admin.username") data-testid="user-new-name" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                <input type="password" placeholder=t("admin.password") data-testid="user-new-password" prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))/>
                <select data-testid="user-new-role"
                    on:change=move |ev| role.set(event_target_value(&ev).parse().unwrap_or(Role::Analyst))>
                    {roles().map(|r| view! { <option value=r.as_str() selected=r == Role::Analyst>{crate::i18n::role(r)}</option> }).collect_view()}
                </select>
                <button class="btn primary" type="submit" data-testid="user-create">{t("admin.create_user")}</button>
            </form>
            <label class="inline-form">
                {t("admin.your_password_asked_for_before")}
                <input type="password" data-testid="admin-current-password" prop:value=move || mine.get()
                    on:input=move |ev| mine.set(event_target_value(&ev))/>
            </label>
        </section>
    }
}

#[component]
fn AuditSection() -> impl IntoView {
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let error = RwSignal::new(None::<String>);
    let (actor, action) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let reload = move || {
        let (a, b) = (actor.get_untracked(), action.get_untracked());
        spawn_local(async move {
            match api::audit(a.trim(), b.trim()).await {
                Ok(list) => entries.try_set(list).map_or((), drop),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        })
    };
    reload();
    view! {
        <section class="review-section" data-testid="audit-section">
            <h2>{t("admin.audit_log")}</h2>
            <form class="filters" on:submit=move |ev| { ev.prevent_default(); reload() }>
                <input placeholder=t("admin.actor") data-testid="audit-actor" on:change=move |ev| { actor.set(event_target_value(&ev)); reload() }/>
                <input placeholder=t("admin.action_e_g_approve") data-testid="audit-action" on:change=move |ev| { action.set(event_target_value(&ev)); reload() }/>
                <button class="btn" type="submit" data-testid="audit-filter">{t("explore.filter")}</button>
            </form>
            {error_banner(error)}
            <table class="data-table" data-testid="audit-table">
                <thead><tr><th>{t("schedules.when")}</th><th>{t("admin.actor2")}</th><th>{t("admin.action")}</th><th>{t("admin.target")}</th><th>{t("run_checks.detail")}</th></tr></thead>
                <tbody>
                    {move || entries.get().into_iter().map(|e| view! {
                        <tr data-testid="audit-row" data-action=e.action.clone()>
                            <td>{time_ms(e.at)}</td><td>{e.actor.clone()}</td><td>{e.action.clone()}</td>
                            <td data-testid="audit-target" title=e.target.clone()>
                                {if e.target_name.is_empty() { e.target.clone() } else { e.target_name.clone() }}
                            </td>
                            <td>{e.detail.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
