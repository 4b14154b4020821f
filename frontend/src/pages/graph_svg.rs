//! Shared drawing of a read-only graph picture: node cards at the saved
//! positions, bezier wires between them, and a view box around it all. Used
//! by the review pictures and the live run picture.

use sluice_shared::{Graph, NodeKind};
use std::collections::HashMap;

/// Card width and height, in graph units.
pub const W: f64 = 150.0;
pub const H: f64 = 44.0;
/// Pixels per graph unit at most; wide graphs shrink to the page width.
pub const SCALE: f64 = 0.8;

/// Node positions: the saved `pos`, or a simple grid for nodes without one.
pub fn positions(g: &Graph) -> HashMap<String, (f64, f64)> {
    g.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let p = n.pos.map(|[x, y]| (x, y)).unwrap_or(((i % 4) as f64 * 220.0, (i / 4) as f64 * 110.0));
            (n.id.clone(), p)
        })
        .collect()
}

/// The `viewBox` around every card (with a margin of `extra_h` below each
/// card, for captions) and the picture's width in pixels.
pub fn frame(pos: &HashMap<String, (f64, f64)>, extra_h: f64) -> (String, String) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in pos.values() {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + W), y1.max(y + H + extra_h));
    }
    if pos.is_empty() {
        (x0, y0, x1, y1) = (0.0, 0.0, 300.0, 100.0);
    }
    let pad = 24.0;
    let (vw, vh) = (x1 - x0 + 2.0 * pad, y1 - y0 + 2.0 * pad);
    (format!("{} {} {vw} {vh}", x0 - pad, y0 - pad), format!("{:.0}", vw * SCALE))
}

/// The wire from the right of the card at `a` to the left of the card at `b`.
pub fn wire(a: (f64, f64), b: (f64, f64)) -> String {
    let (x1, y1, x2, y2) = (a.0 + W, a.1 + H / 2.0, b.0, b.1 + H / 2.0);
    let dx = ((x2 - x1).abs() / 2.0).max(40.0);
    format!("M{x1:.1},{y1:.1} C{:.1},{y1:.1} {:.1},{y2:.1} {x2:.1},{y2:.1}", x1 + dx, x2 - dx)
}

/// A node kind's display name.
pub fn label(kind: &str) -> String {
    NodeKind::parse(kind).map(|k| crate::i18n::kind(k).to_string()).unwrap_or_else(|| kind.to_string())
}
