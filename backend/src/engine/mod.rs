//! The engine: a validated graph becomes one DataFusion logical plan per sink
//! (sources → transforms → sink), which DataFusion optimises and runs. No row
//! is touched in Rust except where a format needs it (Excel cells).
//!
//! Flow: [`prepare`] validates (structure, params, paths), opens the sources
//! to learn their schemas, validates again with those schemas (so an unknown
//! column is caught before anything runs), then plans every transform.
//! [`execute`] runs the sinks' plans into temporary files and publishes them
//! only when all have succeeded.

pub mod bind;
mod blame;
pub(crate) mod capped;
pub mod checks;
mod cluster_sources;
mod codes;
pub mod connect;
mod dates;
pub mod dbmeta;
mod dupes;
pub mod error;
mod excel_read;
mod excel_write;
mod flag;
pub mod incremental;
pub mod journal;
pub mod keys;
pub mod limits;
pub mod lineage;
pub mod locks;
pub mod node_rows;
mod open;
pub mod preview;
pub mod publish;
pub(crate) mod regex_match;
pub mod report_store;
pub mod root;
pub mod run;
pub mod sinks;
pub mod sources;
pub mod sql_export;
pub mod tables;
pub mod tally;
pub mod transforms;
pub mod types;

use datafusion::prelude::{DataFrame, SessionConfig, SessionContext};
use error::EngineError;
use root::DataRoot;
use sluice_shared::config::NodeConfig;
use sluice_shared::{Category, Graph, ParamValue, Report, Schema};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// How strict [`prepare`] is about things only a run needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `sluice validate` and the editor: missing parameter values and missing
    /// input files leave schemas unknown instead of failing.
    Check,
    /// `sluice run`: every parameter must have a value and every input must exist.
    Run,
    /// A live preview: parameters may fall back to defaults, inputs must exist.
    Preview,
}

impl Mode {
    fn needs_params(self) -> bool {
        self == Mode::Run
    }
    fn needs_sources(self) -> bool {
        self != Mode::Check
    }
}

/// A graph planned and ready to run.
pub struct Prepared {
    pub report: Report,
    /// The plan of every node that could be planned, by id.
    pub frames: HashMap<String, DataFrame>,
    /// File paths after `{name}` substitution, by node id.
    pub paths: HashMap<String, String>,
    pub params: BTreeMap<String, ParamValue>,
    /// The connections table sources and sinks resolve their names in.
    pub connections: Arc<connect::Connections>,
    /// Every check node, in graph order (see [`checks`]).
    pub checks: Vec<checks::CheckPlan>,
    /// The new watermark of every incremental `source.table` (only when
    /// [`Options::watermarks`] was given; see [`incremental`]).
    pub advances: Vec<incremental::Advance>,
    _scratch: sources::Scratch,
}

/// A fresh DataFusion session configured for graphs: identifiers are
/// case-sensitive as written, like column names in the files themselves; memory
/// and spill space bounded by `l`; string builders capped (see `capped`).
pub fn session(l: limits::Limits) -> Result<SessionContext, EngineError> {
    let mut cfg = SessionConfig::new().with_information_schema(false);
    cfg.options_mut().sql_parser.enable_ident_normalization = false;
    cfg.options_mut().execution.sort_spill_reservation_bytes = limits::sort_reservation(l, cfg.target_partitions());
    let rt = limits::runtime(l).map_err(|e| EngineError::Failed { node: None, message: error::clean(&e) })?;
    let state = datafusion::execution::SessionStateBuilder::new()
        .with_config(cfg)
        .with_runtime_env(rt)
        .with_default_features()
        .with_query_planner(Arc::new(tally::Planner))
        .build();
    let ctx = SessionContext::new_with_state(state);
    capped::register(&ctx);
    Ok(ctx)
}

/// Knobs for planning beyond the mode.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Read at most this many rows of each source (previews of blocking nodes).
    pub source_limit: Option<usize>,
    /// Memory and spill space of the session; `None`: this process's run limits.
    pub limits: Option<limits::Limits>,
    /// The connections of the environment the graph runs in. `None`: not known
    /// (connection names are checked for form only, table nodes stay closed).
    pub connections: Option<Arc<connect::Connections>>,
    /// Sources become empty tables named by their node ids (for `sluice sql`:
    /// the plans then read tables, not files).
    pub named_sources: bool,
    /// The business calendars derived parameters may name. `None`: not known.
    pub calendars: Option<Arc<limits::Calendars>>,
    /// Sources given as empty tables of these columns instead of being opened
    /// (lineage of a downstream graph against an upstream's output, for review).
    pub source_schemas: Option<Arc<HashMap<String, Schema>>>,
    /// The watermarks of a server run: incremental `source.table` nodes read
    /// only the rows above them. `None` (the command line, previews,
    /// backfills): `incremental` is ignored and every row is read.
    pub watermarks: Option<Arc<incremental::Watermarks>>,
    /// Run the plans on this Ballista cluster instead of in this process
    /// (feature `cluster`; see [`crate::cluster`] and [`cluster_sources`]).
    pub cluster: Option<crate::cluster::ClusterUrl>,
}

/// Validates and plans `graph` against the files under `root`.
pub async fn prepare(
    graph: &Graph,
    given: &BTreeMap<String, String>,
    root: &DataRoot,
    mode: Mode,
) -> Result<Prepared, EngineError> {
    prepare_with(graph, given, root, mode, Options::default()).await
}

/// [`prepare`] with [`Options`].
pub async fn prepare_with(
    graph: &Graph,
    given: &BTreeMap<String, String>,
    root: &DataRoot,
    mode: Mode,
    opts: Options,
) -> Result<Prepared, EngineError> {
    plan_graph(graph, given, root, mode, opts).await.map_err(|f| f.error)
}

/// Why planning stopped, with the columns inferred up to that point (the editor
/// still wants them while the graph has problems).
struct Failure {
    error: EngineError,
    schemas: Option<BTreeMap<String, Option<Schema>>>,
}

impl From<EngineError> for Failure {
    fn from(error: EngineError) -> Self {
        Failure { error, schemas: None }
    }
}

async fn plan_graph(
    graph: &Graph,
    given: &BTreeMap<String, String>,
    root: &DataRoot,
    mode: Mode,
    opts: Options,
) -> Result<Prepared, Failure> {
    // Pass 1: everything that needs no data.
    let given_ref = (mode.needs_params() || !given.is_empty()).then_some(given);
    let known = opts.connections.as_ref().map(|c| c.known());
    // A derived date outside its calendar's years fails the run (exit 1), as `sluice bizdate` does.
    if let Some(given) = given_ref
        && let Some(message) = sluice_shared::derived::outside_coverage(&graph.params, given, opts.calendars.as_deref())
    {
        return Err(EngineError::Failed { node: None, message }.into());
    }
    let first = limits::validate(graph, None, given_ref, known.as_ref(), opts.calendars.as_ref()).await;
    if !first.is_valid() {
        return Err(Failure { error: EngineError::Invalid(first.problems), schemas: Some(first.schemas) });
    }
    let params = match first.param_values.clone() {
        Some(v) => v,
        None => bind::defaults(graph, opts.calendars.as_deref()),
    };
    // Paths only get real values; a source whose path needs a missing value stays closed.
    let texts: BTreeMap<String, String> = params.iter().map(|(k, v)| (k.clone(), v.as_text())).collect();
    let params = bind::with_stand_ins(graph, params);

    // Resolve paths and open the sources.
    let ctx = cluster_sources::session(opts.cluster.as_ref(), opts.limits.unwrap_or_else(limits::run_limits)).await?;
    let open::Opened { paths, mut frames, inspected, scratch, advances } =
        open::open_sources(&ctx, graph, &first, &texts, root, mode, &opts).await?;
    publish::check_resolved(&sink_paths(graph, &paths))?;

    // Pass 2: with real source schemas, every column reference is checked.
    let report = limits::validate(graph, Some(&inspected), given_ref, known.as_ref(), opts.calendars.as_ref()).await;
    if !report.is_valid() {
        return Err(Failure { error: EngineError::Invalid(report.problems), schemas: Some(report.schemas) });
    }

    // Plan every transform; a planning error is the graph's fault (exit 2).
    let mut planned_checks = Vec::new();
    for id in &report.order {
        let cfg = &report.configs[id];
        if kind_of(graph, id) != Some(Category::Processing) {
            continue;
        }
        let mut inputs: transforms::Inputs = BTreeMap::new();
        let mut ready = true;
        for (port, froms) in report.inputs.get(id).into_iter().flatten() {
            for from in froms {
                match frames.get(from) {
                    Some(df) => inputs.entry(port.clone()).or_default().push((from.clone(), df.clone())),
                    None => ready = false,
                }
            }
        }
        if !ready {
            continue; // an upstream source could not be opened (Check mode only)
        }
        if let NodeConfig::TransformCheck(c) = cfg {
            // A run counts its checks on the way to the sinks (one pass, see `tally`);
            // on a cluster the executors know no such plan node, so counts are a second pass there.
            // Likewise `unique` rules hash on one machine, and sort (a window) where the
            // plan leaves this process: a cluster, the SQL export, lineage.
            let native = !opts.named_sources && opts.cluster.is_none();
            let how = checks::Planning { tally: mode == Mode::Run && native, native };
            let plan = checks::plan(id, c, &inputs, &params, how).map_err(|e| check_error(id, e))?;
            frames.insert(id.clone(), plan.out.clone());
            planned_checks.push(plan);
            continue;
        }
        let df = transforms::apply(&ctx, cfg, &inputs, &params).await.map_err(|e| EngineError::plan(id, e))?;
        frames.insert(id.clone(), df);
    }
    let connections = opts.connections.unwrap_or_default();
    Ok(Prepared { report, frames, paths, params, connections, checks: planned_checks, advances, _scratch: scratch })
}

/// A check node that cannot be planned: a rule the planner refused, named by its field.
fn check_error(id: &str, e: datafusion::error::DataFusionError) -> Failure {
    let text = error::clean(&e);
    match text.split_once(": ").filter(|(field, _)| field.starts_with("rules[")) {
        Some((field, msg)) => EngineError::invalid(id, Some(field), msg).into(),
        None => EngineError::invalid(id, None, text).into(),
    }
}

/// What the editor needs to hear about a graph: every problem, and the columns
/// on every edge as far as they can be known, even while the graph is invalid.
/// `calendars`: the business calendars the graph may name (`None`: not known).
pub async fn check(
    graph: &Graph,
    given: &BTreeMap<String, String>,
    root: &DataRoot,
    calendars: Option<Arc<limits::Calendars>>,
) -> (Vec<sluice_shared::Problem>, BTreeMap<String, Option<Schema>>) {
    check_with(graph, given, root, Options { calendars, ..Default::default() }).await
}

/// [`check`] with [`Options`] (the server passes its `dev` connections and its calendars).
pub async fn check_with(
    graph: &Graph,
    given: &BTreeMap<String, String>,
    root: &DataRoot,
    opts: Options,
) -> (Vec<sluice_shared::Problem>, BTreeMap<String, Option<Schema>>) {
    let known = opts.connections.as_ref().map(|c| c.known());
    let cals = opts.calendars.clone();
    match plan_graph(graph, given, root, Mode::Check, opts).await {
        Ok(p) => {
            let planned = planned_schemas(&p);
            let schemas = p
                .report
                .schemas
                .iter()
                .map(|(id, s)| (id.clone(), planned.get(id).cloned().or_else(|| s.clone())))
                .collect();
            (Vec::new(), schemas)
        }
        Err(Failure { error, schemas }) => {
            let problems = match error {
                EngineError::Invalid(p) => p,
                EngineError::Failed { node, message } => {
                    vec![sluice_shared::Problem::plain(node.as_deref(), None, message)]
                }
            };
            let schemas = match schemas {
                Some(s) => s,
                None => limits::validate(graph, None, None, known.as_ref(), cals.as_ref()).await.schemas,
            };
            (problems, schemas)
        }
    }
}

fn kind_of(graph: &Graph, id: &str) -> Option<Category> {
    graph.node(id).and_then(|n| sluice_shared::NodeKind::parse(&n.kind)).map(|k| k.category())
}

/// The schema DataFusion computes for each planned node.
pub fn planned_schemas(p: &Prepared) -> BTreeMap<String, Schema> {
    p.frames.iter().map(|(id, df)| (id.clone(), types::schema_from_arrow(df.schema().as_arrow()))).collect()
}

/// What a sink wrote.
#[derive(Debug)]
pub struct Written {
    pub node: String,
    pub path: String,
    pub rows: u64,
    /// For a table sink: `<connection>.<table>` (the path is empty).
    pub table: Option<String>,
}

/// The file sinks (and check quarantines) of a graph and their resolved paths, in the graph's node
/// order (as validation reports clashes).
fn sink_paths<'a>(graph: &'a Graph, paths: &'a HashMap<String, String>) -> Vec<(&'a str, &'a str)> {
    graph
        .nodes
        .iter()
        .filter(|n| sluice_shared::NodeKind::parse(&n.kind).is_some_and(sluice_shared::validate::writes_files))
        .filter_map(|n| Some((n.id.as_str(), paths.get(&n.id)?.as_str())))
        .collect()
}

/// Runs every sink. File sinks stage into temporary files; all are published
/// together at the end, or none is (see [`publish`]).
pub async fn execute(p: &Prepared, root: &DataRoot) -> Result<Vec<Written>, EngineError> {
    execute_with(p, root, &publish::Hooks::default()).await
}

/// [`execute`] with [`publish::Hooks`] for tests to watch the publish.
pub async fn execute_with(p: &Prepared, root: &DataRoot, hooks: &publish::Hooks) -> Result<Vec<Written>, EngineError> {
    run::execute(p, root, hooks).await.result
}
