//! Project automation, in Rust so it needs nothing but cargo:
//!
//! - `cargo xtask wasm`  build the Leptos front-end to WebAssembly into `static/pkg`
//! - `cargo xtask run [--release] [serve args]`  build everything and start `sluice serve --demo`
//! - `cargo xtask test`  the whole test suite (Rust, WebAssembly build, browser tests, API fuzzing)
//! - `cargo xtask cluster`  the `cluster` feature (Ballista): clippy, then its tests (CI runs it after `test`)
//! - `cargo xtask dist`  the release binary (the app inside) and a tarball with README and licences
//!
//! The wasm-bindgen step runs as a library (`wasm-bindgen-cli-support`), pinned
//! to the same version as the front-end's `wasm-bindgen`, so nothing is downloaded.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod split;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("wasm") => wasm(),
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("dist") => dist(),
        Some("cluster") => cluster(),
        _ => Err("usage: cargo xtask (wasm | run [serve args...] | test | cluster | dist)".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace to build and test, found at run time from the current
/// directory (`cargo locate-project --workspace`). Never a path baked in at
/// compile time: with one target dir shared by several clones, cargo may reuse
/// an `xtask` binary built in another clone, which would then test that clone.
fn root() -> PathBuf {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = Command::new(cargo)
            .args(["locate-project", "--workspace", "--message-format", "plain"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok());
        match out.as_deref().map(str::trim).map(Path::new).and_then(Path::parent) {
            Some(dir) => dir.to_path_buf(),
            None => std::env::current_dir().expect("a current directory"),
        }
    })
    .clone()
}

/// Where cargo puts artifacts, as cargo itself resolves it (environment,
/// `.cargo/config.toml` files, or the default `target/`).
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo).args(["metadata", "--format-version", "1", "--no-deps"]).current_dir(root()).output();
    out.ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|json| {
            let key = "\"target_directory\":\"";
            let start = json.find(key)? + key.len();
            let end = json[start..].find('"')? + start;
            Some(PathBuf::from(json[start..end].replace("\\\\", "\\")))
        })
        .unwrap_or_else(|| root().join("target"))
}

fn cargo(args: &[&str]) -> Result<(), String> {
    sh(Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())).args(args))
}

fn sh(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    eprintln!("xtask: {shown}");
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(root());
    }
    let status = cmd.status().map_err(|e| format!("{shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} failed: {status}")) }
}

/// The editor's first-paint module, gzip bytes (issue 15: the editor opens in
/// about a second on a slow link). The build fails above it.
const FIRST_PAINT_BUDGET: u64 = 500_000;

/// Builds the front-end for the browser: cargo → wasm-bindgen → gzip, for the
/// editor's first-paint module and for the full checker the page loads after
/// first paint (`frontend/src/checker.rs`). Two cargo runs, not one: in one,
/// `shared`'s `sql` feature (sqlparser) would be unified into the first module.
fn wasm() -> Result<(), String> {
    let _ = Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]).status();
    let out = root().join("static/pkg");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let chunks = split::frontend(&out)?;
    split::bindgen("sluice_checker", &split::built("sluice-checker", "sluice_checker", false)?, &out, false)?;
    let libs = ["sluice_frontend", "sluice_checker"];
    let mut files: Vec<PathBuf> =
        libs.iter().flat_map(|lib| [out.join(format!("{lib}_bg.wasm")), out.join(format!("{lib}.js"))]).collect();
    files.extend(chunks.iter().cloned());
    gzip_all(&files)?;
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).map_err(|e| format!("{}: {e}", p.display()));
    let gz = |p: &Path| size(&PathBuf::from(format!("{}.gz", p.display())));
    let mut total = (0, 0);
    for lib in libs {
        let wasm = out.join(format!("{lib}_bg.wasm"));
        let (raw, zipped) = (size(&wasm)?, gz(&wasm)?);
        eprintln!("xtask: {lib}_bg.wasm {raw} bytes, {zipped} bytes gzip");
        total = (total.0 + raw, total.1 + zipped);
        if lib == libs[0] && zipped > FIRST_PAINT_BUDGET {
            return Err(format!(
                "{lib}_bg.wasm is {zipped} bytes gzip, over the first-paint budget of {FIRST_PAINT_BUDGET}: \
                 move the new code into a chunk loaded after first paint (frontend/src/lazy_pages.rs)"
            ));
        }
    }
    for chunk in chunks.iter().filter(|c| c.extension().is_some_and(|e| e == "wasm")) {
        let (raw, zipped) = (size(chunk)?, gz(chunk)?);
        eprintln!("xtask: chunk {} {raw} bytes, {zipped} bytes gzip", chunk.display());
        total = (total.0 + raw, total.1 + zipped);
    }
    eprintln!("xtask: wasm bundle {} bytes, {} bytes gzip (all modules)", total.0, total.1);
    Ok(())
}

/// Zopfli takes minutes per module: two workers (one per core) take the
/// files largest first.
fn gzip_all(files: &[PathBuf]) -> Result<(), String> {
    let mut files = files.to_vec();
    files.sort_by_key(|f| std::cmp::Reverse(std::fs::metadata(f).map(|m| m.len()).unwrap_or(0)));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || -> Result<(), String> {
        while let Some(f) = files.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
            gzip(f)?;
        }
        Ok(())
    };
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..2).map(|_| s.spawn(work)).collect();
        workers.into_iter().try_for_each(|w| w.join().unwrap_or_else(|_| Err("gzip panicked".into())))
    })
}

/// Writes `<file>.gz` beside `file`, so the server can send it precompressed.
/// Zopfli writes ordinary gzip that browsers inflate as usual, about 5 % smaller
/// than `gzip -9`; it is slow, which a build step can afford once.
fn gzip(file: &Path) -> Result<(), String> {
    let data = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut gz = file.as_os_str().to_owned();
    gz.push(".gz");
    let mut out = Vec::with_capacity(data.len() / 3);
    zopfli::compress(zopfli::Options::default(), zopfli::Format::Gzip, &data[..], &mut out)
        .map_err(|e| e.to_string())?;
    std::fs::write(&gz, out).map_err(|e| e.to_string())
}

/// Builds the server and the bundle, then serves the demo on localhost. The
/// server is the debug build the tests use (minutes to build on a fresh machine,
/// and fast enough for the demo data); `--release` builds the optimised `perf`
/// profile for real data volumes.
fn run(extra: &[String]) -> Result<(), String> {
    wasm()?;
    let release = extra.iter().any(|a| a == "--release");
    let extra: Vec<&String> = extra.iter().filter(|a| *a != "--release").collect();
    let bin = if release {
        cargo(&["build", "-p", "sluice-backend", "--profile", "perf", "--bin", "sluice"])?;
        target_dir().join("perf/sluice")
    } else {
        cargo(&["build", "-p", "sluice-backend", "--bin", "sluice"])?;
        target_dir().join("debug/sluice")
    };
    let mut cmd = Command::new(bin);
    cmd.arg("serve");
    if extra.is_empty() {
        cmd.arg("--demo");
    }
    cmd.args(extra);
    sh(&mut cmd)
}

/// The whole suite: what `.ci/run` calls.
fn test() -> Result<(), String> {
    cargo(&["fmt", "--all", "--check"])?;
    // Files under 400 lines, functions under 80 (outside `view!`), in every crate.
    sh(Command::new("python3").arg(root().join("scripts/fn_lengths.py")).current_dir(root()))?;
    cargo(&[
        "clippy",
        "-p",
        "sluice-shared",
        "-p",
        "sluice-backend",
        "-p",
        "xtask",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    // The front-end only ever runs in the browser: lint it for that target.
    let _ = Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]).status();
    cargo(&["clippy", "-p", "sluice-frontend", "--target", "wasm32-unknown-unknown", "--", "-D", "warnings"])?;
    cargo(&["clippy", "-p", "sluice-checker", "--target", "wasm32-unknown-unknown", "--", "-D", "warnings"])?;
    // The bundle first: the server binary the tests build carries it inside.
    wasm()?;
    // The default members: shared, backend (engine, store on SQLite and PostgreSQL, API,
    // scheduler, crash test) and xtask.
    cargo(&["test"])?;
    // The front-end's plain-Rust rules (form state, which fields a mode shows) run natively.
    cargo(&["test", "-p", "sluice-frontend", "--lib"])?;
    e2e()?;
    api_fuzz()?;
    fuzz()
}

/// The backend with the `cluster` feature (Apache DataFusion Ballista): its own
/// build (Ballista turns on more DataFusion features, so it never touches the
/// default build's artifacts), linted, then the tests that need a cluster: the
/// conformance suite through one scheduler and two executors, an unreachable
/// scheduler, handed-over sources, and an executor killed mid-run.
fn cluster() -> Result<(), String> {
    let feature = ["-p", "sluice-backend", "--features", "cluster"];
    cargo(&[&["clippy"][..], &feature, &["--all-targets", "--", "-D", "warnings"]].concat())?;
    let tests = ["--test", "cluster", "--test", "conformance", "--test", "cluster_setting"];
    cargo(&[&["test"][..], &feature, &tests].concat())?;
    // Leave `target/debug/sluice` as the default build made it (the browser tests use it).
    cargo(&["build", "-p", "sluice-backend", "--bin", "sluice"])
}

/// A short `cargo fuzz` run of every target (graph parser + validator,
/// expressions, SQL check) from the committed corpus: about 30 s each. The
/// fuzz build keeps its own folder inside cargo's target dir, so it is
/// incremental like the rest. Longer runs: `fuzz/run.sh 600 graph`.
fn fuzz() -> Result<(), String> {
    let has_fuzz = Command::new("cargo").args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success());
    if !has_fuzz {
        cargo(&["install", "--locked", "cargo-fuzz"]).or_else(|_| cargo(&["install", "cargo-fuzz"]))?;
    }
    let seconds = std::env::var("SLUICE_FUZZ_SECONDS").unwrap_or_else(|_| "30".into());
    sh(Command::new("bash")
        .arg(root().join("fuzz/run.sh"))
        .arg(seconds)
        .env("FUZZ_TARGET_DIR", target_dir().join("fuzz"))
        .current_dir(root().join("fuzz")))
}

/// schemathesis against a real `sluice serve --demo`, bounded (about two
/// minutes): `e2e/api-fuzz.sh` installs schemathesis into a virtualenv if it is
/// missing and fails on a 500 or an answer the OpenAPI document does not describe.
fn api_fuzz() -> Result<(), String> {
    let bin = target_dir().join("debug/sluice");
    if !bin.exists() {
        cargo(&["build", "--bin", "sluice"])?;
    }
    sh(Command::new("bash").arg(root().join("e2e/api-fuzz.sh")).env("SLUICE_BIN", &bin))
}

/// Browser tests: Playwright drives Debian's Chromium against a real `sluice serve`.
fn e2e() -> Result<(), String> {
    let dir = root().join("e2e");
    if !dir.join("package.json").exists() {
        eprintln!("xtask: no e2e/package.json yet; skipping browser tests");
        return Ok(());
    }
    // `cargo test` above built `target/debug/sluice` with the test build's
    // feature set; building it again with `-p` would compile DataFusion a
    // second time for a different feature unification.
    let bin = target_dir().join("debug/sluice");
    if !bin.exists() {
        cargo(&["build", "--bin", "sluice"])?;
    }
    if !dir.join("node_modules").exists() {
        sh(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir))?;
    }
    sh(Command::new("npx").args(["playwright", "test"]).env("SLUICE_BIN", &bin).current_dir(&dir))
}

/// `dist/sluice-<version>-<target>.tar.gz`: the release binary with the app
/// built in (nothing else to install or place beside it), README and licences
/// (ours, and every crate's name, version and licence from `cargo metadata`).
fn dist() -> Result<(), String> {
    wasm()?;
    cargo(&["build", "--release", "-p", "sluice-backend", "--bin", "sluice"])?;
    let name = format!("sluice-{}-{}-{}", env!("CARGO_PKG_VERSION"), std::env::consts::ARCH, std::env::consts::OS);
    let out = root().join("dist");
    let dir = out.join(&name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let copy = |from: PathBuf, to: &str| {
        std::fs::copy(&from, dir.join(to)).map(drop).map_err(|e| format!("{}: {e}", from.display()))
    };
    copy(target_dir().join("release/sluice"), "sluice")?;
    copy(root().join("README.md"), "README.md")?;
    copy(root().join("LICENSE"), "LICENSE")?;
    std::fs::write(dir.join("THIRD-PARTY-LICENSES.txt"), third_party()?).map_err(|e| e.to_string())?;
    let tarball = format!("{name}.tar.gz");
    sh(Command::new("tar").args(["czf", &tarball, &name]).current_dir(&out))?;
    eprintln!("xtask: {}", out.join(tarball).display());
    Ok(())
}

/// One line per crate the release binary is built from: name, version, licence.
fn third_party() -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--filter-platform", "x86_64-unknown-linux-gnu"])
        .current_dir(root())
        .output()
        .map_err(|e| e.to_string())?;
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let mut lines: Vec<String> = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let licence = p["license"].as_str().unwrap_or("see the crate's own files");
            format!("{} {}: {licence}", p["name"].as_str().unwrap_or("?"), p["version"].as_str().unwrap_or("?"))
        })
        .collect();
    lines.sort();
    lines.dedup();
    Ok(format!("Crates built into sluice, with their licences (from cargo metadata):\n\n{}\n", lines.join("\n")))
}
