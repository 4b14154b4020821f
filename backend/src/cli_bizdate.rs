//! `sluice bizdate --calendar FILE DATE [--offset N] [--rule RULE]`: one ISO date
//! on stdout, so that an external scheduler computes the same business dates as
//! Sluice. Exit 0 with the date; 2 for a bad file (line and reason) or bad
//! arguments; 1 when the date falls outside the years the calendar covers.

use crate::cli::{EXIT_FAILED, EXIT_INVALID, EXIT_OK};
use sluice_shared::calendar::{self, Rule};
use std::path::Path;
use std::process::ExitCode;

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("sluice bizdate: {message}");
    ExitCode::from(code)
}

pub fn bizdate(file: &Path, date: &str, offset: i64, rule: Option<&str>) -> ExitCode {
    let Some(day) = calendar::parse_date(date.trim()) else {
        return fail(EXIT_INVALID, &format!("`{date}` is not a date (YYYY-MM-DD)"));
    };
    let rule = match rule.map(Rule::parse).transpose() {
        Ok(r) => r,
        Err(e) => return fail(EXIT_INVALID, &format!("--rule {e}")),
    };
    let cal = match crate::calendars::read_file(file) {
        Ok(c) => c,
        Err(e) => return fail(EXIT_INVALID, &e),
    };
    match cal.resolve(day, rule, offset) {
        Ok(d) => {
            println!("{}", calendar::format_date(d));
            ExitCode::from(EXIT_OK)
        }
        Err(e) => fail(EXIT_FAILED, &e.to_string()),
    }
}
