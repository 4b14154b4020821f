//! The `sluice` binary: validate and run graphs from the command line.

use clap::{Parser, Subcommand};
use sluice_backend::cli;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "sluice", version, about = "Low-code data pipelines: validate and run sluice.graph/v1 files")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a graph; exit 0 if valid, 2 with one line per problem if not.
    Validate {
        graph: PathBuf,
        /// Parameter values, `name=value` (optional here; checked if given).
        #[arg(long = "param", value_name = "K=V")]
        params: Vec<String>,
        /// Folder that graph paths resolve against (default: the graph's folder).
        #[arg(long)]
        data_root: Option<PathBuf>,
    },
    /// Run a graph; exit 0 after every sink has written, 2 if invalid, 1 if the run failed.
    Run {
        graph: PathBuf,
        #[arg(long = "param", value_name = "K=V")]
        params: Vec<String>,
        #[arg(long)]
        data_root: Option<PathBuf>,
    },
    /// Serve the editor and the API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Holds the SQLite database and the data root `<data-dir>/files`.
        #[arg(long, default_value = "./sluice-data")]
        data_dir: PathBuf,
        /// `postgres://...` keeps the database in PostgreSQL instead of SQLite.
        #[arg(long)]
        database_url: Option<String>,
        /// Add sample bank data, example graphs and an analyst account.
        #[arg(long)]
        demo: bool,
        /// Folder with index.html and the WebAssembly bundle (default: ./static).
        #[arg(long)]
        static_dir: Option<PathBuf>,
        /// URL that failure and SLA alerts are POSTed to as JSON (http://).
        #[arg(long)]
        alert_webhook: Option<String>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { graph, params, data_root } => cli::validate(&graph, &params, data_root).await,
        Command::Run { graph, params, data_root } => cli::run(&graph, &params, data_root).await,
        Command::Serve { addr, data_dir, database_url, demo, static_dir, alert_webhook } => {
            let opts = sluice_backend::server::ServeOptions {
                addr,
                data_dir,
                database_url,
                demo,
                static_dir,
                alert_webhook,
                ..Default::default()
            };
            match sluice_backend::server::serve(opts).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("sluice serve: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}
