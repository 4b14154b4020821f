//! `sluice validate` and `sluice run`: the contract an external scheduler relies
//! on. Exit 0 when valid / when every sink has written; 2 for an invalid graph
//! (one line per problem, `<node id>: <message>`); 1 when a run failed.

use crate::engine::{self, Mode, error::EngineError, root::DataRoot};
use sluice_shared::Problem;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_INVALID: u8 = 2;

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

fn print_problems(problems: &[Problem], to_stdout: bool) -> ExitCode {
    for p in problems {
        if to_stdout {
            println!("{p}");
        } else {
            eprintln!("{p}");
        }
    }
    ExitCode::from(EXIT_INVALID)
}

pub async fn validate(file: &Path, params: &[String], root: Option<PathBuf>) -> ExitCode {
    let (graph, given) = match (load(file), parse_params(params)) {
        (Ok(g), Ok(p)) => (g, p),
        (g, p) => {
            let problems: Vec<Problem> = g.err().into_iter().chain(p.err()).flatten().collect();
            return print_problems(&problems, true);
        }
    };
    match engine::prepare(&graph, &given, &data_root(file, root), Mode::Check).await {
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

pub async fn run(file: &Path, params: &[String], root: Option<PathBuf>) -> ExitCode {
    let (graph, given) = match (load(file), parse_params(params)) {
        (Ok(g), Ok(p)) => (g, p),
        (g, p) => {
            let problems: Vec<Problem> = g.err().into_iter().chain(p.err()).flatten().collect();
            return print_problems(&problems, false);
        }
    };
    let root = data_root(file, root);
    // A publish an earlier process left half done is completed or rolled back first.
    engine::journal::recover_and_report(&root);
    let started = std::time::Instant::now();
    let result = match engine::prepare(&graph, &given, &root, Mode::Run).await {
        Ok(prepared) => engine::execute(&prepared, &root).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(written) => {
            for w in written {
                if w.path.is_empty() {
                    println!("{}: report computed, {} rows", w.node, w.rows);
                } else {
                    println!("{}: wrote {} rows to {}", w.node, w.rows, w.path);
                }
            }
            eprintln!("done in {:.2}s", started.elapsed().as_secs_f64());
            ExitCode::from(EXIT_OK)
        }
        Err(EngineError::Invalid(problems)) => print_problems(&problems, false),
        Err(e) => {
            eprintln!("{e}");
            eprintln!("run failed; previous outputs were left unchanged");
            ExitCode::from(EXIT_FAILED)
        }
    }
}
