#!/usr/bin/env python3
"""The engine benchmark's pipeline (bench/pipeline.json) locally and on a local
Ballista cluster (one scheduler, two executors, all on this machine), plus a
paper estimate for 500M rows on 10 machines from the measured per-stage times.

    python3 bench/cluster.py [--rows 5000000] [--repeat 3] [--bin PATH] [--slots 1]

--bin: a `sluice` built with `--features cluster` (default: $CARGO_TARGET_DIR/debug/sluice).
Writes bench/results/cluster.md.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"


def free_port(pair: bool = False) -> int:
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            p = s.getsockname()[1]
        if not pair:
            return p
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p + 1))
                return p
            except OSError:
                continue


def wait_port(port: int, proc: subprocess.Popen, what: str) -> None:
    until = time.time() + 60
    while True:
        if proc.poll() is not None:
            sys.exit(f"{what} exited: {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.time() > until:
                sys.exit(f"{what} not listening on {port}")
            time.sleep(0.1)


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    took = time.perf_counter() - t
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr}")
    return took


def graph(nodes: list, edges: list, name: str) -> dict:
    return {"format": "sluice.graph/v1", "name": name, "nodes": nodes, "edges": edges}


def stage_graphs(work: Path) -> dict[str, Path]:
    """Sub-pipelines timed alone (locally): what each cluster stage does."""
    pipe = json.loads((BENCH / "pipeline.json").read_text())
    nodes = {n["id"]: {k: v for k, v in n.items() if k != "pos"} for n in pipe["nodes"]}
    count = {"id": "n", "kind": "transform.aggregate", "config": {"group_by": [], "aggregates": [{"fn": "count", "as": "n"}]}}
    out = lambda p: {"id": "out", "kind": "sink.csv", "config": {"path": p}}
    g = {
        "scan_filter_txns": graph([nodes["txns"], nodes["big_non_atm"], count, out("out/stage_txns.csv")],
                                  [{"from": "txns", "to": "big_non_atm"}, {"from": "big_non_atm", "to": "n"},
                                   {"from": "n", "to": "out"}], "stage_txns"),
        "scan_filter_accounts": graph([nodes["accounts"], nodes["active"], count, out("out/stage_accounts.csv")],
                                      [{"from": "accounts", "to": "active"}, {"from": "active", "to": "n"},
                                       {"from": "n", "to": "out"}], "stage_accounts"),
    }
    paths = {}
    for k, doc in g.items():
        p = work / f"{k}.json"
        p.write_text(json.dumps(doc))
        paths[k] = p
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--slots", type=int, default=1, help="task slots per executor (2 executors)")
    target = Path(os.environ.get("CARGO_TARGET_DIR", BENCH.parent / "target"))
    ap.add_argument("--bin", type=Path, default=target / "debug" / "sluice")
    ap.add_argument("--profile", default="dev", help="how --bin was built, for the report")
    args = ap.parse_args()

    subprocess.run([sys.executable, str(BENCH / "gen_data.py"), "--rows", str(args.rows), "--out", str(DATA)], check=True)
    sluice = str(args.bin)
    work = Path(tempfile.mkdtemp(prefix="sluice-cluster-bench-"))
    stages = stage_graphs(work)
    run = [sluice, "run", str(BENCH / "pipeline.json"), "--data-root", str(DATA)]

    def series(cmd: list[str]) -> list[float]:
        timed(cmd)  # warm-up (page cache, the cluster's first session)
        return [timed(cmd) for _ in range(args.repeat)]

    local = series(run)
    stage_t = {k: series([sluice, "run", str(p), "--data-root", str(DATA)]) for k, p in stages.items()}
    filtered = int((DATA / "out/stage_txns.csv").read_text().splitlines()[1])

    procs = []
    try:
        sp = free_port()
        procs.append(subprocess.Popen([sluice, "cluster", "scheduler", "--bind", f"127.0.0.1:{sp}"],
                                      stderr=open(work / "scheduler.log", "w")))
        wait_port(sp, procs[0], "scheduler")
        for i in range(2):
            ep = free_port(pair=True)
            p = subprocess.Popen([sluice, "cluster", "executor", "--scheduler", f"127.0.0.1:{sp}",
                                  "--bind", f"127.0.0.1:{ep}", "--slots", str(args.slots),
                                  "--work-dir", str(work / f"executor-{i}")], stderr=open(work / f"executor-{i}.log", "w"))
            procs.append(p)
            wait_port(ep + 1, p, f"executor {i}")
        time.sleep(1)
        cluster = series(run + ["--cluster", f"df://127.0.0.1:{sp}"])
    finally:
        for p in procs:
            p.kill()
            p.wait()

    write_report(args, local, cluster, stage_t, filtered)


def write_report(args, local, cluster, stage_t, filtered) -> None:
    med = statistics.median
    lo, cl = med(local), med(cluster)
    t_txns, t_acc = med(stage_t["scan_filter_txns"]), med(stage_t["scan_filter_accounts"])
    t_rest = max(lo - t_txns - t_acc, 0.0)
    overhead = cl - lo
    # Paper estimate: 500M rows, 10 machines of 16 cores, 10 Gbit/s, same per-core speed as here.
    scale, cores_here, machines, cores = 500_000_000 / args.rows, 2, 10, 16
    speedup = machines * cores / cores_here
    scan = t_txns * scale / speedup
    rest = t_rest * scale / speedup
    shuffle_bytes = filtered * scale * 40  # account_id, amount + hash/IPC framing, about 40 B a row
    shuffle = shuffle_bytes / (machines * 10e9 / 8 * 0.5)  # half of each 10 Gbit/s link, all-to-all
    fixed = max(overhead, 0.0)
    est = fixed + scan + t_acc + shuffle + rest
    one_machine = lo * scale
    lines = [
        "# The pipeline on a Ballista cluster",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `python3 bench/cluster.py --rows {args.rows} "
        f"--repeat {args.repeat} --slots {args.slots}` with a `sluice` built with `--features cluster` "
        f"(profile `{args.profile}`).",
        "",
        f"Pipeline: `bench/pipeline.json` (filter → join → aggregate → sort → Parquet) over "
        f"{args.rows:,} transactions and 200,000 accounts (`bench/gen_data.py`). Cluster: one scheduler and two "
        f"executors of {args.slots} task slot(s) each, all on this machine ({os.cpu_count()} CPUs), talking over 127.0.0.1.",
        "",
        "| run | median s | runs (s) |",
        "|---|---:|---|",
        f"| local (`sluice run`) | {lo:.2f} | {', '.join(f'{x:.2f}' for x in local)} |",
        f"| cluster (`sluice run --cluster`) | {cl:.2f} | {', '.join(f'{x:.2f}' for x in cluster)} |",
        "",
        f"**Overhead ratio cluster / local: {cl / lo:.2f}×** ({overhead:+.2f} s: planning on the scheduler, "
        "tasks handed out by polling, shuffle files written and read over Arrow Flight, results streamed back).",
        "",
        "## Per stage (timed alone, locally)",
        "",
        "| stage | median s |",
        "|---|---:|",
        f"| scan + filter transactions (`amount > 100 AND channel <> 'atm'`; {filtered:,} rows pass) | {t_txns:.2f} |",
        f"| scan + filter accounts (`status = 'active'`) | {t_acc:.2f} |",
        f"| join + aggregate + sort + Parquet (the rest: whole − the two scans) | {t_rest:.2f} |",
        "",
        "## Paper estimate: 500M rows on 10 machines",
        "",
        f"Assumptions: 10 executors of 16 cores each at this machine's per-core speed, 10 Gbit/s links of which half "
        f"is usable for the shuffle, the data root on a shared file system fast enough not to be the limit; rows scale "
        f"×{scale:.0f}, accounts stay 200,000.",
        "",
        "| part | how | s |",
        "|---|---|---:|",
        f"| fixed cluster overhead | measured above | {fixed:.2f} |",
        f"| scan + filter transactions | {t_txns:.2f} s × {scale:.0f} rows ÷ {speedup:.0f}× cores | {scan:.2f} |",
        f"| accounts (not scaled, one task) | measured | {t_acc:.2f} |",
        f"| shuffle of the filtered rows by account | {filtered * scale:,.0f} rows × 40 B over 10 × 5 Gbit/s | {shuffle:.2f} |",
        f"| join + aggregate + sort | {t_rest:.2f} s × {scale:.0f} ÷ {speedup:.0f}× | {rest:.2f} |",
        f"| **total** | | **{est:.1f}** |",
        "",
        f"One machine like this one would need about {one_machine:.0f} s ({one_machine / 60:.1f} min) for 500M rows "
        f"(local median × {scale:.0f}), if memory and spill allowed; the cluster estimate is {one_machine / est:.0f}× faster. "
        "The final aggregate has 480 groups, so the result streamed to the client and published is tiny; what limits a "
        "real cluster is the shared file system's read rate (about 24 GB of CSV here) long before the estimate's CPU time.",
    ]
    (BENCH / "results" / "cluster.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
