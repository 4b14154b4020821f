#!/usr/bin/env python3
"""What a `transform.check` node with five rules costs (issue 14).

    python3 bench/checks.py [--rows N] [--repeat R] [--sluice PATH]

Three whole-process runs over bench/data/transactions.csv (made by gen_data.py):
  plain   sluice: transactions -> aggregate per branch and currency -> parquet
  checked sluice: the same with a check node in front of the aggregate: not_null on three
          columns, unique txn_id, currency in a list, amount between bounds, branch matches
          ^B[0-9]{3}$ (every rule `error`, so `out` is filtered by all five)
  duckdb  the checked pipeline as SQL: one query for the failure counts of the five rules,
          one COPY of the aggregate over the rows that pass
Prints the median wall time of each and the ratios checked/plain and checked/duckdb.
Use a perf build of sluice (`cargo build --profile perf -p sluice-backend`): a debug build
measures DataFusion unoptimised.
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
RULES = [
    {"name": "ids_set", "kind": "not_null", "columns": ["txn_id", "account_id", "amount"]},
    {"name": "one_row_per_txn", "kind": "unique", "columns": ["txn_id"]},
    {"name": "known_ccy", "kind": "in", "column": "currency", "values": ["CNY", "USD", "EUR", "HKD"]},
    {"name": "sane_amount", "kind": "between", "column": "amount", "min": -1000000, "max": 1000000},
    {"name": "branch_code", "kind": "matches", "column": "branch", "pattern": "^B[0-9]{3}$"},
]
DUCK_FLAGS = """
  txn_id IS NULL OR account_id IS NULL OR amount IS NULL AS f0,
  count(*) OVER (PARTITION BY txn_id) > 1 AND txn_id IS NOT NULL AS f1,
  COALESCE(currency NOT IN ('CNY','USD','EUR','HKD'), false) AS f2,
  COALESCE(amount < -1000000 OR amount > 1000000, false) AS f3,
  COALESCE(NOT regexp_matches(branch, '^B[0-9]{3}$'), false) AS f4
"""


def graph(checked: bool) -> dict:
    nodes = [{"id": "txns", "kind": "source.csv", "config": {"path": "transactions.csv"}}]
    chain = ["txns"]
    if checked:
        nodes.append({"id": "chk", "kind": "transform.check", "config": {"rules": RULES}})
        chain.append("chk")
    nodes += [
        {"id": "agg", "kind": "transform.aggregate", "config": {"group_by": ["branch", "currency"], "aggregates": [
            {"fn": "count", "as": "n"}, {"fn": "sum", "column": "amount", "as": "total"}]}},
        {"id": "out", "kind": "sink.parquet", "config": {"path": f"out/checks_{'on' if checked else 'off'}.parquet"}},
    ]
    chain += ["agg", "out"]
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    target = os.environ.get("CARGO_TARGET_DIR", "/var/cache/sluice-target")
    ap.add_argument("--sluice", default=f"{target}/perf/sluice")
    args = ap.parse_args()
    data = HERE / "data"
    subprocess.run([sys.executable, str(HERE / "gen_data.py"), "--rows", str(args.rows), "--out", str(data)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        for checked in (False, True):
            (t / f"g_{checked}.json").write_text(json.dumps(graph(checked)))
        (t / "duck.py").write_text(duck_script(data, t / "duck.parquet"))
        runs: dict[str, list[float]] = {"plain": [], "checked": [], "duckdb": []}
        cmds = {
            "plain": [args.sluice, "run", str(t / "g_False.json"), "--data-root", str(data)],
            "checked": [args.sluice, "run", str(t / "g_True.json"), "--data-root", str(data)],
            "duckdb": [sys.executable, str(t / "duck.py")],
        }
        for _ in range(args.repeat):
            for name, cmd in cmds.items():
                runs[name].append(timed(cmd))
    med = {k: statistics.median(v) for k, v in runs.items()}
    print(f"rows {args.rows}, {args.repeat} runs each, median wall seconds ({args.sluice})")
    for k, v in med.items():
        print(f"  {k:8} {v:7.2f}")
    print(f"check node with 5 rules: checked/plain = {med['checked'] / med['plain']:.2f}x, "
          f"checked/duckdb = {med['checked'] / med['duckdb']:.2f}x")


if __name__ == "__main__":
    main()
