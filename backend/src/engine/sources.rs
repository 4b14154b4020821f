//! Collection nodes: each source becomes a DataFrame over its file. Reading is
//! lazy (DataFusion scans when the plan runs); only CSV's schema inference and
//! Excel (read into memory, as spreadsheets are small) touch the data here.

use super::error::EngineError;
use super::excel_read;
use super::root::DataRoot;
use super::types::to_arrow;
use datafusion::arrow::datatypes::{Field, Schema as ArrowSchema};
use datafusion::datasource::file_format::options::JsonReadOptions;
use datafusion::prelude::{CsvReadOptions, DataFrame, ParquetReadOptions, SessionContext};
use sluice_shared::config::{ColumnDecl, CsvSource, NodeConfig};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Keeps converted copies of input files (GBK → UTF-8) alive while a plan uses them.
#[derive(Default)]
pub struct Scratch {
    dirs: Vec<tempfile::TempDir>,
    /// Where scratch folders go (a cluster run: under the data root, which
    /// every executor sees); `None`: the system's temporary folder.
    base: Option<PathBuf>,
}

impl Scratch {
    /// Puts later scratch folders inside `base`.
    pub fn share_in(&mut self, base: PathBuf) {
        self.base = Some(base);
    }

    /// A new scratch folder, removed with this value.
    pub fn dir(&mut self, id: &str) -> Result<PathBuf, EngineError> {
        let dir = match &self.base {
            Some(b) => tempfile::tempdir_in(b),
            None => tempfile::tempdir(),
        }
        .map_err(|e| EngineError::failed(id, format!("no scratch space: {e}")))?;
        let path = dir.path().to_path_buf();
        self.dirs.push(dir);
        Ok(path)
    }
}

/// Opens the source node `id` as a DataFrame.
pub async fn open(
    ctx: &SessionContext,
    id: &str,
    cfg: &NodeConfig,
    path: Option<&str>,
    root: &DataRoot,
    scratch: &mut Scratch,
) -> Result<DataFrame, EngineError> {
    let resolve = |rel: &str| root.resolve_existing(rel).map_err(|m| EngineError::failed(id, m));
    let df = match cfg {
        NodeConfig::SourceCsv(c) => {
            let rel = path.unwrap_or(&c.path);
            let file = resolve(rel)?;
            let file = prepare_text(id, &file, rel, c, scratch)?;
            open_csv(ctx, &file, c).await
        }
        NodeConfig::SourceParquet(_) => {
            let file = resolve(path.unwrap_or_default())?;
            let ext = extension(&file);
            ctx.read_parquet(file_str(&file), ParquetReadOptions { file_extension: &ext, ..Default::default() }).await
        }
        NodeConfig::SourceJson(_) => {
            let file = resolve(path.unwrap_or_default())?;
            let ext = extension(&file);
            let opts = JsonReadOptions { file_extension: &ext, ..Default::default() };
            let df = ctx.read_json(file_str(&file), opts).await;
            // Schema inference sorts keys; users expect the file's own order.
            df.and_then(|df| {
                let order = json_key_order(&file);
                let mut names: Vec<&str> = df.schema().fields().iter().map(|f| f.name().as_str()).collect();
                names.sort_by_key(|n| order.iter().position(|o| o == n).unwrap_or(usize::MAX));
                let names: Vec<String> = names.into_iter().map(str::to_string).collect();
                df.select_columns(&names.iter().map(String::as_str).collect::<Vec<_>>())
            })
        }
        NodeConfig::SourceExcel(c) => {
            let file = resolve(path.unwrap_or(&c.path))?;
            let batch = excel_read::read(&file, c.sheet.as_deref(), c.schema.as_deref())
                .map_err(|m| EngineError::failed(id, m))?;
            ctx.read_batch(batch)
        }
        NodeConfig::SourceTable(_) => {
            // Opened by `tables::read::open`, which needs the run's connections.
            return Err(EngineError::failed(id, "a table source is opened through its connection"));
        }
        _ => unreachable!("open() is only called for sources"),
    };
    df.map_err(|e| {
        EngineError::failed(id, format!("cannot read `{}`: {}", path.unwrap_or_default(), super::error::clean(&e)))
    })
}

async fn open_csv(ctx: &SessionContext, file: &Path, c: &CsvSource) -> datafusion::error::Result<DataFrame> {
    let ext = extension(file);
    let schema = c.schema.as_deref().map(arrow_schema);
    let mut opts =
        CsvReadOptions::new().has_header(c.has_header).delimiter(c.delimiter.as_bytes()[0]).file_extension(&ext);
    if let Some(s) = &schema {
        opts = opts.schema(s);
    }
    ctx.read_csv(file_str(file), opts).await
}

fn arrow_schema(cols: &[ColumnDecl]) -> ArrowSchema {
    ArrowSchema::new(cols.iter().map(|c| Field::new(&c.name, to_arrow(c.ty), true)).collect::<Vec<_>>())
}

fn extension(file: &Path) -> String {
    file.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default()
}

fn file_str(file: &Path) -> &str {
    file.to_str().unwrap_or_default()
}

/// Checks that a CSV file is UTF-8 text. A GBK file is converted when the node
/// says `encoding: gbk`, otherwise refused with a message that says so; a UTF-8
/// byte-order mark is dropped so it does not end up in the first column's name.
fn prepare_text(
    id: &str,
    file: &Path,
    rel: &str,
    c: &CsvSource,
    scratch: &mut Scratch,
) -> Result<PathBuf, EngineError> {
    let mut head = vec![0u8; 64 * 1024];
    let n = std::fs::File::open(file)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| EngineError::failed(id, format!("cannot read `{rel}`: {e}")))?;
    head.truncate(n);
    let gbk = c.encoding.as_deref().is_some_and(|e| e.eq_ignore_ascii_case("gbk"));
    if head.contains(&0) {
        return Err(EngineError::failed(id, format!("`{rel}` is not a CSV text file (it contains binary data)")));
    }
    let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
    if !gbk {
        if let Err(e) = std::str::from_utf8(&head)
            && e.error_len().is_some()
        {
            return Err(EngineError::failed(
                id,
                format!(
                    "`{rel}` is not UTF-8 text (byte {} is invalid); if it is a Chinese GBK file, set `encoding` to `gbk`",
                    e.valid_up_to()
                ),
            ));
        }
        if !bom {
            return Ok(file.to_path_buf());
        }
    }
    let bytes = std::fs::read(file).map_err(|e| EngineError::failed(id, format!("cannot read `{rel}`: {e}")))?;
    let text = if gbk {
        let (text, _, had_errors) = encoding_rs::GBK.decode(&bytes);
        if had_errors {
            return Err(EngineError::failed(id, format!("`{rel}` is not valid GBK text")));
        }
        text.into_owned()
    } else {
        String::from_utf8_lossy(&bytes[3..]).into_owned()
    };
    let dir = scratch.dir(id)?;
    let name = file.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "input.csv".into());
    let out = dir.join(name);
    std::fs::File::create(&out)
        .and_then(|mut f| f.write_all(text.trim_start_matches('\u{feff}').as_bytes()))
        .map_err(|e| EngineError::failed(id, format!("cannot convert `{rel}`: {e}")))?;
    Ok(out)
}

/// Keys of the first objects of an NDJSON file, in the order they first appear.
fn json_key_order(file: &Path) -> Vec<String> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    struct Keys<'a>(&'a mut Vec<String>);
    impl<'de> Visitor<'de> for Keys<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(k) = map.next_key::<String>()? {
                if !self.0.contains(&k) {
                    self.0.push(k);
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }
    let mut keys = Vec::new();
    let Ok(f) = std::fs::File::open(file) else {
        return keys;
    };
    use std::io::BufRead;
    for line in std::io::BufReader::new(f).lines().take(100).map_while(Result::ok) {
        let mut de = serde_json::Deserializer::from_str(&line);
        let _ = de.deserialize_map(Keys(&mut keys));
    }
    keys
}
