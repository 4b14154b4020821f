//! `#/dataflow`: the library as a picture. Graphs (boxes) and the files and
//! tables between them (rounded), left to right in the order data flows: a
//! dataset sits right of the graph that writes it, a graph right of what it reads.

use crate::api;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sluice_shared::api::dataflow::DataflowMap;
use std::collections::BTreeMap;

const COL_W: f64 = 230.0;
const ROW_H: f64 = 64.0;
const BOX_W: f64 = 180.0;
const BOX_H: f64 = 40.0;

/// `g:<graph id>` / `d:<dataset id>` → (column, row) on the picture.
pub fn layout(map: &DataflowMap) -> BTreeMap<String, (usize, usize)> {
    let mut level: BTreeMap<String, usize> = BTreeMap::new();
    for g in &map.graphs {
        level.insert(format!("g:{}", g.id), 0);
    }
    for d in &map.datasets {
        level.insert(format!("d:{}", d.id), 0);
    }
    // Longest path, relaxed at most once per item (a cycle stops growing there).
    for _ in 0..level.len() {
        let mut changed = false;
        for e in &map.edges {
            let (from, to) = if e.writes {
                (format!("g:{}", e.graph), format!("d:{}", e.dataset))
            } else {
                (format!("d:{}", e.dataset), format!("g:{}", e.graph))
            };
            let next = level.get(&from).copied().unwrap_or(0) + 1;
            if let Some(l) = level.get_mut(&to)
                && *l < next
            {
                *l = next;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut rows: BTreeMap<usize, usize> = BTreeMap::new();
    level
        .into_iter()
        .map(|(k, l)| {
            let r = rows.entry(l).or_insert(0);
            *r += 1;
            (k, (l, *r - 1))
        })
        .collect()
}

fn at((col, row): (usize, usize)) -> (f64, f64) {
    (col as f64 * COL_W, row as f64 * ROW_H)
}

fn picture(map: DataflowMap) -> impl IntoView {
    let places = layout(&map);
    let pos = |k: &str| places.get(k).copied().map(at).unwrap_or((0.0, 0.0));
    let cols = places.values().map(|p| p.0).max().unwrap_or(0) + 1;
    let rows = places.values().map(|p| p.1).max().unwrap_or(0) + 1;
    let (w, h) = (cols as f64 * COL_W + 20.0, rows as f64 * ROW_H + 20.0);
    let edges = map
        .edges
        .iter()
        .map(|e| {
            let (g, d) = (pos(&format!("g:{}", e.graph)), pos(&format!("d:{}", e.dataset)));
            let ((x1, y1), (x2, y2)) = if e.writes { (g, d) } else { (d, g) };
            let (x1, y1, x2, y2) = (x1 + BOX_W, y1 + BOX_H / 2.0, x2, y2 + BOX_H / 2.0);
            let mx = (x1 + x2) / 2.0;
            view! {
                <path class="flow-edge" data-testid="flow-edge" data-graph=e.graph.clone() data-dataset=e.dataset.clone()
                    data-writes=e.writes.to_string()
                    d=format!("M{x1:.1},{y1:.1} C{mx:.1},{y1:.1} {mx:.1},{y2:.1} {x2:.1},{y2:.1}")></path>
            }
        })
        .collect_view();
    let graphs = map
        .graphs
        .iter()
        .map(|g| {
            let (x, y) = pos(&format!("g:{}", g.id));
            let to = format!("#/graphs/{}", g.id);
            view! {
                <g class="flow-graph" data-testid="flow-graph" data-id=g.id.clone() transform=format!("translate({x:.1},{y:.1})")
                    on:click=move |_| crate::dom::navigate(&to)>
                    <rect width=BOX_W height=BOX_H rx="4"></rect>
                    <text x="10" y="24">{g.name.clone()}</text>
                    <title>{t("dataflow.open_this_graph")}</title>
                </g>
            }
        })
        .collect_view();
    let datasets = map
        .datasets
        .iter()
        .map(|d| {
            let (x, y) = pos(&format!("d:{}", d.id));
            let class = if d.external { "flow-dataset external" } else { "flow-dataset" };
            view! {
                <g class=class data-testid="flow-dataset" data-id=d.id.clone() transform=format!("translate({x:.1},{y:.1})")>
                    <rect width=BOX_W height=BOX_H rx="18"></rect>
                    <text x="12" y="24">{d.dataset.name.clone()}</text>
                    <title>{d.id.clone()}</title>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="flow-map" data-testid="flow-map" width=format!("{w:.0}") height=format!("{h:.0}")
            viewBox=format!("-10 -10 {w:.0} {h:.0}")>
            {edges}{graphs}{datasets}
        </svg>
    }
}

#[component]
pub fn DataflowPage() -> impl IntoView {
    let found = RwSignal::new(None::<Result<DataflowMap, String>>);
    spawn_local(async move {
        let _ = found.try_set(Some(api::lineage::dataflow().await.map_err(|e| e.to_string())));
    });
    view! {
        <section class="review-section" data-testid="dataflow-page">
            <h2>{t("nav.dataflow")}</h2>
            <p class="muted">{t("dataflow.intro")}</p>
            {move || match found.get() {
                None => view! { <p class="muted">{t("app.loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner error">{e}</p> }.into_any(),
                Some(Ok(map)) => picture(map).into_any(),
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sluice_shared::api::dataflow::{FlowDataset, FlowEdge, FlowGraph};
    use sluice_shared::dataflow::{Dataset, DatasetKind};

    #[test]
    fn data_flows_left_to_right() {
        let ds = |id: &str| FlowDataset {
            id: id.into(),
            dataset: Dataset { kind: DatasetKind::File, connection: None, name: id.into() },
            external: false,
        };
        let e = |graph: &str, dataset: &str, writes| FlowEdge {
            graph: graph.into(),
            node: "n".into(),
            dataset: dataset.into(),
            writes,
        };
        let map = DataflowMap {
            graphs: vec![
                FlowGraph { id: "b".into(), name: "B".into() },
                FlowGraph { id: "a".into(), name: "A".into() },
            ],
            datasets: vec![ds("x")],
            edges: vec![e("a", "x", true), e("b", "x", false)],
        };
        let l = layout(&map);
        assert_eq!(l["g:a"].0, 0);
        assert_eq!(l["d:x"].0, 1);
        assert_eq!(l["g:b"].0, 2);
    }
}
