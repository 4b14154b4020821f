//! `sluice validate` and `sluice run`: the contract an external scheduler relies
//! on. Exit 0 when valid / when every sink has written; 2 for an invalid graph
//! (one line per problem, `<node id>: <message>`); 1 when a run failed.

use crate::engine::limits::{Calendars, Limits};
use crate::engine::{self, Mode, connect::Connections, error::EngineError, root::DataRoot};
use sluice_shared::{Lang, Problem};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_INVALID: u8 = 2;

/// Parses a size such as `4GiB`, `512MiB`, `64KiB` or `1048576` (bytes); `G`,
/// `M`, `K` (with or without `B`/`iB`) are powers of 1024.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("`{text}` is not a size; write e.g. 4GiB, 512MiB or 65536")),
    };
    let n: usize = digits.parse().map_err(|_| format!("`{text}` is not a size; write e.g. 4GiB, 512MiB or 65536"))?;
    n.checked_mul(1 << shift).filter(|b| *b > 0).ok_or_else(|| format!("`{text}` is not a usable size"))
}

/// Parses `k=v` pairs from `--param`.
pub fn parse_params(pairs: &[String]) -> Result<BTreeMap<String, String>, Vec<Problem>> {
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for p in pairs {
        match p.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.insert(k.trim().to_string(), v.to_string());
            }
            _ => problems.push(Problem::graph(Some("params"), format!("--param `{p}` is not of the form name=value"))),
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

fn load(file: &Path) -> Result<sluice_shared::Graph, Vec<Problem>> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| vec![Problem::graph(None, format!("cannot read {}: {e}", file.display()))])?;
    sluice_shared::parse_graph(&text)
}

fn data_root(file: &Path, given: Option<PathBuf>) -> DataRoot {
    DataRoot::new(given.unwrap_or_else(|| {
        file.parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
    }))
}

/// The connections a command-line run resolves names in: `--connection NAME=URL`,
/// then `SLUICE_CONNECTION_<NAME>` for each name the graph uses.
fn connections(
    graph: &sluice_shared::Graph,
    pairs: &[String],
    root: &DataRoot,
) -> Result<Arc<Connections>, Vec<Problem>> {
    let configs: Vec<_> = graph
        .nodes
        .iter()
        .filter_map(|n| sluice_shared::NodeConfig::parse(sluice_shared::NodeKind::parse(&n.kind)?, &n.config).ok())
        .collect();
    let used = configs.iter().filter_map(|c| sluice_shared::connections::named_by(c).map(|(name, _)| name));
    let env = |var: &str| std::env::var(var).ok().filter(|v| !v.trim().is_empty());
    Connections::from_cli(pairs, used, env, root)
        .map(Arc::new)
        .map_err(|errors| errors.into_iter().map(|e| Problem::graph(Some("connections"), e)).collect())
}

static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

/// The language problem lines are printed in (`--lang`; English until set).
pub fn set_lang(lang: Lang) {
    let _ = LANG.set(lang);
}

/// `--lang`: `en`, `zh-CN`, or `auto`: the locale environment (`LC_ALL`,
/// `LC_MESSAGES`, `LANG`, the first set), English when it names another language.
pub fn parse_lang(text: &str) -> Result<Lang, String> {
    if text != "auto" {
        return text.parse();
    }
    let env = ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
    Ok(env.and_then(|e| Lang::from_tag(&e)).unwrap_or(Lang::En))
}

fn print_problems(problems: &[Problem], to_stdout: bool) -> ExitCode {
    let lang = LANG.get().copied().unwrap_or(Lang::En);
    for p in problems {
        // English is `Problem`'s `Display`, the contract's text, to the byte.
        let line = if lang == Lang::En { p.to_string() } else { sluice_shared::i18n::problems::line(lang, p) };
        if to_stdout {
            println!("{line}");
        } else {
            eprintln!("{line}");
        }
    }
    ExitCode::from(EXIT_INVALID)
}

/// The graph, the `--param` values and the `--calendar` files, or every problem with them.
type Inputs = (sluice_shared::Graph, BTreeMap<String, String>, Arc<Calendars>);

fn inputs(file: &Path, params: &[String], calendars: &[String]) -> Result<Inputs, Vec<Problem>> {
    let cals = crate::calendars::from_cli(calendars)
        .map_err(|errors| errors.into_iter().map(|e| Problem::graph(Some("calendars"), e)).collect::<Vec<_>>());
    match (load(file), parse_params(params), cals) {
        (Ok(g), Ok(p), Ok(c)) => Ok((g, p, Arc::new(c))),
        (g, p, c) => Err(g.err().into_iter().chain(p.err()).chain(c.err()).flatten().collect()),
    }
}

/// What every graph command starts from: the graph, its `--param` values, the
/// data root, and engine options with the connections and calendars it names.
struct Loaded {
    graph: sluice_shared::Graph,
    given: BTreeMap<String, String>,
    root: DataRoot,
    opts: engine::Options,
}

/// Loads a graph command's inputs; on a problem, prints it (to stdout for
/// `validate`, else stderr) and answers the exit code.
fn load_all(
    file: &Path,
    params: &[String],
    conns: &[String],
    calendars: &[String],
    root: Option<PathBuf>,
    to_stdout: bool,
) -> Result<Loaded, ExitCode> {
    let (graph, given, calendars) = inputs(file, params, calendars).map_err(|p| print_problems(&p, to_stdout))?;
    let root = data_root(file, root);
    let connections = connections(&graph, conns, &root).map_err(|p| print_problems(&p, to_stdout))?;
    let opts = engine::Options { connections: Some(connections), calendars: Some(calendars), ..Default::default() };
    Ok(Loaded { graph, given, root, opts })
}

pub async fn validate(
    file: &Path,
    params: &[String],
    conns: &[String],
    calendars: &[String],
    root: Option<PathBuf>,
) -> ExitCode {
    let Loaded { graph, given, root, opts } = match load_all(file, params, conns, calendars, root, true) {
        Ok(l) => l,
        Err(code) => return code,
    };
    match engine::prepare_with(&graph, &given, &root, Mode::Check, opts).await {
        Ok(p) => {
            eprintln!("valid: {} nodes, {} edges", p.report.order.len(), graph.edges.len());
            ExitCode::from(EXIT_OK)
        }
        Err(EngineError::Invalid(problems)) => print_problems(&problems, true),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// Where `sluice run` runs: within `limits` (memory and spill space,
/// `--memory` / `--spill-limit`), here or on the cluster `--cluster` names.
pub struct RunOn {
    pub limits: Limits,
    pub cluster: Option<String>,
}

/// Runs a graph (see [`RunOn`]).
pub async fn run(
    file: &Path,
    params: &[String],
    conns: &[String],
    calendars: &[String],
    root: Option<PathBuf>,
    on: RunOn,
) -> ExitCode {
    let cluster = match crate::cli_cluster::cluster_arg(on.cluster.as_deref()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let limits = on.limits;
    let Loaded { graph, given, root, opts } = match load_all(file, params, conns, calendars, root, false) {
        Ok(l) => l,
        Err(code) => return code,
    };
    // A publish an earlier process left half done is completed or rolled back first.
    engine::journal::recover_and_report(&root);
    let started = std::time::Instant::now();
    let opts = engine::Options { limits: Some(limits), cluster, ..opts };
    let outcome = match engine::prepare_with(&graph, &given, &root, Mode::Run, opts).await {
        Ok(prepared) => engine::run::execute(&prepared, &root, &Default::default()).await,
        Err(e) => engine::run::Outcome {
            checks: Vec::new(),
            quarantined: Vec::new(),
            result: Err(e),
            node_rows: Default::default(),
        },
    };
    // Broken rules first, one line each (`warning: ` for `warn` rules).
    for line in outcome.checks.iter().flat_map(|c| c.lines()) {
        eprintln!("{line}");
    }
    match outcome.result {
        Ok(written) => {
            print_written(&written);
            eprintln!("done in {:.2}s", started.elapsed().as_secs_f64());
            ExitCode::from(EXIT_OK)
        }
        Err(EngineError::Invalid(problems)) => print_problems(&problems, false),
        Err(_) if outcome.checks.iter().any(|c| c.failed()) => {
            print_written(&outcome.quarantined);
            if outcome.quarantined.is_empty() {
                eprintln!("run failed: a check broke; previous outputs were left unchanged");
            } else {
                eprintln!("run failed: a check broke; quarantine outputs were published, other outputs unchanged");
            }
            ExitCode::from(EXIT_FAILED)
        }
        Err(e) => {
            eprintln!("{e}");
            eprintln!("run failed; previous outputs were left unchanged");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// `sluice sql`: for each sink in graph order, `-- <sink id>` and one statement
/// computing its rows over tables named by the source node ids; a sink without
/// an SQL form is one line `-- <sink id>: not expressible: <reason>`.
pub async fn sql(
    file: &Path,
    params: &[String],
    conns: &[String],
    calendars: &[String],
    root: Option<PathBuf>,
    dialect: &str,
) -> ExitCode {
    let dialect = match engine::sql_export::SqlDialect::parse(dialect) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("sluice sql: --dialect: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let Loaded { graph, given, root, opts } = match load_all(file, params, conns, calendars, root, false) {
        Ok(l) => l,
        Err(code) => return code,
    };
    match engine::sql_export::export(&graph, &given, &root, dialect, opts).await {
        Ok(sinks) => {
            for s in sinks {
                match s.sql {
                    Ok(sql) => println!("-- {}\n{sql}", s.sink),
                    Err(why) => println!("-- {}: not expressible: {why}", s.sink),
                }
            }
            ExitCode::from(EXIT_OK)
        }
        Err(EngineError::Invalid(problems)) => print_problems(&problems, false),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

fn print_written(written: &[engine::Written]) {
    for w in written {
        if let Some(table) = &w.table {
            println!("{}: wrote {} rows to table {table}", w.node, w.rows);
        } else if w.path.is_empty() {
            println!("{}: report computed, {} rows", w.node, w.rows);
        } else {
            println!("{}: wrote {} rows to {}", w.node, w.rows, w.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(parse_size("4GiB"), Ok(4 << 30));
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("64 kb"), Ok(64 << 10));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("4 parsecs").unwrap_err().contains("4GiB"));
    }
}
