//! The sign-in form, shown whenever there is no session.

use crate::api;
use crate::app::AppCtx;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Login() -> impl IntoView {
    let ctx = expect_context::<AppCtx>();
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (u, p) = (user.get_untracked(), password.get_untracked());
        spawn_local(async move {
            match api::login(u.trim(), &p).await {
                Ok(me) => {
                    // Signing in replaces this page: nothing of it is touched after.
                    let viewer = me.role == api::Role::Viewer;
                    ctx.user.set(Some(me));
                    let hash = crate::dom::window().location().hash().unwrap_or_default();
                    if hash.is_empty() || hash.starts_with("#/login") || (viewer && hash.starts_with("#/graphs")) {
                        crate::dom::navigate(if viewer { "#/reports" } else { "#/graphs" });
                    }
                }
                Err(e) if e.status == 401 => {
                    error.set(Some(t("login.wrong").into()));
                    busy.set(false);
                }
                Err(e) => {
                    error.set(Some(e.to_string()));
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <div class="login-page">
            <form class="login-card" on:submit=submit>
                <div class="login-brand">
                    <span class="brand-mark">"◆"</span>
                    " " {t("app.brand")}
                </div>
                <p class="muted">{t("login.intro")}</p>
                <label>
                    {t("login.user")}
                    <input
                        data-testid="login-user"
                        autocomplete="username"
                        autofocus
                        prop:value=user
                        on:input=move |ev| user.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    {t("login.password")}
                    <input
                        data-testid="login-password"
                        type="password"
                        autocomplete="current-password"
                        prop:value=password
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </label>
                {move || error.get().map(|e| view! { <div class="form-error" data-testid="login-error">{e}</div> })}
                <button class="btn primary" type="submit" data-testid="login-submit" disabled=busy>
                    {move || if busy.get() { t("login.signing_in") } else { t("login.sign_in") }}
                </button>
            </form>
        </div>
    }
}
