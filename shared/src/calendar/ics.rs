//! A calendar as iCalendar (RFC 5545): one all-day `VEVENT` per run of days.
//!
//! Reading (each broken rule an error naming the line and the reason):
//! - the text is a `VCALENDAR`, at most [`ICS_MAX_BYTES`]; folded lines (a line
//!   starting with a space or a tab continues the one before) are unfolded;
//! - each `VEVENT` has `DTSTART;VALUE=DATE:YYYYMMDD` (a date, not a date-time) and
//!   optionally `DTEND` (exclusive, so a one-day event ends the day after) or
//!   `DURATION:PnD`/`PnW`: every day of the range becomes an exception, a range at
//!   most [`MAX_RANGE_DAYS`] days long; recurring events (`RRULE`) are refused;
//! - the kind: `X-SLUICE-KIND:holiday|workday`, else a `CATEGORIES` value
//!   `HOLIDAY` or `WORKDAY` (any case), else `holiday` (the common public-holiday
//!   feed); the CSV file's rules apply (a `workday` on a day the week opens is an
//!   error; a date appears once);
//! - `SUMMARY` is the note (escapes `\,` `\;` `\\` `\n` read back; line breaks
//!   become spaces, the note is trimmed as in the CSV file);
//! - other properties and components (`VTIMEZONE`, `VALARM`, ...) are skipped.
//!
//! Writing joins consecutive days of one kind and one note into one event, so
//! `parse_ics(&cal.to_ics())` gives the calendar back.

use super::{Calendar, DayKind, Exception, MON_TO_FRI, civil};
use std::collections::BTreeMap;
use std::fmt;

/// The largest iCalendar text read: decades of holidays fit easily.
pub const ICS_MAX_BYTES: usize = 512 * 1024;
/// The longest range one event may cover.
pub const MAX_RANGE_DAYS: i32 = 366;

/// What is wrong with an iCalendar text, and on which line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsError {
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for IcsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// One content line after unfolding: where it started, its name (upper case),
/// its parameters' text and its value.
struct Prop {
    line: usize,
    name: String,
    params: String,
    value: String,
}

/// The event being read.
#[derive(Default)]
struct Event {
    line: usize,
    start: Option<(i32, usize)>,
    end: Option<(i32, usize)>,
    days: Option<(i32, usize)>,
    kind: Option<DayKind>,
    category: Option<DayKind>,
    note: String,
}

/// Reads an iCalendar text with the Monday-to-Friday week.
pub fn parse_ics(text: &str) -> Result<Calendar, IcsError> {
    parse_ics_with(text, MON_TO_FRI)
}

/// Reads an iCalendar text with the weekly pattern `open` (index 0 = Monday).
pub fn parse_ics_with(text: &str, open: [bool; 7]) -> Result<Calendar, IcsError> {
    let err = |line: usize, reason: String| IcsError { line, reason };
    if text.len() > ICS_MAX_BYTES {
        return Err(err(1, format!("the file is {} bytes; at most {ICS_MAX_BYTES} are read", text.len())));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().enumerate().find(|(_, l)| !l.trim().is_empty());
    if !first.is_some_and(|(_, l)| l.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR")) {
        return Err(err(first.map_or(1, |(i, _)| i + 1), "the file must begin with BEGIN:VCALENDAR".into()));
    }
    let props = unfold(text)?;
    let mut days = Days::default();
    let mut event: Option<Event> = None;
    // Components open inside the calendar (VEVENT and anything nested or beside it).
    let mut stack: Vec<String> = Vec::new();
    let mut closed = false;
    for p in &props[1..] {
        if closed {
            return Err(err(p.line, "text after END:VCALENDAR".into()));
        }
        let value = p.value.trim().to_ascii_uppercase();
        match p.name.as_str() {
            "BEGIN" => {
                if stack.is_empty() && value == "VEVENT" {
                    event = Some(Event { line: p.line, ..Event::default() });
                }
                stack.push(value);
            }
            "END" if stack.is_empty() && value == "VCALENDAR" => closed = true,
            "END" => match stack.pop() {
                Some(open_name) if open_name == value => {
                    if stack.is_empty()
                        && let Some(e) = event.take()
                    {
                        days.add(expand(e, &open, p.line)?)?;
                    }
                }
                other => {
                    let want = other.unwrap_or_else(|| "VCALENDAR".to_string());
                    return Err(err(p.line, format!("END:{} where END:{want} was expected", p.value.trim())));
                }
            },
            _ if stack.len() == 1 => {
                if let Some(e) = event.as_mut() {
                    read_prop(e, p)?;
                }
            }
            _ => {}
        }
    }
    if !closed {
        let last = props.last().map_or(1, |p| p.line);
        return Err(err(last, "the file ends without END:VCALENDAR".into()));
    }
    Calendar::new(open, days.exceptions)
        .ok_or_else(|| err(1, "the file has no events; its dates say which years the calendar covers".into()))
}

/// The days read so far, and the line each came from.
#[derive(Default)]
struct Days {
    exceptions: BTreeMap<i32, Exception>,
    lines: BTreeMap<i32, usize>,
}

impl Days {
    fn add(&mut self, event: Vec<(i32, Exception, usize)>) -> Result<(), IcsError> {
        for (day, ex, line) in event {
            if let Some(earlier) = self.lines.insert(day, line) {
                let reason = format!("{} is listed twice (also on line {earlier})", civil::format_date(day));
                return Err(IcsError { line, reason });
            }
            self.exceptions.insert(day, ex);
        }
        Ok(())
    }
}

/// Lines joined where folded; each property split into name, parameters, value.
fn unfold(text: &str) -> Result<Vec<Prop>, IcsError> {
    let mut joined: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t']) {
            match joined.last_mut() {
                Some((_, line)) => line.push_str(rest),
                None => return Err(IcsError { line: i + 1, reason: "a continuation line with no line before".into() }),
            }
        } else if !raw.trim().is_empty() {
            joined.push((i + 1, raw.to_string()));
        }
    }
    joined.into_iter().map(|(line, text)| split_prop(line, &text)).collect()
}

fn split_prop(line: usize, text: &str) -> Result<Prop, IcsError> {
    let mut quoted = false;
    let colon = text.char_indices().find(|&(_, c)| {
        if c == '"' {
            quoted = !quoted;
        }
        c == ':' && !quoted
    });
    let Some((at, _)) = colon else {
        return Err(IcsError { line, reason: format!("`{}` is not a property (NAME:value)", clip(text)) });
    };
    let head = &text[..at];
    let (name, params) = head.split_once(';').unwrap_or((head, ""));
    Ok(Prop {
        line,
        name: name.trim().to_ascii_uppercase(),
        params: params.to_string(),
        value: text[at + 1..].to_string(),
    })
}

fn clip(text: &str) -> String {
    let cut: String = text.chars().take(40).collect();
    if cut.len() < text.len() { format!("{cut}…") } else { cut }
}

fn read_prop(e: &mut Event, p: &Prop) -> Result<(), IcsError> {
    let err = |reason: String| IcsError { line: p.line, reason };
    match p.name.as_str() {
        "DTSTART" => e.start = Some((read_date(p)?, p.line)),
        "DTEND" => e.end = Some((read_date(p)?, p.line)),
        "DURATION" => e.days = Some((read_duration(p)?, p.line)),
        "SUMMARY" => e.note = unescape(&p.value).replace(['\n', '\r'], " ").trim().to_string(),
        "X-SLUICE-KIND" => {
            let v = p.value.trim().to_ascii_lowercase();
            e.kind =
                Some(DayKind::parse(&v).ok_or_else(|| err(format!("`{v}` is not a kind; use holiday or workday")))?);
        }
        "CATEGORIES" => {
            for c in p.value.split(',') {
                e.category = e.category.or_else(|| DayKind::parse(&c.trim().to_ascii_lowercase()));
            }
        }
        "RRULE" | "RDATE" => {
            return Err(err("recurring events are not read; list each date (or a DTSTART..DTEND range)".into()));
        }
        _ => {}
    }
    Ok(())
}

fn read_date(p: &Prop) -> Result<i32, IcsError> {
    let v = p.value.trim();
    let bad = |why: &str| IcsError { line: p.line, reason: format!("{}: `{}` {why}", p.name, clip(v)) };
    if v.contains('T') || p.params.to_ascii_uppercase().contains("VALUE=DATE-TIME") {
        return Err(bad("is a date-time; a business day is a whole day (DTSTART;VALUE=DATE:YYYYMMDD)"));
    }
    if v.len() != 8 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("is not a date (YYYYMMDD)"));
    }
    let (y, m, d) = (v[..4].parse().unwrap_or(0), v[4..6].parse().unwrap_or(0), v[6..].parse().unwrap_or(0));
    civil::days_from_civil(y, m, d).ok_or_else(|| bad("is not a day of the calendar"))
}

/// `DURATION:PnD` or `PnW` as days.
fn read_duration(p: &Prop) -> Result<i32, IcsError> {
    let v = p.value.trim().to_ascii_uppercase();
    let n = |s: &str| s.parse::<i32>().ok().filter(|n| (1..=MAX_RANGE_DAYS).contains(n));
    let days = match v.strip_prefix('P') {
        Some(rest) if rest.ends_with('D') => n(&rest[..rest.len() - 1]),
        Some(rest) if rest.ends_with('W') => n(&rest[..rest.len() - 1]).map(|w| w * 7),
        _ => None,
    };
    days.ok_or_else(|| IcsError {
        line: p.line,
        reason: format!("DURATION `{v}` is not a number of whole days or weeks (P3D, P1W)"),
    })
}

/// Every day of one event with its exception and the line that names it.
fn expand(e: Event, open: &[bool; 7], end_line: usize) -> Result<Vec<(i32, Exception, usize)>, IcsError> {
    let err = |line: usize, reason: String| IcsError { line, reason };
    let Some((start, line)) = e.start else {
        return Err(err(e.line, format!("the event (lines {}–{end_line}) has no DTSTART date", e.line)));
    };
    let (last, at) = match (e.end, e.days) {
        (Some(_), Some((_, l))) => return Err(err(l, "an event gives DTEND or DURATION, not both".into())),
        (Some((end, l)), None) if end <= start => {
            return Err(err(
                l,
                "DTEND must be after DTSTART (it is exclusive: a one-day event ends the next day)".into(),
            ));
        }
        (Some((end, l)), None) => (end - 1, l),
        (None, Some((n, l))) => (start + n - 1, l),
        (None, None) => (start, line),
    };
    if last - start >= MAX_RANGE_DAYS {
        return Err(err(at, format!("the event spans {} days; at most {MAX_RANGE_DAYS}", last - start + 1)));
    }
    let kind = e.kind.or(e.category).unwrap_or(DayKind::Holiday);
    let mut out = Vec::new();
    for day in start..=last {
        if kind == DayKind::Workday && open[civil::weekday(day) as usize - 1] {
            return Err(err(
                line,
                format!(
                    "{} is a {}, a business day already; `workday` is for a day the week closes (Saturday, Sunday)",
                    civil::format_date(day),
                    civil::weekday_name(day)
                ),
            ));
        }
        out.push((day, Exception { kind, note: e.note.clone() }, line));
    }
    Ok(out)
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | ',' | ';' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One content line folded at 75 octets (never inside a character), CRLF ended.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

fn ymd(day: i32) -> String {
    let (y, m, d) = civil::civil_from_days(day);
    format!("{y:04}{m:02}{d:02}")
}

impl Calendar {
    /// The calendar's exceptions as iCalendar (`parse_ics` reads it back): one
    /// all-day event per run of consecutive days of one kind and one note.
    pub fn to_ics(&self, name: &str) -> String {
        let mut out = String::new();
        for l in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Sluice//Business calendar//EN", "CALSCALE:GREGORIAN"] {
            push_line(&mut out, l);
        }
        push_line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
        let mut runs: Vec<(i32, i32, &Exception)> = Vec::new();
        for (day, e) in &self.exceptions {
            match runs.last_mut() {
                Some((start, end, last)) if *end + 1 == *day && *last == e && *day - *start < MAX_RANGE_DAYS => {
                    *end = *day
                }
                _ => runs.push((*day, *day, e)),
            }
        }
        for (start, end, e) in runs {
            let kind = e.kind.as_str();
            push_line(&mut out, "BEGIN:VEVENT");
            push_line(&mut out, &format!("UID:{}-{kind}@sluice", civil::format_date(start)));
            push_line(&mut out, &format!("DTSTAMP:{}T000000Z", ymd(start)));
            push_line(&mut out, &format!("DTSTART;VALUE=DATE:{}", ymd(start)));
            push_line(&mut out, &format!("DTEND;VALUE=DATE:{}", ymd(end + 1)));
            push_line(&mut out, &format!("SUMMARY:{}", escape(&e.note)));
            push_line(&mut out, &format!("CATEGORIES:{}", kind.to_ascii_uppercase()));
            push_line(&mut out, &format!("X-SLUICE-KIND:{kind}"));
            push_line(&mut out, "TRANSP:TRANSPARENT");
            push_line(&mut out, "END:VEVENT");
        }
        push_line(&mut out, "END:VCALENDAR");
        out
    }
}
