//! The browser modules: cargo's wasm through `wasm_split_cli_support` (the
//! first-paint module loses the pages of `frontend/src/lazy_pages.rs`, which
//! become chunks fetched on first visit) and then wasm-bindgen.
//!
//! Order, as the splitter needs it: cargo links the front-end with
//! `--emit-relocs` (the splitter follows every call and data reference through
//! the relocations); the splitter writes the main module, the chunks
//! (`split_*.wasm`, `chunk_*.wasm`: final, wasm-bindgen never sees them) and
//! their loader `__wasm_split.js`; wasm-bindgen then turns the main module
//! into `sluice_frontend_bg.wasm` and its glue, keeping the function table
//! exported (the chunks call through it). Chunk names carry their content
//! hash, so a tab of an older build can never load this build's code.

use super::{cargo, target_dir};
use std::path::{Path, PathBuf};

/// Where cargo's wasm for `lib` is, after building `package` (with the
/// relocations the splitter needs when `relocs`).
pub fn built(package: &str, lib: &str, relocs: bool) -> Result<PathBuf, String> {
    let mut args =
        vec!["rustc", "-p", package, "--lib", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release"];
    if relocs {
        // Only this crate's final link: dependencies are not rebuilt, the
        // config's rustflags (`erase_components`) stay as they are.
        args.extend(["--", "-Clink-args=--emit-relocs"]);
    }
    cargo(&args)?;
    Ok(target_dir().join(format!("wasm32-unknown-unknown/wasm-release/{lib}.wasm")))
}

/// The front-end into `out`: glue, first-paint module, chunks and loader.
/// Answers the chunk and loader files (to be gzipped too).
pub fn frontend(out: &Path) -> Result<Vec<PathBuf>, String> {
    let lib = "sluice_frontend";
    let wasm = built("sluice-frontend", lib, true)?;
    remove_old_chunks(out)?;
    let bytes = std::fs::read(&wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let main = wasm.with_file_name(format!("{lib}_split.wasm"));
    let glue = format!("./{lib}.js");
    let mut opts = wasm_split_cli_support::Options::new(&bytes);
    opts.output_dir = out;
    opts.main_out_path = &main;
    opts.main_module = &glue;
    opts.link_name = LOADER;
    let split = wasm_split_cli_support::transform(opts).map_err(|e| format!("wasm-split: {e:?}"))?;
    let loader = out.join(LOADER);
    let mut js = std::fs::read_to_string(&loader).map_err(|e| format!("{}: {e}", loader.display()))?;
    let mut files = Vec::new();
    for chunk in &split.split_modules {
        let data = strip_custom_sections(&std::fs::read(chunk).map_err(|e| format!("{}: {e}", chunk.display()))?)
            .ok_or_else(|| format!("{}: not a WebAssembly module", chunk.display()))?;
        let name = chunk.file_name().and_then(|n| n.to_str()).ok_or("a chunk without a name")?.to_string();
        let named = format!("{}.{}.wasm", name.trim_end_matches(".wasm"), fnv(&data));
        std::fs::write(out.join(&named), &data).map_err(|e| e.to_string())?;
        std::fs::remove_file(chunk).map_err(|e| e.to_string())?;
        let quoted = format!("\"./{name}\"");
        if !js.contains(&quoted) {
            return Err(format!("wasm-split: the loader does not name {name}"));
        }
        js = js.replace(&quoted, &format!("\"./{named}\""));
        files.push(out.join(named));
    }
    std::fs::write(&loader, js).map_err(|e| e.to_string())?;
    files.push(loader);
    bindgen(lib, &main, out, true)?;
    Ok(files)
}

/// The loader the splitter writes and the glue imports.
const LOADER: &str = "./__wasm_split.js";

/// wasm-bindgen: `<lib>.js` and `<lib>_bg.wasm` in `out`.
pub fn bindgen(lib: &str, input: &Path, out: &Path, split: bool) -> Result<(), String> {
    let mut b = wasm_bindgen_cli_support::Bindgen::new();
    b.input_path(input)
        .out_name(lib)
        .web(true)
        .map_err(|e| e.to_string())?
        // Without this, init() has no default URL and the page stays blank.
        .omit_default_module_path(false)
        // The name section is debug info: over a third of the bundle.
        .remove_name_section(true)
        // The chunks and their loader call through the function table.
        .keep_lld_exports(split)
        .typescript(false);
    b.generate(out).map_err(|e| format!("wasm-bindgen: {e}"))
}

/// Chunks and loaders of earlier builds (the server embeds whatever is there).
fn remove_old_chunks(out: &Path) -> Result<(), String> {
    for entry in std::fs::read_dir(out).map_err(|e| format!("{}: {e}", out.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.starts_with("split_") || name.starts_with("chunk_") || name.starts_with("__wasm_split") {
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// A module without its custom sections (the splitter writes a `name` section
/// into every chunk; wasm-bindgen, which drops it from the main module, never
/// sees them). `None` if `wasm` is not a module.
fn strip_custom_sections(wasm: &[u8]) -> Option<Vec<u8>> {
    let mut out = wasm.get(..8)?.to_vec();
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        let (mut len, mut shift, mut p) = (0usize, 0u32, at + 1);
        loop {
            let byte = *wasm.get(p)?;
            len |= usize::from(byte & 0x7f).checked_shl(shift)?;
            p += 1;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        let end = p.checked_add(len).filter(|e| *e <= wasm.len())?;
        if id != 0 {
            out.extend_from_slice(&wasm[at..end]);
        }
        at = end;
    }
    Some(out)
}

/// A short content hash for file names (FNV-1a, 64 bits, hex).
fn fnv(data: &[u8]) -> String {
    let h = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    format!("{h:016x}")
}
