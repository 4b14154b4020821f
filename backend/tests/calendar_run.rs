//! Calendars in `sluice run` / `sluice validate`: derived date parameters from
//! `--calendar NAME=FILE`, and `source.dates` checked against values computed
//! here independently (chrono for the date parts; the calendar file's rows and
//! a plain loop for business days).

use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// 2024 Mid-Autumn and National Day, as published by the State Council.
const CN: &str = "date,kind,note
2024-09-14,workday,Mid-Autumn make-up (Saturday)
2024-09-15,holiday,Mid-Autumn
2024-09-16,holiday,Mid-Autumn
2024-09-17,holiday,Mid-Autumn
2024-09-29,workday,National Day make-up (Sunday)
2024-10-01,holiday,National Day
2024-10-02,holiday,National Day
2024-10-03,holiday,National Day
2024-10-04,holiday,National Day
2024-10-05,holiday,National Day
2024-10-06,holiday,National Day
2024-10-07,holiday,National Day
2024-10-12,workday,National Day make-up (Saturday)
";

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sluice-calrun-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("cn.csv"), CN).unwrap();
    d
}

fn sluice(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sluice")).args(args).current_dir(cwd).output().unwrap()
}

fn show(o: &Output) -> String {
    format!("exit {:?}\n{}{}", o.status.code(), String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn write_graph(d: &Path, graph: serde_json::Value) {
    std::fs::write(d.join("g.json"), serde_json::to_string_pretty(&graph).unwrap()).unwrap();
}

fn derived_graph() -> serde_json::Value {
    json!({
        "format": "sluice.graph/v1", "name": "derived",
        "params": {
            "biz_date": {"type": "date"},
            "prev": {"type": "date", "derive": {"from": "biz_date", "calendar": "cn", "offset": -1}},
            "mstart": {"type": "date", "derive": {"from": "biz_date", "calendar": "cn", "rule": "first_of_month"}},
            "next_qend": {"type": "date", "derive": {"from": "biz_date", "calendar": "cn", "rule": "last_of_quarter", "offset": -1}}
        },
        "nodes": [
            {"id": "days", "kind": "source.dates", "config": {"from": "$prev", "to": "$biz_date"}},
            {"id": "vals", "kind": "transform.derive", "config": {"columns": [
                {"name": "prev", "expr": "$prev"}, {"name": "mstart", "expr": "$mstart"},
                {"name": "next_qend", "expr": "$next_qend"}]}},
            {"id": "pick", "kind": "transform.select", "config": {"columns": ["date", "prev", "mstart", "next_qend"]}},
            {"id": "out", "kind": "sink.csv", "config": {"path": "out/{prev}.csv"}}
        ],
        "edges": [{"from": "days", "to": "vals"}, {"from": "vals", "to": "pick"}, {"from": "pick", "to": "out"}]
    })
}

#[test]
fn derived_parameters_reach_paths_and_expressions() {
    let d = dir("derived");
    write_graph(&d, derived_graph());
    let out = sluice(&d, &["run", "g.json", "--param", "biz_date=2024-10-08", "--calendar", "cn=cn.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let csv = std::fs::read_to_string(d.join("out/2024-09-30.csv")).expect("path from {prev}");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("date,prev,mstart,next_qend"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 9, "2024-09-30 ..= 2024-10-08: {csv}");
    // prev: T-1 over National Day; mstart: 1-7 October closed; next_qend: 2024-12-31 minus one.
    for (i, r) in rows.iter().enumerate() {
        assert!(r.ends_with(",2024-09-30,2024-10-08,2024-12-30"), "{r}");
        assert!(r.starts_with(&format!("2024-{}", ["09-30", "10-01"].get(i).copied().unwrap_or("10-0"))), "{r}");
    }
    assert_eq!(rows[8].split(',').next(), Some("2024-10-08"));
}

#[test]
fn derived_parameter_problems() {
    let d = dir("derived-bad");
    write_graph(&d, derived_graph());
    // No calendar given: exit 2 naming the parameter and the flag to give.
    let out = sluice(&d, &["run", "g.json", "--param", "biz_date=2024-10-08"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(show(&out).contains("params.prev") && show(&out).contains("--calendar cn=FILE"), "{}", show(&out));
    // Outside the calendar's years: exit 1 naming the year, nothing written.
    let out = sluice(&d, &["run", "g.json", "--param", "biz_date=2024-01-01", "--calendar", "cn=cn.csv"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(show(&out).contains("2023") && show(&out).contains("prev"), "{}", show(&out));
    assert!(!d.join("out").exists());
    // A bad calendar file: exit 2 with its line.
    std::fs::write(d.join("bad.csv"), "date,kind,note\n2024-10-01,holyday,\n").unwrap();
    let out = sluice(&d, &["validate", "g.json", "--calendar", "cn=bad.csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(show(&out).contains("line 2") && show(&out).contains("holyday"), "{}", show(&out));
    // An unknown calendar name among given ones names the parameter.
    let out = sluice(&d, &["validate", "g.json", "--calendar", "hk=cn.csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(show(&out).contains("params.prev") && show(&out).contains("`cn`"), "{}", show(&out));
    assert_eq!(sluice(&d, &["validate", "g.json", "--calendar", "cn=cn.csv"]).status.code(), Some(0));
}

/// Expected `source.dates` rows, computed with chrono and the calendar rows.
fn expected(from: &str, to: &str, with_calendar: bool) -> Vec<String> {
    let exceptions: BTreeMap<&str, &str> = CN
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0], f[1])
        })
        .collect();
    let open = |d: NaiveDate| match exceptions.get(d.format("%Y-%m-%d").to_string().as_str()) {
        Some(&"holiday") => false,
        Some(_) => true,
        None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
    };
    let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let (from, to) = (parse(from), parse(to));
    let mut rows = Vec::new();
    let mut d = from.with_day(1).unwrap();
    let mut count = 0;
    while d <= to {
        if d.day() == 1 {
            count = 0;
        }
        count += i32::from(open(d));
        if d >= from {
            let month_end = d.succ_opt().unwrap().month() != d.month();
            let mut r = format!(
                "{},{},{},{},{},{},{},{}",
                d.format("%Y-%m-%d"),
                d.year(),
                (d.month() - 1) / 3 + 1,
                d.month(),
                d.day(),
                d.weekday().number_from_monday(),
                d.iso_week().week(),
                month_end
            );
            if with_calendar {
                let bdom = if open(d) { count.to_string() } else { String::new() };
                r.push_str(&format!(",{},{bdom}", open(d)));
            }
            rows.push(r);
        }
        d = d.succ_opt().unwrap();
    }
    rows
}

fn dates_run(name: &str, config: serde_json::Value, extra: &[&str]) -> (Output, PathBuf) {
    let d = dir(name);
    write_graph(
        &d,
        json!({
            "format": "sluice.graph/v1", "name": "dates",
            "params": {"biz_date": {"type": "date"}},
            "nodes": [{"id": "days", "kind": "source.dates", "config": config},
                      {"id": "out", "kind": "sink.csv", "config": {"path": "days.csv"}}],
            "edges": [{"from": "days", "to": "out"}]
        }),
    );
    let mut args = vec!["run", "g.json", "--param", "biz_date=2024-10-14"];
    args.extend_from_slice(extra);
    (sluice(&d, &args), d)
}

#[test]
fn source_dates_with_a_calendar() {
    let cfg = json!({"from": "2024-09-12", "to": "$biz_date", "calendar": "cn"});
    let (out, d) = dates_run("with-cal", cfg, &["--calendar", "cn=cn.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let csv = std::fs::read_to_string(d.join("days.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("date,year,quarter,month,day,day_of_week,iso_week,is_month_end,is_business_day,business_day_of_month")
    );
    assert_eq!(lines.collect::<Vec<_>>(), expected("2024-09-12", "2024-10-14", true));
}

#[test]
fn source_dates_without_a_calendar_across_a_year_end() {
    let cfg = json!({"from": "2020-12-25", "to": "2021-01-06"});
    let (out, d) = dates_run("no-cal", cfg, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let csv = std::fs::read_to_string(d.join("days.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("date,year,quarter,month,day,day_of_week,iso_week,is_month_end"));
    assert_eq!(lines.collect::<Vec<_>>(), expected("2020-12-25", "2021-01-06", false));
}

#[test]
fn source_dates_errors() {
    // Outside the calendar's years: exit 1 naming the year.
    let cfg = json!({"from": "2023-12-30", "to": "$biz_date", "calendar": "cn"});
    let (out, _) = dates_run("outside", cfg, &["--calendar", "cn=cn.csv"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(show(&out).contains("2023"), "{}", show(&out));
    // `to` before `from`, a bad endpoint, an unknown calendar: exit 2 naming node and field.
    for (cfg, field) in [
        (json!({"from": "2024-10-02", "to": "2024-10-01"}), "to"),
        (json!({"from": "$nope", "to": "2024-10-01"}), "from"),
        (json!({"from": "2024-10-01", "to": "2024-10-02", "calendar": "hk"}), "calendar"),
    ] {
        let (out, _) = dates_run("bad", cfg.clone(), &["--calendar", "cn=cn.csv"]);
        assert_eq!(out.status.code(), Some(2), "{cfg}: {}", show(&out));
        assert!(show(&out).contains(&format!("days: {field}")), "{cfg}: {}", show(&out));
    }
}
