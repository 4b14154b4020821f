//! Report charts drawn on the server as SVG, by hand: a few hundred lines of
//! text output instead of a chart crate (plotters' SVG backend or charts-rs
//! would add compile time for little we need), and the browser's bundle does
//! not grow. Bars, lines, areas, pies and a KPI figure, with a title, axis
//! labels, a legend, and series told apart without colour: each series has
//! its own lightness, bars and slices a pattern (solid, hatch, dots, cross),
//! lines a dash and a marker shape, so a greyscale print still reads.
//!
//! `table` and `pivot` are drawn as a grid of text (`chart_grid`).
//!
//! Output is deterministic (numbers with one decimal), so the picture tests
//! compare it with committed references within a tolerance.

use super::chart_grid::{self, Grid};
use serde_json::Value;
use sluice_shared::config::{ChartKind, ReportSink};
use sluice_shared::report::ColumnFormat;
use sluice_shared::report_format::format_f64;
use sluice_shared::{DataType, Field};
use std::fmt::Write;

pub const WIDTH: f64 = 720.0;
pub const HEIGHT: f64 = 400.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 170.0;
const TOP: f64 = 48.0;
const BOTTOM: f64 = 64.0;
/// Categories (bars, slices) drawn at most; points on a line at most.
pub const MAX_CATEGORIES: usize = 60;
pub const MAX_POINTS: usize = 1000;
/// Series drawn at most (the rest are left out and the legend says so).
pub const MAX_SERIES: usize = 6;

/// Dark to light, so neighbours differ in greyscale too.
const PALETTE: [&str; MAX_SERIES] = ["#1b365d", "#e07b24", "#5b9bd5", "#7f2a4a", "#b5c94c", "#555555"];

/// What a chart shows: categories along x and one or more named series.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    pub title: String,
    pub kind: ChartKind,
    pub x_label: String,
    pub y_label: String,
    pub categories: Vec<String>,
    pub series: Vec<(String, Vec<f64>)>,
    pub format: ColumnFormat,
    /// Series or categories left out past the limits.
    pub clipped: bool,
    /// `table` and `pivot`: the text drawn instead of marks.
    pub grid: Option<Grid>,
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap_or(0.0),
        Value::String(s) => s.parse().unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Null => 0.0,
        other => other.to_string().parse().unwrap_or(0.0),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Picks x, measures and series from the report's config (or, where it says
/// nothing, the first column as x and the numeric columns as measures).
pub fn data(cfg: &ReportSink, columns: &[Field], rows: &[Vec<Value>]) -> ChartData {
    let idx = |name: &str| columns.iter().position(|c| c.name == name);
    let x = cfg.x.as_deref().and_then(idx).unwrap_or(0);
    let numeric = |i: &usize| columns[*i].ty.is_some_and(DataType::is_numeric) && *i != x;
    let measures: Vec<usize> = match &cfg.y {
        Some(y) => y.columns().into_iter().filter_map(idx).collect(),
        None => (0..columns.len()).filter(numeric).collect(),
    };
    let series_col = cfg.series.as_deref().and_then(idx);
    let limit = if matches!(cfg.chart, ChartKind::Line | ChartKind::Area) { MAX_POINTS } else { MAX_CATEGORIES };
    let mut categories: Vec<String> = Vec::new();
    let mut series: Vec<(String, Vec<f64>)> = Vec::new();
    let mut clipped = false;
    for row in rows {
        let cat = row.get(x).map(text).unwrap_or_default();
        let ci = match categories.iter().position(|c| *c == cat) {
            Some(i) => i,
            None if categories.len() < limit => {
                categories.push(cat);
                series.iter_mut().for_each(|s| s.1.push(0.0));
                categories.len() - 1
            }
            None => {
                clipped = true;
                continue;
            }
        };
        let named: Vec<(String, f64)> = match series_col {
            Some(s) => measures.first().map(|m| (text(&row[s]), num(&row[*m]))).into_iter().collect(),
            None => measures.iter().map(|m| (columns[*m].name.clone(), num(&row[*m]))).collect(),
        };
        for (name, v) in named {
            let si = match series.iter().position(|s| s.0 == name) {
                Some(i) => i,
                None if series.len() < MAX_SERIES => {
                    series.push((name, vec![0.0; categories.len()]));
                    series.len() - 1
                }
                None => {
                    clipped = true;
                    continue;
                }
            };
            series[si].1[ci] += v;
        }
    }
    let first = measures.first().map(|m| columns[*m].name.clone()).unwrap_or_default();
    let mut d = ChartData {
        title: cfg.title.clone(),
        kind: cfg.chart,
        x_label: columns.get(x).map(|c| c.name.clone()).unwrap_or_default(),
        format: cfg.format.get(&first).cloned().unwrap_or_default(),
        y_label: if measures.len() == 1 || series_col.is_some() { first } else { String::new() },
        categories,
        series,
        clipped,
        grid: None,
    };
    d.grid = match cfg.chart {
        ChartKind::Table => Some(chart_grid::table(cfg, columns, rows)),
        ChartKind::Pivot => Some(chart_grid::crosstab(&d, cfg)),
        _ => None,
    };
    d
}

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

/// The chart as an SVG document.
pub fn svg(d: &ChartData) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, Noto Sans CJK SC, sans-serif" font-size="12">"#
    );
    s.push_str(&patterns());
    let _ = write!(s, r##"<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##);
    let left = if d.grid.is_some() { chart_grid::MARGIN } else { LEFT };
    let _ = write!(s, r#"<text x="{}" y="28" font-size="16" font-weight="bold">{}</text>"#, left, esc(&d.title));
    if let Some(g) = d.grid.as_ref().filter(|g| !g.rows.is_empty()) {
        chart_grid::draw(&mut s, g);
    } else if d.series.is_empty() || d.categories.is_empty() || d.grid.is_some() {
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" text-anchor="middle" fill="#555555">No rows to draw</text>"##,
            WIDTH / 2.0,
            HEIGHT / 2.0
        );
    } else {
        match d.kind {
            ChartKind::Pie => super::chart_shapes::pie(&mut s, d),
            ChartKind::Kpi => super::chart_shapes::kpi(&mut s, d),
            ChartKind::Line | ChartKind::Area => super::chart_shapes::lines(&mut s, d),
            _ => super::chart_shapes::bars(&mut s, d),
        }
        legend(&mut s, d);
    }
    s.push_str("</svg>\n");
    s
}

/// Fill patterns per series: solid, hatch, dots, cross-hatch, back-hatch, grid.
fn patterns() -> String {
    let mut s = String::from("<defs>");
    for (i, c) in PALETTE.iter().enumerate() {
        let mark = match i {
            1 => r##"<path d="M0,8 L8,0" stroke="#ffffff" stroke-width="2"/>"##,
            2 => r##"<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>"##,
            3 => r##"<path d="M0,8 L8,0 M0,0 L8,8" stroke="#ffffff" stroke-width="1.5"/>"##,
            4 => r##"<path d="M0,0 L8,8" stroke="#ffffff" stroke-width="2"/>"##,
            5 => r##"<path d="M4,0 L4,8 M0,4 L8,4" stroke="#ffffff" stroke-width="1.5"/>"##,
            _ => "",
        };
        let _ = write!(
            s,
            r#"<pattern id="p{i}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="{c}"/>{mark}</pattern>"#
        );
    }
    s.push_str("</defs>");
    s
}

pub(crate) fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// The plot area: (x0, y0, width, height).
pub(crate) fn area() -> (f64, f64, f64, f64) {
    (LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM)
}

fn legend(s: &mut String, d: &ChartData) {
    let x = WIDTH - RIGHT + 16.0;
    let names: Vec<String> = match d.kind {
        ChartKind::Pie => d.categories.iter().take(MAX_SERIES * 2).cloned().collect(),
        ChartKind::Kpi => return,
        _ => d.series.iter().map(|s| s.0.clone()).collect(),
    };
    for (i, name) in names.iter().enumerate() {
        let y = TOP + 8.0 + i as f64 * 22.0;
        let _ = write!(s, r#"<g class="legend">"#);
        super::chart_shapes::swatch(s, d.kind, i, x, y);
        let _ = write!(s, r#"<text x="{:.1}" y="{:.1}">{}</text></g>"#, x + 22.0, y + 4.0, esc(&short(name, 18)));
    }
    if d.clipped {
        let y = TOP + 8.0 + names.len() as f64 * 22.0;
        let _ = write!(s, r##"<text x="{x:.1}" y="{y:.1}" fill="#555555">(more not shown)</text>"##);
    }
}

/// Round tick values from 0 (or the minimum, if negative) to the maximum.
pub(crate) fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = (lo.min(0.0), if hi <= lo.min(0.0) { lo.min(0.0) + 1.0 } else { hi });
    let raw = (hi - lo) / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let start = (lo / step).floor() * step;
    let mut out = Vec::new();
    let mut v = start;
    while v <= hi + step * 0.999 && out.len() < 12 {
        out.push(v);
        v += step;
    }
    out
}

/// A tick label: the measure's format when it has one, else plain.
pub(crate) fn tick_label(v: f64, f: &ColumnFormat) -> String {
    let v = if v.abs() < 1e-9 { 0.0 } else { (v * 1e6).round() / 1e6 };
    format_f64(v, f)
}
