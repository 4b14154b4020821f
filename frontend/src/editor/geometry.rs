//! Canvas geometry: node and port sizes, the pan/zoom transform, wire curves.
//! Graph coordinates are what `pos` stores; screen coordinates are pixels
//! inside the canvas element.

/// Node card size in graph units.
pub const NODE_W: f64 = 176.0;
/// Height of the coloured header band.
pub const HEAD_H: f64 = 24.0;
pub const MIN_ZOOM: f64 = 0.1;
/// Fit never zooms out further than this: node text stays readable (an 11 px
/// summary is 8 px on screen). A graph larger than the canvas at this zoom opens
/// at its start (top left, where the sources are); the rest is a pan away.
pub const FIT_MIN_ZOOM: f64 = 0.75;
pub const MAX_ZOOM: f64 = 2.5;

/// Card height: taller when there are two or more input ports, so each has room.
pub fn node_height(in_ports: usize) -> f64 {
    if in_ports > 1 { 84.0 } else { 66.0 }
}

/// Y of input port `idx` of `n` inside a card of height `h`.
pub fn in_port_y(idx: usize, n: usize, h: f64) -> f64 {
    HEAD_H + (h - HEAD_H) * (idx as f64 + 1.0) / (n as f64 + 1.0)
}

/// Y of the output port.
pub fn out_port_y(h: f64) -> f64 {
    HEAD_H + (h - HEAD_H) / 2.0
}

/// Pan and zoom: screen = graph * k + (x, y).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub x: f64,
    pub y: f64,
    pub k: f64,
}

impl Default for View {
    fn default() -> Self {
        View { x: 40.0, y: 40.0, k: 1.0 }
    }
}

impl View {
    pub fn to_graph(self, sx: f64, sy: f64) -> (f64, f64) {
        ((sx - self.x) / self.k, (sy - self.y) / self.k)
    }

    /// Zooms by `factor` keeping the graph point under (sx, sy) in place.
    pub fn zoomed_at(self, sx: f64, sy: f64, factor: f64) -> View {
        let k = (self.k * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let r = k / self.k;
        View { x: sx - (sx - self.x) * r, y: sy - (sy - self.y) * r, k }
    }

    /// A view that puts graph point (gx, gy) at the centre of a `w`×`h` canvas.
    pub fn centred_on(self, gx: f64, gy: f64, w: f64, h: f64) -> View {
        View { x: w / 2.0 - gx * self.k, y: h / 2.0 - gy * self.k, k: self.k }
    }

    /// The graph-space rectangle (x, y, w, h) visible in a `w`×`h` canvas.
    pub fn visible(self, w: f64, h: f64) -> (f64, f64, f64, f64) {
        let (x, y) = self.to_graph(0.0, 0.0);
        (x, y, w / self.k, h / self.k)
    }
}

/// A view showing all of `bounds` (min x, min y, max x, max y) with a margin,
/// zoomed out no further than [`FIT_MIN_ZOOM`]. Along an axis where the graph
/// then does not fit, its start is shown (left or top, after the margin).
pub fn fit(bounds: (f64, f64, f64, f64), w: f64, h: f64) -> View {
    let (x0, y0, x1, y1) = bounds;
    let margin = 48.0;
    let (bw, bh) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
    let k = ((w - 2.0 * margin) / bw).min((h - 2.0 * margin) / bh).clamp(FIT_MIN_ZOOM, 1.2);
    let place = |size: f64, lo: f64, room: f64| {
        if size * k + 2.0 * margin <= room { (room - size * k) / 2.0 - lo * k } else { margin - lo * k }
    };
    View { x: place(bw, x0, w), y: place(bh, y0, h), k }
}

/// A horizontal S-curve from an output port to an input port, like React Flow's
/// bezier edges; it bends further when the target lies behind the source.
pub fn wire_path(x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    let dx = ((x2 - x1).abs() / 2.0).max(40.0);
    format!("M{x1:.1},{y1:.1} C{:.1},{y1:.1} {:.1},{y2:.1} {x2:.1},{y2:.1}", x1 + dx, x2 - dx)
}

/// Whether two rectangles (x, y, w, h) overlap.
pub fn overlaps(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
    }

    #[test]
    fn screen_and_graph_points_round_trip_through_zoom() {
        let v = View { x: 30.0, y: -12.0, k: 1.0 }.zoomed_at(200.0, 150.0, 2.0);
        assert_eq!(v.k, 2.0);
        // The point under the pointer stays put.
        assert!(close(v.to_graph(200.0, 150.0), (170.0, 162.0)));
        // Zoom is clamped both ways.
        assert_eq!(View::default().zoomed_at(0.0, 0.0, 1000.0).k, MAX_ZOOM);
        assert_eq!(View::default().zoomed_at(0.0, 0.0, 0.0001).k, MIN_ZOOM);
        let c = View { x: 0.0, y: 0.0, k: 0.5 }.centred_on(100.0, 40.0, 800.0, 600.0);
        assert!(close(c.to_graph(400.0, 300.0), (100.0, 40.0)));
        assert_eq!(c.visible(800.0, 600.0), (-700.0, -560.0, 1600.0, 1200.0));
    }

    #[test]
    fn a_small_graph_is_centred_and_a_large_one_opens_readable_at_its_start() {
        let small = fit((100.0, 100.0, 400.0, 300.0), 1000.0, 800.0);
        assert_eq!(small.k, 1.2);
        // Centre of the bounds at the centre of the canvas.
        assert!(close(small.to_graph(500.0, 400.0), (250.0, 200.0)));

        let big = fit((60.0, 60.0, 9636.0, 2816.0), 900.0, 600.0);
        assert_eq!(big.k, FIT_MIN_ZOOM);
        // The top-left node sits one margin in from the canvas corner.
        assert!(close(big.to_graph(48.0, 48.0), (60.0, 60.0)));

        // Wide but short: readable zoom, left-aligned, centred vertically.
        let wide = fit((0.0, 0.0, 5000.0, 100.0), 900.0, 600.0);
        assert_eq!(wide.k, FIT_MIN_ZOOM);
        assert!(close(wide.to_graph(48.0, 300.0), (0.0, 50.0)));
    }

    #[test]
    fn rectangles_overlap_only_when_they_share_area() {
        assert!(overlaps((0.0, 0.0, 10.0, 10.0), (5.0, 5.0, 10.0, 10.0)));
        assert!(!overlaps((0.0, 0.0, 10.0, 10.0), (10.0, 0.0, 5.0, 5.0)));
        assert!(!overlaps((0.0, 0.0, 10.0, 10.0), (0.0, 11.0, 5.0, 5.0)));
    }

    #[test]
    fn ports_sit_inside_the_card_below_the_header() {
        assert_eq!(node_height(1), 66.0);
        assert_eq!(node_height(2), 84.0);
        let h = node_height(2);
        let (a, b) = (in_port_y(0, 2, h), in_port_y(1, 2, h));
        assert!(HEAD_H < a && a < b && b < h);
        assert_eq!(out_port_y(66.0), 45.0);
        assert!(wire_path(0.0, 0.0, 100.0, 20.0).starts_with("M0.0,0.0 C50.0,0.0 50.0,20.0 100.0,20.0"));
    }
}
