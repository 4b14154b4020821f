//! Opening a graph's sources: each path resolved with the run's parameters, each
//! source read (locally, or handed to a cluster), bounded by its watermark and
//! by the preview's row limit.

use super::error::EngineError;
use super::root::DataRoot;
use super::{Mode, Options, cluster_sources, dates, incremental, kind_of, sources, tables, types};
use datafusion::prelude::{DataFrame, SessionContext};
use sluice_shared::config::NodeConfig;
use sluice_shared::{Category, Graph, Report, Schema};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What opening a graph's sources gives: resolved paths, a plan per source,
/// and the schema of each.
pub(super) struct Opened {
    pub(super) paths: HashMap<String, String>,
    pub(super) frames: HashMap<String, DataFrame>,
    pub(super) inspected: HashMap<String, Schema>,
    pub(super) scratch: sources::Scratch,
    pub(super) advances: Vec<incremental::Advance>,
}

pub(super) async fn open_sources(
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
        advances: Vec::new(),
    };
    // On a cluster, sources that are not plain files are read here, in a local
    // session, and handed to the executors as Parquet under the data root.
    let local = cluster_sources::LocalReads::new(opts, root, &mut o.scratch)?;
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
        if let Some(given) = opts.source_schemas.as_ref().and_then(|s| s.get(id)) {
            let df = stand_in(ctx, id, given).await.map_err(|e| EngineError::plan(id, e))?;
            o.inspected.insert(id.clone(), given.clone());
            o.frames.insert(id.clone(), df);
            continue;
        }
        let octx = local.ctx_for(cfg).unwrap_or(ctx);
        let opened = match cfg {
            NodeConfig::SourceDates(c) => dates::open(octx, id, c, &graph.params, texts, opts.calendars.as_deref()),
            NodeConfig::SourceTable(t) => tables::read::open(octx, id, t, texts, opts.connections.as_deref()).await,
            _ => sources::open(octx, id, cfg, o.paths.get(id).map(String::as_str), root, &mut o.scratch).await,
        };
        let opened = match (opened, local.ctx_for(cfg)) {
            (Ok(df), Some(_)) => cluster_sources::hand_over(ctx, id, df, &mut o.scratch).await,
            (other, _) => other,
        };
        match opened {
            Ok(df) => {
                o.inspected.insert(id.clone(), types::schema_from_arrow(df.schema().as_arrow()));
                let marks = opts.watermarks.as_deref();
                let df = incremental::bound_source(id, cfg, df, marks, &mut o.advances).await?;
                let df = if opts.named_sources {
                    named(ctx, id, &df).await.map_err(|e| EngineError::plan(id, e))?
                } else {
                    df
                };
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

/// A table named `id`, empty, with the columns `schema` gives (a column of unknown type reads as text).
async fn stand_in(ctx: &SessionContext, id: &str, schema: &Schema) -> datafusion::error::Result<DataFrame> {
    let fields: Vec<datafusion::arrow::datatypes::Field> = schema
        .0
        .iter()
        .map(|f| {
            let t = f.ty.map_or(datafusion::arrow::datatypes::DataType::Utf8, types::to_arrow);
            datafusion::arrow::datatypes::Field::new(&f.name, t, true)
        })
        .collect();
    let arrow = Arc::new(datafusion::arrow::datatypes::Schema::new(fields));
    ctx.register_table(id, Arc::new(datafusion::catalog::empty::EmptyTable::new(arrow)))?;
    ctx.table(id).await
}

/// A table named `id`, empty, with the columns of `df`: what `sluice sql` reads.
async fn named(ctx: &SessionContext, id: &str, df: &DataFrame) -> datafusion::error::Result<DataFrame> {
    let schema = Arc::new(df.schema().as_arrow().clone());
    ctx.register_table(id, Arc::new(datafusion::catalog::empty::EmptyTable::new(schema)))?;
    ctx.table(id).await
}
