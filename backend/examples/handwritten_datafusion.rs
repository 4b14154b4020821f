//! The engine benchmark's pipeline written by hand against DataFusion: the
//! baseline that Sluice (which runs on DataFusion) is compared with.
//!
//! Same work as `bench/pipeline.json`: transactions with `amount > 100` and
//! `channel <> 'atm'`, inner join to `active` accounts, count/sum/avg of amount
//! per segment and branch, sorted by total descending, one Parquet file.
//! Types are inferred from the CSVs (amount is float64), as in every other tool.
//!
//! usage: handwritten_datafusion DATA_DIR OUT.parquet
//! (run by `bench/run.sh`; build with
//! `cargo build --profile perf -p sluice-backend --example handwritten_datafusion`)

use std::path::PathBuf;
use std::process::ExitCode;

use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::error::Result;
use datafusion::prelude::{CsvReadOptions, SessionContext};

const QUERY: &str = "
    SELECT a.segment, t.branch,
           count(*)      AS n,
           sum(t.amount) AS total,
           avg(t.amount) AS avg_amount
    FROM transactions t
    JOIN accounts a ON t.account_id = a.account_id
    WHERE t.amount > 100 AND t.channel <> 'atm' AND a.status = 'active'
    GROUP BY a.segment, t.branch
    ORDER BY total DESC";

async fn run(data_dir: PathBuf, out: PathBuf) -> Result<()> {
    let ctx = SessionContext::new();
    let txns = data_dir.join("transactions.csv");
    let accounts = data_dir.join("accounts.csv");
    ctx.register_csv("transactions", path_str(&txns), CsvReadOptions::new()).await?;
    ctx.register_csv("accounts", path_str(&accounts), CsvReadOptions::new()).await?;
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let df = ctx.sql(QUERY).await?;
    df.write_parquet(path_str(&out), DataFrameWriteOptions::new().with_single_file_output(true), None).await?;
    Ok(())
}

fn path_str(p: &std::path::Path) -> &str {
    p.to_str().expect("benchmark paths are UTF-8")
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(data_dir), Some(out), None) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: handwritten_datafusion DATA_DIR OUT.parquet");
        return ExitCode::from(2);
    };
    match run(PathBuf::from(data_dir), PathBuf::from(out)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("handwritten_datafusion: {e}");
            ExitCode::FAILURE
        }
    }
}
