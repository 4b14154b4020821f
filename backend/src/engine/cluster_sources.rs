//! What a run on a cluster changes in the engine: the session, and sources.
//!
//! The session is Ballista's remote one ([`crate::cluster::remote_session`]);
//! the plans are the ones a local run makes. File sources (CSV, Parquet, JSON)
//! are read by the executors themselves, by absolute path under the data root,
//! which every machine of the cluster must see at the same path (a shared file
//! system). Sources that are not plain files — Excel workbooks, database tables
//! (`source.table`), `source.dates`, and CSV files converted first (GBK, a BOM)
//! — are read here, in a local session, and written as Parquet to a scratch
//! folder under the data root (`.sluice/scratch/`), which the executors then
//! read; the scratch folder goes with the run. Sinks are unchanged: the results
//! stream back to this process, which stages and publishes them as a local run
//! does (tables included), so nothing is published unless every sink finished.

use super::error::EngineError;
use super::limits::Limits;
use super::root::DataRoot;
use super::sources::Scratch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::prelude::{DataFrame, ParquetReadOptions, SessionContext};
use futures::StreamExt;
use sluice_shared::config::NodeConfig;

/// The session a graph is planned in: local, or on the cluster `cluster` names.
pub async fn session(cluster: Option<&crate::cluster::ClusterUrl>, l: Limits) -> Result<SessionContext, EngineError> {
    match cluster {
        None => super::session(l),
        Some(url) => remote(url, l).await.map_err(|message| EngineError::Failed { node: None, message }),
    }
}

/// A session on the cluster at `url`, once its scheduler answers (an
/// unreachable one is one clear sentence, within the timeout).
#[cfg(feature = "cluster")]
async fn remote(url: &crate::cluster::ClusterUrl, l: Limits) -> Result<SessionContext, String> {
    crate::cluster::reach(url, crate::cluster::CONNECT_TIMEOUT).await?;
    crate::cluster::remote_session(url, l).await
}

/// Without the feature: [`crate::cluster::NO_SUPPORT`].
#[cfg(not(feature = "cluster"))]
async fn remote(_url: &crate::cluster::ClusterUrl, _l: Limits) -> Result<SessionContext, String> {
    Err(crate::cluster::NO_SUPPORT.to_string())
}

/// On a cluster run, the local session sources that are not plain files are
/// read in; `None` on a local run.
pub struct LocalReads {
    ctx: Option<SessionContext>,
}

impl LocalReads {
    /// For a cluster run, also points the run's scratch space at the data root
    /// (converted CSV files land there too, where the executors see them).
    pub fn new(opts: &super::Options, root: &DataRoot, scratch: &mut Scratch) -> Result<Self, EngineError> {
        if opts.cluster.is_none() {
            return Ok(LocalReads { ctx: None });
        }
        let base = root.path().join(".sluice").join("scratch");
        std::fs::create_dir_all(&base).map_err(|e| EngineError::Failed {
            node: None,
            message: format!("no scratch folder in the data root: {e}"),
        })?;
        let base = std::fs::canonicalize(&base).map_err(|e| EngineError::Failed {
            node: None,
            message: format!("no scratch folder in the data root: {e}"),
        })?;
        scratch.share_in(base);
        let l = opts.limits.unwrap_or_else(super::limits::run_limits);
        Ok(LocalReads { ctx: Some(super::session(l)?) })
    }

    /// The local session to open `cfg` in, when it must be read here.
    pub fn ctx_for(&self, cfg: &NodeConfig) -> Option<&SessionContext> {
        let here = matches!(cfg, NodeConfig::SourceExcel(_) | NodeConfig::SourceTable(_) | NodeConfig::SourceDates(_));
        self.ctx.as_ref().filter(|_| here)
    }
}

/// Writes a locally read source as Parquet into the run's scratch folder and
/// opens it in the cluster session `ctx` (its columns and types unchanged).
pub async fn hand_over(
    ctx: &SessionContext,
    id: &str,
    local: DataFrame,
    scratch: &mut Scratch,
) -> Result<DataFrame, EngineError> {
    let dir = scratch.dir(id)?;
    let file = dir.join(format!("{id}.parquet"));
    let fail = |e: &dyn std::fmt::Display| EngineError::failed(id, format!("handing the rows to the cluster: {e}"));
    let local_schema = local.schema().as_arrow().clone();
    let schema = std::sync::Arc::new(local_schema.clone());
    let mut stream = local.execute_stream().await.map_err(|e| EngineError::exec(id, e))?;
    let out = std::fs::File::create(&file).map_err(|e| fail(&e))?;
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut w = ArrowWriter::try_new(out, schema, Some(props)).map_err(|e| fail(&e))?;
    while let Some(batch) = stream.next().await {
        w.write(&batch.map_err(|e| EngineError::exec(id, e))?).map_err(|e| fail(&e))?;
    }
    w.close().map_err(|e| fail(&e))?;
    let path = file.to_str().ok_or_else(|| fail(&"the data root's path is not UTF-8"))?;
    let df = ctx.read_parquet(path, ParquetReadOptions::default()).await.map_err(|e| EngineError::exec(id, e))?;
    same_types(df, &local_schema).map_err(|e| EngineError::exec(id, e))
}

/// `df` with every column cast back to the type `want` gives it (Parquet reads
/// text back as `Utf8View`; a local run has the source's own types).
fn same_types(df: DataFrame, want: &datafusion::arrow::datatypes::Schema) -> datafusion::error::Result<DataFrame> {
    use datafusion::prelude::{cast, col};
    let differs = df.schema().fields().iter().zip(want.fields()).any(|(a, b)| a.data_type() != b.data_type());
    if !differs {
        return Ok(df);
    }
    let exprs = want
        .fields()
        .iter()
        .map(|f| cast(col(datafusion::common::Column::from_name(f.name())), f.data_type().clone()).alias(f.name()));
    df.select(exprs.collect::<Vec<_>>())
}
