//! Picture checks: every chart kind drawn from the same rows and compared with
//! the committed reference in `tests/charts/` within a tolerance (the markup
//! must match; every number in it within 0.5 px). `SLUICE_BLESS=1` rewrites the
//! references (look at them before committing: open the SVGs in a browser).
//!
//! The same charts as PNG (drawn with exactly DejaVu Sans and WenQuanYi Micro Hei,
//! Debian's fonts-dejavu-core and fonts-wqy-microhei, which `.ci/run` installs) are
//! compared pixel by pixel with
//! `tests/charts/*.png`: at most 1% of the pixels may differ by more than 48 in a
//! channel. `SLUICE_BLESS=1` rewrites those too (look at them before committing).

use resvg::tiny_skia::Pixmap;
use serde_json::{Value, json};
use sluice_backend::server::reports::{chart, png};
use sluice_shared::config::ReportSink;
use sluice_shared::{DataType, Field};

fn columns() -> Vec<Field> {
    vec![
        Field::new("branch", Some(DataType::String)),
        Field::new("channel", Some(DataType::String)),
        Field::new("deposits", Some(DataType::Int64)),
        Field::new("loans", Some(DataType::Float64)),
    ]
}

fn rows() -> Vec<Vec<Value>> {
    let data = [
        ("北京", "counter", 1_250_000, 830_000.5),
        ("上海", "counter", 2_100_000, 1_200_000.0),
        ("广州", "counter", 640_000, 910_000.0),
        ("深圳", "counter", 1_800_000, 450_000.25),
        ("北京", "online", 400_000, 120_000.0),
        ("上海", "online", 900_000, 300_000.0),
        ("广州", "online", 150_000, 90_000.0),
        ("深圳", "online", 700_000, 210_000.0),
    ];
    data.iter().map(|(b, c, d, l)| vec![json!(b), json!(c), json!(d), json!(l)]).collect()
}

fn config(extra: Value) -> ReportSink {
    let mut base = json!({"title": "分行存款 Branch deposits", "x": "branch",
        "format": {"deposits": {"scale": "wan", "decimals": 0, "thousands": true}}});
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    serde_json::from_value(base).unwrap()
}

fn cases() -> Vec<(&'static str, ReportSink)> {
    vec![
        ("bar", config(json!({"chart": "bar", "y": "deposits"}))),
        ("bar_series", config(json!({"chart": "bar", "y": "deposits", "series": "channel"}))),
        ("line", config(json!({"chart": "line", "y": ["deposits", "loans"]}))),
        ("area", config(json!({"chart": "area", "y": "deposits", "series": "channel"}))),
        ("pie", config(json!({"chart": "pie", "y": "deposits"}))),
        ("kpi", config(json!({"chart": "kpi", "y": "deposits"}))),
        (
            "table",
            config(
                json!({"chart": "table", "format": {"deposits": {"thousands": true}, "loans": {"decimals": 2, "thousands": true}}}),
            ),
        ),
        ("pivot", config(json!({"chart": "pivot", "y": "deposits", "series": "channel"}))),
        ("pivot_measures", config(json!({"chart": "pivot", "y": ["deposits", "loans"]}))),
    ]
}

/// Splits SVG text into its non-number parts and its numbers.
fn tokens(s: &str) -> (Vec<String>, Vec<f64>) {
    let (mut text, mut nums, mut cur, mut num) = (Vec::new(), Vec::new(), String::new(), String::new());
    let flush_num = |num: &mut String, nums: &mut Vec<f64>, cur: &mut String| {
        if !num.is_empty() {
            match num.parse::<f64>() {
                Ok(v) => {
                    nums.push(v);
                    cur.push('#');
                }
                Err(_) => cur.push_str(num),
            }
            num.clear();
        }
    };
    for c in s.chars() {
        if c.is_ascii_digit() || (c == '.' && !num.is_empty()) || (c == '-' && num.is_empty()) {
            num.push(c);
        } else {
            flush_num(&mut num, &mut nums, &mut cur);
            cur.push(c);
            if c == '>' {
                text.push(std::mem::take(&mut cur));
            }
        }
    }
    flush_num(&mut num, &mut nums, &mut cur);
    text.push(cur);
    (text, nums)
}

#[test]
fn every_chart_kind_matches_its_reference_picture() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts");
    let bless = std::env::var("SLUICE_BLESS").is_ok();
    for (name, cfg) in cases() {
        let svg = chart::svg(&chart::data(&cfg, &columns(), &rows()));
        let path = dir.join(format!("{name}.svg"));
        if bless {
            std::fs::write(&path, &svg).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (got_text, got_nums) = tokens(&svg);
        let (want_text, want_nums) = tokens(&want);
        assert_eq!(got_text, want_text, "{name}: the drawing's elements differ from {}", path.display());
        assert_eq!(got_nums.len(), want_nums.len(), "{name}");
        for (i, (g, w)) in got_nums.iter().zip(&want_nums).enumerate() {
            assert!((g - w).abs() <= 0.5, "{name}: number {i} is {g}, the reference has {w}");
        }
    }
}

#[test]
fn charts_carry_axis_labels_legend_and_formatted_ticks() {
    let cfg = config(json!({"chart": "bar", "y": "deposits", "series": "channel"}));
    let svg = chart::svg(&chart::data(&cfg, &columns(), &rows()));
    assert!(svg.contains(">branch</text>"), "x axis title");
    assert!(svg.contains(">deposits</text>"), "y axis title");
    assert!(svg.contains(">counter</text>") && svg.contains(">online</text>"), "legend");
    assert!(svg.contains("万</text>"), "ticks in 万");
    assert!(svg.contains(r#"fill="url(#p1)""#), "the second series is patterned, not only coloured");
    assert!(svg.contains(">北京</text>"), "Chinese labels kept as text");
}

#[test]
fn text_in_a_chart_is_escaped() {
    let mut cfg = config(json!({"chart": "bar", "y": "deposits"}));
    cfg.title = "<script>alert(1)</script> & co".into();
    let rows = vec![vec![json!("<b>x</b>"), json!("c"), json!(1), json!(2)]];
    let svg = chart::svg(&chart::data(&cfg, &columns(), &rows));
    assert!(!svg.contains("<script>") && !svg.contains("<b>"));
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
}

/// Pixels of `got` that differ from `want` by more than `tolerance` in any channel.
fn differing_pixels(got: &Pixmap, want: &Pixmap, tolerance: u8) -> usize {
    got.data()
        .chunks(4)
        .zip(want.data().chunks(4))
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > tolerance))
        .count()
}

/// The fonts the reference pictures were drawn with, and no others (a machine with
/// more CJK fonts would otherwise fall back to another one).
fn reference_fonts() -> std::sync::Arc<resvg::usvg::fontdb::Database> {
    let files = [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    ];
    for f in files {
        assert!(
            std::path::Path::new(f).exists(),
            "{f} is missing: apt-get install fonts-dejavu-core fonts-wqy-microhei"
        );
    }
    let files: Vec<std::path::PathBuf> = files.iter().map(Into::into).collect();
    std::sync::Arc::new(png::load_fonts(png::FontSources { system: false, built_in: false }, &files))
}

#[test]
fn every_chart_kind_as_png_matches_its_reference_picture() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts");
    let bless = std::env::var("SLUICE_BLESS").is_ok();
    for (name, cfg) in cases() {
        let svg = chart::svg(&chart::data(&cfg, &columns(), &rows()));
        let started = std::time::Instant::now();
        let bytes = png::render_with(&svg, reference_fonts()).unwrap_or_else(|e| panic!("{name}: {e}"));
        eprintln!("{name}: {} bytes in {:?}", bytes.len(), started.elapsed());
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}: a PNG");
        let path = dir.join(format!("{name}.png"));
        if bless {
            std::fs::write(&path, &bytes).unwrap();
            continue;
        }
        let got = Pixmap::decode_png(&bytes).unwrap();
        let want = Pixmap::load_png(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!((got.width(), got.height()), (1440, 800), "{name}: twice the chart's size");
        assert_eq!((got.width(), got.height()), (want.width(), want.height()), "{name}");
        let differ = differing_pixels(&got, &want, 48);
        let limit = (got.width() * got.height()) as usize / 100;
        assert!(differ <= limit, "{name}: {differ} pixels differ from {} (at most {limit})", path.display());
    }
}

#[test]
fn png_of_text_no_font_draws_is_refused_naming_the_characters() {
    let mut cfg = config(json!({"chart": "bar", "y": "deposits"}));
    // Linear A: no font a server has draws it.
    cfg.title = "Deposits \u{10600}\u{10601}".into();
    let svg = chart::svg(&chart::data(&cfg, &columns(), &rows()));
    match png::render(&svg) {
        // The first character no font has (resvg stops looking for fonts for that text there).
        Err(png::PngError::MissingGlyphs(chars)) => assert_eq!(chars, "\u{10600}"),
        other => panic!("expected the missing glyphs, got {:?}", other.map(|b| b.len())),
    }
    // No fonts at all: refused too, not drawn without its text.
    let plain = chart::svg(&chart::data(&config(json!({"chart": "kpi", "y": "deposits"})), &columns(), &rows()));
    let none = std::sync::Arc::new(resvg::usvg::fontdb::Database::new());
    assert!(matches!(png::render_with(&plain, none), Err(png::PngError::MissingGlyphs(_))));
}

#[test]
fn png_draws_chinese_with_the_servers_fonts() {
    // Chinese text alone: it must become ink (not be dropped, not be refused).
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60" font-family="DejaVu Sans, sans-serif"><rect width="200" height="60" fill="#ffffff"/><text x="10" y="44" font-size="36">北京上海</text></svg>"##;
    let bytes = png::render(svg).unwrap_or_else(|e| panic!("{e}"));
    let p = Pixmap::decode_png(&bytes).unwrap();
    let ink = p.data().chunks(4).filter(|px| px[0] < 128).count();
    assert!(ink > 2000, "{ink} dark pixels: the characters were not drawn");
}

#[test]
fn a_server_without_fonts_draws_chinese_with_the_built_in_font() {
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60" font-family="sans-serif"><rect width="300" height="60" fill="#ffffff"/><text x="10" y="44" font-size="36">存款 1,234.5万</text></svg>"##;
    let ink = |fonts| {
        let bytes = png::render_with(svg, std::sync::Arc::new(fonts)).unwrap_or_else(|e| panic!("{e}"));
        let p = Pixmap::decode_png(&bytes).unwrap();
        p.data().chunks(4).filter(|px| px[0] < 128).count()
    };
    // No system font, nothing set: the built-in font alone draws hanzi and digits.
    let built_in = ink(png::load_fonts(png::FontSources { system: false, built_in: true }, &[]));
    assert!(built_in > 2000, "{built_in} dark pixels: the text was not drawn");
    // Without it such a server refuses the picture (and says which font to install).
    let none = png::load_fonts(png::FontSources { system: false, built_in: false }, &[]);
    assert!(matches!(png::render_with(svg, std::sync::Arc::new(none)), Err(png::PngError::MissingGlyphs(_))));
    // It is a cut of the system's WenQuanYi Micro Hei: the same shapes.
    let wqy = std::path::PathBuf::from("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc");
    let system = ink(png::load_fonts(png::FontSources { system: false, built_in: false }, &[wqy]));
    assert!(built_in.abs_diff(system) * 50 <= system, "built-in {built_in} vs system {system} dark pixels");
}

#[test]
fn table_and_pivot_are_drawn_as_grids_of_formatted_text() {
    let table = config(json!({"chart": "table", "format": {"deposits": {"scale": "wan", "decimals": 0},
        "loans": {"decimals": 2, "thousands": true}}}));
    let svg = chart::svg(&chart::data(&table, &columns(), &rows()));
    for cell in
        [">branch</text>", ">channel</text>", ">上海</text>", ">online</text>", ">210万</text>", ">830,000.50</text>"]
    {
        assert!(svg.contains(cell), "table: {cell}");
    }
    assert!(!svg.contains("url(#p0)"), "a table has no bars");
    // The cross-tab: branches down, channels across, deposits in 万 in the cells.
    let pivot = config(json!({"chart": "pivot", "y": "deposits", "series": "channel"}));
    let svg = chart::svg(&chart::data(&pivot, &columns(), &rows()));
    let texts: Vec<&str> = svg.split("</text>").filter_map(|t| t.rsplit('>').next()).collect();
    let at = |s: &str| texts.iter().position(|t| *t == s).unwrap_or_else(|| panic!("pivot: no `{s}` in {texts:?}"));
    // Header: branch, counter, online; then 北京 125万 40万, 上海 210万 90万 ...
    assert!(at("branch") < at("counter") && at("counter") < at("online"));
    assert_eq!(&texts[at("北京")..at("北京") + 3], ["北京", "125万", "40万"]);
    assert_eq!(&texts[at("深圳")..at("深圳") + 3], ["深圳", "180万", "70万"]);
    // Many rows: the first that fit, and a note with how many were left out.
    let many: Vec<Vec<Value>> =
        (0..40).map(|i| vec![json!(format!("b{i}")), json!("c"), json!(i), json!(1.0)]).collect();
    let svg = chart::svg(&chart::data(&table, &columns(), &many));
    assert!(svg.contains(">b13</text>") && !svg.contains(">b14</text>"));
    assert!(svg.contains("(+26 more rows not shown)"));
}
