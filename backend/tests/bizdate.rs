//! `sluice bizdate` through the real binary: the handbook's contract (one ISO date,
//! exit 0 / 2 for a bad file or arguments / 1 outside the covered years).

use std::path::PathBuf;
use std::process::Command;

/// 2024 National Day and the 2025 Spring Festival as published by the State Council.
const CN: &str = "date,kind,note
2024-09-29,workday,National Day make-up (Sunday)
2024-10-01,holiday,National Day
2024-10-02,holiday,National Day
2024-10-03,holiday,National Day
2024-10-04,holiday,National Day
2024-10-05,holiday,National Day
2024-10-06,holiday,National Day
2024-10-07,holiday,National Day
2024-10-12,workday,National Day make-up (Saturday)
2025-01-01,holiday,New Year's Day
2025-01-26,workday,Spring Festival make-up (Sunday)
2025-01-28,holiday,Spring Festival
2025-01-29,holiday,Spring Festival
2025-01-30,holiday,Spring Festival
2025-01-31,holiday,Spring Festival
2025-02-03,holiday,Spring Festival
2025-02-04,holiday,Spring Festival
2025-02-08,workday,Spring Festival make-up (Saturday)
";

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sluice-bizdate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `sluice bizdate`; returns (exit code, stdout, stderr).
fn bizdate(file: &PathBuf, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sluice"))
        .arg("bizdate")
        .arg("--calendar")
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

fn ok(file: &PathBuf, args: &[&str]) -> String {
    let (code, out, err) = bizdate(file, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    assert!(err.is_empty(), "{err}");
    out
}

#[test]
fn offsets_across_national_day_and_spring_festival() {
    let cal = write("cn.csv", CN);
    let cases: &[(&[&str], &str)] = &[
        (&["2024-10-08", "--offset", "-1"], "2024-09-30"),
        (&["2024-10-08", "--offset=-1"], "2024-09-30"),
        (&["2024-09-30", "--offset", "1"], "2024-10-08"),
        (&["2024-10-05"], "2024-09-30"),
        (&["2024-10-08"], "2024-10-08"),
        (&["2024-09-29"], "2024-09-29"),
        (&["2024-10-12", "--offset", "0"], "2024-10-12"),
        (&["2024-10-13", "--offset", "-1"], "2024-10-12"),
        (&["2024-10-14", "--offset", "-2"], "2024-10-11"),
        (&["2024-10-11", "--offset", "1"], "2024-10-12"),
        (&["2024-09-27", "--offset", "2"], "2024-09-30"),
        (&["2025-01-27", "--offset", "1"], "2025-02-05"),
        (&["2025-02-05", "--offset", "-2"], "2025-01-26"),
        (&["2025-02-09", "--offset", "-1"], "2025-02-08"),
    ];
    for (args, want) in cases {
        assert_eq!(ok(&cal, args), format!("{want}\n"), "{args:?}");
    }
}

#[test]
fn rules_then_offsets() {
    let cal = write("rules.csv", CN);
    let cases: &[(&[&str], &str)] = &[
        (&["2024-10-20", "--rule", "first_of_month"], "2024-10-08"),
        (&["2024-10-20", "--rule", "first_of_month", "--offset", "-1"], "2024-09-30"),
        (&["2024-09-03", "--rule", "last_of_month"], "2024-09-30"),
        (&["2025-01-15", "--rule", "last_of_month"], "2025-01-27"),
        (&["2025-01-15", "--rule", "last_of_month", "--offset", "1"], "2025-02-05"),
        (&["2024-12-01", "--rule", "first_of_quarter"], "2024-10-08"),
        (&["2024-08-01", "--rule", "last_of_quarter"], "2024-09-30"),
        (&["2025-06-30", "--rule", "first_of_year"], "2025-01-02"),
        (&["2024-02-29", "--rule", "last_of_year", "--offset", "1"], "2025-01-02"),
    ];
    for (args, want) in cases {
        assert_eq!(ok(&cal, args), format!("{want}\n"), "{args:?}");
    }
}

#[test]
fn same_day_last_month_and_last_year() {
    let cal = write("same-day.csv", CN);
    let cases: &[(&[&str], &str)] = &[
        (&["2024-12-20", "--rule", "same_day_last_month"], "2024-11-20"),
        (&["2024-11-05", "--rule", "same_day_last_month"], "2024-09-30"),
        (&["2025-03-31", "--rule", "same_day_last_month"], "2025-02-28"),
        (&["2025-03-08", "--rule", "same_day_last_month"], "2025-02-08"),
        (&["2024-11-05", "--rule", "same_day_last_month", "--offset", "1"], "2024-10-08"),
        (&["2025-10-03", "--rule", "same_day_last_year"], "2024-09-30"),
        (&["2025-09-29", "--rule", "same_day_last_year"], "2024-09-29"),
    ];
    for (args, want) in cases {
        assert_eq!(ok(&cal, args), format!("{want}\n"), "{args:?}");
    }
    let (code, out, err) = bizdate(&cal, &["2024-06-30", "--rule", "same_day_last_year"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains("2023"), "{err}");
    let (code, _, err) = bizdate(&cal, &["2024-06-30", "--rule", "same_day_next_year"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("same_day_last_year"), "{err}");
}

#[test]
fn outside_the_covered_years_is_exit_1_naming_the_year() {
    let cal = write("cover.csv", CN);
    for (args, year) in [
        (&["2024-01-01", "--offset", "-1"][..], "2023"),
        (&["2025-12-31", "--offset", "1"][..], "2026"),
        (&["2031-03-02"][..], "2031"),
        (&["2023-06-01", "--rule", "first_of_month"][..], "2023"),
    ] {
        let (code, out, err) = bizdate(&cal, args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(out.is_empty(), "no date printed: {out}");
        assert!(err.contains(year), "{args:?}: {err}");
    }
}

#[test]
fn bad_files_and_arguments_are_exit_2() {
    let files = [
        ("bad-date.csv", "date,kind,note\n2024-10-01,holiday,x\n2024-02-30,holiday,y\n", "line 3"),
        ("bad-kind.csv", "date,kind,note\n2024-10-01,festival,x\n", "line 2"),
        ("dup.csv", "date,kind,note\n2024-10-01,holiday,\n2024-10-01,holiday,\n", "line 3"),
        ("no-header.csv", "2024-10-01,holiday,x\n", "line 1"),
        ("weekday-workday.csv", "date,kind,note\n2024-10-01,holiday,\n2024-10-09,workday,\n", "line 3"),
    ];
    for (name, text, line) in files {
        let (code, out, err) = bizdate(&write(name, text), &["2024-10-08"]);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(err.contains(line), "{name}: {err}");
        assert!(out.is_empty());
    }
    let missing = std::env::temp_dir().join("sluice-bizdate-no-such-file.csv");
    assert_eq!(bizdate(&missing, &["2024-10-08"]).0, 2);
    let cal = write("args.csv", CN);
    for args in [
        &["2024-13-01"][..],
        &["20241008"][..],
        &["2024-10-08", "--rule", "end_of_month"][..],
        &["2024-10-08", "--offset", "one"][..],
        &[][..],
    ] {
        let (code, _, err) = bizdate(&cal, args);
        assert_eq!(code, 2, "{args:?}: {err}");
    }
}
