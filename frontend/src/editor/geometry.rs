//! Canvas geometry: node and port sizes, the pan/zoom transform, wire curves.
//! Graph coordinates are what `pos` stores; screen coordinates are pixels
//! inside the canvas element.

/// Node card size in graph units.
pub const NODE_W: f64 = 176.0;
/// Height of the coloured header band.
pub const HEAD_H: f64 = 24.0;
pub const MIN_ZOOM: f64 = 0.1;
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

/// A view showing all of `bounds` (min x, min y, max x, max y) with a margin.
pub fn fit(bounds: (f64, f64, f64, f64), w: f64, h: f64) -> View {
    let (x0, y0, x1, y1) = bounds;
    let margin = 48.0;
    let (bw, bh) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
    let k = ((w - 2.0 * margin) / bw).min((h - 2.0 * margin) / bh).clamp(MIN_ZOOM, 1.2);
    View { x: (w - bw * k) / 2.0 - x0 * k, y: (h - bh * k) / 2.0 - y0 * k, k }
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
