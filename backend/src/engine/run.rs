//! Running a prepared graph: checks first, then sinks, then one publish.
//!
//! 1. Every file target (sinks and check quarantines) is opened and checked.
//! 2. Every check node's counts are known before anything publishes: counted
//!    on the way as its outputs stage (one pass over its input, see
//!    [`super::tally`]; [`checks::settle`]), or with its own aggregate first
//!    ([`checks::evaluate`]: checks with a `reconcile` rule, or when the stream
//!    stopped early).
//! 3. If one broke, everything staged is discarded, and only the quarantines
//!    (files, and tables in `append` mode) are staged and published (so the bad
//!    rows can be seen); every other target keeps its old content and the
//!    run fails. Otherwise every sink and quarantine stages, and all publish
//!    together or none does (see [`publish`]).
//!
//! A report sink given a path by the caller ([`execute_with`]: the scheduler
//! gives `reports/<name>/<biz date>.parquet`) is staged and published as a
//! Parquet file with the others; without one (`sluice run`) it is only counted.

use super::error::EngineError;
use super::root::{DataRoot, Output};
use super::{Prepared, Written, blame, checks, node_rows, publish, sinks, tables};
use datafusion::prelude::DataFrame;
use sluice_shared::check::CheckResult;
use sluice_shared::config::{CsvSink, ExcelSink, FileSink, NodeConfig};
use sluice_shared::tables::{TableMode, TableSink};
use std::collections::{BTreeMap, HashMap};

/// What a run did: the check results (also when the run failed) and the outcome.
pub struct Outcome {
    pub checks: Vec<CheckResult>,
    /// Quarantine files published although the run failed (a broken `error` rule).
    pub quarantined: Vec<Written>,
    pub result: Result<Vec<Written>, EngineError>,
    /// Rows out of each node, from the plan metrics of the file sinks that ran ([`node_rows`]).
    pub node_rows: BTreeMap<String, u64>,
}

/// One output of the run: a sink, or a check's quarantine (written as CSV).
struct Target<'a> {
    id: &'a str,
    /// The node whose output it writes (`None` for a quarantine).
    input: Option<&'a str>,
    /// The file it writes, if it writes one.
    path: Option<String>,
    cfg: NodeConfig,
    df: DataFrame,
    quarantine: bool,
}

fn targets<'a>(p: &'a Prepared, reports: &HashMap<String, String>) -> Vec<Target<'a>> {
    let mut out = Vec::new();
    for id in &p.report.order {
        let cfg = &p.report.configs[id];
        if let NodeConfig::TransformCheck(c) = cfg {
            let Some(plan) = p.checks.iter().find(|c| &c.node == id) else { continue };
            let df = plan.quarantine.clone();
            match c.quarantine.as_ref().map(|q| (q.path.as_ref(), q.connection.as_ref(), q.table.as_ref())) {
                Some((Some(_), _, _)) => {
                    let cfg = quarantine_sink(&p.paths[id]);
                    let path = Some(p.paths[id].clone());
                    out.push(Target { id, input: None, path, cfg, df, quarantine: true });
                }
                Some((None, Some(conn), Some(table))) => {
                    let cfg = quarantine_table(conn, table);
                    out.push(Target { id, input: None, path: None, cfg, df, quarantine: true });
                }
                _ => {}
            }
            continue;
        }
        let Some(input) = p.report.inputs.get(id).and_then(|ports| ports.get("in")).and_then(|f| f.first()) else {
            continue;
        };
        let df = p.frames[input].clone();
        let input = Some(input.as_str());
        match cfg {
            NodeConfig::SinkCsv(_) | NodeConfig::SinkParquet(_) | NodeConfig::SinkExcel(_) => {
                let path = Some(p.paths[id].clone());
                out.push(Target { id, input, path, cfg: cfg.clone(), df, quarantine: false });
            }
            NodeConfig::SinkTable(_) => {
                out.push(Target { id, input, path: None, cfg: cfg.clone(), df, quarantine: false })
            }
            NodeConfig::SinkReport(_) => match reports.get(id.as_str()) {
                Some(path) => {
                    let cfg = NodeConfig::SinkParquet(FileSink { path: path.clone() });
                    out.push(Target { id, input, path: Some(path.clone()), cfg, df, quarantine: false });
                }
                None => out.push(Target { id, input, path: None, cfg: cfg.clone(), df, quarantine: false }),
            },
            _ => {}
        }
    }
    out
}

/// A quarantine file is written in the format its name says: `.parquet`,
/// `.xlsx`, otherwise CSV.
fn quarantine_sink(path: &str) -> NodeConfig {
    let lower = path.to_ascii_lowercase();
    let path = path.to_string();
    if lower.ends_with(".parquet") {
        NodeConfig::SinkParquet(FileSink { path })
    } else if lower.ends_with(".xlsx") {
        NodeConfig::SinkExcel(ExcelSink { path, sheet: "Sheet1".into() })
    } else {
        NodeConfig::SinkCsv(CsvSink { path, delimiter: ",".into() })
    }
}

/// A table quarantine is a `sink.table` in `append` mode: each run adds its
/// failing rows (with `_failed_rules`); a missing table is created.
fn quarantine_table(connection: &str, table: &str) -> NodeConfig {
    NodeConfig::SinkTable(TableSink {
        connection: connection.to_string(),
        table: table.to_string(),
        mode: TableMode::Append,
        keys: Vec::new(),
        partition_by: Vec::new(),
        tracked: Vec::new(),
        as_of: None,
        expire_missing: false,
    })
}

fn is_file(cfg: &NodeConfig) -> bool {
    matches!(cfg, NodeConfig::SinkCsv(_) | NodeConfig::SinkParquet(_) | NodeConfig::SinkExcel(_))
}

/// Runs every check and sink of `p` and publishes (see the module comment).
pub async fn execute(p: &Prepared, root: &DataRoot, hooks: &publish::Hooks) -> Outcome {
    execute_with(p, root, hooks, &HashMap::new()).await
}

/// [`execute`], writing each report sink named in `reports` (node id → path
/// in the data root) as a Parquet file published with the run's other outputs.
pub async fn execute_with(
    p: &Prepared,
    root: &DataRoot,
    hooks: &publish::Hooks,
    reports: &HashMap<String, String>,
) -> Outcome {
    let mut o =
        Outcome { checks: Vec::new(), quarantined: Vec::new(), result: Ok(Vec::new()), node_rows: BTreeMap::new() };
    let all = targets(p, reports);
    let mut seen = Seen { checks: &mut o.checks, quarantined: &mut o.quarantined, rows: &mut o.node_rows };
    o.result = run(p, &all, root, hooks, &mut seen).await;
    o
}

/// What a run saw besides its outcome.
struct Seen<'a> {
    checks: &'a mut Vec<CheckResult>,
    quarantined: &'a mut Vec<Written>,
    rows: &'a mut BTreeMap<String, u64>,
}

async fn run(
    p: &Prepared,
    all: &[Target<'_>],
    root: &DataRoot,
    hooks: &publish::Hooks,
    seen: &mut Seen<'_>,
) -> Result<Vec<Written>, EngineError> {
    // Every target is opened and checked before anything runs.
    let mut outputs = publish::open_targets(&file_targets(all, false), root)?;
    // Checks without a tally are counted first; tallied ones as their outputs stage.
    let mut pending = Vec::new();
    for plan in &p.checks {
        match plan.tally {
            Some(_) => pending.push(plan),
            None => seen.checks.push(checks::evaluate(plan).await.map_err(|e| EngineError::exec(&plan.node, e))?),
        }
    }
    let mut broken = broken_rule(seen.checks);
    if broken.is_some() {
        for plan in pending.drain(..) {
            seen.checks.push(checks::evaluate(plan).await.map_err(|e| EngineError::exec(&plan.node, e))?);
        }
    }
    let mut chosen = choose(all, broken.is_some());
    let first = stage(p, &chosen, &mut outputs).await;
    let (staged, staged_tables, mut written) = if pending.is_empty() {
        first?
    } else {
        // The counts decide, also when staging failed (bad rows may be why).
        for plan in pending {
            match checks::settle(plan).await {
                Ok(r) => seen.checks.push(r),
                Err(e) => {
                    discard(first).await;
                    return Err(EngineError::exec(&plan.node, e));
                }
            }
        }
        broken = broken_rule(seen.checks);
        if broken.is_none() {
            first?
        } else {
            // An error rule broke: nothing staged publishes; the quarantines stage again, alone.
            discard(first).await;
            chosen = choose(all, true);
            let mut outputs = publish::open_targets(&file_targets(all, true), root)?;
            stage(p, &chosen, &mut outputs).await?
        }
    };
    seen.checks.sort_by_key(|r| p.checks.iter().position(|c| c.node == r.node));
    for file in &staged {
        if let Some(plan) = file.plan.as_ref().filter(|_| std::env::var_os("SLUICE_EXPLAIN").is_some()) {
            // A diagnostic for benchmarks and operators: each sink's plan with its operators' metrics.
            let shown = datafusion::physical_plan::display::DisplayableExecutionPlan::with_metrics(plan.as_ref());
            eprintln!("plan of sink `{}`:\n{}", file.node, shown.indent(true));
        }
        let input = chosen.iter().find(|t| t.id == file.node && !t.quarantine).and_then(|t| t.input);
        if let (Some(input), Some(plan)) = (input, &file.plan) {
            for (node, n) in node_rows::rows_by_node(p, input, plan) {
                let e = seen.rows.entry(node).or_insert(0);
                *e = (*e).max(n);
            }
        }
    }
    publish::crash_before_publish();
    tables::commit::publish_all(staged_tables, root, staged, hooks).await?;
    // `written` in graph order.
    let order: HashMap<&str, usize> = all.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    written.sort_by_key(|w| order.get(w.node.as_str()).copied());
    match broken {
        Some(e) => {
            *seen.quarantined = written;
            Err(e)
        }
        None => Ok(written),
    }
}

/// Drops what a staging made (temporary files are removed when dropped).
async fn discard(staged: Result<Stages, EngineError>) {
    if let Ok((_files, tables, _)) = staged {
        tables::commit::discard_all(tables).await;
    }
}

/// The file targets of `all` (only the quarantines with `quarantines`), as `(node, path)`.
fn file_targets<'a>(all: &'a [Target<'_>], quarantines: bool) -> Vec<(&'a str, &'a str)> {
    all.iter()
        .filter(|t| !quarantines || t.quarantine)
        .filter_map(|t| Some((t.id, t.path.as_deref().filter(|_| is_file(&t.cfg))?)))
        .collect()
}

/// The first broken `error` rule, as the run's failure.
fn broken_rule(results: &[CheckResult]) -> Option<EngineError> {
    results.iter().find_map(|r| {
        let rule = r.rules.iter().find(|x| x.broken && x.level == sluice_shared::check::RuleLevel::Error)?;
        Some(EngineError::failed(&r.node, format!("check {} failed: {} of {} rows", rule.name, rule.failures, r.rows)))
    })
}

/// The targets to stage (only the quarantines after a broken error rule).
/// Files (and reports) stage first, tables last: a connection is held open
/// only from its sink's staging to the publish.
fn choose<'a, 'b>(all: &'a [Target<'b>], quarantines_only: bool) -> Vec<&'a Target<'b>> {
    let mut chosen: Vec<&Target> = all.iter().filter(|t| !quarantines_only || t.quarantine).collect();
    chosen.sort_by_key(|t| matches!(t.cfg, NodeConfig::SinkTable(_)));
    chosen
}

/// Staged files, staged tables and what each target wrote.
type Stages = (Vec<sinks::Staged>, Vec<tables::write::StagedTable>, Vec<Written>);

async fn stage(
    p: &Prepared,
    chosen: &[&Target<'_>],
    outputs: &mut HashMap<String, Output>,
) -> Result<Stages, EngineError> {
    let mut staged = Vec::new();
    let mut staged_tables: Vec<tables::write::StagedTable> = Vec::new();
    let mut written = Vec::new();
    let mut sessions = tables::session::Sessions::default();
    for t in chosen {
        let id = t.id;
        let result = match &t.cfg {
            NodeConfig::SinkTable(c) => {
                tables::write::stage(id, c, t.df.clone(), &p.connections, &p.params, &mut sessions).await.map(|st| {
                    let table = Some(st.label.clone());
                    written.push(Written { node: id.to_string(), path: String::new(), rows: st.rows, table });
                    staged_tables.push(st);
                })
            }
            NodeConfig::SinkReport(_) => {
                // Reports are shown by the server; a command-line run still computes
                // them so that a broken report fails the run.
                t.df.clone().count().await.map_err(|e| EngineError::exec(id, e)).map(|rows| {
                    written.push(Written { node: id.to_string(), path: String::new(), rows: rows as u64, table: None });
                })
            }
            _ => {
                let out = outputs.remove(id).expect("every file output has a target");
                let rel = t.path.as_deref().expect("every file output has a path");
                sinks::stage(id, &t.cfg, t.df.clone(), out, rel).await.map(|file| {
                    written.push(Written {
                        node: id.to_string(),
                        path: file.rel.clone(),
                        rows: file.rows,
                        table: None,
                    });
                    staged.push(file);
                })
            }
        };
        if let Err(e) = result {
            // The map lets go of its connections, so the last sink of each closes it.
            drop(sessions);
            tables::commit::discard_all(staged_tables).await;
            // The sink ran its whole upstream: blame the node that really failed.
            let blamed = match t.input {
                Some(input) if !matches!(t.cfg, NodeConfig::SinkTable(_)) => blame::culprit(p, input).await,
                _ => None,
            };
            return Err(blamed.unwrap_or(e));
        }
    }
    Ok((staged, staged_tables, written))
}
