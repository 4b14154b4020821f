//! The model wizard's second and third steps: each dimension's key (the
//! server's proposals, with match rate and orphans flagged) and history; then
//! the grain and the measures, with the shared rules' refusals shown as the
//! user picks.

use super::model_wizard::{DimChoice, Wizard};
use crate::i18n::{t, tf};
use leptos::prelude::*;
use sluice_shared::api::model::{DimensionKeys, KeyProposal};
use sluice_shared::config::AggFn;
use sluice_shared::star::{self, Additivity};

fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

fn label(p: &KeyProposal) -> String {
    let pair = format!("{} = {}", p.fact_column, p.dimension_column);
    let (rate, orphans) = (percent(p.match_rate), p.orphans.to_string());
    tf("model.proposal", &[("pair", &pair), ("rate", &rate), ("orphans", &orphans)])
}

fn additivity(a: Additivity) -> &'static str {
    match a {
        Additivity::Additive => t("model.additive"),
        Additivity::SemiAdditive => t("model.semi_additive"),
        Additivity::NonAdditive => t("model.non_additive"),
    }
}

fn update(w: Wizard, node: &str, f: impl FnOnce(&mut DimChoice)) {
    w.choices.update(|c| f(c.entry(node.to_string()).or_default()));
}

/// One dimension's row: key select, its measurement, history.
fn dimension_row(w: Wizard, d: DimensionKeys) -> impl IntoView {
    let node = d.node.clone();
    let proposals = d.proposals.clone();
    let chosen = {
        let (node, proposals) = (node.clone(), proposals.clone());
        move || {
            let key = w.choices.with(|c| c.get(&node).and_then(|c| c.key.clone()));
            key.and_then(|(f, k)| proposals.iter().find(|p| p.fact_column == f && p.dimension_column == k).cloned())
        }
    };
    let flag = {
        let (node, chosen) = (node.clone(), chosen.clone());
        move || {
            chosen().map(|p| {
                let mut warn = Vec::new();
                if p.orphans > 0 {
                    let ex = if p.orphan_examples.is_empty() {
                        String::new()
                    } else {
                        tf("model.orphan_examples", &[("examples", &p.orphan_examples.join(", "))])
                    };
                    let n = p.orphans.to_string();
                    warn.push(format!("⚠ {}{ex}", tf("model.orphans", &[("count", &n), ("node", &node)])));
                }
                if !p.unique {
                    warn.push(format!("⚠ {}", tf("model.not_unique", &[("column", &p.dimension_column), ("node", &node)])));
                }
                view! {
                    <span class="muted" data-testid=format!("model-match-{node}")>{tf("model.match", &[("rate", &percent(p.match_rate))])}</span>
                    {(!warn.is_empty()).then(|| view! {
                        <span class="warn-text" data-testid=format!("model-orphans-{node}")>{warn.join(" ")}</span>
                    })}
                }
            })
        }
    };
    let (n1, n2, n3, n4, n5) = (node.clone(), node.clone(), node.clone(), node.clone(), node.clone());
    let history_on = move || w.choices.with(|c| c.get(&n3).is_some_and(|c| c.history));
    let history_shown = history_on.clone();
    let chosen_none = chosen.clone();
    let value_of = move |n: &str| w.choices.with(|c| c.get(n).cloned().unwrap_or_default());
    view! {
        <div class="model-dim" data-testid=format!("model-dimension-{node}")>
            <b>{node.clone()}</b>" "<span class="muted">{tf("common.rows", &[("count", &d.rows.to_string())])}</span>
            <select data-testid=format!("model-key-{node}") on:change=move |ev| {
                let v = event_target_value(&ev);
                let key = v.split_once('|').map(|(f, k)| (f.to_string(), k.to_string()));
                update(w, &n1, |c| c.key = key);
            }>
                <option value="" selected=move || chosen_none().is_none()>{t("model.not_joined")}</option>
                {proposals.into_iter().map(|p| {
                    let v = format!("{}|{}", p.fact_column, p.dimension_column);
                    let text = label(&p);
                    let chosen = chosen.clone();
                    view! { <option value=v selected=move || chosen().is_some_and(|c| c == p)>{text}</option> }
                }).collect_view()}
            </select>
            {(d.proposals.is_empty()).then(|| view! { <span class="muted">{t("model.no_key")}</span> })}
            {flag}
            <label class="check-row">
                <input type="checkbox" data-testid=format!("model-history-{node}") prop:checked=history_on
                    on:change=move |ev| { let on = event_target_checked(&ev); update(w, &n2, |c| c.history = on); }/>
                {t("model.keep_history")}
            </label>
            {move || history_shown().then(|| {
                let (a, b) = (n4.clone(), n5.clone());
                let (a2, b2) = (a.clone(), b.clone());
                view! {
                    <input placeholder=t("model.connection") data-testid=format!("model-history-connection-{a}")
                        prop:value=move || value_of(&a).connection
                        on:input=move |ev| { let v = event_target_value(&ev); update(w, &a2, |c| c.connection = v); }/>
                    <input placeholder=t("model.table") data-testid=format!("model-history-table-{b}")
                        prop:value=move || value_of(&b).table
                        on:input=move |ev| { let v = event_target_value(&ev); update(w, &b2, |c| c.table = v); }/>
                }
            })}
        </div>
    }
}

/// Step 2: keys per dimension, and the fact's date column.
#[component]
pub fn KeysStep(w: Wizard) -> impl IntoView {
    let Some(k) = w.keys.get_untracked() else { return view! { <p class="muted">{t("model.no_keys")}</p> }.into_any() };
    let dates: Vec<String> =
        k.fact_columns.iter().filter(|f| f.ty.is_some_and(|t| t.is_temporal())).map(|f| f.name.clone()).collect();
    let sample = k.sample.then(|| view! { <p class="muted">{t("model.sampled")}</p> });
    view! {
        <p class="muted">{tf("model.fact_rows", &[("fact", &k.fact), ("count", &k.fact_rows.to_string())])}</p>
        {sample}
        {k.dimensions.into_iter().map(|d| dimension_row(w, d)).collect_view()}
        <label>{t("model.fact_date")}" "
            <select data-testid="model-date" on:change=move |ev| {
                let v = event_target_value(&ev);
                w.date.set((!v.is_empty()).then_some(v));
            }>
                <option value="" selected=move || w.date.get().is_none()>{t("common.none")}</option>
                {dates.into_iter().map(|d| {
                    let (d2, v) = (d.clone(), d.clone());
                    view! { <option value=v selected=move || w.date.get().as_deref() == Some(d2.as_str())>{d}</option> }
                }).collect_view()}
            </select>
        </label>
    }
    .into_any()
}

const AGGS: [AggFn; 6] = [AggFn::Sum, AggFn::Avg, AggFn::Min, AggFn::Max, AggFn::Count, AggFn::CountDistinct];

/// One fact column as a possible measure: aggregate and additivity.
fn measure_row(w: Wizard, col: String) -> impl IntoView {
    let (c1, c2, c3, c4, c5) = (col.clone(), col.clone(), col.clone(), col.clone(), col.clone());
    let current = move |c: &str| w.measures.with(|m| m.get(c).copied().unwrap_or((None, Additivity::Additive)));
    view! {
        <div class="model-measure">
            <span>{col.clone()}</span>
            <select data-testid=format!("model-measure-{col}") on:change=move |ev| {
                let v = event_target_value(&ev);
                let f = AGGS.into_iter().find(|a| a.as_str() == v);
                w.measures.update(|m| { m.entry(c1.clone()).or_insert((None, Additivity::Additive)).0 = f; });
            }>
                <option value="" selected=move || current(&c5).0.is_none()>"—"</option>
                {AGGS.map(|a| { let c = c3.clone(); view! { <option value=a.as_str() selected=move || current(&c).0 == Some(a)>{super::options::agg_label(a)}</option> } })}
            </select>
            <select data-testid=format!("model-additivity-{col}") on:change=move |ev| {
                let v = event_target_value(&ev);
                if let Some(a) = Additivity::parse(&v) {
                    w.measures.update(|m| { m.entry(c2.clone()).or_insert((None, Additivity::Additive)).1 = a; });
                }
            }>
                {Additivity::ALL.map(|a| { let c = c4.clone(); view! { <option value=a.as_str() selected=move || current(&c).1 == a>{additivity(a)}</option> } })}
            </select>
        </div>
    }
}

/// Step 3: the mart's name and path, the grain and the measures.
#[component]
pub fn GrainStep(w: Wizard) -> impl IntoView {
    let columns = move || w.spec().map(|s| star::joined_columns(&s)).unwrap_or_default();
    let fact_columns: Vec<String> =
        w.keys.get_untracked().map(|k| k.fact_columns.into_iter().map(|f| f.name).collect()).unwrap_or_default();
    let refusals = move || {
        let s = w.spec()?;
        let r = star::measures::check(&s.grain, &s.measures, s.date_column.as_deref());
        Some(
            r.into_iter()
                .map(|t| view! { <li class="warn-text" data-testid="model-refusal">{crate::i18n::star(&t)}</li> })
                .collect_view(),
        )
    };
    view! {
        <label>{t("model.group_label")}" " <input data-testid="model-name" prop:value=move || w.name.get()
            on:input=move |ev| w.name.set(event_target_value(&ev))/></label>
        <label>{t("model.mart_file")}" " <input data-testid="model-mart" prop:value=move || w.mart.get()
            on:input=move |ev| w.mart.set(event_target_value(&ev))/></label>
        <div class="model-grain"><b>{t("model.grain")}" "</b><span class="muted">{t("model.grain_hint")}</span>
            {move || columns().into_iter().map(|c| {
                let (c1, c2) = (c.clone(), c.clone());
                view! {
                    <label class="check-row">
                        <input type="checkbox" data-testid=format!("model-grain-{c}")
                            prop:checked=move || w.grain.with(|g| g.contains(&c1))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                w.grain.update(|g| { g.retain(|x| *x != c2); if on { g.push(c2.clone()); } });
                            }/>
                        {c}
                    </label>
                }
            }).collect_view()}
        </div>
        <div class="model-measures"><b>{t("model.measures")}</b>
            {fact_columns.into_iter().map(|c| measure_row(w, c)).collect_view()}
        </div>
        <ul class="model-refusals">{refusals}</ul>
    }
}
