//! The list of saved graphs: open, rename, duplicate, delete, and a new empty one.
//! The list and the statuses are [`LocalResource`]s (refetched after each change);
//! creating a graph is an [`Action`], so its button waits while one is on its way.

use super::fmt::minute_time;
use super::graph_status::{GraphStatusLine, Statuses};
use crate::api::{self, ApiError, GraphSummary};
use crate::app::AppCtx;
use crate::dom;
use crate::i18n::{t, tf};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

/// What the page and its rows share. Answers that land after the page is gone
/// are dropped: signals are written with `try_set`, resources refetch with
/// `try_update`.
#[derive(Clone, Copy)]
struct ListState {
    graphs: LocalResource<Result<Vec<GraphSummary>, ApiError>>,
    statuses: Statuses,
    error: RwSignal<Option<String>>,
    notice: RwSignal<Option<String>>,
    /// The graph being renamed and the name being typed.
    renaming: RwSignal<Option<(String, String)>>,
    /// The last deleted graph's document, so "Undo" can put it back.
    deleted: RwSignal<Option<Value>>,
}

impl ListState {
    fn new() -> Self {
        ListState {
            graphs: LocalResource::new(api::list_graphs),
            statuses: LocalResource::new(|| async {
                let list = api::graph_statuses().await.unwrap_or_default();
                list.into_iter().map(|s| (s.id.clone(), s)).collect()
            }),
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            renaming: RwSignal::new(None),
            deleted: RwSignal::new(None),
        }
    }

    fn reload(self) {
        self.statuses.refetch();
        self.graphs.refetch();
    }

    /// Shows an error (dropped if the page is gone).
    fn failed(self, text: String) {
        let _ = self.error.try_set(Some(text));
    }

    fn rename_commit(self) {
        let Some((id, name)) = self.renaming.get_untracked() else {
            return;
        };
        self.renaming.set(None);
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
            if let Err(e) = res {
                self.failed(tf("graph_list.rename_failed", &[("error", &e.to_string())]));
            }
            self.reload();
        });
    }

    fn duplicate(self, id: String) {
        spawn_local(async move {
            match api::duplicate_graph(&id).await {
                Ok(_) => drop(self.notice.try_set(Some(t("graph_list.duplicated").into()))),
                Err(e) => self.failed(tf("graph_list.duplicate_failed", &[("error", &e.to_string())])),
            }
            self.reload();
        })
    }

    /// Deletes at once (no blocking confirm dialog) and offers an undo that
    /// saves the document again.
    fn delete(self, id: String, name: String) {
        spawn_local(async move {
            let doc = api::get_graph(&id).await.ok();
            match api::delete_graph(&id).await {
                Ok(()) => {
                    let _ = self.deleted.try_set(doc.and_then(|d| serde_json::to_value(&d.graph).ok()));
                    let _ = self.notice.try_set(Some(tf("graph_list.deleted", &[("name", &name)])));
                }
                Err(e) => self.failed(tf("graph_list.delete_failed", &[("error", &e.to_string())])),
            }
            self.reload();
        })
    }

    fn undo_delete(self) {
        let Some(graph) = self.deleted.get_untracked() else {
            return;
        };
        self.deleted.set(None);
        self.notice.set(None);
        spawn_local(async move {
            if let Err(e) = api::create_graph(&graph).await {
                self.failed(tf("graph_list.restore_failed", &[("error", &e.to_string())]));
            }
            self.reload();
        })
    }
}

#[component]
pub fn GraphList() -> impl IntoView {
    let ctx = expect_context::<AppCtx>();
    let list = ListState::new();
    let ListState { graphs, error, notice, deleted, .. } = list;
    let filter = RwSignal::new(String::new());
    let create = Action::new_local(move |_: &()| async move {
        let graph = serde_json::to_value(sluice_shared::Graph::new("untitled")).unwrap_or_default();
        match api::create_graph(&graph).await {
            Ok(doc) => dom::navigate(&format!("#/graphs/{}", doc.id)),
            Err(e) => list.failed(tf("graph_list.create_failed", &[("error", &e.to_string())])),
        }
    });
    let creating = create.pending();
    // An error of the last load shows until an action's error replaces it.
    let shown_error = move || error.get().or_else(|| graphs.get().and_then(Result::err).map(|e| e.to_string()));
    let shown = move || {
        let f = filter.get().to_lowercase();
        graphs.get().and_then(Result::ok).map(|list| {
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
                <button class="btn primary" data-testid="new-graph" disabled=move || !ctx.can_edit() || creating.get()
                    on:click=move |_| { create.dispatch_local(()); }>
                    {t("graph_list.new_graph")}
                </button>
            </div>
            {move || shown_error().map(|e| view! { <div class="banner error">{e}<button class="btn ghost small" on:click=move |_| error.set(None)>"✕"</button></div> })}
            {move || notice.get().map(|n| view! {
                <div class="banner info" data-testid="notice">{n}
                    {move || deleted.with(Option::is_some).then(|| view! { <button class="btn small" data-testid="undo-delete" on:click=move |_| list.undo_delete()>{t("toolbar.undo")}</button> })}
                    <button class="btn ghost small" on:click=move |_| { notice.set(None); deleted.set(None); }>"✕"</button>
                </div>
            })}
            <ul class="graph-list" data-testid="graph-list">
                {move || match shown() {
                    None => view! { <li class="empty">{t("app.loading")}</li> }.into_any(),
                    Some(items) if items.is_empty() => view! {
                        <li class="empty">{t("graph_list.no_graphs_yet_start_one")}</li>
                    }.into_any(),
                    Some(items) => items.into_iter().map(|g| view! { <GraphItem g=g list=list/> }).collect_view().into_any(),
                }}
            </ul>
        </div>
    }
}

/// One graph of the list: its name (or the rename input), status and actions.
#[component]
fn GraphItem(g: GraphSummary, list: ListState) -> impl IntoView {
    let ctx = expect_context::<AppCtx>();
    let renaming = list.renaming;
    let id = g.id.clone();
    let open_id = id.clone();
    let open = move |_| dom::navigate(&format!("#/graphs/{open_id}"));
    let (id_r, id_d, id_x, id_attr, id_t) = (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
    let (name_r, name_x) = (g.name.clone(), g.name.clone());
    let editable = ctx.can_edit();
    view! {
        <li class="graph-item" data-testid="graph-item" data-id=id_attr data-name=g.name.clone() on:click=open>
            <div class="graph-icon">"◈"</div>
            <div class="graph-main">
                {graph_title(list, id_t, g.name.clone())}
                <div class="graph-desc">{crate::i18n::demo(&g.description)}</div>
                <GraphStatusLine id=g.id.clone() statuses=list.statuses/>
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
                    on:click=move |_| list.duplicate(id_d.clone())>{t("graph_list.duplicate")}</button>
                <button class="btn small danger" data-testid="graph-delete" disabled=!editable
                    on:click=move |_| list.delete(id.clone(), name_x.clone())>{t("graph_list.delete")}</button>
            </div>
        </li>
    }
}

/// A graph's name, or the input that renames it while it is being renamed.
fn graph_title(list: ListState, id: String, name: String) -> impl IntoView {
    let renaming = list.renaming;
    let is_renaming = move || renaming.with(|r| r.as_ref().is_some_and(|(r, _)| *r == id));
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
                        "Enter" => list.rename_commit(),
                        "Escape" => renaming.set(None),
                        _ => {}
                    }
                    on:blur=move |_| list.rename_commit()
                />
            }
            .into_any()
        } else {
            let shown = if name.is_empty() { t("graph_list.no_name").to_string() } else { name.clone() };
            view! { <span class="graph-name" data-testid="graph-item-name">{shown}</span> }.into_any()
        }
    }
}
