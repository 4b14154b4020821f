//! Hit-testing in graph coordinates, on plain data so it is tested natively:
//! which input port or card is under a point, which cards a rubber band
//! touches, and which wire runs under a dropped card.

use super::geometry::{self, NODE_W};
use sluice_shared::kinds::Port;

/// A node card as hit-testing sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Card {
    pub key: u64,
    pub pos: (f64, f64),
    /// Input ports, top to bottom.
    pub ports: &'static [Port],
}

impl Card {
    pub fn height(&self) -> f64 {
        geometry::node_height(self.ports.len())
    }

    pub fn rect(&self) -> (f64, f64, f64, f64) {
        (self.pos.0, self.pos.1, NODE_W, self.height())
    }

    pub fn contains(&self, p: (f64, f64)) -> bool {
        let (x, y, w, h) = self.rect();
        p.0 >= x && p.0 <= x + w && p.1 >= y && p.1 <= y + h
    }

    pub fn in_port_at(&self, idx: usize) -> (f64, f64) {
        let n = self.ports.len().max(1);
        (self.pos.0, self.pos.1 + geometry::in_port_y(idx, n, self.height()))
    }
}

/// What lies under a point for a wire being dropped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Under {
    /// An input port within the radius: (node key, port).
    Port(u64, &'static str),
    /// A card, but no port near enough.
    Card(u64),
    Nothing,
}

/// The input port within `radius` of `p` (the first found), else the first
/// card containing `p`.
pub fn under(cards: &[Card], p: (f64, f64), radius: f64) -> Under {
    let mut card = None;
    for c in cards {
        for (i, port) in c.ports.iter().enumerate() {
            let (x, y) = c.in_port_at(i);
            if (x - p.0).hypot(y - p.1) <= radius {
                return Under::Port(c.key, port.name);
            }
        }
        if card.is_none() && c.contains(p) {
            card = Some(c.key);
        }
    }
    card.map_or(Under::Nothing, Under::Card)
}

/// The cards a rubber band (x, y, w, h) touches.
pub fn in_band(cards: &[Card], band: (f64, f64, f64, f64)) -> Vec<u64> {
    cards.iter().filter(|c| geometry::overlaps(band, c.rect())).map(|c| c.key).collect()
}

/// Points along the wire drawn by [`geometry::wire_path`] from `a` to `b`.
fn wire_points(a: (f64, f64), b: (f64, f64), n: usize) -> impl Iterator<Item = (f64, f64)> {
    let dx = ((b.0 - a.0).abs() / 2.0).max(40.0);
    let (c1, c2) = ((a.0 + dx, a.1), (b.0 - dx, b.1));
    (0..=n).map(move |i| {
        let t = i as f64 / n as f64;
        let u = 1.0 - t;
        let (w0, w1, w2, w3) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
        (w0 * a.0 + w1 * c1.0 + w2 * c2.0 + w3 * b.0, w0 * a.1 + w1 * c1.1 + w2 * c2.1 + w3 * b.1)
    })
}

/// A wire on the canvas: its key, its from point and its to point.
pub type WireEnds = (u64, (f64, f64), (f64, f64));

/// The wire (key, from point, to point) that runs under a card dropped at
/// `rect` (x, y, w, h): of those passing through its inner part, the one
/// passing closest to its centre.
pub fn wire_under(rect: (f64, f64, f64, f64), wires: &[WireEnds]) -> Option<u64> {
    let (x, y, w, h) = rect;
    let (cx, cy) = (x + w / 2.0, y + h / 2.0);
    // A margin inside the card, so a wire merely grazing its border is not taken.
    let inner = (x + 12.0, y + 8.0, w - 24.0, h - 16.0);
    wires
        .iter()
        .filter_map(|&(key, a, b)| {
            wire_points(a, b, 48)
                .filter(|&(px, py)| {
                    px >= inner.0 && px <= inner.0 + inner.2 && py >= inner.1 && py <= inner.1 + inner.3
                })
                .map(|(px, py)| (px - cx).hypot(py - cy))
                .min_by(f64::total_cmp)
                .map(|d| (key, d))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(key, _)| key)
}

#[cfg(test)]
mod tests {
    use super::*;

    use sluice_shared::NodeKind;

    fn cards() -> Vec<Card> {
        vec![
            Card { key: 1, pos: (0.0, 0.0), ports: NodeKind::SourceCsv.ports() },
            Card { key: 2, pos: (300.0, 0.0), ports: NodeKind::Filter.ports() },
            Card { key: 3, pos: (300.0, 200.0), ports: NodeKind::Join.ports() },
        ]
    }

    #[test]
    fn a_port_near_the_pointer_wins_over_the_card() {
        let cs = cards();
        // Port "in" of card 2 sits on its left edge, halfway down the body.
        let (x, y) = cs[1].in_port_at(0);
        assert_eq!((x, y), (300.0, 45.0));
        assert_eq!(under(&cs, (x + 5.0, y + 5.0), 16.0), Under::Port(2, "in"));
        // The second port of a two-input card.
        let (x, y) = cs[2].in_port_at(1);
        assert_eq!(under(&cs, (x - 3.0, y), 16.0), Under::Port(3, "right"));
        // Over the card but far from any port.
        assert_eq!(under(&cs, (450.0, 30.0), 16.0), Under::Card(2));
        assert_eq!(under(&cs, (1000.0, 1000.0), 16.0), Under::Nothing);
        // A wider radius (zoomed out) reaches further.
        assert_eq!(under(&cs, (300.0 - 30.0, 45.0), 16.0), Under::Nothing);
        assert_eq!(under(&cs, (300.0 - 30.0, 45.0), 40.0), Under::Port(2, "in"));
    }

    #[test]
    fn a_rubber_band_selects_the_cards_it_touches() {
        let cs = cards();
        assert_eq!(in_band(&cs, (-10.0, -10.0, 20.0, 20.0)), vec![1]);
        assert_eq!(in_band(&cs, (150.0, -10.0, 200.0, 260.0)), vec![1, 2, 3]);
        assert!(in_band(&cs, (200.0, 100.0, 50.0, 50.0)).is_empty());
    }

    #[test]
    fn a_card_dropped_on_a_wire_finds_it_and_not_a_wire_nearby() {
        // Two horizontal wires, at y = 45 and y = 400.
        let wires = [(7, (176.0, 45.0), (800.0, 45.0)), (8, (176.0, 400.0), (800.0, 400.0))];
        assert_eq!(wire_under((400.0, 10.0, 176.0, 66.0), &wires), Some(7));
        assert_eq!(wire_under((400.0, 360.0, 176.0, 66.0), &wires), Some(8));
        // Grazing the top border only: not inserted.
        assert_eq!(wire_under((400.0, 40.0, 176.0, 66.0), &wires), None);
        assert_eq!(wire_under((400.0, 150.0, 176.0, 66.0), &wires), None);
        // An S-curve between different heights passes through its middle.
        let s = [(9, (0.0, 0.0), (600.0, 300.0))];
        assert_eq!(wire_under((212.0, 117.0, 176.0, 66.0), &s), Some(9));
    }
}
