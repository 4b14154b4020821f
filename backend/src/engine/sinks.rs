//! Distribution nodes that write files. Each sink streams its plan's batches
//! into a temporary file beside the target; only when every sink of a run has
//! written completely are the temporaries renamed over the targets. A failed
//! run therefore leaves every previous output exactly as it was.

use super::error::EngineError;
use super::excel_write;
use datafusion::arrow::csv::WriterBuilder;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::prelude::DataFrame;
use futures::StreamExt;
use sluice_shared::config::NodeConfig;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use tempfile::NamedTempFile;

/// A sink's output written to a temporary file, waiting to be published.
pub struct Staged {
    pub node: String,
    pub target: PathBuf,
    pub rel: String,
    pub rows: u64,
    file: NamedTempFile,
}

impl Staged {
    /// Renames the temporary file over the target (atomic on one file system).
    pub fn publish(self) -> Result<(String, String, u64), EngineError> {
        let Staged { node, target, rel, rows, file } = self;
        // Temporary files are private (0600); a published output is an ordinary file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o644));
        }
        file.persist(&target)
            .map_err(|e| EngineError::failed(&node, format!("cannot publish `{rel}`: {}", e.error)))?;
        Ok((node, rel, rows))
    }
}

/// Runs `df` and writes its rows for the sink node `id` into a staged temporary file.
pub async fn stage(
    id: &str,
    cfg: &NodeConfig,
    df: DataFrame,
    target: PathBuf,
    rel: &str,
) -> Result<Staged, EngineError> {
    let dir = target.parent().expect("resolved outputs have a folder");
    let tmp = tempfile::Builder::new()
        .prefix(".sluice-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| EngineError::failed(id, format!("cannot create a file beside `{rel}`: {e}")))?;
    let schema = std::sync::Arc::new(df.schema().as_arrow().clone());
    let mut stream = df.execute_stream().await.map_err(|e| EngineError::exec(id, e))?;
    let fail = |e: &dyn std::fmt::Display| EngineError::failed(id, format!("writing `{rel}`: {e}"));
    let mut rows = 0u64;
    match cfg {
        NodeConfig::SinkCsv(c) => {
            let out = BufWriter::with_capacity(1 << 20, tmp.as_file().try_clone().map_err(|e| fail(&e))?);
            let mut w = WriterBuilder::new().with_header(true).with_delimiter(c.delimiter.as_bytes()[0]).build(out);
            // An empty batch first, so a result with no rows still gets its header.
            w.write(&RecordBatch::new_empty(schema.clone())).map_err(|e| fail(&e))?;
            while let Some(batch) = stream.next().await {
                let batch = batch.map_err(|e| EngineError::exec(id, e))?;
                rows += batch.num_rows() as u64;
                w.write(&batch).map_err(|e| fail(&e))?;
            }
            w.into_inner().flush().map_err(|e| fail(&e))?;
        }
        NodeConfig::SinkParquet(_) => {
            let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
            let out = tmp.as_file().try_clone().map_err(|e| fail(&e))?;
            let mut w = ArrowWriter::try_new(out, schema.clone(), Some(props)).map_err(|e| fail(&e))?;
            while let Some(batch) = stream.next().await {
                let batch = batch.map_err(|e| EngineError::exec(id, e))?;
                rows += batch.num_rows() as u64;
                w.write(&batch).map_err(|e| fail(&e))?;
            }
            w.close().map_err(|e| fail(&e))?;
        }
        NodeConfig::SinkExcel(c) => {
            let mut book = excel_write::Book::new(&c.sheet, &schema).map_err(|e| fail(&e))?;
            while let Some(batch) = stream.next().await {
                let batch = batch.map_err(|e| EngineError::exec(id, e))?;
                rows += batch.num_rows() as u64;
                book.write(&batch).map_err(|e| fail(&e))?;
            }
            book.save(tmp.path()).map_err(|e| fail(&e))?;
        }
        _ => unreachable!("stage() is only called for file sinks"),
    }
    tmp.as_file().sync_all().map_err(|e| fail(&e))?;
    Ok(Staged { node: id.to_string(), target, rel: rel.to_string(), rows, file: tmp })
}
