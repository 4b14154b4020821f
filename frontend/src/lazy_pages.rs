//! Pages the editor does not need: each group is a WebAssembly chunk of its
//! own, fetched the first time one of its routes is shown. `cargo xtask wasm`
//! splits them out of the first-paint module (`wasm_split_cli_support`); a
//! split function's wrapper loads its chunk, then calls it. On other targets
//! (the native unit tests) the wrapper calls the page directly.
//!
//! Groups: the sign-in form, the graph list, administration (users,
//! schedules, calendars, connections), review, runs (history, one run, the
//! data-flow map) and reports. Only the editor's canvas stays in the
//! first-paint module; its parts that show on demand (node settings, the
//! model wizard, the run dialog, parameters) are split where they are defined.

use crate::i18n::t;
use crate::pages::{
    AdminPage, ConnectionsPage, DataflowPage, GraphList, Login, PublishedPage, ReportPage, ReportsPage, ReviewPage,
    ReviewQueue, RunPage, RunsPage,
};
use leptos::prelude::*;
use leptos::wasm_split::{SplitLoaderError, wasm_split};

/// A chunk that did not arrive: the network, or a newer build deployed since
/// this tab loaded (its chunk names are content hashes, so an old tab cannot
/// load a new build's code).
pub struct ChunkFailed;

impl From<SplitLoaderError> for ChunkFailed {
    fn from(_: SplitLoaderError) -> Self {
        ChunkFailed
    }
}

/// A page, or why its code could not be loaded.
pub type Page = Result<AnyView, ChunkFailed>;

/// A page (or a dialog) from its chunk: the loading line until the chunk has
/// arrived (the first time in a session only: later the chunk is there and the
/// view is made at once), or a request to reload when it could not be loaded.
pub fn show(load: impl std::future::Future<Output = Page> + 'static) -> AnyView {
    // `Suspend` wants a `Send` future; the app has one thread.
    let load = send_wrapper::SendWrapper::new(load);
    view! {
        <Suspense fallback=|| view! { <div class="loading">{t("app.loading")}</div> }>
            {Suspend::new(async move {
                load.await.unwrap_or_else(|ChunkFailed| {
                    view! { <div class="error" data-testid="chunk-failed">{t("app.reload")}</div> }.into_any()
                })
            })}
        </Suspense>
    }
    .into_any()
}

#[wasm_split(login, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn login() -> Page {
    Ok(view! { <Login/> }.into_any())
}

#[wasm_split(graphs, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn graphs() -> Page {
    Ok(view! { <GraphList/> }.into_any())
}

#[wasm_split(admin, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn admin() -> Page {
    Ok(view! { <AdminPage/> }.into_any())
}

#[wasm_split(admin, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn connections() -> Page {
    Ok(view! { <ConnectionsPage/> }.into_any())
}

#[wasm_split(review, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn review_queue() -> Page {
    Ok(view! { <ReviewQueue/> }.into_any())
}

#[wasm_split(review, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn review(sid: String) -> Page {
    Ok(view! { <ReviewPage sid=sid/> }.into_any())
}

#[wasm_split(runs, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn runs() -> Page {
    Ok(view! { <RunsPage/> }.into_any())
}

#[wasm_split(runs, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn run(id: String) -> Page {
    Ok(view! { <RunPage id=id/> }.into_any())
}

#[wasm_split(runs, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn dataflow() -> Page {
    Ok(view! { <DataflowPage/> }.into_any())
}

#[wasm_split(reports, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn reports() -> Page {
    Ok(view! { <ReportsPage/> }.into_any())
}

#[wasm_split(reports, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn report(name: String) -> Page {
    Ok(view! { <ReportPage name=name/> }.into_any())
}

#[wasm_split(reports, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn published(graph: String, node: String, date: Option<String>) -> Page {
    Ok(view! { <PublishedPage graph=graph node=node date=date/> }.into_any())
}
