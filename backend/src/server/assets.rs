//! The browser app's files. A release binary carries them inside (cargo
//! feature `embed`, on by default: `static/` as it was when the binary was
//! built), so an operator copies one file and nothing else; `--static-dir`
//! serves a folder instead (development: rebuild the bundle without
//! rebuilding the server).
//!
//! Embedded files are served from memory with their precompressed `.gz`
//! variant when the browser takes gzip, an `ETag` of their content hash, and
//! `Cache-Control: immutable` when asked for by that hash (`?v=<hash>`):
//! `index.html` (never cached) names every file it loads with its hash, so a
//! new build is picked up at once and an unchanged one never downloaded twice.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};

/// Where the app's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A folder on disk, read per request.
    Dir(PathBuf),
    /// The files built into this binary.
    Embedded,
}

/// `--static-dir` when given; else the files inside the binary; else
/// `./static` (a build without the bundle, run from the source tree).
pub fn choose(given: Option<PathBuf>) -> Source {
    match given {
        Some(dir) => Source::Dir(dir),
        None if embedded::has_app() => Source::Embedded,
        None => Source::Dir(PathBuf::from("static")),
    }
}

/// The service behind every path that is not `/api`.
pub fn service(source: &Source) -> Router {
    match source {
        Source::Dir(dir) => {
            let index = dir.join("index.html");
            Router::new().fallback_service(ServeDir::new(dir).precompressed_gzip().fallback(ServeFile::new(index)))
        }
        Source::Embedded => {
            let files = Arc::new(Files::load());
            Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
                let files = files.clone();
                async move { files.answer(&uri, &headers) }
            })
        }
    }
}

/// One embedded file, ready to send.
struct File {
    body: Bytes,
    gzip: Option<Bytes>,
    mime: String,
    hash: String,
}

/// Every embedded file by URL path, and `index.html` with hashed references.
struct Files {
    by_path: HashMap<String, File>,
    index: String,
}

impl Files {
    fn load() -> Files {
        let mut by_path = HashMap::new();
        for name in embedded::names() {
            if name.ends_with(".gz") {
                continue;
            }
            let Some((body, hash, mime)) = embedded::get(&name) else { continue };
            let gzip = embedded::get(&format!("{name}.gz")).map(|(gz, _, _)| gz);
            by_path.insert(format!("/{name}"), File { body, gzip, mime, hash });
        }
        pin_glue(&mut by_path);
        let index =
            by_path.get("/index.html").map(|f| String::from_utf8_lossy(&f.body).into_owned()).unwrap_or_default();
        let index = stamp(&index, &by_path);
        Files { by_path, index }
    }

    fn answer(&self, uri: &Uri, headers: &HeaderMap) -> Response {
        let path = uri.path();
        let Some(file) = self.by_path.get(path).filter(|_| path != "/index.html") else {
            // Client-side routes (`/`, `/#/graphs`, ...) all get the app.
            return html(&self.index);
        };
        let etag = format!("\"{}\"", file.hash);
        if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
            return StatusCode::NOT_MODIFIED.into_response();
        }
        let pinned = uri.query().is_some_and(|q| q.split('&').any(|kv| kv == format!("v={}", file.hash)));
        let cache = if pinned { "public, max-age=31536000, immutable" } else { "no-cache" };
        let takes_gzip = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
        let mut res = match (&file.gzip, takes_gzip) {
            (Some(gz), true) => {
                let mut r = Response::new(Body::from(gz.clone()));
                r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                r
            }
            _ => Response::new(Body::from(file.body.clone())),
        };
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&file.mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(header::ETAG, v);
        }
        res
    }
}

fn html(text: &str) -> Response {
    let mut res = Response::new(Body::from(text.to_string()));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// `index.html` with every file it loads pinned to its content hash (any
/// quoted path of an embedded file: the style sheet, the app's glue, the full
/// checker's glue and module). The first-paint module is loaded by its glue,
/// so its URL is handed to `init` explicitly.
fn stamp(index: &str, files: &HashMap<String, File>) -> String {
    let v = |p: &str| files.get(p).map(|f| format!("{p}?v={}", f.hash)).unwrap_or_else(|| p.to_string());
    let mut out = index.to_string();
    let mut paths: Vec<&String> = files.keys().filter(|p| p.as_str() != "/index.html").collect();
    paths.sort();
    for p in paths {
        out = out
            .replace(&format!("\"{p}\""), &format!("\"{}\"", v(p)))
            .replace(&format!("'{p}'"), &format!("'{}'", v(p)));
    }
    let wasm = v("/pkg/sluice_frontend_bg.wasm");
    out.replacen("init()", &format!("init({{ module_or_path: '{wasm}' }})"), 1)
}

/// The chunk loader (`/pkg/__wasm_split.js`, see `frontend/src/lazy_pages.rs`)
/// imports the app's glue back to reach the running module. `index.html` loads
/// that glue pinned (`?v=<hash>`), and a module under another URL would be a
/// second, uninitialised copy: the loader's import is pinned the same way.
fn pin_glue(files: &mut HashMap<String, File>) {
    let Some(glue) = files.get(GLUE).map(|f| f.hash.clone()) else { return };
    let Some(loader) = files.get_mut(LOADER) else { return };
    let text = String::from_utf8_lossy(&loader.body)
        .replace("\"./sluice_frontend.js\"", &format!("\"./sluice_frontend.js?v={glue}\""));
    loader.body = Bytes::from(text);
    loader.gzip = None;
    loader.hash = format!("{}{}", &loader.hash[..loader.hash.len().min(8)], &glue[..glue.len().min(8)]);
}

const GLUE: &str = "/pkg/sluice_frontend.js";
const LOADER: &str = "/pkg/__wasm_split.js";

/// Where the app is served from, for the line printed at start.
pub fn describe(source: &Source) -> String {
    match source {
        Source::Dir(dir) if !Path::new(dir).join("index.html").exists() => {
            format!(
                "{} (no index.html there: the editor will not load; build it with `cargo xtask wasm`)",
                dir.display()
            )
        }
        Source::Dir(dir) => dir.display().to_string(),
        Source::Embedded => "the files built into this binary".into(),
    }
}

#[cfg(feature = "embed")]
mod embedded {
    use axum::body::Bytes;

    #[derive(rust_embed::Embed)]
    #[folder = "../static"]
    #[allow_missing = true]
    struct App;

    pub fn has_app() -> bool {
        App::get("index.html").is_some() && App::get("pkg/sluice_frontend_bg.wasm").is_some()
    }

    pub fn names() -> Vec<String> {
        App::iter().map(|n| n.into_owned()).collect()
    }

    /// Bytes (borrowed from the binary, not copied), hex SHA-256 and MIME type
    /// of an embedded file.
    pub fn get(name: &str) -> Option<(Bytes, String, String)> {
        let f = App::get(name)?;
        let hash = hex::encode(f.metadata.sha256_hash());
        let body = match f.data {
            std::borrow::Cow::Borrowed(b) => Bytes::from_static(b),
            std::borrow::Cow::Owned(v) => Bytes::from(v),
        };
        Some((body, hash[..16].to_string(), f.metadata.mimetype().to_string()))
    }
}

#[cfg(not(feature = "embed"))]
mod embedded {
    use axum::body::Bytes;

    pub fn has_app() -> bool {
        false
    }
    pub fn names() -> Vec<String> {
        Vec::new()
    }
    pub fn get(_: &str) -> Option<(Bytes, String, String)> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_pins_every_file_to_its_hash() {
        let file = |hash: &str| File { body: Bytes::new(), gzip: None, mime: String::new(), hash: hash.into() };
        let files: HashMap<String, File> = [
            ("/style.css".to_string(), file("aa")),
            ("/pkg/sluice_frontend.js".to_string(), file("bb")),
            ("/pkg/sluice_frontend_bg.wasm".to_string(), file("cc")),
            ("/pkg/sluice_checker.js".to_string(), file("dd")),
            ("/pkg/sluice_checker_bg.wasm".to_string(), file("ee")),
        ]
        .into_iter()
        .collect();
        let index = "<link href=\"/style.css\"><script>import init from '/pkg/sluice_frontend.js';\n \
                     init().then(() => import('/pkg/sluice_checker.js').then((m) => \
                     m.default({ module_or_path: '/pkg/sluice_checker_bg.wasm' })));</script>";
        let out = stamp(index, &files);
        assert!(out.contains("\"/style.css?v=aa\""), "{out}");
        assert!(out.contains("'/pkg/sluice_frontend.js?v=bb'"), "{out}");
        assert!(out.contains("init({ module_or_path: '/pkg/sluice_frontend_bg.wasm?v=cc' }).then("), "{out}");
        assert!(out.contains("import('/pkg/sluice_checker.js?v=dd')"), "{out}");
        assert!(out.contains("m.default({ module_or_path: '/pkg/sluice_checker_bg.wasm?v=ee' })"), "{out}");
    }

    #[test]
    fn the_chunk_loader_imports_the_pinned_glue() {
        let file = |body: &'static str, hash: &str| File {
            body: Bytes::from_static(body.as_bytes()),
            gzip: Some(Bytes::from_static(b"stale")),
            mime: String::new(),
            hash: hash.into(),
        };
        let mut files: HashMap<String, File> = [
            (GLUE.to_string(), file("import * as w from \"./__wasm_split.js\";", "bbbbbbbbbbbbbbbb")),
            (LOADER.to_string(), file("import { initSync } from \"./sluice_frontend.js\";", "1111111111111111")),
        ]
        .into_iter()
        .collect();
        pin_glue(&mut files);
        let loader = &files[LOADER];
        assert_eq!(&loader.body[..], b"import { initSync } from \"./sluice_frontend.js?v=bbbbbbbbbbbbbbbb\";");
        assert!(loader.gzip.is_none(), "the precompressed copy holds the old text");
        assert_eq!(loader.hash, "11111111bbbbbbbb", "a new glue changes the loader's ETag");
    }
}
