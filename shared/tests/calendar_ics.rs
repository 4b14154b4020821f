//! iCalendar import and export of business calendars: what is written reads back
//! equal, common feeds read, and every mistake names its line.

use proptest::prelude::*;
use sluice_shared::calendar::{
    Calendar, DayKind, Exception, ICS_MAX_BYTES, MON_TO_FRI, civil, format_date, parse_csv, parse_date, parse_ics,
    parse_ics_with,
};
use std::collections::BTreeMap;

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
2025-01-01,holiday,\"New Year's Day; 元旦, a long note that has to be folded over more than one line of the file\"
";

fn d(s: &str) -> i32 {
    parse_date(s).unwrap()
}

fn wrap(events: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n")
}

fn bad(text: &str) -> (usize, String) {
    let e = parse_ics(text).unwrap_err();
    assert_eq!(e.to_string(), format!("line {}: {}", e.line, e.reason));
    (e.line, e.reason)
}

#[test]
fn export_reads_back_equal_with_ranges_joined_and_lines_folded() {
    let cal = parse_csv(CN).unwrap();
    let ics = cal.to_ics("cn");
    assert_eq!(parse_ics(&ics).unwrap(), cal);
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 4, "National Day is one event: {ics}");
    assert!(ics.contains("DTSTART;VALUE=DATE:20241001\r\nDTEND;VALUE=DATE:20241008\r\n"), "{ics}");
    assert!(ics.contains("X-SLUICE-KIND:workday") && ics.contains("CATEGORIES:HOLIDAY"));
    assert!(ics.contains("SUMMARY:New Year's Day\\; 元旦\\, a long"), "escaped: {ics}");
    assert!(ics.split("\r\n").all(|l| l.len() <= 75), "folded at 75 octets");
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    let back = parse_ics(&ics).unwrap();
    assert_eq!(back.exceptions()[&d("2025-01-01")].note, cal.exceptions()[&d("2025-01-01")].note);
    assert_eq!(parse_csv(&back.to_csv()).unwrap(), cal, "and on to the CSV file");
}

#[test]
fn common_feeds_read() {
    // A public-holiday feed: no kind (holiday), DTEND exclusive, LF endings, an alarm,
    // a time zone, a folded SUMMARY, DURATION in weeks.
    let text = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTIMEZONE\nTZID:Asia/Shanghai\nEND:VTIMEZONE\n\
        BEGIN:VEVENT\nDTSTART;VALUE=DATE:20251001\nDTEND;VALUE=DATE:20251009\nSUMMARY:国庆节\n\
        BEGIN:VALARM\nTRIGGER:-PT15M\nSUMMARY:not the note\nEND:VALARM\nEND:VEVENT\n\
        BEGIN:VEVENT\nDTSTART:20250928\nSUMMARY:Make-up\n  day\nCATEGORIES:Work,WORKDAY\nEND:VEVENT\n\
        BEGIN:VEVENT\nDTSTART;VALUE=DATE:20251011\nX-SLUICE-KIND:WORKDAY\nEND:VEVENT\n\
        BEGIN:VEVENT\nDTSTART;VALUE=DATE:20250707\nDURATION:P1W\nEND:VEVENT\nEND:VCALENDAR\n";
    let cal = parse_ics(text).unwrap();
    let ex = cal.exceptions();
    assert_eq!(ex.len(), 8 + 1 + 1 + 7);
    assert_eq!(ex[&d("2025-10-08")], Exception { kind: DayKind::Holiday, note: "国庆节".into() });
    assert!(!ex.contains_key(&d("2025-10-09")), "DTEND is exclusive");
    assert_eq!(ex[&d("2025-09-28")], Exception { kind: DayKind::Workday, note: "Make-up day".into() });
    assert_eq!(ex[&d("2025-10-11")].kind, DayKind::Workday);
    assert!(ex.contains_key(&d("2025-07-13")) && !ex.contains_key(&d("2025-07-14")));
    assert!(cal.is_business_day(d("2025-10-11")).unwrap() && !cal.is_business_day(d("2025-10-03")).unwrap());
}

#[test]
fn mistakes_name_the_line() {
    let ev = |body: &str| wrap(&format!("BEGIN:VEVENT\r\n{body}END:VEVENT\r\n"));
    let (line, why) = bad(&ev("SUMMARY:no date\r\n"));
    assert_eq!(line, 4);
    assert!(why.contains("no DTSTART"), "{why}");
    let (line, why) = bad(&ev("SUMMARY:x\r\nDTSTART:20241001T090000Z\r\n"));
    assert_eq!(line, 6);
    assert!(why.contains("date-time"), "{why}");
    assert!(bad(&ev("DTSTART;VALUE=DATE:20240230\r\n")).1.contains("20240230"));
    assert!(bad(&ev("DTSTART;VALUE=DATE:2024-10-01\r\n")).1.contains("YYYYMMDD"));
    let (line, why) = bad(&ev("DTSTART;VALUE=DATE:20241001\r\nDTEND;VALUE=DATE:20241001\r\n"));
    assert_eq!((line, why.contains("after DTSTART")), (6, true), "{why}");
    let (line, why) = bad(&ev("DTSTART;VALUE=DATE:20241001\r\nRRULE:FREQ=YEARLY\r\n"));
    assert_eq!((line, why.contains("recurring")), (6, true), "{why}");
    let (_, why) = bad(&ev("DTSTART;VALUE=DATE:20240101\r\nDTEND;VALUE=DATE:20260101\r\n"));
    assert!(why.contains("731 days"), "{why}");
    let (line, why) = bad(&ev("DTSTART;VALUE=DATE:20241008\r\nX-SLUICE-KIND:workday\r\n"));
    assert_eq!((line, why.contains("Tuesday")), (5, true), "{why}");
    assert!(bad(&ev("DTSTART;VALUE=DATE:20241008\r\nX-SLUICE-KIND:feast\r\n")).1.contains("feast"));
    assert!(bad(&ev("DTSTART;VALUE=DATE:20241008\r\nDURATION:PT1H\r\n")).1.contains("DURATION"));
    let twice = wrap(
        "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20241001\r\nDTEND;VALUE=DATE:20241004\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20241003\r\nEND:VEVENT\r\n",
    );
    let (line, why) = bad(&twice);
    assert_eq!((line, why.contains("2024-10-03 is listed twice (also on line 5)")), (9, true), "{why}");
    assert_eq!(bad("").0, 1);
    assert!(bad("date,kind,note\n2024-10-01,holiday,\n").1.contains("BEGIN:VCALENDAR"));
    assert!(bad(&wrap("")).1.contains("no events"));
    assert!(bad("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20241001\r\nEND:VEVENT\r\n").1.contains("END:VCALENDAR"));
    assert!(bad("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VTODO\r\nEND:VCALENDAR\r\n").1.contains("END:VEVENT"));
    assert_eq!(bad("BEGIN:VCALENDAR\r\nno colon here\r\nEND:VCALENDAR\r\n").0, 2);
    assert_eq!(bad(" BEGIN:VCALENDAR\r\n").0, 1);
    let huge = wrap(&"X-PAD:".repeat(ICS_MAX_BYTES / 6 + 1));
    assert!(bad(&huge).1.contains("at most"), "size-limited");
}

#[test]
fn another_week_pattern_decides_what_a_workday_may_be() {
    let six_days = [true, true, true, true, true, true, false];
    let text = wrap("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20241005\r\nX-SLUICE-KIND:workday\r\nEND:VEVENT\r\n");
    assert!(parse_ics_with(&text, six_days).is_err(), "Saturday is open already");
    let sunday = text.replace("20241005", "20241006");
    assert!(parse_ics_with(&sunday, six_days).unwrap().is_business_day(d("2024-10-06")).unwrap());
}

/// Random calendars over 2020–2025: holidays on any day, workdays on weekends, notes
/// with the characters iCalendar escapes, runs of equal days.
fn calendar() -> impl Strategy<Value = Calendar> {
    let note = prop::sample::select(vec!["", "National Day", "a, b; c\\d", "春节 — 调休", "x"]);
    let base = d("2020-01-01");
    prop::collection::btree_map(0..366 * 6, (any::<bool>(), note), 1..150).prop_map(move |days| {
        let mut ex = BTreeMap::new();
        for (off, (work, note)) in days {
            let day = base + off;
            let weekend = civil::weekday(day) >= 6;
            let kind = if work && weekend { DayKind::Workday } else { DayKind::Holiday };
            ex.insert(day, Exception { kind, note: note.to_string() });
        }
        Calendar::new(MON_TO_FRI, ex).unwrap()
    })
}

proptest! {
    #[test]
    fn ics_round_trips(cal in calendar()) {
        let ics = cal.to_ics("random");
        let back = parse_ics(&ics).map_err(|e| TestCaseError::fail(format!("{e}\n{ics}")))?;
        prop_assert_eq!(back, cal);
    }

    #[test]
    fn parse_never_panics(text in "(BEGIN:VCALENDAR\r\n)?(BEGIN:VEVENT\r\n|DTSTART;VALUE=DATE:2024100[0-9]\r\n|DTEND:20241[0-9]{3}\r\n|END:VEVENT\r\n|[ A-Z:;=,\\\\\r\n0-9]{0,20})*(END:VCALENDAR)?") {
        let _ = parse_ics(&text);
    }
}

#[test]
fn dates_print_as_the_csv_does() {
    let cal = parse_ics(&wrap("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20240229\r\nEND:VEVENT\r\n")).unwrap();
    assert_eq!(cal.exceptions().keys().map(|d| format_date(*d)).collect::<Vec<_>>(), ["2024-02-29"]);
}
