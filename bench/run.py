#!/usr/bin/env python3
"""Sluice engine benchmark: the same pipeline in Sluice, hand-written DataFusion,
DuckDB, Polars and pandas, each run as a whole process.

    bench/run.sh [--rows N] [--repeat R] [--warmup W] [--tools a,b] [--skip-build]

Steps: install the Python peers if missing, build `sluice` and the
`handwritten_datafusion` example with the `perf` profile, generate the data
(skipped when already there), run every tool R times round-robin (plus W untimed
warm-up runs), check that all outputs agree, print a markdown table and write it
to bench/results/engine.md. Exits non-zero if any tool fails or the outputs
disagree.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DATA = BENCH / "data"
OUT = DATA / "out"  # sink.parquet in pipeline.json writes out/sluice.parquet under the data root
RESULTS = BENCH / "results"
PY_DEPS = {"duckdb": "duckdb", "polars": "polars", "pandas": "pandas", "pyarrow": "pyarrow", "numpy": "numpy"}

# Agreement tolerance for the float columns (sums of float64 in different orders).
REL_TOL = 1e-9
ABS_TOL = 1e-6


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ensure_python_deps(no_install: bool) -> None:
    missing = [pkg for mod, pkg in PY_DEPS.items() if importlib.util.find_spec(mod) is None]
    if not missing:
        return
    if no_install:
        sys.exit(f"run.py: missing Python packages: {' '.join(missing)} (and --no-pip given)")
    log(f"== pip install {' '.join(missing)}")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)
    importlib.invalidate_caches()


def target_dir() -> Path:
    return Path(os.environ.get("CARGO_TARGET_DIR") or "/var/cache/sluice-target")


def build() -> None:
    env = dict(os.environ, CARGO_TARGET_DIR=str(target_dir()))
    cmd = [
        "cargo", "build", "--profile", "perf", "-p", "sluice-backend",
        "--bin", "sluice", "--example", "handwritten_datafusion",
    ]
    log(f"== CARGO_TARGET_DIR={env['CARGO_TARGET_DIR']} {' '.join(cmd)}")
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, env=env, check=True)
    log(f"== build took {time.perf_counter() - t0:.0f} s")


@dataclass
class Tool:
    key: str
    label: str
    cmd: list[str]
    out: Path
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    error: str | None = None


def make_tools(selected: list[str] | None) -> list[Tool]:
    perf = target_dir() / "perf"
    py = sys.executable
    tools = [
        Tool("sluice", "Sluice (`sluice run`)",
             [str(perf / "sluice"), "run", str(BENCH / "pipeline.json"), "--data-root", str(DATA)],
             OUT / "sluice.parquet"),
        Tool("datafusion", "DataFusion, hand-written SQL",
             [str(perf / "examples" / "handwritten_datafusion"), str(DATA), str(OUT / "datafusion.parquet")],
             OUT / "datafusion.parquet"),
        Tool("duckdb", "DuckDB (Python)",
             [py, str(BENCH / "peers" / "duckdb_peer.py"), str(DATA), str(OUT / "duckdb.parquet")],
             OUT / "duckdb.parquet"),
        Tool("polars", "Polars (lazy)",
             [py, str(BENCH / "peers" / "polars_peer.py"), str(DATA), str(OUT / "polars.parquet")],
             OUT / "polars.parquet"),
        Tool("pandas", "pandas",
             [py, str(BENCH / "peers" / "pandas_peer.py"), str(DATA), str(OUT / "pandas.parquet")],
             OUT / "pandas.parquet"),
    ]
    if selected:
        unknown = set(selected) - {t.key for t in tools}
        if unknown:
            sys.exit(f"run.py: unknown tool(s) {sorted(unknown)}; known: {[t.key for t in tools]}")
        tools = [t for t in tools if t.key in selected]
    return tools


def run_once(tool: Tool, timeout: float) -> tuple[float, float, float]:
    """Run the tool once; returns (wall s, user+sys CPU s, peak RSS MB). Raises on failure.

    The child is reaped with os.wait4, so CPU time and peak RSS are this run's own.
    """
    tool.out.unlink(missing_ok=True)
    if tool.out.is_dir():
        shutil.rmtree(tool.out)
    timed_out = threading.Event()
    with tempfile.TemporaryFile() as so, tempfile.TemporaryFile() as se:
        t0 = time.perf_counter()
        proc = subprocess.Popen(tool.cmd, cwd=REPO, stdout=so, stderr=se)

        def kill() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        so.seek(0)
        se.seek(0)
        stdout, stderr = so.read(), se.read()
    if timed_out.is_set():
        raise RuntimeError(f"timed out after {timeout:.0f} s\n$ {' '.join(tool.cmd)}")
    if proc.returncode != 0:
        raise RuntimeError(
            f"exit status {proc.returncode}\n$ {' '.join(tool.cmd)}\n"
            f"--- stdout ---\n{stdout.decode(errors='replace').strip()}\n"
            f"--- stderr ---\n{stderr.decode(errors='replace').strip()}"
        )
    if not tool.out.is_file():
        raise RuntimeError(f"exit 0 but {tool.out} is not a single file\n$ {' '.join(tool.cmd)}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0


# ---------------------------------------------------------------------------- checking

def read_result(path: Path):
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    cols = ["segment", "branch", "n", "total", "avg_amount"]
    missing = [c for c in cols if c not in table.column_names]
    if missing:
        raise ValueError(f"{path.name}: missing columns {missing} (has {table.column_names})")
    d = {c: table.column(c).to_pylist() for c in cols}
    rows = list(zip(*(d[c] for c in cols)))
    return table.column_names, rows


def check_outputs(tools: list[Tool]) -> list[str]:
    """Compare every successful tool's output with the reference one. Returns problems."""
    problems: list[str] = []
    ok = [t for t in tools if t.error is None]
    if not ok:
        return ["no tool produced an output"]
    ref = next((t for t in ok if t.key == "datafusion"), ok[0])
    results = {}
    for t in ok:
        try:
            results[t.key] = read_result(t.out)
        except Exception as e:  # noqa: BLE001
            problems.append(f"{t.key}: cannot read {t.out}: {e}")
    if ref.key not in results:
        return problems
    ref_cols, ref_rows = results[ref.key]
    if not ref_rows:
        problems.append(f"{ref.key}: empty result")
    ref_map = {(r[0], r[1]): r for r in ref_rows}
    for t in ok:
        if t.key not in results:
            continue
        cols, rows = results[t.key]
        name = t.key
        if cols[:5] != ["segment", "branch", "n", "total", "avg_amount"]:
            problems.append(f"{name}: column order {cols}, expected segment, branch, n, total, avg_amount")
        totals = [r[3] for r in rows]
        if any(a < b for a, b in zip(totals, totals[1:])):
            problems.append(f"{name}: rows are not sorted by total descending")
        if len(rows) != len(ref_rows):
            problems.append(f"{name}: {len(rows)} rows, {ref.key} has {len(ref_rows)}")
        got = {(r[0], r[1]): r for r in rows}
        if len(got) != len(rows):
            problems.append(f"{name}: duplicate (segment, branch) groups")
        only_here = sorted(set(got) - set(ref_map), key=str)[:5]
        only_ref = sorted(set(ref_map) - set(got), key=str)[:5]
        if only_here or only_ref:
            problems.append(f"{name}: groups differ from {ref.key}: extra {only_here}, missing {only_ref}")
        bad = 0
        for k in set(got) & set(ref_map):
            g, r = got[k], ref_map[k]
            if g[2] != r[2] or not all(
                math.isclose(g[i], r[i], rel_tol=REL_TOL, abs_tol=ABS_TOL) for i in (3, 4)
            ):
                if bad < 5:
                    problems.append(f"{name}: group {k}: n/total/avg {g[2:]} vs {ref.key} {r[2:]}")
                bad += 1
        if bad > 5:
            problems.append(f"{name}: ... {bad} differing groups in all")
    return problems


# ---------------------------------------------------------------------------- report

def versions() -> dict[str, str]:
    v = {}
    for mod in ("duckdb", "polars", "pandas", "pyarrow"):
        try:
            v[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001
            v[mod] = "?"
    try:
        v["rustc"] = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        v["rustc"] = "?"
    lock = REPO / "Cargo.lock"
    if lock.exists():
        text = lock.read_text()
        i = text.find('name = "datafusion"\nversion = "')
        if i >= 0:
            v["datafusion"] = text[i:].split('"')[3]
    return v


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def cpu_busy_fraction(seconds: float = 1.0) -> float | None:
    """Share of all CPUs busy over `seconds` (from /proc/stat), or None off Linux."""
    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields), idle

    try:
        t1, i1 = sample()
        time.sleep(seconds)
        t2, i2 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return None if t2 == t1 else 1.0 - (i2 - i1) / (t2 - t1)


def fmt_ratio(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}×"


def render(tools: list[Tool], args, gen_info: dict) -> str:
    med = {t.key: statistics.median(t.times) for t in tools if t.times and t.error is None}
    lines = [
        "| tool | median s | min s | vs hand-written DataFusion | vs Sluice | CPU s (median) | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in tools:
        if t.error is not None or not t.times:
            lines.append(f"| {t.label} | FAILED | | | | | |")
            continue
        m = med[t.key]
        vs_df = m / med["datafusion"] if "datafusion" in med else None
        vs_sl = m / med["sluice"] if "sluice" in med else None
        lines.append(
            f"| {t.label} | {m:.3f} | {min(t.times):.3f} | {fmt_ratio(vs_df)} | {fmt_ratio(vs_sl)} "
            f"| {statistics.median(t.cpu):.2f} | {max(t.rss_mb):.0f} |"
        )
    return "\n".join(lines)


def write_report(table: str, tools: list[Tool], args, gen_info: dict, problems: list[str]) -> Path:
    v = versions()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "engine.md"
    txn_mb = (DATA / "transactions.csv").stat().st_size / 1e6
    body = [
        "# Engine benchmark",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')} by `bench/run.sh --rows {args.rows} --repeat {args.repeat}`"
        f" (warm-up runs per tool: {args.warmup}).",
        "",
        f"Data: `transactions.csv` {gen_info.get('transactions_rows', args.rows):,} rows ({txn_mb:.0f} MB), "
        f"`accounts.csv` {gen_info.get('accounts_rows', '?'):,} rows (seed {gen_info.get('seed', '?')}).",
        "Pipeline: `amount > 100 AND channel <> 'atm'`, inner join to `status = 'active'` accounts, "
        "count/sum/avg of amount by segment and branch, sort by total desc, one Parquet file.",
        "Each figure is the wall time of the whole process (start-up, CSV parsing, Parquet write).",
        "",
        table,
        "",
        f"Machine: {os.cpu_count()} CPUs ({cpu_model()}), {platform.system()} {platform.release()}; "
        f"CPUs {args.busy_before} busy with other work just before the runs "
        "(other work inflates wall times; CPU seconds are steadier).",
        f"Versions: {v.get('rustc', '?')}, datafusion {v.get('datafusion', '?')} (perf profile), "
        f"duckdb {v['duckdb']}, polars {v['polars']}, pandas {v['pandas']}, pyarrow {v['pyarrow']}, "
        f"Python {platform.python_version()}.",
        "",
        "Times of every run (s):",
        "",
    ]
    for t in tools:
        runs = ", ".join(f"{x:.3f}" for x in t.times) if t.times else "-"
        body.append(f"- {t.label}: {runs}" + (" (FAILED)" if t.error else ""))
    if problems:
        body += ["", "**Outputs disagree / failures:**", ""] + [f"- {p.splitlines()[0]}" for p in problems]
    else:
        body += ["", f"All outputs agree (row count, groups, n exactly; total and avg within rel {REL_TOL:g})."]
    path.write_text("\n".join(body) + "\n")
    return path


# ---------------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000, help="transactions rows (default 5,000,000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per tool (default 3)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs per tool first (default 1)")
    ap.add_argument("--tools", help="comma-separated subset of: sluice,datafusion,duckdb,polars,pandas")
    ap.add_argument("--skip-build", action="store_true", help="use the binaries already built")
    ap.add_argument("--no-pip", action="store_true", help="never pip-install missing peers")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per run (default 900)")
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")

    ensure_python_deps(args.no_pip)
    tools = make_tools(args.tools.split(",") if args.tools else None)
    if any(t.key in ("sluice", "datafusion") for t in tools) and not args.skip_build:
        build()
    for t in tools:
        exe = Path(t.cmd[0])
        if not exe.is_file():
            sys.exit(f"run.py: {exe} not found (build it, or drop --skip-build)")

    subprocess.run([sys.executable, str(BENCH / "gen_data.py"), "--rows", str(args.rows), "--out", str(DATA)],
                   check=True)
    gen_info = json.loads((DATA / ".gen-marker.json").read_text())
    OUT.mkdir(parents=True, exist_ok=True)
    busy = cpu_busy_fraction()
    args.busy_before = "?" if busy is None else f"{busy:.0%}"
    if busy is not None and busy > 0.25:
        log(f"!! the CPUs are {busy:.0%} busy before the runs: another process is working, "
            "wall times will be noisy")

    for rnd in range(args.warmup + args.repeat):
        timed = rnd >= args.warmup
        tag = f"run {rnd - args.warmup + 1}/{args.repeat}" if timed else f"warm-up {rnd + 1}/{args.warmup}"
        for t in tools:
            if t.error is not None:
                continue
            try:
                wall, cpu, rss = run_once(t, args.timeout)
            except Exception as e:  # noqa: BLE001
                t.error = str(e)
                log(f"== {tag} {t.key}: FAILED\n{e}")
                continue
            log(f"== {tag} {t.key}: {wall:.3f} s wall, {cpu:.2f} s CPU, {rss:.0f} MB peak RSS")
            if timed:
                t.times.append(wall)
                t.cpu.append(cpu)
                t.rss_mb.append(rss)

    problems = [f"{t.key} failed: {t.error}" for t in tools if t.error is not None]
    problems += check_outputs(tools)
    table = render(tools, args, gen_info)
    report = write_report(table, tools, args, gen_info, problems)
    print(table)
    print(f"\n(written to {report.relative_to(REPO)})")
    if problems:
        log("\n!! BENCHMARK FAILED:")
        for p in problems:
            log(f"!! {p}")
        return 1
    log(f"All {len(tools)} outputs agree.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
