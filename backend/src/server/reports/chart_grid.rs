//! The pictures of the `table` and `pivot` kinds: no axes, a grid of text.
//! `table` draws the report's rows as they are (every column, formatted as the
//! report's `format` says); `pivot` a cross-tab: `x` values down the side,
//! the `series` values (or, without `series`, the measures) across, and in
//! each cell the measure summed over the rows of that pair. Numbers stand
//! right-aligned; the header is bold on grey and every other row is shaded,
//! so a greyscale print reads the same. Rows and columns past what fits on
//! the picture are left out and a line under the grid says how many.

use super::chart::{ChartData, HEIGHT, WIDTH, esc};
use serde_json::Value;
use sluice_shared::config::ReportSink;
use sluice_shared::report::ColumnFormat;
use sluice_shared::report_format::{format_cell, format_f64};
use sluice_shared::{DataType, Field};
use std::fmt::Write;

/// Text laid out in rows and columns, already formatted.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    pub headers: Vec<String>,
    /// Right-aligned columns (numbers).
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
    /// Rows of the data in all (more than `rows` when some did not fit).
    pub total_rows: usize,
    /// Columns of the data in all.
    pub total_columns: usize,
}

pub const MARGIN: f64 = 24.0;
const TOP: f64 = 48.0;
const ROW: f64 = 22.0;
/// Rows of data a picture holds (under the header, above the note).
pub const MAX_GRID_ROWS: usize = 14;
/// Columns a picture holds.
pub const MAX_GRID_COLUMNS: usize = 8;

/// A `table` report's grid: its first rows, every column (up to the limit).
pub fn table(cfg: &ReportSink, columns: &[Field], rows: &[Vec<Value>]) -> Grid {
    let shown = &columns[..columns.len().min(MAX_GRID_COLUMNS)];
    let cells = rows
        .iter()
        .take(MAX_GRID_ROWS)
        .map(|r| {
            shown
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    format_cell(r.get(i).unwrap_or(&Value::Null), &cfg.format.get(&c.name).cloned().unwrap_or_default())
                })
                .collect()
        })
        .collect();
    Grid {
        headers: shown.iter().map(|c| c.name.clone()).collect(),
        numeric: shown.iter().map(|c| c.ty.is_some_and(DataType::is_numeric)).collect(),
        rows: cells,
        total_rows: rows.len(),
        total_columns: columns.len(),
    }
}

/// A `pivot` report's cross-tab, from the chart's categories and series:
/// cells in the measure's format (each measure its own when they stand across).
pub fn crosstab(d: &ChartData, cfg: &ReportSink) -> Grid {
    let across = &d.series[..d.series.len().min(MAX_GRID_COLUMNS - 1)];
    let plain = ColumnFormat::default();
    let mut headers = vec![d.x_label.clone()];
    headers.extend(across.iter().map(|s| s.0.clone()));
    let rows = d
        .categories
        .iter()
        .enumerate()
        .take(MAX_GRID_ROWS)
        .map(|(ci, c)| {
            let mut r = vec![c.clone()];
            r.extend(across.iter().map(|s| {
                let f = if cfg.series.is_none() { cfg.format.get(&s.0).unwrap_or(&plain) } else { &d.format };
                format_f64(s.1[ci], f)
            }));
            r
        })
        .collect();
    let mut numeric = vec![false];
    numeric.extend(across.iter().map(|_| true));
    Grid { headers, numeric, rows, total_rows: d.categories.len(), total_columns: d.series.len() + 1 }
}

/// Cuts text to about `width` px (a character of 12 px text is ~7 px wide;
/// a CJK one ~12 px).
fn fit(s: &str, width: f64) -> String {
    let px = |c: char| if c.is_ascii() { 7.0 } else { 12.0 };
    if s.chars().map(px).sum::<f64>() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 7.0;
    for c in s.chars() {
        if used + px(c) > width {
            break;
        }
        used += px(c);
        out.push(c);
    }
    out.push('…');
    out
}

/// Draws `g` under the title.
pub fn draw(s: &mut String, g: &Grid) {
    let n = g.headers.len().max(1);
    let w = (WIDTH - 2.0 * MARGIN) / n as f64;
    let at = |i: usize| MARGIN + i as f64 * w;
    let _ = write!(
        s,
        r##"<rect x="{MARGIN}" y="{TOP}" width="{:.1}" height="{ROW}" fill="#d9d9d9"/>"##,
        WIDTH - 2.0 * MARGIN
    );
    for (ri, _) in g.rows.iter().enumerate().filter(|(i, _)| i % 2 == 1) {
        let y = TOP + ROW * (ri + 1) as f64;
        let _ = write!(
            s,
            r##"<rect x="{MARGIN}" y="{y:.1}" width="{:.1}" height="{ROW}" fill="#f2f2f2"/>"##,
            WIDTH - 2.0 * MARGIN
        );
    }
    let cell = |s: &mut String, i: usize, y: f64, text: &str, bold: bool| {
        let (x, anchor) =
            if g.numeric.get(i).copied().unwrap_or(false) { (at(i) + w - 6.0, "end") } else { (at(i) + 6.0, "start") };
        let weight = if bold { r#" font-weight="bold""# } else { "" };
        let _ = write!(
            s,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="{anchor}"{weight}>{}</text>"#,
            y + 15.0,
            esc(&fit(text, w - 12.0))
        );
    };
    for (i, h) in g.headers.iter().enumerate() {
        cell(s, i, TOP, h, true);
    }
    for (ri, r) in g.rows.iter().enumerate() {
        for (i, v) in r.iter().enumerate() {
            cell(s, i, TOP + ROW * (ri + 1) as f64, v, false);
        }
    }
    let bottom = TOP + ROW * (g.rows.len() + 1) as f64;
    for ri in 0..=g.rows.len() + 1 {
        let y = TOP + ROW * ri as f64;
        let stroke = if ri == 1 { "#333333" } else { "#bbbbbb" };
        let _ =
            write!(s, r#"<line x1="{MARGIN}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{stroke}"/>"#, WIDTH - MARGIN);
    }
    for i in 0..=n {
        let x = at(i);
        let _ = write!(s, r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{bottom:.1}" stroke="#bbbbbb"/>"##);
    }
    let (more_rows, more_cols) = (g.total_rows.saturating_sub(g.rows.len()), g.total_columns.saturating_sub(n));
    if more_rows + more_cols > 0 {
        let note = match (more_rows, more_cols) {
            (r, 0) => format!("(+{r} more rows not shown)"),
            (0, c) => format!("(+{c} more columns not shown)"),
            (r, c) => format!("(+{r} more rows and {c} more columns not shown)"),
        };
        let y = (bottom + 18.0).min(HEIGHT - 8.0);
        let _ = write!(s, r##"<text x="{MARGIN}" y="{y:.1}" fill="#555555">{}</text>"##, esc(&note));
    }
}
