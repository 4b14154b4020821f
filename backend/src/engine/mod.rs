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
mod capped;
pub mod connect;
pub mod error;
mod excel_read;
mod excel_write;
pub mod journal;
pub mod limits;
pub mod locks;
pub mod preview;
pub mod publish;
pub mod root;
pub mod sinks;
pub mod sources;
pub mod tables;
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
    _scratch: sources::Scratch,
}

/// A fresh DataFusion session configured for graphs: identifiers are
/// case-sensitive as written, like column names in the files themselves; memory
/// and spill space bounded by `l`; string builders capped (see `capped`).
pub fn session(l: limits::Limits) -> Result<SessionContext, EngineError> {
    let mut cfg = SessionConfig::new().with_information_schema(false);
    cfg.options_mut().sql_parser.enable_ident_normalization = false;
    let rt = limits::runtime(l).map_err(|e| EngineError::Failed { node: None, message: error::clean(&e) })?;
    let ctx = SessionContext::new_with_config_rt(cfg, rt);
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
    let first = limits::validate(graph, None, given_ref, known.as_ref()).await;
    if !first.is_valid() {
        return Err(Failure { error: EngineError::Invalid(first.problems), schemas: Some(first.schemas) });
    }
    let params = match first.param_values.clone() {
        Some(v) => v,
        None => defaults(graph),
    };
    // Paths only get real values; a source whose path needs a missing value stays closed.
    let texts: BTreeMap<String, String> = params.iter().map(|(k, v)| (k.clone(), v.as_text())).collect();
    let params = with_stand_ins(graph, params);

    // Resolve paths and open the sources.
    let ctx = session(opts.limits.unwrap_or_else(limits::run_limits))?;
    let Opened { paths, mut frames, inspected, scratch } =
        open_sources(&ctx, graph, &first, &texts, root, mode, &opts).await?;
    publish::check_resolved(&sink_paths(graph, &paths))?;

    // Pass 2: with real source schemas, every column reference is checked.
    let report = limits::validate(graph, Some(&inspected), given_ref, known.as_ref()).await;
    if !report.is_valid() {
        return Err(Failure { error: EngineError::Invalid(report.problems), schemas: Some(report.schemas) });
    }

    // Plan every transform; a planning error is the graph's fault (exit 2).
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
        let df = transforms::apply(&ctx, cfg, &inputs, &params).await.map_err(|e| EngineError::plan(id, e))?;
        frames.insert(id.clone(), df);
    }
    let connections = opts.connections.unwrap_or_default();
    Ok(Prepared { report, frames, paths, params, connections, _scratch: scratch })
}

/// What opening a graph's sources gives: resolved paths, a plan per source,
/// and the schema of each.
struct Opened {
    paths: HashMap<String, String>,
    frames: HashMap<String, DataFrame>,
    inspected: HashMap<String, Schema>,
    scratch: sources::Scratch,
}

async fn open_sources(
    ctx: &SessionContext,
    graph: &Graph,
    first: &Report,
    texts: &BTreeMap<String, String>,
    root: &DataRoot,
    mode: Mode,
    opts: &Options,
) -> Result<Opened, EngineError> {
    let mut o = Opened {
        paths: HashMap::new(),
        frames: HashMap::new(),
        inspected: HashMap::new(),
        scratch: Default::default(),
    };
    for id in &first.order {
        let cfg = &first.configs[id];
        if let Some(p) = cfg.path() {
            match sluice_shared::paths::substitute(p, texts) {
                Ok(resolved) => {
                    o.paths.insert(id.clone(), resolved);
                }
                Err(e) if mode.needs_params() || !e.contains("needs a value") => {
                    return Err(EngineError::invalid(id, Some("path"), e));
                }
                Err(_) => continue,
            }
        }
        if kind_of(graph, id) != Some(Category::Collection) {
            continue;
        }
        let opened = match cfg {
            NodeConfig::SourceTable(t) => tables::read::open(ctx, id, t, texts, opts.connections.as_deref()).await,
            _ => sources::open(ctx, id, cfg, o.paths.get(id).map(String::as_str), root, &mut o.scratch).await,
        };
        match opened {
            Ok(df) => {
                o.inspected.insert(id.clone(), types::schema_from_arrow(df.schema().as_arrow()));
                let df = match opts.source_limit {
                    Some(n) => df.limit(0, Some(n)).map_err(|e| EngineError::plan(id, e))?,
                    None => df,
                };
                o.frames.insert(id.clone(), df);
            }
            Err(e) if mode.needs_sources() => return Err(e),
            Err(_) => {}
        }
    }
    Ok(o)
}

/// What the editor needs to hear about a graph: every problem, and the columns
/// on every edge as far as they can be known, even while the graph is invalid.
pub async fn check(
    graph: &Graph,
    given: &BTreeMap<String, String>,
    root: &DataRoot,
) -> (Vec<sluice_shared::Problem>, BTreeMap<String, Option<Schema>>) {
    match plan_graph(graph, given, root, Mode::Check, Options::default()).await {
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
                EngineError::Failed { node, message } => vec![sluice_shared::Problem { node, field: None, message }],
            };
            let schemas = match schemas {
                Some(s) => s,
                None => limits::validate(graph, None, None, None).await.schemas,
            };
            (problems, schemas)
        }
    }
}

fn kind_of(graph: &Graph, id: &str) -> Option<Category> {
    graph.node(id).and_then(|n| sluice_shared::NodeKind::parse(&n.kind)).map(|k| k.category())
}

/// Parameter values from defaults alone (for checking a graph being edited).
fn defaults(graph: &Graph) -> BTreeMap<String, ParamValue> {
    graph
        .params
        .iter()
        .filter_map(|(k, d)| Some((k.clone(), ParamValue::from_json(d.ty, d.default.as_ref()?).ok()?)))
        .collect()
}

/// In Check mode a parameter may have no value yet; expressions still need a
/// typed literal to plan, so a stand-in of the declared type fills the gap.
fn with_stand_ins(graph: &Graph, mut params: BTreeMap<String, ParamValue>) -> BTreeMap<String, ParamValue> {
    for (name, decl) in &graph.params {
        params.entry(name.clone()).or_insert_with(|| match decl.ty {
            sluice_shared::ParamType::Date => ParamValue::Date(0, "1970-01-01".into()),
            sluice_shared::ParamType::String => ParamValue::String(String::new()),
            sluice_shared::ParamType::Int64 => ParamValue::Int64(0),
            sluice_shared::ParamType::Float64 => ParamValue::Float64(0.0),
            sluice_shared::ParamType::Bool => ParamValue::Bool(false),
        });
    }
    params
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
}

/// The file sinks of a graph and their resolved paths, in the graph's node
/// order (as validation reports clashes).
fn sink_paths<'a>(graph: &'a Graph, paths: &'a HashMap<String, String>) -> Vec<(&'a str, &'a str)> {
    graph
        .nodes
        .iter()
        .filter(|n| kind_of(graph, &n.id) == Some(Category::Distribution))
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
    let mut sinks = Vec::new();
    for id in &p.report.order {
        let cfg = &p.report.configs[id];
        let Some(input) = p.report.inputs.get(id).and_then(|ports| ports.get("in")).and_then(|f| f.first()) else {
            continue;
        };
        if matches!(
            cfg,
            NodeConfig::SinkCsv(_)
                | NodeConfig::SinkParquet(_)
                | NodeConfig::SinkExcel(_)
                | NodeConfig::SinkTable(_)
                | NodeConfig::SinkReport(_)
        ) {
            sinks.push((id, cfg, input));
        }
    }
    // Every target is opened and checked before anything runs.
    let files: Vec<(&str, &str)> = sinks
        .iter()
        .filter(|(_, cfg, _)| {
            matches!(cfg, NodeConfig::SinkCsv(_) | NodeConfig::SinkParquet(_) | NodeConfig::SinkExcel(_))
        })
        .map(|(id, _, _)| (id.as_str(), p.paths[*id].as_str()))
        .collect();
    let mut targets = publish::open_targets(&files, root)?;
    let mut staged = Vec::new();
    let mut written = Vec::new();
    for (id, cfg, input) in sinks {
        let df = p.frames[input].clone();
        match cfg {
            NodeConfig::SinkTable(_) => {
                return Err(EngineError::failed(
                    id,
                    "database tables are written through a connection on the server (`sluice serve`); the command line writes files only",
                ));
            }
            NodeConfig::SinkReport(_) => {
                // Reports are shown by the server; a command-line run still computes
                // them so that a broken report fails the run.
                let rows = df.count().await.map_err(|e| EngineError::exec(id, e))?;
                written.push(Written { node: id.clone(), path: String::new(), rows: rows as u64 });
            }
            _ => {
                let out = targets.remove(id.as_str()).expect("every file sink has a target");
                let file = sinks::stage(id, cfg, df, out, &p.paths[id]).await?;
                written.push(Written { node: id.clone(), path: file.rel.clone(), rows: file.rows });
                staged.push(file);
            }
        }
    }
    publish::publish(root, staged, hooks).await?;
    Ok(written)
}
