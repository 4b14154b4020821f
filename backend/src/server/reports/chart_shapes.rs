//! The marks of each chart kind (see `chart` for the frame and legend).

use super::chart::{ChartData, HEIGHT, WIDTH, area, colour, esc, tick_label, ticks};
use sluice_shared::config::ChartKind;
use sluice_shared::report_format::format_f64;
use std::fmt::Write;

const DASHES: [&str; 6] = ["", "8 4", "2 3", "10 3 2 3", "4 4", "1 5"];

/// y axis with grid lines, x axis, axis titles; returns the value → y mapping.
fn axes(s: &mut String, d: &ChartData, lo: f64, hi: f64) -> impl Fn(f64) -> f64 + use<> {
    let (x0, y0, w, h) = area();
    let t = ticks(lo, hi);
    let (min, max) = (t[0], *t.last().expect("ticks"));
    let span = if max > min { max - min } else { 1.0 };
    let y = move |v: f64| y0 + h - (v - min) / span * h;
    for v in &t {
        let yy = y(*v);
        let _ = write!(
            s,
            r##"<line x1="{x0:.1}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#dddddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            x0 + w,
            x0 - 6.0,
            yy + 4.0,
            esc(&tick_label(*v, &d.format))
        );
    }
    let _ = write!(
        s,
        r##"<line x1="{x0:.1}" y1="{y0:.1}" x2="{x0:.1}" y2="{:.1}" stroke="#333333"/><line x1="{x0:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#333333"/>"##,
        y0 + h,
        y(0f64.max(min)),
        x0 + w,
        y(0f64.max(min))
    );
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-weight="bold">{}</text>"#,
        x0 + w / 2.0,
        HEIGHT - 12.0,
        esc(&d.x_label)
    );
    let _ = write!(
        s,
        r#"<text transform="translate(16,{:.1}) rotate(-90)" text-anchor="middle" font-weight="bold">{}</text>"#,
        y0 + h / 2.0,
        esc(&d.y_label)
    );
    y
}

/// Category labels under the plot, thinned to fit.
fn x_labels(s: &mut String, d: &ChartData, at: impl Fn(usize) -> f64) {
    let (_, y0, w, h) = area();
    let every = (d.categories.len() as f64 / (w / 60.0)).ceil().max(1.0) as usize;
    for (i, c) in d.categories.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let label: String = if c.chars().count() > 10 { c.chars().take(9).chain(['…']).collect() } else { c.clone() };
        let _ =
            write!(s, r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#, at(i), y0 + h + 18.0, esc(&label));
    }
}

fn range(d: &ChartData) -> (f64, f64) {
    let all = d.series.iter().flat_map(|s| s.1.iter().copied());
    all.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

pub fn bars(s: &mut String, d: &ChartData) {
    let (lo, hi) = range(d);
    let y = axes(s, d, lo, hi);
    let (x0, _, w, _) = area();
    let n = d.categories.len() as f64;
    let band = w / n;
    let k = d.series.len() as f64;
    let bar = (band * 0.8 / k).max(1.0);
    for (si, (_, values)) in d.series.iter().enumerate() {
        for (ci, v) in values.iter().enumerate() {
            let x = x0 + ci as f64 * band + band * 0.1 + si as f64 * bar;
            let (top, bottom) = (y(v.max(0.0)), y(v.min(0.0)));
            let _ = write!(
                s,
                r##"<rect x="{x:.1}" y="{top:.1}" width="{bar:.1}" height="{:.1}" fill="url(#p{si})" stroke="#222222" stroke-width="0.5"><title>{}</title></rect>"##,
                (bottom - top).max(0.0),
                esc(&format_f64(*v, &d.format))
            );
        }
    }
    x_labels(s, d, |i| x0 + (i as f64 + 0.5) * band);
}

pub fn lines(s: &mut String, d: &ChartData) {
    let (lo, hi) = range(d);
    let y = axes(s, d, lo, hi);
    let (x0, _, w, _) = area();
    let n = d.categories.len();
    let step = if n > 1 { w / (n - 1) as f64 } else { 0.0 };
    let at = |i: usize| if n > 1 { x0 + i as f64 * step } else { x0 + w / 2.0 };
    let base = y(0.0);
    for (si, (_, values)) in d.series.iter().enumerate() {
        let pts: Vec<String> = values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", at(i), y(*v))).collect();
        if d.kind == ChartKind::Area {
            let _ = write!(
                s,
                r#"<polygon points="{:.1},{base:.1} {} {:.1},{base:.1}" fill="url(#p{si})" fill-opacity="0.45"/>"#,
                at(0),
                pts.join(" "),
                at(n - 1)
            );
        }
        let _ = write!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>"#,
            pts.join(" "),
            colour(si),
            DASHES[si % DASHES.len()]
        );
        if n <= 60 {
            for (i, v) in values.iter().enumerate() {
                marker(s, si, at(i), y(*v));
            }
        }
    }
    x_labels(s, d, at);
}

/// A marker shape per series: circle, square, triangle, diamond, cross, ring.
fn marker(s: &mut String, si: usize, x: f64, y: f64) {
    let c = colour(si);
    let _ = match si % 6 {
        0 => write!(s, r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{c}"/>"#),
        1 => write!(s, r#"<rect x="{:.1}" y="{:.1}" width="7" height="7" fill="{c}"/>"#, x - 3.5, y - 3.5),
        2 => write!(
            s,
            r#"<path d="M{x:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z" fill="{c}"/>"#,
            y - 4.5,
            x + 4.0,
            y + 3.0,
            x - 4.0,
            y + 3.0
        ),
        3 => write!(
            s,
            r#"<path d="M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} Z" fill="{c}"/>"#,
            y - 4.5,
            x + 4.5,
            y + 4.5,
            x - 4.5
        ),
        4 => write!(
            s,
            r#"<path d="M{:.1},{:.1} L{:.1},{:.1} M{:.1},{:.1} L{:.1},{:.1}" stroke="{c}" stroke-width="2"/>"#,
            x - 4.0,
            y - 4.0,
            x + 4.0,
            y + 4.0,
            x - 4.0,
            y + 4.0,
            x + 4.0,
            y - 4.0
        ),
        _ => write!(s, r##"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="#ffffff" stroke="{c}" stroke-width="2"/>"##),
    };
}

pub fn pie(s: &mut String, d: &ChartData) {
    let values: Vec<f64> = d.series[0].1.iter().map(|v| v.max(0.0)).collect();
    let total: f64 = values.iter().sum();
    let (x0, y0, w, h) = area();
    let (cx, cy, r) = (x0 + w / 2.0, y0 + h / 2.0, h.min(w) / 2.0 - 8.0);
    if total <= 0.0 {
        let _ = write!(s, r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}" fill="none" stroke="#999999"/>"##);
        return;
    }
    let mut angle = -std::f64::consts::FRAC_PI_2;
    for (i, v) in values.iter().enumerate() {
        let sweep = v / total * std::f64::consts::TAU;
        let (a, b) = (angle, angle + sweep);
        let (x1, y1, x2, y2) = (cx + r * a.cos(), cy + r * a.sin(), cx + r * b.cos(), cy + r * b.sin());
        let large = u8::from(sweep > std::f64::consts::PI);
        let pct = format!("{:.1}%", v / total * 100.0);
        let (tag, shape) = if sweep >= std::f64::consts::TAU - 1e-9 {
            ("circle", format!(r#"cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}""#))
        } else {
            ("path", format!(r#"d="M{cx:.1},{cy:.1} L{x1:.1},{y1:.1} A{r:.1},{r:.1} 0 {large} 1 {x2:.1},{y2:.1} Z""#))
        };
        let _ = write!(
            s,
            r##"<{tag} {shape} fill="url(#p{})" stroke="#ffffff" stroke-width="1.5"><title>{}: {}</title></{tag}>"##,
            i % 6,
            esc(&d.categories[i]),
            pct
        );
        if sweep > 0.25 {
            let mid = a + sweep / 2.0;
            let (lx, ly) = (cx + r * 0.65 * mid.cos(), cy + r * 0.65 * mid.sin());
            let _ = write!(
                s,
                r##"<text x="{lx:.1}" y="{ly:.1}" text-anchor="middle" fill="#ffffff" stroke="#000000" stroke-width="2.5" paint-order="stroke">{pct}</text>"##
            );
        }
        angle = b;
    }
}

pub fn kpi(s: &mut String, d: &ChartData) {
    let total: f64 = d.series[0].1.iter().sum();
    let label = format_f64(total, &d.format);
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="56" font-weight="bold" fill="#1b365d">{}</text><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="16" fill="#333333">{}</text>"##,
        (WIDTH - 170.0 + 80.0) / 2.0,
        HEIGHT / 2.0 + 10.0,
        esc(&label),
        (WIDTH - 170.0 + 80.0) / 2.0,
        HEIGHT / 2.0 + 44.0,
        esc(&d.series[0].0)
    );
}

/// A legend entry's mark: a patterned square, or a line with its marker.
pub fn swatch(s: &mut String, kind: ChartKind, i: usize, x: f64, y: f64) {
    if matches!(kind, ChartKind::Line | ChartKind::Area) {
        let _ = write!(
            s,
            r#"<line x1="{x:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>"#,
            x + 16.0,
            colour(i),
            DASHES[i % DASHES.len()]
        );
        marker(s, i, x + 8.0, y);
    } else {
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{:.1}" width="14" height="14" fill="url(#p{})" stroke="#222222" stroke-width="0.5"/>"##,
            y - 7.0,
            i % 6
        );
    }
}
