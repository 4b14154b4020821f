//! Report charts as PNG: the chart's SVG (the same one `/svg` answers)
//! rasterised with `resvg` at twice its size.
//!
//! Text needs fonts: the system's fonts (fontconfig's folders), when set
//! `SLUICE_FONT` (a font file or a folder of them), and last the font built
//! into the binary (WenQuanYi Micro Hei cut to Latin and the 6,763 hanzi of
//! GB 2312, 1.3 MB: `backend/fonts/README.md`), loaded once; so a server with
//! no fonts at all still draws Chinese charts. A chart whose text has a
//! character no loaded font draws (a rare hanzi outside GB 2312 on such a
//! server) is refused with a message naming the characters and the fix,
//! rather than drawn with empty boxes.

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, FontResolver, fontdb};
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};

/// Pixels per SVG unit: the PNG is 1440 × 800 for the 720 × 400 chart.
pub const SCALE: f32 = 2.0;
/// The largest picture drawn (width × height, pixels).
pub const MAX_PIXELS: u64 = 4_000_000;
/// The environment variable naming an extra font file or folder.
pub const FONT_ENV: &str = "SLUICE_FONT";

/// Why a chart was not rasterised.
#[derive(Debug, PartialEq, Eq)]
pub enum PngError {
    /// Characters that no loaded font has a glyph for (at most a few, in order).
    MissingGlyphs(String),
    /// The SVG did not parse, or the picture would be too large.
    Render(String),
}

impl std::fmt::Display for PngError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PngError::MissingGlyphs(chars) => write!(
                f,
                "this server has no font that draws \"{chars}\": install a CJK-capable font \
                 (Debian: fonts-wqy-microhei or fonts-noto-cjk) or set {FONT_ENV} to a .ttf/.otf/.ttc file, \
                 then restart; the SVG download draws with the reader's own fonts"
            ),
            PngError::Render(m) => write!(f, "the chart could not be drawn as PNG: {m}"),
        }
    }
}

/// The built-in font (Apache-2.0, see `backend/fonts/README.md`).
pub static BUILT_IN_FONT: &[u8] = include_bytes!("../../../fonts/wqy-microhei-gb2312.ttf");

/// Which fonts a font database holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FontSources {
    /// The system's fonts (fontconfig's folders).
    pub system: bool,
    /// The font built into the binary, after every other.
    pub built_in: bool,
}

/// The fonts loaded once: the system's, then `SLUICE_FONT`, then the built-in one.
static FONTS: LazyLock<Arc<fontdb::Database>> = LazyLock::new(|| {
    let extra: Vec<PathBuf> = std::env::var_os(FONT_ENV).map(PathBuf::from).into_iter().collect();
    Arc::new(load_fonts(FontSources { system: true, built_in: true }, &extra))
});

/// A font database: the system's fonts, then `extra` (files or folders), then the built-in font.
pub fn load_fonts(from: FontSources, extra: &[PathBuf]) -> fontdb::Database {
    let mut db = fontdb::Database::new();
    if from.system {
        db.load_system_fonts();
    }
    for p in extra {
        if p.is_dir() {
            db.load_fonts_dir(p);
        } else if let Err(e) = db.load_font_file(p) {
            tracing::warn!(path = %p.display(), error = %e, "{FONT_ENV}: the font could not be loaded");
        }
    }
    if from.built_in {
        db.load_font_data(BUILT_IN_FONT.to_vec());
    }
    // The generic families fall back to a font that is there, not to Arial/Times.
    let preferred = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "WenQuanYi Micro Hei", "Noto Sans CJK SC"];
    let present = |name: &str| db.faces().any(|f| f.families.iter().any(|(n, _)| n == name));
    let family = preferred
        .iter()
        .find(|n| present(n))
        .map(|n| n.to_string())
        .or_else(|| db.faces().next().and_then(|f| f.families.first()).map(|(n, _)| n.clone()));
    if let Some(family) = family {
        db.set_sans_serif_family(family.clone());
        db.set_serif_family(family);
    }
    db
}

/// The chart's SVG as PNG bytes, drawn with the server's fonts.
pub fn render(svg: &str) -> Result<Vec<u8>, PngError> {
    render_with(svg, FONTS.clone())
}

/// The chart's SVG as PNG bytes, drawn with `fonts`.
pub fn render_with(svg: &str, fonts: Arc<fontdb::Database>) -> Result<Vec<u8>, PngError> {
    let missing = Arc::new(Mutex::new(String::new()));
    let seen = missing.clone();
    let fallback = FontResolver::default_fallback_selector();
    let select_fallback: usvg::FallbackSelectionFn<'static> = Box::new(move |c, used, db| {
        let found = fallback(c, used, db);
        if found.is_none() {
            let mut m = seen.lock().unwrap_or_else(|e| e.into_inner());
            if !m.contains(c) && m.chars().count() < 8 {
                m.push(c);
            }
        }
        found
    });
    let no_fonts = fonts.is_empty();
    let opt = usvg::Options {
        fontdb: fonts,
        font_family: "sans-serif".into(),
        font_resolver: FontResolver { select_font: FontResolver::default_font_selector(), select_fallback },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| PngError::Render(e.to_string()))?;
    let missing = std::mem::take(&mut *missing.lock().unwrap_or_else(|e| e.into_inner()));
    if !missing.is_empty() {
        return Err(PngError::MissingGlyphs(missing));
    }
    if no_fonts && svg.contains("</text>") {
        return Err(PngError::MissingGlyphs(first_text(svg)));
    }
    let size = tree.size().to_int_size().scale_by(SCALE).ok_or_else(|| PngError::Render("empty picture".into()))?;
    if u64::from(size.width()) * u64::from(size.height()) > MAX_PIXELS {
        return Err(PngError::Render(format!("{} × {} pixels is over the limit", size.width(), size.height())));
    }
    let mut pixmap =
        Pixmap::new(size.width(), size.height()).ok_or_else(|| PngError::Render("empty picture".into()))?;
    resvg::render(&tree, Transform::from_scale(SCALE, SCALE), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| PngError::Render(e.to_string()))
}

/// The first few characters of the SVG's text (for the message when there are no fonts at all).
fn first_text(svg: &str) -> String {
    let start = svg.find("<text").and_then(|i| svg[i..].find('>').map(|j| i + j + 1)).unwrap_or(0);
    svg[start..].chars().take_while(|c| *c != '<').take(8).collect()
}
