//! The shell: session check, routing by the hash (parsed in `route`) and the
//! top bar.

use crate::api;
pub use crate::ctx::AppCtx;
use crate::dom;
use crate::editor::Editor;
use crate::i18n::{self, t};
use crate::lazy_pages::{self, show as lazy};
use crate::pages::lang_switch::LangSwitch;
use crate::route::Route;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn current_route() -> Route {
    Route::from_hash(&dom::window().location().hash().unwrap_or_default())
}

/// Where a user lands after signing in: viewers on their reports, others on graphs.
pub fn home(ctx: AppCtx) -> String {
    if ctx.can_edit() { "#/graphs".into() } else { "#/reports".into() }
}

#[component]
pub fn App() -> impl IntoView {
    let start = i18n::initial();
    i18n::set_lang(start);
    let ctx = AppCtx {
        user: RwSignal::new(None),
        checked: RwSignal::new(false),
        unsaved: RwSignal::new(false),
        leave_to: RwSignal::new(None),
        lang: RwSignal::new(start),
    };
    provide_context(ctx);
    let hash = RwSignal::new(current_route());
    let route = Memo::new(move |_| hash.get());
    let listener = window_event_listener(leptos::ev::hashchange, move |ev| {
        let next = current_route();
        if ctx.unsaved.get_untracked() && next != hash.get_untracked() {
            // Leaving with unsaved changes (the browser's back button, a link the
            // editor did not catch): put the address back, without a new history
            // entry, and ask first.
            if let Ok(h) = dom::window().history() {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&ev.old_url()));
            }
            let new_url = ev.new_url();
            ctx.leave_to.set(Some(new_url.find('#').map_or("#/graphs".into(), |i| new_url[i..].to_string())));
            return;
        }
        hash.set(next)
    });
    on_cleanup(move || listener.remove());

    api::set_on_unauthorized(move || ctx.user.set(None));
    spawn_local(async move {
        // Chinese texts arrive before the first page is drawn in them.
        if !sluice_shared::i18n::is_loaded(start) {
            i18n::ensure(start).await;
            ctx.lang.notify(); // the top bar, drawn in English meanwhile
        }
        if let Ok(u) = api::session().await {
            ctx.user.set(Some(u));
        }
        ctx.checked.set(true);
    });
    // Signed in (at start or by the form): the user's saved language wins.
    Effect::new(move |_| {
        if ctx.user.with(Option::is_some) {
            spawn_local(crate::pages::lang_switch::load_saved(ctx));
        }
    });

    let page = move || {
        ctx.lang.track();
        if !ctx.checked.get() {
            return view! { <div class="loading">{t("app.loading")}</div> }.into_any();
        }
        if ctx.user.with(Option::is_none) {
            return lazy(lazy_pages::login());
        }
        match route.get() {
            Route::Login => {
                dom::navigate(&home(ctx));
                view! { <div class="loading">{t("app.loading")}</div> }.into_any()
            }
            Route::Graphs => lazy(lazy_pages::graphs()),
            Route::Editor(id) => view! { <Editor id=id/> }.into_any(),
            Route::Reviews => lazy(lazy_pages::review_queue()),
            Route::Review(sid) => lazy(lazy_pages::review(sid)),
            Route::Runs => lazy(lazy_pages::runs()),
            Route::Run(id) => lazy(lazy_pages::run(id)),
            Route::Admin => lazy(lazy_pages::admin()),
            Route::Connections => lazy(lazy_pages::connections()),
            Route::Dataflow => lazy(lazy_pages::dataflow()),
            Route::Reports => lazy(lazy_pages::reports()),
            Route::Report(name) => lazy(lazy_pages::report(name)),
            Route::Published(graph, node, date) => lazy(lazy_pages::published(graph, node, date)),
        }
    };
    view! {
        <div class="app">
            <TopBar/>
            <div class="page">{page}</div>
            <ConfirmLeave/>
        </div>
    }
}

#[component]
fn TopBar() -> impl IntoView {
    let ctx = expect_context::<AppCtx>();
    let sign_out = move |_| {
        spawn_local(async move {
            let _ = api::logout().await;
            ctx.user.set(None);
            dom::navigate("#/login");
        })
    };
    move || {
        ctx.lang.track();
        view! {
        <header class="topbar">
            <a class="brand" href="#/graphs">
                <span class="brand-mark">"◆"</span>
                {t("app.brand")}
            </a>
            <nav>
                <a href="#/graphs" data-testid="nav-graphs">{t("nav.graphs")}</a>
                <a href="#/runs" data-testid="nav-runs">{t("nav.runs")}</a>
                <a href="#/dataflow" data-testid="nav-dataflow">{t("nav.dataflow")}</a>
                <a href="#/reports" data-testid="nav-reports">{t("nav.reports")}</a>
                {move || ctx.is_admin().then(|| view! {
                    <a href="#/reviews" data-testid="nav-reviews">{t("nav.reviews")}</a>
                    <a href="#/admin" data-testid="nav-admin">{t("nav.admin")}</a>
                })}
            </nav>
            <div class="spacer"></div>
            <LangSwitch/>
            {move || {
                ctx.user
                    .get()
                    .map(|u| {
                        view! {
                            <span class="whoami" data-testid="whoami">
                                <span class="avatar">
                                    {u.username.chars().next().unwrap_or('?').to_uppercase().to_string()}
                                </span>
                                {u.username.clone()}
                                <span class="role">{i18n::role(u.role)}</span>
                            </span>
                            <button class="btn ghost" data-testid="sign-out" on:click=sign_out>
                                {t("nav.sign_out")}
                            </button>
                        }
                    })
            }}
        </header>
        }
    }
}

/// Asks before leaving the editor with unsaved changes: stay, or discard them and go.
#[component]
fn ConfirmLeave() -> impl IntoView {
    let ctx = expect_context::<AppCtx>();
    let stay = move |_| ctx.leave_to.set(None);
    let discard = move |_| {
        if let Some(to) = ctx.leave_to.get_untracked() {
            ctx.unsaved.set(false);
            ctx.leave_to.set(None);
            dom::navigate(&to);
        }
    };
    move || {
        ctx.leave_to.get().map(|_| {
            view! {
                <div class="modal-backdrop">
                    <div class="modal" role="dialog" aria-modal="true" aria-labelledby="confirm-leave-title"
                        data-testid="confirm-leave">
                        <h2 id="confirm-leave-title">{t("leave.title")}</h2>
                        <p class="muted">{t("leave.body")}</p>
                        <div class="form-actions">
                            <button class="btn primary" data-testid="confirm-leave-stay" autofocus on:click=stay>
                                {t("leave.stay")}
                            </button>
                            <button class="btn danger" data-testid="confirm-leave-discard" on:click=discard>
                                {t("leave.discard")}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
