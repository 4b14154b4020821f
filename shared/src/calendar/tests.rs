use super::*;

/// Mainland China, 2024 National Day and 2025 Spring Festival, by hand from the
/// State Council notices (国办发明电〔2023〕7号, 〔2024〕12号).
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

fn d(s: &str) -> i32 {
    parse_date(s).unwrap()
}

fn cal() -> Calendar {
    parse_csv(CN).unwrap()
}

fn at(day: &str, rule: Option<Rule>, n: i64) -> String {
    format_date(cal().resolve(d(day), rule, n).unwrap())
}

#[test]
fn open_and_closed_days() {
    let c = cal();
    let open = |s| c.is_business_day(d(s)).unwrap();
    assert!(open("2024-09-29"), "make-up Sunday");
    assert!(open("2024-10-12"), "make-up Saturday");
    assert!(!open("2024-10-01") && !open("2024-10-07"));
    assert!(!open("2024-10-13"), "an ordinary Sunday");
    assert!(open("2024-10-08"));
    assert!(!open("2025-01-28") && !open("2025-02-04"));
    assert!(open("2025-01-26") && open("2025-02-08"));
    assert_eq!(c.years(), (2024, 2025));
}

#[test]
fn offsets_follow_the_contract() {
    assert_eq!(at("2024-10-08", None, -1), "2024-09-30");
    assert_eq!(at("2024-09-30", None, 1), "2024-10-08");
    assert_eq!(at("2024-10-03", None, 0), "2024-09-30", "closed day: the business day before");
    assert_eq!(at("2024-10-08", None, 0), "2024-10-08");
    assert_eq!(at("2024-10-03", None, 1), "2024-10-08");
    assert_eq!(at("2024-10-03", None, -1), "2024-09-30");
    assert_eq!(at("2024-10-11", None, 1), "2024-10-12", "make-up Saturday counts");
    assert_eq!(at("2024-10-14", None, -2), "2024-10-11");
    assert_eq!(at("2024-09-27", None, 1), "2024-09-29");
    assert_eq!(at("2025-01-27", None, 1), "2025-02-05");
    assert_eq!(at("2025-02-05", None, -1), "2025-01-27");
    assert_eq!(at("2025-02-05", None, -3), "2025-01-24");
}

#[test]
fn rules_then_offsets() {
    assert_eq!(at("2024-10-20", Some(Rule::FirstOfMonth), 0), "2024-10-08");
    assert_eq!(at("2024-10-20", Some(Rule::FirstOfMonth), -1), "2024-09-30");
    assert_eq!(at("2024-09-10", Some(Rule::LastOfMonth), 0), "2024-09-30");
    assert_eq!(at("2024-11-15", Some(Rule::FirstOfQuarter), 0), "2024-10-08");
    assert_eq!(at("2024-11-15", Some(Rule::LastOfQuarter), 1), "2025-01-02");
    assert_eq!(at("2025-03-01", Some(Rule::FirstOfYear), 0), "2025-01-02");
    assert_eq!(at("2024-03-01", Some(Rule::LastOfYear), 0), "2024-12-31");
    assert_eq!(at("2025-01-31", Some(Rule::LastOfMonth), 0), "2025-01-27");
    assert_eq!(at("2025-02-10", Some(Rule::FirstOfMonth), 2), "2025-02-07");
}

#[test]
fn outside_coverage_names_the_year() {
    let c = cal();
    let e = c.resolve(d("2024-01-01"), None, -1).unwrap_err();
    assert_eq!(e.missing_year(), Some(2023));
    assert!(e.to_string().contains("2023"), "{e}");
    let e = c.resolve(d("2025-12-31"), None, 1).unwrap_err();
    assert!(e.to_string().contains("2026"), "{e}");
    assert!(c.resolve(d("2030-06-03"), None, 0).unwrap_err().to_string().contains("2030"));
    assert!(c.is_business_day(d("2026-01-05")).is_err());
    assert_eq!(at("2024-01-02", None, -1), "2024-01-01", "a weekday with no entry is open");
}

#[test]
fn business_day_of_month_counts_open_days() {
    let c = cal();
    assert_eq!(c.business_day_of_month(d("2024-10-08")).unwrap(), Some(1));
    assert_eq!(c.business_day_of_month(d("2024-10-12")).unwrap(), Some(5));
    assert_eq!(c.business_day_of_month(d("2024-10-13")).unwrap(), None);
    assert_eq!(c.business_day_of_month(d("2024-09-29")).unwrap(), Some(21));
}

fn bad(text: &str) -> CsvError {
    parse_csv(text).unwrap_err()
}

#[test]
fn bad_files_name_line_and_reason() {
    let e = bad("date,kind,note\n2024-10-01,holiday,x\n2024-13-01,holiday,y\n");
    assert_eq!(e.line, 3);
    assert!(e.reason.contains("2024-13-01") && e.reason.contains("not a date"), "{e}");
    let e = bad("date,kind,note\n2024-10-01,vacation,x\n");
    assert_eq!((e.line, e.reason.contains("vacation")), (2, true), "{e}");
    let e = bad("date,kind,note\n2024-10-01,holiday,\n\n2024-10-01,holiday,again\n");
    assert_eq!(e.line, 4);
    assert!(e.reason.contains("twice") && e.reason.contains("line 2"), "{e}");
    let e = bad("2024-10-01,holiday,x\n");
    assert_eq!(e.line, 1);
    assert!(e.reason.contains("header"), "{e}");
    let e = bad("date,kind,note\n2024-10-08,workday,x\n");
    assert!(e.reason.contains("Tuesday"), "{e}");
    assert_eq!(bad("date,kind,note\n").line, 1);
    assert_eq!(bad("").line, 1);
    let e = bad("date,kind,note\n2024-10-01,holiday,a,b\n");
    assert!(e.reason.contains("found 4"), "{e}");
    assert_eq!(e.to_string(), format!("line 2: {}", e.reason));
}

#[test]
fn tolerated_forms_and_round_trip() {
    let text = "\u{feff}Date, Kind ,Note\r\n2024-10-05,holiday,\"National Day, weekend\"\r\n2024-10-12,Workday\r\n";
    let c = parse_csv(text).unwrap();
    assert!(!c.is_business_day(d("2024-10-05")).unwrap());
    assert!(c.is_business_day(d("2024-10-12")).unwrap());
    let back = parse_csv(&c.to_csv()).unwrap();
    assert_eq!(back, c);
    assert!(c.to_csv().contains("\"National Day, weekend\""));
    assert_eq!(parse_csv(&cal().to_csv()).unwrap(), cal());
}

#[test]
fn a_month_without_business_days_is_an_error_not_a_guess() {
    let mut text = String::from("date,kind,note\n");
    for day in 1..=31 {
        let date = format!("2024-08-{day:02}");
        if civil::weekday(d(&date)) <= 5 {
            text.push_str(&format!("{date},holiday,closed\n"));
        }
    }
    let c = parse_csv(&text).unwrap();
    let e = c.apply_rule(d("2024-08-15"), Rule::FirstOfMonth).unwrap_err();
    assert!(matches!(e, CalendarError::NoBusinessDay { .. }), "{e}");
    assert_eq!(Rule::parse("last_of_quarter"), Ok(Rule::LastOfQuarter));
    assert!(Rule::parse("end_of_month").unwrap_err().contains("first_of_month"));
}

#[test]
fn same_day_last_month_and_year_clamp_then_roll_back() {
    let on = |s: &str, r: Rule| Rule::same_day_before(r, d(s)).map(format_date);
    assert_eq!(on("2025-03-31", Rule::SameDayLastMonth).as_deref(), Some("2025-02-28"));
    assert_eq!(on("2024-03-31", Rule::SameDayLastMonth).as_deref(), Some("2024-02-29"), "leap year");
    assert_eq!(on("2024-05-31", Rule::SameDayLastMonth).as_deref(), Some("2024-04-30"));
    assert_eq!(on("2025-01-31", Rule::SameDayLastMonth).as_deref(), Some("2024-12-31"), "across the year");
    assert_eq!(on("2028-02-29", Rule::SameDayLastYear).as_deref(), Some("2027-02-28"));
    assert_eq!(on("2025-06-15", Rule::SameDayLastYear).as_deref(), Some("2024-06-15"));
    assert_eq!(on("2025-06-15", Rule::FirstOfMonth), None);

    let (m, y) = (Some(Rule::SameDayLastMonth), Some(Rule::SameDayLastYear));
    assert_eq!(at("2024-12-20", m, 0), "2024-11-20", "open: kept");
    assert_eq!(at("2024-11-05", m, 0), "2024-09-30", "National Day: the business day before");
    assert_eq!(at("2025-01-15", m, 0), "2024-12-13", "a Sunday: the Friday before");
    assert_eq!(at("2025-03-08", m, 0), "2025-02-08", "the make-up Saturday is open");
    assert_eq!(at("2025-03-31", m, 0), "2025-02-28");
    assert_eq!(at("2024-11-05", m, 1), "2024-10-08", "then the offset");
    assert_eq!(at("2025-10-03", y, 0), "2024-09-30");
    assert_eq!(at("2025-09-29", y, 0), "2024-09-29", "the make-up Sunday is open");
    assert_eq!(at("2025-01-31", y, -1), "2024-01-30");
    let e = cal().resolve(d("2024-06-30"), y, 0).unwrap_err();
    assert_eq!(e.missing_year(), Some(2023), "{e}");
    let e = cal().resolve(d("2024-01-10"), m, 0).unwrap_err();
    assert!(e.to_string().contains("2023"), "{e}");
    assert_eq!(Rule::parse("same_day_last_year"), Ok(Rule::SameDayLastYear));
    assert!(Rule::parse("x").unwrap_err().contains("same_day_last_month"));
}
