//! The review page's tables: settings that changed per node, graph-level and
//! wiring changes, the columns at each changed node, and sample rows each
//! affected output gains or loses.

use super::fmt::{cell, opt_cell};
use super::review_nodes::AddedRemovedNodes;
use super::review_rows::{LinedRows, key_columns};
use crate::api::{NodeSchemaDiff as SchemaDiff, SinkSampleDiff as SampleDiff};
use crate::i18n::{t, tf};
use leptos::prelude::*;
use serde_json::Value;
use sluice_shared::diff::{GraphDiff, ValueChange};
use sluice_shared::{Edge, Graph};

fn change_rows(changes: Vec<ValueChange>, node: Option<String>) -> impl IntoView {
    changes
        .into_iter()
        .map(|c| {
            view! {
                <tr data-testid="config-change" data-node=node.clone() data-key=c.key.clone()>
                    <td class="code">{c.key.clone()}</td>
                    <td class="code before">{opt_cell(&c.before)}</td>
                    <td class="code after">{opt_cell(&c.after)}</td>
                </tr>
            }
        })
        .collect_view()
}

/// Per-node configuration changes, plus name, description and parameters.
#[component]
pub fn ConfigDiff(diff: GraphDiff, graph: Graph, base: Option<Graph>) -> impl IntoView {
    let graph_level = (!diff.graph.is_empty()).then(|| {
        view! {
            <h3>{t("inspector.graph")}</h3>
            <table class="data-table diff-table">
                <thead><tr><th>{t("review_tables.key")}</th><th>{t("review_tables.before")}</th><th>{t("review_tables.after")}</th></tr></thead>
                <tbody>{change_rows(diff.graph.clone(), None)}</tbody>
            </table>
        }
    });
    let nodes = diff
        .nodes_changed
        .into_iter()
        .map(|n| {
            let kind = n.kind.map(|(a, b)| {
                view! { <p class="muted">{tf("review_tables.kind_changed", &[("from", &a), ("to", &b)])}</p> }
            });
            view! {
                <div class="diff-node" data-testid="config-diff" data-node=n.id.clone()>
                    <h3><span class="diff-dot diff-changed"></span>{n.id.clone()}</h3>
                    {kind}
                    <table class="data-table diff-table">
                        <thead><tr><th>{t("review_tables.key")}</th><th>{t("review_tables.before")}</th><th>{t("review_tables.after")}</th></tr></thead>
                        <tbody>{change_rows(n.config, Some(n.id.clone()))}</tbody>
                    </table>
                </div>
            }
        })
        .collect_view();
    let list = |title: &'static str, class: &'static str, ids: Vec<String>| {
        (!ids.is_empty()).then(|| {
            view! {
                <p><b>{title}</b>" "
                    {ids.into_iter().map(|id| view! { <span class=format!("chip {class}")>{id}</span> }).collect_view()}
                </p>
            }
        })
    };
    let edge_text =
        |e: &Edge| format!("{} → {}{}", e.from, e.to, e.port.as_ref().map(|p| format!(" ({p})")).unwrap_or_default());
    let edges =
        |title: &'static str, class: &'static str, es: &[Edge]| list(title, class, es.iter().map(edge_text).collect());
    view! {
        <section class="review-section" data-testid="review-config">
            <h2>{t("review_tables.what_changed")}</h2>
            {list(t("review_tables.nodes_added"), "diff-added", diff.nodes_added.clone())}
            {list(t("review_tables.nodes_removed"), "diff-removed", diff.nodes_removed.clone())}
            {edges(t("review_tables.wires_added"), "diff-added", &diff.edges_added)}
            {edges(t("review_tables.wires_removed"), "diff-removed", &diff.edges_removed)}
            {graph_level}
            {nodes}
            <AddedRemovedNodes graph=graph base=base added=diff.nodes_added.clone() removed=diff.nodes_removed.clone()/>
        </section>
    }
}

/// Column list of a schema as `name type` lines.
fn columns(v: &Value) -> Vec<String> {
    match v.as_array() {
        Some(cols) => cols
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    c.get("name").map(cell).unwrap_or_default(),
                    c.get("type").map(cell).unwrap_or_default()
                )
            })
            .collect(),
        None if v.is_null() => Vec::new(),
        None => vec![cell(v)],
    }
}

#[component]
pub fn SchemaDiffs(schemas: Vec<SchemaDiff>) -> impl IntoView {
    (!schemas.is_empty()).then(|| {
        let rows = schemas
            .into_iter()
            .map(|s| {
                let json = |s: &Option<sluice_shared::Schema>| serde_json::to_value(s).unwrap_or_default();
                let (before, after) = (columns(&json(&s.before)), columns(&json(&s.after)));
                let list = move |cols: Vec<String>, other: Vec<String>, class: &'static str| {
                    cols.into_iter()
                        .map(|c| {
                            let cls = if other.contains(&c) { "" } else { class };
                            view! { <div class=cls>{c}</div> }
                        })
                        .collect_view()
                };
                view! {
                    <tr data-testid="schema-diff" data-node=s.node.clone()>
                        <td class="code">{s.node.clone()}</td>
                        <td class="code">{list(before.clone(), after.clone(), "diff-removed-text")}</td>
                        <td class="code">{list(after, before, "diff-added-text")}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="review-section" data-testid="review-schemas">
                <h2>{t("formula_help.columns")}</h2>
                <table class="data-table diff-table">
                    <thead><tr><th>{t("review_tables.node")}</th><th>{t("review_tables.before")}</th><th>{t("review_tables.after")}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    })
}

#[component]
pub fn SampleDiffs(samples: Vec<SampleDiff>, graph: Graph) -> impl IntoView {
    (!samples.is_empty()).then(|| {
        let items = samples
            .into_iter()
            .map(|s| {
                let body = match s.error {
                    Some(e) => view! { <div class="form-error">{e}</div> }.into_any(),
                    None if s.rows_added.is_empty() && s.rows_removed.is_empty() => {
                        view! { <p class="muted">{t("review_tables.the_sample_output_is_the")}</p> }.into_any()
                    }
                    None => {
                        let keys = key_columns(&graph, &s.node);
                        let counts = tf(
                            "review_tables.row_counts",
                            &[
                                ("before", &s.rows_removed.len().to_string()),
                                ("after", &s.rows_added.len().to_string()),
                            ],
                        );
                        let by =
                            (!keys.is_empty()).then(|| tf("review_tables.lined_up_by", &[("keys", &keys.join(", "))]));
                        view! {
                            <p class="muted">{counts}{by}</p>
                            <LinedRows columns=s.columns removed=s.rows_removed added=s.rows_added keys=keys/>
                        }
                        .into_any()
                    }
                };
                view! {
                    <div class="diff-node" data-testid="sample-diff" data-node=s.node.clone()>
                        <h3>{s.node.clone()}</h3>
                        {body}
                    </div>
                }
            })
            .collect_view();
        view! {
            <section class="review-section" data-testid="review-samples">
                <h2>{t("review_tables.sample_output")}</h2>
                <p class="muted">{t("review_tables.rows_of_each_affected_output")}</p>
                {items}
            </section>
        }
    })
}

/// An empty graph to draw when nothing was approved before.
pub fn empty_like(g: &Graph) -> Graph {
    Graph::new(g.name.clone())
}
