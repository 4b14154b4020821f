//! The list of saved graphs: open, rename, duplicate, delete, and a new empty one.

use super::fmt::minute_time;
use super::graph_status::{GraphStatusLine, Statuses};
use crate::api::{self, GraphSummary};
use crate::app::AppCtx;
use crate::dom;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

#[component]
pub fn GraphList() -> impl IntoView {
    let ctx = expect_context::<AppCtx>();
    let graphs = RwSignal::new(None::<Vec<GraphSummary>>);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let filter = RwSignal::new(String::new());
    // The graph being renamed and the name being typed.
    let renaming = RwSignal::new(None::<(String, String)>);
    // The last deleted graph's document, so "Undo" can put it back.
    let deleted = RwSignal::new(None::<Value>);
    let statuses: Statuses = RwSignal::new(Default::default());

    let reload = move || {
        spawn_local(async move {
            if let Ok(list) = api::graph_statuses().await {
                let _ = statuses.try_set(list.into_iter().map(|s| (s.id.clone(), s)).collect());
            }
            let answer = api::list_graphs().await;
            if graphs.is_disposed() {
                return; // the user left the page
            }
            match answer {
                Ok(list) => {
                    graphs.set(Some(list));
                    error.set(None);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        })
    };
    reload();

    let new_graph = move |_| {
        spawn_local(async move {
            let graph = serde_json::to_value(sluice_shared::Graph::new("untitled")).unwrap_or_default();
            match api::create_graph(&graph).await {
                Ok(doc) => dom::navigate(&format!("#/graphs/{}", doc.id)),
                Err(e) => {
                    error.try_set(Some(tf("graph_list.create_failed", &[("error", &e.to_string())]))).map_or((), drop)
                }
            }
        })
    };

    let rename_commit = move || {
        let Some((id, name)) = renaming.get_untracked() else {
            return;
        };
        renaming.set(None);
        let name = name.trim().to_string();
        if name.is_empty() {
            return;
        }
        spawn_local(async move {
            let res = async {
                let doc = api::get_graph(&id).await?;
                let mut graph = doc.graph;
                graph.name = name;
                let graph = serde_json::to_value(&graph).unwrap_or_default();
                api::save_graph(&id, &graph, doc.version).await
            }
            .await;
            if graphs.is_disposed() {
                return;
            }
            if let Err(e) = res {
                error.set(Some(tf("graph_list.rename_failed", &[("error", &e.to_string())])));
            }
            reload();
        });
    };

    let duplicate = move |id: String| {
        spawn_local(async move {
            let answer = api::duplicate_graph(&id).await;
            if graphs.is_disposed() {
                return;
            }
            match answer {
                Ok(_) => notice.set(Some(t("graph_list.duplicated").into())),
                Err(e) => error.set(Some(tf("graph_list.duplicate_failed", &[("error", &e.to_string())]))),
            }
            reload();
        })
    };

    // Deletes at once (no blocking confirm dialog) and offers an undo that
    // saves the document again.
    let delete = move |id: String, name: String| {
        spawn_local(async move {
            let doc = api::get_graph(&id).await.ok();
            let answer = api::delete_graph(&id).await;
            if graphs.is_disposed() {
                return;
            }
            match answer {
                Ok(()) => {
                    deleted.set(doc.and_then(|d| serde_json::to_value(&d.graph).ok()));
                    notice.set(Some(tf("graph_list.deleted", &[("name", &name)])));
                }
                Err(e) => error.set(Some(tf("graph_list.delete_failed", &[("error", &e.to_string())]))),
            }
            reload();
        })
    };

    let undo_delete = move |_| {
        let Some(graph) = deleted.get_untracked() else {
            return;
        };
        deleted.set(None);
        notice.set(None);
        spawn_local(async move {
            let answer = api::create_graph(&graph).await;
            if graphs.is_disposed() {
                return;
            }
            if let Err(e) = answer {
                error.set(Some(tf("graph_list.restore_failed", &[("error", &e.to_string())])));
            }
            reload();
        })
    };

    let item = move |g: GraphSummary| {
        let id = g.id.clone();
        let open_id = id.clone();
        let open = move |_| dom::navigate(&format!("#/graphs/{open_id}"));
        let (id_r, id_d, id_x, id_attr) = (id.clone(), id.clone(), id.clone(), id.clone());
        let (name_r, name_x) = (g.name.clone(), g.name.clone());
        let is_renaming = {
            let id = id.clone();
            move || renaming.with(|r| r.as_ref().is_some_and(|(r, _)| *r == id))
        };
        let editable = ctx.can_edit();
        let title = {
            let name = g.name.clone();
            let is_renaming = is_renaming.clone();
            move || {
                if is_renaming() {
                    view! {
                        <input
                            class="rename-input"
                            data-testid="graph-rename-input"
                            prop:value=move || renaming.with(|r| r.as_ref().map(|r| r.1.clone()).unwrap_or_default())
                            on:click=|ev| ev.stop_propagation()
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                renaming.update(|r| if let Some(r) = r { r.1 = v });
                            }
                            on:keydown=move |ev| match ev.key().as_str() {
                                "Enter" => rename_commit(),
                                "Escape" => renaming.set(None),
                                _ => {}
                            }
                            on:blur=move |_| rename_commit()
                        />
                    }
                    .into_any()
                } else {
                    let shown = if name.is_empty() { t("graph_list.no_name").to_string() } else { name.clone() };
                    view! { <span class="graph-name" data-testid="graph-item-name">{shown}</span> }.into_any()
                }
            }
        };
        view! {
            <li class="graph-item" data-testid="graph-item" data-id=id_attr data-name=g.name.clone() on:click=open>
                <div class="graph-icon">"◈"</div>
                <div class="graph-main">
                    {title}
                    <div class="graph-desc">{g.description.clone()}</div>
                    <GraphStatusLine id=g.id.clone() statuses=statuses/>
                    <div class="graph-meta">
                        {tf("graph_list.version", &[("version", &g.version.to_string())])}
                        " · "
                        {minute_time(g.updated_at)}
                        {(!g.owner.is_empty()).then(|| format!(" · {}", g.owner))}
                    </div>
                </div>
                <div class="graph-actions" on:click=|ev| ev.stop_propagation()>
                    <button class="btn small" data-testid="graph-open" on:click=move |_| dom::navigate(&format!("#/graphs/{id_x}"))>{t("graph_list.open")}</button>
                    <button class="btn small" data-testid="graph-rename" disabled=!editable
                        on:click=move |_| renaming.set(Some((id_r.clone(), name_r.clone())))>{t("graph_list.rename")}</button>
                    <button class="btn small" data-testid="graph-duplicate" disabled=!editable
                        on:click=move |_| duplicate(id_d.clone())>{t("graph_list.duplicate")}</button>
                    <button class="btn small danger" data-testid="graph-delete" disabled=!editable
                        on:click=move |_| delete(id.clone(), name_x.clone())>{t("graph_list.delete")}</button>
                </div>
            </li>
        }
    };

    let shown = move || {
        let f = filter.get().to_lowercase();
        graphs.get().map(|list| {
            list.into_iter()
                .filter(|g| {
                    f.is_empty() || g.name.to_lowercase().contains(&f) || g.description.to_lowercase().contains(&f)
                })
                .collect::<Vec<_>>()
        })
    };

    view! {
        <div class="list-page">
            <div class="list-head">
                <h1>{t("nav.graphs")}</h1>
                <input class="search" placeholder=t("graph_list.search_graphs") data-testid="graph-search"
                    prop:value=filter on:input=move |ev| filter.set(event_target_value(&ev))/>
                <button class="btn primary" data-testid="new-graph" disabled=move || !ctx.can_edit() on:click=new_graph>
                    {t("graph_list.new_graph")}
                </button>
            </div>
            {move || error.get().map(|e| view! { <div class="banner error">{e}<button class="btn ghost small" on:click=move |_| error.set(None)>"✕"</button></div> })}
            {move || notice.get().map(|n| view! {
                <div class="banner info" data-testid="notice">{n}
                    {move || deleted.with(Option::is_some).then(|| view! { <button class="btn small" data-testid="undo-delete" on:click=undo_delete>{t("toolbar.undo")}</button> })}
                    <button class="btn ghost small" on:click=move |_| { notice.set(None); deleted.set(None); }>"✕"</button>
                </div>
            })}
            <ul class="graph-list" data-testid="graph-list">
                {move || match shown() {
                    None => view! { <li class="empty">{t("app.loading")}</li> }.into_any(),
                    Some(list) if list.is_empty() => view! {
                        <li class="empty">{t("graph_list.no_graphs_yet_start_one")}</li>
                    }.into_any(),
                    Some(list) => list.into_iter().map(item).collect_view().into_any(),
                }}
            </ul>
        </div>
    }
}
