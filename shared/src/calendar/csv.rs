//! The calendar file: CSV `date,kind,note` with that header.
//!
//! Rules (each broken one is an error naming the line and the reason):
//! - the first line is the header `date,kind,note` (a UTF-8 byte order mark, spaces
//!   around names and letter case are tolerated); blank lines are skipped;
//! - each row has a `YYYY-MM-DD` date, a kind `holiday` or `workday`, and an
//!   optional note (quote it when it holds a comma: `"Spring Festival, day 1"`);
//! - a date appears once;
//! - `workday` must fall on a day the weekly pattern closes (Saturday or Sunday by
//!   default): on a weekday it would change nothing and is most likely a typo;
//! - `holiday` may fall on a weekend: published holiday spans (National Day,
//!   1–7 October) include their weekend days, and keeping them keeps the note.
//! - at least one row: the rows say which years the calendar covers.

use super::{Calendar, DayKind, Exception, MON_TO_FRI, civil};
use std::collections::BTreeMap;
use std::fmt;

/// What is wrong with a calendar file, and on which line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Reads a calendar file with the Monday-to-Friday week.
pub fn parse_csv(text: &str) -> Result<Calendar, CsvError> {
    parse_csv_with(text, MON_TO_FRI)
}

/// Reads a calendar file with the weekly pattern `open` (index 0 = Monday).
pub fn parse_csv_with(text: &str, open: [bool; 7]) -> Result<Calendar, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let err = |line: usize, reason: String| CsvError { line, reason };
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let header = lines.next().map(|(_, l)| l).unwrap_or("");
    let names: Vec<String> = split_fields(header).map_err(|e| err(1, e))?;
    let names: Vec<String> = names.iter().map(|n| n.trim().to_ascii_lowercase()).collect();
    if names != ["date", "kind", "note"] {
        return Err(err(1, format!("the header must be `date,kind,note`, found `{}`", header.trim())));
    }
    let mut exceptions = BTreeMap::new();
    let mut first_line: BTreeMap<i32, usize> = BTreeMap::new();
    for (n, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let (day, exception) = parse_row(line, &open).map_err(|e| err(n, e))?;
        if let Some(earlier) = first_line.insert(day, n) {
            return Err(err(n, format!("{} is listed twice (also on line {earlier})", civil::format_date(day))));
        }
        exceptions.insert(day, exception);
    }
    Calendar::new(open, exceptions)
        .ok_or_else(|| err(1, "the file lists no dates; its rows say which years the calendar covers".to_string()))
}

fn parse_row(line: &str, open: &[bool; 7]) -> Result<(i32, Exception), String> {
    let fields = split_fields(line)?;
    if !(2..=3).contains(&fields.len()) {
        return Err(format!(
            "expected the fields date,kind,note, found {} (quote a note that holds a comma)",
            fields.len()
        ));
    }
    let date = fields[0].trim();
    let day = civil::parse_date(date).ok_or_else(|| format!("`{date}` is not a date (YYYY-MM-DD)"))?;
    let kind_text = fields[1].trim();
    let kind = DayKind::parse(&kind_text.to_ascii_lowercase())
        .ok_or_else(|| format!("`{kind_text}` is not a kind; use holiday or workday"))?;
    if kind == DayKind::Workday && open[civil::weekday(day) as usize - 1] {
        return Err(format!(
            "{date} is a {}, a business day already; `workday` is for a day the week closes (Saturday, Sunday)",
            civil::weekday_name(day)
        ));
    }
    let note = fields.get(2).map(|n| n.trim().to_string()).unwrap_or_default();
    Ok((day, Exception { kind, note }))
}

/// Splits one CSV line: fields separated by commas, `"..."` quoting with `""`
/// for a quote inside.
fn split_fields(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() && !was_quoted => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            (false, ',') => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            (false, '"') => return Err("a quote in the middle of a field".to_string()),
            (false, c) if was_quoted && !c.is_whitespace() => {
                return Err("text after a closing quote".to_string());
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quote that is never closed".to_string());
    }
    fields.push(field);
    Ok(fields)
}

fn quote(note: &str) -> String {
    let note = &note.replace(['\n', '\r'], " ");
    if note.contains([',', '"']) || note.trim() != note {
        format!("\"{}\"", note.replace('"', "\"\""))
    } else {
        note.to_string()
    }
}

impl Calendar {
    /// The calendar file for this calendar's exceptions (`parse_csv` reads it back).
    pub fn to_csv(&self) -> String {
        let mut out = String::from("date,kind,note\n");
        for (day, e) in &self.exceptions {
            out.push_str(&format!("{},{},{}\n", civil::format_date(*day), e.kind.as_str(), quote(&e.note)));
        }
        out
    }
}
