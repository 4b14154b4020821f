//! The palette: every node kind, grouped Collection / Processing / Distribution,
//! with a search box. Drag an entry onto the canvas, or click it to add it in
//! the middle of the view.

use super::canvas::Interact;
use super::node_view::{category_class, kind_icon};
use super::state::EditorState;
use leptos::prelude::*;
use sluice_shared::{Category, NodeKind};

const GROUPS: [(Category, &str, &str); 3] = [
    (Category::Collection, "Collection", "read data"),
    (Category::Processing, "Processing", "shape data"),
    (Category::Distribution, "Distribution", "write results"),
];

#[component]
pub fn Palette() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let it = expect_context::<Interact>();
    let search = RwSignal::new(String::new());
    let matches = move |k: NodeKind, group: &str| {
        let q = search.with(|s| s.trim().to_lowercase());
        q.is_empty()
            || k.label().to_lowercase().contains(&q)
            || k.as_str().contains(&q)
            || group.to_lowercase().contains(&q)
    };

    let groups = GROUPS
        .iter()
        .map(|&(cat, name, hint)| {
            let kinds: Vec<NodeKind> = NodeKind::ALL.into_iter().filter(|k| k.category() == cat).collect();
            let any = {
                let kinds = kinds.clone();
                move || kinds.iter().any(|k| matches(*k, name))
            };
            let entries = kinds
                .into_iter()
                .map(|k| {
                    view! {
                        <div
                            class=format!("palette-entry {}", category_class(Some(k)))
                            class:hidden=move || !matches(k, name)
                            data-testid=format!("palette-{}", k.as_str())
                            data-kind=k.as_str()
                            title=format!("{} ({}): drag onto the canvas or click to add", k.label(), k.as_str())
                            on:pointerdown=move |ev| {
                                if !ed.readonly {
                                    it.begin_palette(k, &ev)
                                }
                            }
                        >
                            <span class="palette-icon">{kind_icon(Some(k))}</span>
                            <span class="palette-label">{k.label()}</span>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <section class="palette-group" class:hidden=move || !any()>
                    <h3>{name}<small>{hint}</small></h3>
                    <div class="palette-grid">{entries}</div>
                </section>
            }
        })
        .collect_view();

    view! {
        <aside class="palette" data-testid="palette">
            <input
                class="search"
                type="search"
                placeholder="Search nodes"
                data-testid="palette-search"
                prop:value=search
                on:input=move |ev| search.set(event_target_value(&ev))
            />
            <div class="palette-groups">{groups}</div>
        </aside>
    }
}
