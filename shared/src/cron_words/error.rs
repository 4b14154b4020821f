//! What is wrong with a cron expression, in either language: the mistake is
//! kept as data (which field, which text) and written out from the catalogue's
//! `cron.error.*` texts; `Display` is the English one (the server's message).

use crate::i18n::{Lang, fill, t};
use std::fmt;

/// A field of a cron expression, by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CronField {
    Minute,
    Hour,
    Day,
    Month,
    Weekday,
}

impl CronField {
    pub const ALL: [CronField; 5] =
        [CronField::Minute, CronField::Hour, CronField::Day, CronField::Month, CronField::Weekday];

    /// The field's name in `lang` ("day of the month", "日").
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            CronField::Minute => t(lang, "cron.field.minute"),
            CronField::Hour => t(lang, "cron.field.hour"),
            CronField::Day => t(lang, "cron.field.day"),
            CronField::Month => t(lang, "cron.field.month"),
            CronField::Weekday => t(lang, "cron.field.weekday"),
        }
    }
}

/// One mistake in a cron expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CronError {
    Empty,
    /// Not five fields: the text and how many it has.
    FieldCount {
        text: String,
        count: usize,
    },
    /// Neither a number nor a name; `example` is a name the field accepts.
    NotNumber {
        field: CronField,
        text: String,
        example: Option<&'static str>,
    },
    OutOfRange {
        field: CronField,
        value: u32,
        min: u32,
        max: u32,
    },
    EmptyItem {
        field: CronField,
        text: String,
    },
    BadStep {
        field: CronField,
        text: String,
    },
    Backwards {
        field: CronField,
        range: String,
    },
}

impl CronError {
    /// The sentence in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            CronError::Empty => t(lang, "cron.error.empty").to_string(),
            CronError::FieldCount { text, count } => {
                fill(lang, "cron.error.field_count", &[("text", text), ("count", &count.to_string())])
            }
            CronError::NotNumber { field, text, example: None } => {
                fill(lang, "cron.error.not_number", &[("field", field.name(lang)), ("text", text)])
            }
            CronError::NotNumber { field, text, example: Some(name) } => {
                let params = [("field", field.name(lang)), ("text", text.as_str()), ("example", *name)];
                fill(lang, "cron.error.not_number_or_name", &params)
            }
            CronError::OutOfRange { field, value, min, max } => {
                let (value, min, max) = (value.to_string(), min.to_string(), max.to_string());
                let params = [("field", field.name(lang)), ("value", &value), ("min", &min), ("max", &max)];
                fill(lang, "cron.error.out_of_range", &params)
            }
            CronError::EmptyItem { field, text } => {
                fill(lang, "cron.error.empty_item", &[("field", field.name(lang)), ("text", text)])
            }
            CronError::BadStep { field, text } => {
                fill(lang, "cron.error.bad_step", &[("field", field.name(lang)), ("text", text)])
            }
            CronError::Backwards { field, range } => {
                fill(lang, "cron.error.backwards", &[("field", field.name(lang)), ("range", range)])
            }
        }
    }
}

impl fmt::Display for CronError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for CronError {}
