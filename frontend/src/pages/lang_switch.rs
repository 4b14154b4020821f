//! The header's language switch (`data-testid="lang"`) and date style
//! (`data-testid="date-style"`). Signed in, a change is saved for the user
//! (`PUT /api/me/settings`); before, it is remembered in localStorage only.

use crate::api::{self, UserSettings};
use crate::app::AppCtx;
use crate::i18n::{self, DateStyle, t};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::Lang;

/// Applies the signed-in user's saved settings (if any) to the page.
pub async fn load_saved(ctx: AppCtx) {
    let Ok(s) = api::my_settings().await else { return };
    i18n::set_date_style(s.date_style);
    match s.lang {
        Some(l) if l != ctx.lang.get_untracked() => switch_to(ctx, l).await,
        // The saved style may differ from the language's habit: draw again.
        _ if s.date_style.is_some() => ctx.lang.notify(),
        _ => {}
    }
}

/// Shows the page in `l`, once its texts are here.
async fn switch_to(ctx: AppCtx, l: Lang) {
    i18n::ensure(l).await;
    i18n::set_lang(l);
    ctx.lang.set(l);
}

fn save(ctx: AppCtx) {
    if ctx.user.with_untracked(Option::is_none) {
        return;
    }
    let s = UserSettings { lang: Some(ctx.lang.get_untracked()), date_style: Some(i18n::date_style()) };
    spawn_local(async move {
        let _ = api::save_settings(&s).await;
    });
}

#[component]
pub fn LangSwitch() -> impl IntoView {
    let ctx = expect_context::<AppCtx>();
    let current = ctx.lang.get_untracked();
    // A re-render rebuilds the page: with unsaved edits, the switch waits.
    let busy = move || ctx.unsaved.get();
    let on_lang = move |ev| {
        if let Ok(l) = event_target_value(&ev).parse::<Lang>() {
            spawn_local(async move {
                switch_to(ctx, l).await;
                save(ctx);
            });
        }
    };
    let on_dates = move |ev| {
        let style = DateStyle::ALL.into_iter().find(|s| s.as_str() == event_target_value(&ev));
        i18n::set_date_style(style);
        ctx.lang.notify();
        save(ctx);
    };
    let sample = civil_sample();
    let style = i18n::date_style();
    view! {
        <label class="lang-switch">
            <span class="visually-hidden">{t("lang.label")}</span>
            <select data-testid="lang" disabled=busy
                prop:title=move || if busy() { t("lang.save_first") } else { t("lang.label") }
                on:change=on_lang>
                {Lang::ALL.into_iter().map(|l| view! {
                    <option value=l.as_str() selected=l == current>{lang_name(l)}</option>
                }).collect_view()}
            </select>
        </label>
        <label class="lang-switch">
            <span class="visually-hidden">{t("lang.dates")}</span>
            <select data-testid="date-style" title=t("lang.dates") on:change=on_dates>
                {DateStyle::ALL.into_iter().map(|s| view! {
                    <option value=s.as_str() selected=s == style>
                        {sluice_shared::i18n::format::date(current, s, sample)}
                    </option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// Each language named in itself (the same text in every catalogue).
fn lang_name(l: Lang) -> &'static str {
    match l {
        Lang::ZhCn => t("lang.name.zh-CN"),
        Lang::En => t("lang.name.en"),
    }
}

/// The day the date style choices show (2026-11-29).
fn civil_sample() -> i32 {
    sluice_shared::calendar::civil::days_from_civil(2026, 11, 29).unwrap_or(0)
}
