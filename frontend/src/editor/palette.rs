//! The palette: every node kind, grouped Collection / Processing / Distribution,
//! with a search box that knows the words analysts use (group → Aggregate,
//! lookup → Join...); Enter adds the first match. Drag an entry onto the canvas
//! (onto a wire to insert it there), or click it: with one node selected the
//! new node is added downstream of it, else in the middle of the view.

use super::interact::Interact;
use super::node_view::{category_class, kind_icon};
use super::state::EditorState;
use crate::i18n::{self, t, tf};
use leptos::prelude::*;
use sluice_shared::{Category, NodeKind};

/// The groups and their catalogue keys (`group.<key>` the name, `group.<key>.hint` the hint).
const GROUPS: [(Category, &str); 3] = [
    (Category::Collection, "collection"),
    (Category::Processing, "processing"),
    (Category::Distribution, "distribution"),
];

fn group_name(key: &str) -> &'static str {
    t(&format!("group.{key}"))
}

/// Other words for a kind, as analysts coming from spreadsheets and SQL say them.
const SYNONYMS: &[(&str, &[NodeKind])] = &[
    ("group", &[NodeKind::Aggregate]),
    ("summarise", &[NodeKind::Aggregate]),
    ("summarize", &[NodeKind::Aggregate]),
    ("pivot", &[NodeKind::Aggregate]),
    ("total", &[NodeKind::Aggregate]),
    ("lookup", &[NodeKind::Join]),
    ("vlookup", &[NodeKind::Join]),
    ("merge", &[NodeKind::Join]),
    ("match", &[NodeKind::Join]),
    ("rename", &[NodeKind::Select]),
    ("columns", &[NodeKind::Select]),
    ("drop", &[NodeKind::Select]),
    ("top", &[NodeKind::Limit, NodeKind::Sort]),
    ("first", &[NodeKind::Limit]),
    ("head", &[NodeKind::Limit]),
    ("order", &[NodeKind::Sort]),
    ("rank", &[NodeKind::Sort]),
    ("dedupe", &[NodeKind::Distinct]),
    ("dedup", &[NodeKind::Distinct]),
    ("unique", &[NodeKind::Distinct]),
    ("duplicates", &[NodeKind::Distinct]),
    ("where", &[NodeKind::Filter]),
    ("condition", &[NodeKind::Filter]),
    ("formula", &[NodeKind::Derive]),
    ("calculate", &[NodeKind::Derive]),
    ("append", &[NodeKind::Union]),
    ("stack", &[NodeKind::Union]),
    ("combine", &[NodeKind::Union, NodeKind::Join]),
    ("chart", &[NodeKind::SinkReport]),
    ("database", &[NodeKind::SourceTable, NodeKind::SinkTable]),
    ("quality", &[NodeKind::TransformCheck]),
    ("validate", &[NodeKind::TransformCheck]),
];

/// Whether kind `k` (in palette group `group`) answers the search `query`: by
/// its label (English or in the language shown), its kind name, its group, or
/// a synonym the query starts.
pub fn matches(k: NodeKind, group: &str, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    q.is_empty()
        || k.label().to_lowercase().contains(&q)
        || i18n::kind(k).to_lowercase().contains(&q)
        || k.as_str().contains(&q)
        || group.to_lowercase().contains(&q)
        || SYNONYMS.iter().any(|(word, kinds)| word.starts_with(&q) && q.len() >= 3 && kinds.contains(&k))
}

/// The entries a search shows, in palette order (Enter adds the first).
pub fn search_results(query: &str) -> Vec<NodeKind> {
    GROUPS
        .iter()
        .flat_map(|&(cat, key)| {
            let name = group_name(key);
            NodeKind::ALL.into_iter().filter(move |k| k.category() == cat && matches(*k, name, query))
        })
        .collect()
}

#[component]
pub fn Palette() -> impl IntoView {
    let ed = expect_context::<EditorState>();
    let it = expect_context::<Interact>();
    let search = RwSignal::new(String::new());
    let matches = move |k: NodeKind, group: &str| search.with(|q| matches(k, group, q));
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            let first = search.with(|q| search_results(q).first().copied());
            if let Some(k) = first
                && !ed.readonly
            {
                it.palette_click(ed, k);
            }
        }
        "Escape" => search.set(String::new()),
        _ => {}
    };

    let groups = GROUPS
        .iter()
        .map(|&(cat, key)| {
            let (name, hint) = (group_name(key), t(&format!("group.{key}.hint")));
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
                            title=tf("palette.entry_title", &[("label", i18n::kind(k)), ("kind", k.as_str())])
                            on:pointerdown=move |ev| {
                                if !ed.readonly {
                                    it.begin_palette(k, &ev)
                                }
                            }
                        >
                            <span class="palette-icon">{kind_icon(Some(k))}</span>
                            <span class="palette-label">{i18n::kind(k)}</span>
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
                placeholder=t("palette.search")
                data-testid="palette-search"
                prop:value=search
                on:input=move |ev| search.set(event_target_value(&ev))
                on:keydown=on_key
            />
            <div class="palette-groups">{groups}</div>
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysts_words_find_their_kinds() {
        assert_eq!(search_results("group"), [NodeKind::Aggregate]);
        assert_eq!(search_results("lookup"), [NodeKind::Join]);
        assert_eq!(search_results("rename"), [NodeKind::Select]);
        assert_eq!(search_results("dedupe"), [NodeKind::Distinct]);
        let top = search_results("top");
        assert!(top.contains(&NodeKind::Limit) && top.contains(&NodeKind::Sort), "{top:?}");
        // Labels and kind names still match, case and spaces aside.
        assert_eq!(search_results(" FILTER "), [NodeKind::Filter]);
        assert!(search_results("sink.csv").contains(&NodeKind::SinkCsv));
        // An empty search shows everything; nonsense shows nothing.
        assert_eq!(search_results("").len(), NodeKind::ALL.len());
        assert!(search_results("zzzz").is_empty());
    }
}
