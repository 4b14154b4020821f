//! The `sluice` binary: validate and run graphs from the command line.

use clap::{Parser, Subcommand};
use sluice_backend::cli;
use sluice_backend::engine::limits::Limits;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "sluice", version, about = "Low-code data pipelines: validate and run sluice.graph/v1 files")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The language of problem lines: `en` (the default: schedulers parse it),
    /// `zh-CN`, or `auto` (from `LC_ALL` / `LC_MESSAGES` / `LANG`).
    #[arg(long, global = true, env = "SLUICE_LANG", default_value = "en", value_parser = cli::parse_lang)]
    lang: sluice_shared::Lang,
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
        /// A database connection the graph names, `NAME=URL` (repeatable); also
        /// `SLUICE_CONNECTION_<NAME>=URL`.
        #[arg(long = "connection", value_name = "NAME=URL")]
        connections: Vec<String>,
        /// A business calendar derived parameters name, `NAME=FILE` (CSV
        /// `date,kind,note`; repeatable).
        #[arg(long = "calendar", value_name = "NAME=FILE")]
        calendars: Vec<String>,
    },
    /// Run a graph; exit 0 after every sink has written, 2 if invalid, 1 if the run failed.
    Run {
        graph: PathBuf,
        #[arg(long = "param", value_name = "K=V")]
        params: Vec<String>,
        #[arg(long)]
        data_root: Option<PathBuf>,
        /// A database connection the graph names, `NAME=URL` (repeatable); also
        /// `SLUICE_CONNECTION_<NAME>=URL` (prefer it: a flag's password shows in `ps`).
        #[arg(long = "connection", value_name = "NAME=URL")]
        connections: Vec<String>,
        /// A business calendar derived parameters name, `NAME=FILE` (CSV
        /// `date,kind,note`; repeatable).
        #[arg(long = "calendar", value_name = "NAME=FILE")]
        calendars: Vec<String>,
        /// Memory the run may use before it fails with "memory limit of N exceeded".
        #[arg(long, env = "SLUICE_RUN_MEMORY", default_value = "4GiB", value_parser = cli::parse_size)]
        memory: usize,
        /// Disk the run may spill to (temporary files).
        #[arg(long, env = "SLUICE_SPILL_LIMIT", default_value = "16GiB", value_parser = cli::parse_size)]
        spill_limit: usize,
        /// Run on the Apache DataFusion Ballista cluster whose scheduler is at
        /// `df://HOST:PORT` (builds with the `cluster` feature; see `sluice cluster`).
        #[arg(long, value_name = "df://HOST:PORT")]
        cluster: Option<String>,
    },
    /// Be part of a cluster that runs graphs (builds with the `cluster` feature).
    Cluster {
        #[command(subcommand)]
        role: ClusterCommand,
    },
    /// Print each sink's rows as one SQL statement over tables named by the source ids.
    Sql {
        graph: PathBuf,
        /// generic, postgres, mysql or duckdb.
        #[arg(long, default_value = "generic")]
        dialect: String,
        #[arg(long = "param", value_name = "K=V")]
        params: Vec<String>,
        #[arg(long)]
        data_root: Option<PathBuf>,
        /// A database connection the graph names, `NAME=URL` (repeatable).
        #[arg(long = "connection", value_name = "NAME=URL")]
        connections: Vec<String>,
        /// A business calendar derived parameters name, `NAME=FILE` (repeatable).
        #[arg(long = "calendar", value_name = "NAME=FILE")]
        calendars: Vec<String>,
    },
    /// Load graphs back from a folder of `<id>.json` files (e.g. a checkout of the
    /// `--git-dir` history) as drafts owned by `--owner`; nothing is approved.
    Import {
        dir: PathBuf,
        #[arg(long, default_value = "./sluice-data")]
        data_dir: PathBuf,
        /// The store, when it is PostgreSQL (also `SLUICE_DATABASE_URL`).
        #[arg(long)]
        database_url: Option<String>,
        /// The analyst or admin who owns the imported drafts.
        #[arg(long, default_value = "admin")]
        owner: String,
    },
    /// Manage the key connection secrets are encrypted under.
    Secrets {
        #[command(subcommand)]
        action: SecretsCommand,
    },
    /// Print the business date DATE gives by a calendar: exit 0 with the date, 2 for a
    /// bad calendar file or arguments, 1 when the date falls outside the calendar's years.
    Bizdate {
        /// The calendar, a CSV file `date,kind,note`.
        #[arg(long, value_name = "FILE")]
        calendar: PathBuf,
        /// The date, YYYY-MM-DD.
        date: String,
        /// N > 0: the N-th business day after; N < 0: the |N|-th before; 0: the day
        /// itself if open, else the business day before it.
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        offset: i64,
        /// first_of_month, last_of_month, first_of_quarter, last_of_quarter,
        /// first_of_year or last_of_year of DATE's period; same_day_last_month or
        /// same_day_last_year (clamped to the month's end, rolled back to a business
        /// day). Then the offset applies.
        #[arg(long)]
        rule: Option<String>,
    },
    /// Serve the editor and the API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Holds the SQLite database and the data root `<data-dir>/files`.
        #[arg(long, default_value = "./sluice-data")]
        data_dir: PathBuf,
        /// `postgres://...` keeps the database in PostgreSQL instead of SQLite.
        /// Prefer `SLUICE_DATABASE_URL`: a flag (and its password) shows in `ps`.
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
        /// Memory one run may use.
        #[arg(long, env = "SLUICE_RUN_MEMORY", default_value = "4GiB", value_parser = cli::parse_size)]
        run_memory: usize,
        /// Memory one preview may use.
        #[arg(long, env = "SLUICE_PREVIEW_MEMORY", default_value = "512MiB", value_parser = cli::parse_size)]
        preview_memory: usize,
        /// Disk one run or preview may spill to (temporary files).
        #[arg(long, env = "SLUICE_SPILL_LIMIT", default_value = "16GiB", value_parser = cli::parse_size)]
        spill_limit: usize,
        /// Seconds a preview may take before it is stopped.
        #[arg(long, env = "SLUICE_PREVIEW_TIMEOUT", default_value_t = 20)]
        preview_timeout: u64,
        /// Served over HTTPS (directly or by a proxy): the session cookie gets `Secure`
        /// (also `SLUICE_TLS=1`).
        #[arg(long)]
        tls: bool,
        /// Behind a reverse proxy that sets `X-Forwarded-For`: sign-in limits use its
        /// last entry as the client address. Never set it without such a proxy.
        #[arg(long)]
        trusted_proxy: bool,
        /// A host name clients use besides localhost and the bind address (repeatable;
        /// also `SLUICE_ALLOWED_HOSTS`, comma-separated). Other `Host` headers get 421.
        #[arg(long = "allowed-host", value_name = "NAME")]
        allowed_hosts: Vec<String>,
        /// Log lines as `text` (for people) or `json` (one object per line, for log collectors).
        #[arg(long, value_enum, env = "SLUICE_LOG_FORMAT", default_value = "text")]
        log_format: sluice_backend::server::logging::LogFormat,
        /// A bare Git repository (created when missing) every approved version is committed to.
        #[arg(long, env = "SLUICE_GIT_DIR")]
        git_dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ClusterCommand {
    /// The scheduler: plans jobs into stages and hands tasks to executors.
    Scheduler {
        #[arg(long, default_value = sluice_backend::cluster::DEFAULT_SCHEDULER)]
        bind: std::net::SocketAddr,
    },
    /// An executor: runs tasks; serves shuffle data on `--bind` and takes tasks
    /// on the port after it. Every executor must see the data root at the same path.
    Executor {
        /// The scheduler, `HOST:PORT`.
        #[arg(long, value_name = "HOST:PORT")]
        scheduler: String,
        #[arg(long, default_value = "127.0.0.1:50051")]
        bind: std::net::SocketAddr,
        /// Tasks at once (default: one per CPU).
        #[arg(long, default_value_t = 0)]
        slots: usize,
        /// Shuffle files and spills (default: a temporary folder).
        #[arg(long, value_name = "DIR")]
        work_dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum SecretsCommand {
    /// Re-encrypt every connection secret under a new key, in one transaction.
    /// The current key is `SLUICE_SECRET_KEY` or `<data-dir>/secret.key`; the new
    /// one is read from FILE (created, mode 0600, with a random key if missing).
    Rotate {
        #[arg(long, default_value = "./sluice-data")]
        data_dir: PathBuf,
        /// The store, when it is PostgreSQL (also `SLUICE_DATABASE_URL`).
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, value_name = "FILE")]
        new_key_file: PathBuf,
    },
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Stack of every runtime thread (async workers and the blocking pool that
/// validates graphs): SQL and expression parsers recurse, and an unoptimised
/// build spends far more stack per level than the default 2 MiB allows for.
const THREAD_STACK: usize = 16 << 20;

fn main() -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(THREAD_STACK).build() {
        Ok(rt) => rt.block_on(run_cli()),
        Err(e) => {
            eprintln!("sluice: cannot start the runtime: {e}");
            ExitCode::from(1)
        }
    }
}

async fn run_cli() -> ExitCode {
    let cli = Cli::parse();
    cli::set_lang(cli.lang);
    match cli.command {
        Command::Validate { graph, params, data_root, connections, calendars } => {
            cli::validate(&graph, &params, &connections, &calendars, data_root).await
        }
        Command::Run { graph, params, data_root, connections, calendars, memory, spill_limit, cluster } => {
            let limits = Limits { memory, spill: spill_limit as u64 };
            let on = cli::RunOn { limits, cluster };
            cli::run(&graph, &params, &connections, &calendars, data_root, on).await
        }
        Command::Cluster { role: ClusterCommand::Scheduler { bind } } => {
            sluice_backend::cli_cluster::scheduler(bind).await
        }
        Command::Cluster { role: ClusterCommand::Executor { scheduler, bind, slots, work_dir } } => {
            sluice_backend::cli_cluster::executor(&scheduler, bind, slots, work_dir).await
        }
        Command::Bizdate { calendar, date, offset, rule } => {
            sluice_backend::cli_bizdate::bizdate(&calendar, &date, offset, rule.as_deref())
        }
        Command::Sql { graph, dialect, params, data_root, connections, calendars } => {
            cli::sql(&graph, &params, &connections, &calendars, data_root, &dialect).await
        }
        Command::Import { dir, data_dir, database_url, owner } => {
            let url = database_url.or_else(|| env("SLUICE_DATABASE_URL"));
            sluice_backend::cli_import::import_cli(&dir, &data_dir, url.as_deref(), &owner).await
        }
        Command::Secrets { action: SecretsCommand::Rotate { data_dir, database_url, new_key_file } } => {
            let url = database_url.or_else(|| env("SLUICE_DATABASE_URL"));
            let rotated = sluice_backend::secrets::rotate_cli(&data_dir, url.as_deref(), &new_key_file).await;
            exit_code("sluice secrets rotate", rotated.map(|line| println!("{line}")))
        }
        Command::Serve {
            addr,
            data_dir,
            database_url,
            demo,
            static_dir,
            alert_webhook,
            run_memory,
            preview_memory,
            spill_limit,
            preview_timeout,
            tls,
            trusted_proxy,
            mut allowed_hosts,
            log_format,
            git_dir,
        } => {
            sluice_backend::server::logging::init(log_format);
            let from_env = env("SLUICE_ALLOWED_HOSTS").unwrap_or_default();
            allowed_hosts.extend(from_env.split(',').map(str::trim).filter(|h| !h.is_empty()).map(String::from));
            let spill = spill_limit as u64;
            let opts = sluice_backend::server::ServeOptions {
                addr,
                data_dir,
                database_url: database_url.or_else(|| env("SLUICE_DATABASE_URL")),
                demo,
                static_dir,
                alert_webhook,
                run_limits: Limits { memory: run_memory, spill },
                preview_limits: Limits { memory: preview_memory, spill },
                preview_timeout: std::time::Duration::from_secs(preview_timeout.max(1)),
                tls: tls || env("SLUICE_TLS").is_some_and(|v| v == "1" || v == "true"),
                trusted_proxy,
                allowed_hosts,
                config: Some(sluice_backend::server::config::Config {
                    git_dir,
                    ..sluice_backend::server::config::Config::from_env()
                }),
                ..Default::default()
            };
            exit_code("sluice serve", sluice_backend::server::serve(opts).await)
        }
    }
}

/// Success, or the error after `what` on stderr and exit 1.
fn exit_code(what: &str, result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{what}: {e}");
            ExitCode::from(1)
        }
    }
}
