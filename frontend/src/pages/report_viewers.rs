//! The "Shared with" panel of a report page: its owner (or an admin) grants
//! and revokes readers by user name. Anyone else does not see the panel (the
//! server answers 403 to the list, and every grant is checked there again).

use crate::api::reports as api;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn ReportViewers(name: String) -> impl IntoView {
    // `None` until known, or when the caller may not manage the report.
    let viewers = RwSignal::new(None::<Vec<String>>);
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let n = name.clone();
    spawn_local(async move {
        if let Ok(v) = api::report_viewers(&n).await {
            let _ = viewers.try_set(Some(v.viewers));
        }
    });
    let n = name.clone();
    let grant = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let who = typed.get_untracked().trim().to_string();
        if who.is_empty() {
            return;
        }
        let n = n.clone();
        spawn_local(async move {
            match api::grant_viewer(&n, &who).await {
                Ok(v) => {
                    let _ = viewers.try_set(Some(v.viewers));
                    let _ = typed.try_set(String::new());
                    let _ = error.try_set(None);
                }
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    };
    let revoke = move |who: String| {
        let n = name.clone();
        spawn_local(async move {
            match api::revoke_viewer(&n, &who).await {
                Ok(()) => viewers.update(|v| {
                    if let Some(v) = v {
                        v.retain(|x| x != &who)
                    }
                }),
                Err(e) => error.try_set(Some(e.to_string())).map_or((), drop),
            }
        });
    };
    move || {
        let list = viewers.get()?;
        let revoke = revoke.clone();
        let items = list
            .into_iter()
            .map(|who| {
                let revoke = revoke.clone();
                let w = who.clone();
                view! {
                    <li data-testid=format!("report-viewer-{who}")>{who.clone()}
                        <button type="button" class="link" data-testid=format!("report-revoke-{who}")
                            on:click=move |_| revoke(w.clone())>{t("params.remove")}</button>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <section class="report-viewers" data-testid="report-viewers">
                <h2>{t("report_viewers.shared_with")}</h2>
                <ul>{items}</ul>
                <form class="inline-form" on:submit=grant.clone()>
                    <input data-testid="report-grant-user" placeholder=t("report_viewers.user_name") maxlength="64"
                        prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
                    <button type="submit" class="btn" data-testid="report-grant">{t("report_viewers.share")}</button>
                </form>
                {move || error.get().map(|e| view! { <p class="error" data-testid="report-viewers-error">{e}</p> })}
            </section>
        })
    }
}
