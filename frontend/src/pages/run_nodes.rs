//! The run page's node table and outputs: nodes in pipeline order (every node
//! after its inputs, as the graph runs), rows in and out of each, the failing
//! node's error, and every output with a download link for files.

use super::fmt::opt_time;
use crate::api::{RunDetail, RunKind, RunNode, RunStatus};
use crate::i18n::t;
use leptos::prelude::*;
use sluice_shared::{Graph, structure};

/// `nodes` in the graph's pipeline order; nodes the graph does not order keep theirs, last.
pub fn pipeline_order(graph: Option<&Graph>, mut nodes: Vec<RunNode>) -> Vec<RunNode> {
    let Some(g) = graph else { return nodes };
    let order = structure::check(g, &mut Vec::new()).order;
    nodes.sort_by_key(|n| order.iter().position(|id| *id == n.node_id).unwrap_or(usize::MAX));
    nodes
}

/// A duration in words: `2.4 s`, `3 min 05 s`, `1 h 02 min`.
pub fn duration_text(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        _ if ms < 60_000 => format!("{:.1} s", ms.max(0) as f64 / 1000.0),
        _ if s < 3600 => {
            crate::i18n::tf("run_nodes.min_s", &[("min", &(s / 60).to_string()), ("s", &format!("{:02}", s % 60))])
        }
        _ => crate::i18n::tf(
            "run_nodes.h_min",
            &[("h", &(s / 3600).to_string()), ("min", &format!("{:02}", (s % 3600) / 60))],
        ),
    }
}

fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// The download address of a run's file output.
pub fn download_url(run: &str, node: &str) -> String {
    format!("/api/runs/{}/outputs/{}", enc(run), enc(node))
}

fn rows_text(n: Option<i64>) -> String {
    n.map(|r| r.to_string()).unwrap_or_default()
}

#[component]
pub fn RunNodes(detail: RunDetail, graph: Option<Graph>) -> impl IntoView {
    let nodes = pipeline_order(graph.as_ref(), detail.nodes.clone());
    let rows = nodes
        .into_iter()
        .map(|n| {
            view! {
                <tr data-testid="run-node" data-node=n.node_id.clone() data-status=n.status.as_str()>
                    <td class="code">{n.node_id.clone()}</td>
                    <td class="muted">{n.kind.clone()}</td>
                    <td><span class=format!("status-pill status-{}", n.status)>{crate::i18n::state("node_status", n.status.as_str())}</span></td>
                    <td class="num" data-testid="run-node-rows-in">{rows_text(n.rows_in)}</td>
                    <td class="num" data-testid="run-node-rows">{rows_text(n.rows_out)}</td>
                    <td>{opt_time(n.started_at)}</td>
                    <td>{opt_time(n.finished_at)}</td>
                    <td class="error-cell" data-testid="run-node-error">{n.error.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{t("run_nodes.nodes")}</h2>
        <table class="data-table" data-testid="run-nodes">
            <thead><tr><th>{t("review_tables.node")}</th><th>{t("runs.kind")}</th><th>{t("runs.status")}</th><th>{t("run_nodes.rows_in")}</th><th>{t("run_nodes.rows_out")}</th>
                <th>{t("run_nodes.start")}</th><th>{t("run_nodes.end")}</th><th>{t("run.error")}</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// Where the run's sinks wrote, with a download for each file.
#[component]
pub fn RunOutputs(detail: RunDetail) -> impl IntoView {
    let run = detail.run.id.clone();
    // A production run's file sinks may be explored (drafts' outputs are in a sandbox).
    let explorable = detail.run.kind != RunKind::Draft && detail.run.status == RunStatus::Succeeded;
    let (graph, date) = (detail.run.graph_id.clone(), detail.run.biz_date.clone());
    let outputs: Vec<RunNode> =
        detail.nodes.into_iter().filter(|n| n.output.as_deref().is_some_and(|o| !o.is_empty())).collect();
    (!outputs.is_empty()).then(|| {
        let items = outputs
            .into_iter()
            .map(|n| {
                let path = n.output.clone().unwrap_or_default();
                let file = n.kind != "sink.table";
                let href = download_url(&run, &n.node_id);
                let explore = (explorable && matches!(n.kind.as_str(), "sink.csv" | "sink.parquet"))
                    .then(|| format!("#/explore/{}/{}/{}", enc(&graph), enc(&n.node_id), enc(&date)));
                view! {
                    <li data-testid="run-output" data-node=n.node_id.clone()>
                        <span class="code">{n.node_id.clone()}</span>" → "<span class="code" data-testid="run-output-path">{path}</span>
                        {n.rows_out.map(|r| format!(" ({})", crate::i18n::tf("common.rows", &[("count", &r.to_string())])))}
                        {file.then(|| view! {
                            <a class="btn small" data-testid="run-output-download" href=href download="">{t("run_nodes.download")}</a>
                        })}
                        {explore.map(|e| view! {
                            <a class="btn small" data-testid="run-output-explore" href=e>{t("explore.explore")}</a>
                        })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <h2>{t("run_nodes.outputs")}</h2>
            <ul class="run-outputs" data-testid="run-outputs">{items}</ul>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::duration_text;

    #[test]
    fn durations_read_in_the_largest_fitting_unit() {
        assert_eq!(duration_text(2_400), "2.4 s");
        assert_eq!(duration_text(185_000), "3 min 05 s");
        assert_eq!(duration_text(3_720_000), "1 h 02 min");
    }
}
