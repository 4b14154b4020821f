//! Distribution nodes that write files. Each sink streams its plan's batches
//! into a temporary file beside the target, created inside the target's
//! folder as opened by [`DataRoot::open_output`](super::root::DataRoot::open_output);
//! only when every sink of a run has written completely are the temporaries
//! published, all together (see [`publish`](super::publish)). A failed run
//! therefore leaves every previous output exactly as it was.

use super::error::EngineError;
use super::excel_write;
use super::root::Output;
use datafusion::arrow::csv::WriterBuilder;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::prelude::DataFrame;
use futures::StreamExt;
use rustix::fs::{AtFlags, Mode, OFlags};
use sluice_shared::config::NodeConfig;
use std::fs::File;
use std::io::{BufWriter, Write};

/// A sink's output written to a temporary file, waiting to be published.
/// Dropped unpublished, the temporary file is removed.
pub struct Staged {
    pub node: String,
    pub rel: String,
    pub rows: u64,
    pub out: Output,
    /// The temporary file's name in the target's folder.
    pub temp: String,
    /// The temporary file's identity (device, inode): once renamed, the target has it.
    pub id: (u64, u64),
    /// The physical plan that ran, with its operators' metrics (rows per node).
    pub plan: Option<std::sync::Arc<dyn datafusion::physical_plan::ExecutionPlan>>,
    pub(crate) published: bool,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.published {
            let _ = rustix::fs::unlinkat(&self.out.folder.fd, self.temp.as_str(), AtFlags::empty());
        }
    }
}

/// Creates a private temporary file (`.sluice-*.tmp`) in the target's folder.
fn create_temp(out: &Output) -> std::io::Result<(String, File)> {
    let flags = OFlags::CREATE | OFlags::EXCL | OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    loop {
        let name = format!(".sluice-{}.tmp", uuid::Uuid::new_v4().simple());
        match rustix::fs::openat(&out.folder.fd, name.as_str(), flags, Mode::from_raw_mode(0o600)) {
            Ok(fd) => return Ok((name, File::from(fd))),
            Err(rustix::io::Errno::EXIST) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Runs `df` and writes its rows for the sink node `id` into a staged temporary file.
pub async fn stage(id: &str, cfg: &NodeConfig, df: DataFrame, out: Output, rel: &str) -> Result<Staged, EngineError> {
    let (temp, file) =
        create_temp(&out).map_err(|e| EngineError::failed(id, format!("cannot create a file beside `{rel}`: {e}")))?;
    // From here on, dropping `staged` removes the temporary file.
    let mut staged = Staged {
        node: id.to_string(),
        rel: rel.to_string(),
        rows: 0,
        out,
        temp,
        id: (0, 0),
        plan: None,
        published: false,
    };
    let schema = std::sync::Arc::new(df.schema().as_arrow().clone());
    // The physical plan is kept: its metrics say how many rows each operator made.
    let task = std::sync::Arc::new(df.task_ctx());
    let plan = df.create_physical_plan().await.map_err(|e| EngineError::exec(id, e))?;
    staged.plan = Some(plan.clone());
    let mut stream = datafusion::physical_plan::execute_stream(plan, task).map_err(|e| EngineError::exec(id, e))?;
    let fail = |e: &dyn std::fmt::Display| EngineError::failed(id, format!("writing `{rel}`: {e}"));
    let mut rows = 0u64;
    match cfg {
        NodeConfig::SinkCsv(c) => {
            let out = BufWriter::with_capacity(1 << 20, file.try_clone().map_err(|e| fail(&e))?);
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
            let out = file.try_clone().map_err(|e| fail(&e))?;
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
            book.save(&file).map_err(|e| fail(&e))?;
        }
        _ => unreachable!("stage() is only called for file sinks"),
    }
    // Temporary files are private (0600); a published output is an ordinary file.
    rustix::fs::fchmod(&file, Mode::from_raw_mode(0o644)).map_err(|e| fail(&e))?;
    file.sync_all().map_err(|e| fail(&e))?;
    let st = rustix::fs::fstat(&file).map_err(|e| fail(&e))?;
    staged.rows = rows;
    staged.id = (st.st_dev, st.st_ino);
    Ok(staged)
}
