//! Numbers and dates the way each language reads them: `1,234.50` in both,
//! large amounts as `12.3万` / `4.5亿` in Chinese (the report formatter's 万/亿
//! scaling, reused) and `12.3K` / `450.0M` in English; dates `2026年11月29日`
//! or `2026-11-29`, as the user prefers.

use super::Lang;
use crate::calendar::civil;
use crate::report::{ColumnFormat, Scale};
use crate::report_format::format_f64;
use serde::{Deserialize, Serialize};

/// How a user wants dates written (their saved setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DateStyle {
    /// `2026-11-29`
    #[default]
    Iso,
    /// `2026年11月29日` in Chinese, `29 Nov 2026` in English.
    Long,
}

impl DateStyle {
    pub const ALL: [DateStyle; 2] = [DateStyle::Iso, DateStyle::Long];

    pub const fn as_str(self) -> &'static str {
        match self {
            DateStyle::Iso => "iso",
            DateStyle::Long => "long",
        }
    }

    /// The style a language uses until the user picks one.
    pub fn default_for(lang: Lang) -> DateStyle {
        match lang {
            Lang::ZhCn => DateStyle::Long,
            Lang::En => DateStyle::Iso,
        }
    }
}

/// `v` with thousands separators and `decimals` digits after the point:
/// `1234.5` with 2 → `1,234.50`.
pub fn number(v: f64, decimals: u8) -> String {
    format_f64(v, &ColumnFormat { decimals: Some(decimals), thousands: true, percent: false, scale: None })
}

/// A large amount in few characters: Chinese `12.3万`, `4.5亿`; English
/// `12.3K`, `4.5M`, `4.5B`; below ten thousand the number itself.
pub fn compact(lang: Lang, v: f64) -> String {
    let a = v.abs();
    if a < 10_000.0 || !v.is_finite() {
        let decimals = if v.fract() == 0.0 { 0 } else { 2 };
        return number(v, decimals);
    }
    let one = |scale| format_f64(v, &ColumnFormat { decimals: Some(1), thousands: true, percent: false, scale });
    match lang {
        Lang::ZhCn if a >= 1e8 => one(Some(Scale::Yi)),
        Lang::ZhCn => one(Some(Scale::Wan)),
        Lang::En => {
            let (div, suffix) = if a >= 1e9 {
                (1e9, "B")
            } else if a >= 1e6 {
                (1e6, "M")
            } else {
                (1e3, "K")
            };
            format!("{}{suffix}", number(v / div, 1))
        }
    }
}

/// A date given as days since 1970-01-01 in `style`.
pub fn date(lang: Lang, style: DateStyle, days: i32) -> String {
    let (y, m, d) = civil::civil_from_days(days);
    match (style, lang) {
        (DateStyle::Iso, _) => civil::format_date(days),
        (DateStyle::Long, Lang::ZhCn) => format!("{y}年{m}月{d}日"),
        (DateStyle::Long, Lang::En) => {
            const MONTHS: [&str; 12] =
                ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
            format!("{d} {} {y}", MONTHS[(m as usize).clamp(1, 12) - 1])
        }
    }
}

/// A `YYYY-MM-DD` text in `style`; text that is not a date comes back unchanged.
pub fn date_text(lang: Lang, style: DateStyle, text: &str) -> String {
    match civil::parse_date(text) {
        Some(days) => date(lang, style, days),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number(1234.5, 2), "1,234.50");
        assert_eq!(number(-1234567.0, 0), "-1,234,567");
        assert_eq!(compact(Lang::ZhCn, 123_000.0), "12.3万");
        assert_eq!(compact(Lang::ZhCn, 450_000_000.0), "4.5亿");
        assert_eq!(compact(Lang::ZhCn, 9_999.0), "9,999");
        assert_eq!(compact(Lang::ZhCn, 1234.5), "1,234.50");
        assert_eq!(compact(Lang::En, 123_000.0), "123.0K");
        assert_eq!(compact(Lang::En, 4_500_000_000.0), "4.5B");
        assert_eq!(compact(Lang::En, -12_345_678.0), "-12.3M");
    }

    #[test]
    fn dates() {
        let d = civil::parse_date("2026-11-29").unwrap();
        assert_eq!(date(Lang::ZhCn, DateStyle::Long, d), "2026年11月29日");
        assert_eq!(date(Lang::ZhCn, DateStyle::Iso, d), "2026-11-29");
        assert_eq!(date(Lang::En, DateStyle::Long, d), "29 Nov 2026");
        assert_eq!(date_text(Lang::ZhCn, DateStyle::Long, "2026-01-05"), "2026年1月5日");
        assert_eq!(date_text(Lang::ZhCn, DateStyle::Long, "not a date"), "not a date");
        assert_eq!(DateStyle::default_for(Lang::ZhCn), DateStyle::Long);
    }
}
