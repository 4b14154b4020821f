//! `sluice serve --demo`: sample bank data and example graphs over it, so a new
//! user has something real to open, preview and run at once.
//!
//! The files go under `demo/` in the data root and the graphs write under
//! `out/`. Everything is generated from a fixed seed, so every install gets the
//! same data; files that already exist are left alone (a user may have edited
//! them).

mod data;
mod graphs;
pub mod reports;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::io;
use std::path::Path;

/// Writes the demo files under `root` (the data root), overwriting nothing that exists.
pub fn write_files(root: &Path) -> io::Result<()> {
    let dir = root.join("demo");
    std::fs::create_dir_all(&dir)?;
    let demo = data::generate();
    write_new(&dir.join("transactions.csv"), demo.transactions.as_bytes())?;
    write_new(&dir.join("accounts.csv"), demo.accounts.as_bytes())?;
    write_new(&dir.join("customers.csv"), demo.customers.as_bytes())?;
    write_new(&dir.join("branches.csv"), demo.branches.as_bytes())?;
    let limits = dir.join("branch_limits.xlsx");
    if !limits.exists() {
        write_new(&limits, &limits_workbook(&demo.limits).map_err(io::Error::other)?)?;
    }
    Ok(())
}

/// Three example graphs over those files, each valid.
pub fn graphs() -> Vec<sluice_shared::Graph> {
    vec![graphs::daily_branch_summary(), graphs::large_txn_watchlist(), graphs::branch_limit_check()]
}

/// Writes `bytes` to `path` unless something is already there. The bytes go to
/// a temporary file first, so an interrupted write never leaves half a file.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let name = path.file_name().ok_or_else(|| io::Error::other("a demo file has no name"))?;
    let tmp = path.with_file_name(format!(".{}.partial", name.to_string_lossy()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// `branch_limits.xlsx`: sheet `limits`, a bold header, numbers as numbers and
/// real Excel dates.
fn limits_workbook(rows: &[(&str, i64, i64)]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("limits")?;
    for (c, h) in ["branch", "daily_limit", "currency", "effective_from"].into_iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
    }
    for (r, (branch, limit, from)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        let (y, m, d) = crate::engine::types::civil_from_days(*from);
        ws.write_string(r, 0, *branch)?;
        ws.write_number_with_format(r, 1, *limit as f64, &money)?;
        ws.write_string(r, 2, "CNY")?;
        ws.write_datetime_with_format(r, 3, ExcelDateTime::from_ymd(y as u16, m as u8, d as u8)?, &day)?;
    }
    ws.set_column_width(1, 14)?;
    ws.set_column_width(3, 14)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests;
