#!/usr/bin/env python3
"""What a `transform.check` node with five rules costs (issue 14: at most 1.3x).

    python3 bench/checks.py [--rows N] [--repeat R] [--sluice PATH] [--write]

Whole-process runs over bench/data/transactions.csv (made by gen_data.py), in turns:
  plain    sluice: transactions -> aggregate per branch and currency -> parquet
  checked  sluice: the same with a check node in front of the aggregate, five row rules
           evaluated per row: not_null on three columns, currency in a list, amount between
           bounds, branch matches ^B[0-9]{3}$, the expression `txn_id > 0` (every rule `error`, so `out` is
           filtered by all five)
  unique   as `checked` with `unique` txn_id instead of the expression (a window over the
           whole input: a sort of every row by txn_id)
  load     sluice: transactions -> parquet, every column (a load into the reporting store)
  load_checked  the load with the five-rule check node in front of the sink: here the
           pipeline without the check reads every column too, so the ratio is the
           rules' own cost; above, it also pays for parsing the two columns only the
           rules read
  duckdb   the `unique` pipeline as SQL (if the duckdb module is installed): one query for the
           failure counts, one COPY of the aggregate over the rows that pass
Prints the median wall time of each and the ratios to plain; the three sluice outputs must
hold the same rows (every generated row passes every rule). `--write` also writes
bench/results/checks.md. Use a perf build of sluice (`cargo build --profile perf -p
sluice-backend --bin sluice`): a debug build measures DataFusion unoptimised.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMON = [
    {"name": "ids_set", "kind": "not_null", "columns": ["txn_id", "account_id", "amount"]},
    {"name": "known_ccy", "kind": "in", "column": "currency", "values": ["CNY", "USD", "EUR", "HKD"]},
    {"name": "sane_amount", "kind": "between", "column": "amount", "min": -1000000, "max": 1000000},
    {"name": "branch_code", "kind": "matches", "column": "branch", "pattern": "^B[0-9]{3}$"},
]
RULES = {
    "checked": COMMON + [{"name": "positive_id", "kind": "expr", "expr": "txn_id > 0"}],
    "unique": COMMON + [{"name": "one_row_per_txn", "kind": "unique", "columns": ["txn_id"]}],
}
DUCK_FLAGS = """
  txn_id IS NULL OR account_id IS NULL OR amount IS NULL AS f0,
  count(*) OVER (PARTITION BY txn_id) > 1 AND txn_id IS NOT NULL AS f1,
  COALESCE(currency NOT IN ('CNY','USD','EUR','HKD'), false) AS f2,
  COALESCE(amount < -1000000 OR amount > 1000000, false) AS f3,
  COALESCE(NOT regexp_matches(branch, '^B[0-9]{3}$'), false) AS f4
"""


LOADS = {"load": None, "load_checked": "checked"}


def graph(variant: str) -> dict:
    nodes = [{"id": "txns", "kind": "source.csv", "config": {"path": "transactions.csv"}}]
    chain = ["txns"]
    rules = RULES.get(variant) or RULES.get(LOADS.get(variant) or "")
    if rules:
        nodes.append({"id": "chk", "kind": "transform.check", "config": {"rules": rules}})
        chain.append("chk")
    if variant not in LOADS:
        nodes.append({"id": "agg", "kind": "transform.aggregate", "config": {"group_by": ["branch", "currency"], "aggregates": [
            {"fn": "count", "as": "n"}, {"fn": "sum", "column": "amount", "as": "total"}]}})
        chain.append("agg")
    nodes.append({"id": "out", "kind": "sink.parquet", "config": {"path": f"out/checks_{variant}.parquet"}})
    chain.append("out")
    edges = [{"from": a, "to": b} for a, b in zip(chain, chain[1:])]
    return {"format": "sluice.graph/v1", "name": "bench_checks", "nodes": nodes, "edges": edges}


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return took


def duck_script(data: Path, out: Path) -> str:
    src = f"read_csv('{data / 'transactions.csv'}')"
    return f"""
import duckdb
con = duckdb.connect()
con.execute("CREATE TEMP VIEW flagged AS SELECT *, {DUCK_FLAGS.strip().replace(chr(10), ' ')} FROM {src}")
counts = con.execute("SELECT count(*), sum(f0::int), sum(f1::int), sum(f2::int), sum(f3::int), sum(f4::int) FROM flagged").fetchone()
con.execute("COPY (SELECT branch, currency, count(*) AS n, sum(amount) AS total FROM flagged "
            "WHERE NOT (f0 OR f1 OR f2 OR f3 OR f4) GROUP BY branch, currency) TO '{out}' (FORMAT parquet)")
"""


def same_rows(data: Path) -> str:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return "not compared (pyarrow missing)"
    tables = {v: pq.read_table(data / "out" / f"checks_{v}.parquet") for v in ("plain", *RULES)}
    # Float sums in another row order differ in the last bits: totals compared to the cent.
    def key(t):
        cols = [t.column(c).to_pylist() for c in ("branch", "currency", "n", "total")]
        return sorted((b, c, n, round(x, 2)) for b, c, n, x in zip(*cols))
    base = key(tables["plain"])
    for v, t in tables.items():
        if key(t) != base:
            sys.exit(f"checks.py: the {v} output differs from the plain one")
    loads = [pq.read_metadata(data / "out" / f"checks_{v}.parquet").num_rows for v in LOADS]
    if len(set(loads)) != 1:
        sys.exit(f"checks.py: the loads wrote {loads} rows")
    return f"all aggregate outputs hold the same {len(base)} rows; both loads wrote {loads[0]} rows"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    target = os.environ.get("CARGO_TARGET_DIR", "/var/cache/sluice-target")
    ap.add_argument("--sluice", default=f"{target}/perf/sluice")
    ap.add_argument("--write", action="store_true", help="write bench/results/checks.md")
    args = ap.parse_args()
    data = HERE / "data"
    subprocess.run([sys.executable, str(HERE / "gen_data.py"), "--rows", str(args.rows), "--out", str(data)], check=True)
    try:
        import duckdb  # noqa: F401
        have_duck = True
    except ImportError:
        have_duck = False
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        cmds = {}
        for v in ("plain", *RULES, *LOADS):
            (t / f"g_{v}.json").write_text(json.dumps(graph(v)))
            cmds[v] = [args.sluice, "run", str(t / f"g_{v}.json"), "--data-root", str(data)]
        if have_duck:
            (t / "duck.py").write_text(duck_script(data, t / "duck.parquet"))
            cmds["duckdb"] = [sys.executable, str(t / "duck.py")]
        for cmd in cmds.values():  # warm-up (page cache)
            timed(cmd)
        runs: dict[str, list[float]] = {k: [] for k in cmds}
        for _ in range(args.repeat):
            for name, cmd in cmds.items():
                runs[name].append(timed(cmd))
    agree = same_rows(data)
    med = {k: statistics.median(v) for k, v in runs.items()}
    lines = [f"rows {args.rows}, {args.repeat} runs each after one warm-up, median wall seconds ({args.sluice})"]
    for k, v in med.items():
        lines.append(f"  {k:8} {v:7.2f}   ({', '.join(f'{x:.2f}' for x in runs[k])})")
    lines.append(f"five row rules:          checked/plain = {med['checked'] / med['plain']:.2f}x")
    lines.append(f"four rules + unique:     unique/plain  = {med['unique'] / med['plain']:.2f}x")
    lines.append(f"five row rules, load:    load_checked/load = {med['load_checked'] / med['load']:.2f}x")
    if have_duck:
        lines.append(f"unique/duckdb = {med['unique'] / med['duckdb']:.2f}x")
    lines.append(agree)
    print("\n".join(lines))
    if args.write:
        out = HERE / "results" / "checks.md"
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        text = f"# Check node benchmark\n\nMeasured {when} by `python3 bench/checks.py --rows {args.rows} " \
               f"--repeat {args.repeat} --write` on {os.cpu_count()} CPUs.\n\n```\n" + "\n".join(lines) + "\n```\n"
        out.write_text(text)
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
