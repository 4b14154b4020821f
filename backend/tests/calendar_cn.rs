//! The built-in China calendar against its independent oracle, the PyPI package
//! `chinese-calendar`: for every day of the covered years, the business-day flag
//! and the previous/next business day equal the package's answers, recorded in
//! `data/calendars/cn_expected.csv` by `data/calendars/gen_cn.py`. When the
//! package is importable the script also re-derives both files and must find
//! them current.

use sluice_backend::calendars;
use sluice_shared::calendar::{format_date, parse_date};
use std::path::Path;
use std::process::Command;

const EXPECTED: &str = include_str!("../../data/calendars/cn_expected.csv");

#[test]
fn every_day_matches_the_oracle() {
    let cn = calendars::builtin("cn").expect("the built-in calendar parses");
    let mut days = 0;
    for line in EXPECTED.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let day = parse_date(f[0]).unwrap();
        let open = cn.is_business_day(day).unwrap();
        assert_eq!(open.to_string(), f[1], "{}: business day", f[0]);
        let prev = cn.offset(day, -1).map(format_date).unwrap_or_default();
        let next = cn.offset(day, 1).map(format_date).unwrap_or_default();
        assert_eq!(prev, f[2], "{}: previous business day", f[0]);
        assert_eq!(next, f[3], "{}: next business day", f[0]);
        days += 1;
    }
    let (first, last) = cn.years();
    let span = parse_date(&format!("{last}-12-31")).unwrap() - parse_date(&format!("{first}-01-01")).unwrap() + 1;
    assert_eq!(days, span, "the oracle covers every day of {first}-{last}");
    assert!(first <= 2020 && last >= 2026, "2020-2026 covered");
}

#[test]
fn known_chinese_holidays() {
    let cn = calendars::builtin("cn").unwrap();
    let open = |s: &str| cn.is_business_day(parse_date(s).unwrap()).unwrap();
    assert!((1..=7).all(|d| !open(&format!("2024-10-{d:02}"))), "National Day 2024");
    assert!(open("2024-09-29") && open("2024-10-12"), "make-up weekend days");
    assert!(!open("2025-01-28") && !open("2025-02-04") && open("2025-01-26") && open("2025-02-08"));
}

#[test]
fn the_data_is_current_with_the_installed_oracle() {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
    let importable =
        Command::new(&python).args(["-c", "import chinese_calendar"]).output().is_ok_and(|o| o.status.success());
    if !importable {
        eprintln!("chinese-calendar is not importable: comparing with the committed oracle file only");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/calendars/gen_cn.py");
    let out = Command::new(&python).arg(&script).arg("--check").output().unwrap();
    assert!(
        out.status.success(),
        "data/calendars is stale: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
