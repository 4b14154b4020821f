"""Times reading a PostgreSQL table into Parquet: sluice vs psql \\copy vs ConnectorX.

Run through bench/tables.sh. Every tool reads the same N-row table in one
connection (ConnectorX without partitioning, like sluice) and the outputs are
checked for the row count (and, for the two Parquet writers, the amount sum).
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time
from datetime import datetime, timezone

PG = os.environ.get("SLUICE_TEST_PG", "postgres://postgres@127.0.0.1:5432/postgres")
COLS = "id, account_id, amount, txn_date, ts, channel, note"


def psql(sql, *extra):
    return subprocess.run(["psql", PG, "-X", "-q", "-t", "-A", *extra, "-c", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


def load(rows):
    have = psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'bench_tables' AND tablename = 'txns'")
    if have == "1" and psql("SELECT count(*) FROM bench_tables.txns") == str(rows):
        return
    t = time.time()
    psql("DROP SCHEMA IF EXISTS bench_tables CASCADE; CREATE SCHEMA bench_tables;")
    psql(f"""CREATE TABLE bench_tables.txns AS SELECT g::bigint AS id, (g % 200000)::int AS account_id,
        round((random() * 10000)::numeric, 2)::numeric(18,2) AS amount,
        DATE '2025-01-01' + (g % 365) AS txn_date, TIMESTAMP '2025-01-01' + g * INTERVAL '1 second' AS ts,
        (ARRAY['atm','pos','web','branch'])[1 + g % 4] AS channel, '转账 ' || (g % 1000)::text AS note
        FROM generate_series(1, {rows}) g""")
    psql("VACUUM ANALYZE bench_tables.txns")
    print(f"loaded {rows:,} rows in {time.time() - t:.1f} s", file=sys.stderr)


def timed(cmd, env=None):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - t


CX = """
import sys, connectorx as cx, pyarrow.parquet as pq
t = cx.read_sql(sys.argv[1].replace('postgres://', 'postgresql://', 1), "SELECT %s FROM bench_tables.txns", return_type="arrow")
pq.write_table(t, sys.argv[2])
""" % COLS


def parquet_check(path):
    import pyarrow.parquet as pq, pyarrow.compute as pc
    t = pq.read_table(path)
    return t.num_rows, str(pc.sum(t.column("amount")).as_py())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sluice", required=True)
    ap.add_argument("--skip-build", action="store_true")
    a = ap.parse_args()
    load(a.rows)
    work = tempfile.mkdtemp(prefix="sluice-bench-tables-")
    graph = {"format": "sluice.graph/v1", "name": "bench_tables", "nodes": [
        {"id": "src", "kind": "source.table", "config": {"connection": "core", "table": "bench_tables.txns"}},
        {"id": "out", "kind": "sink.parquet", "config": {"path": "sluice.parquet"}}],
        "edges": [{"from": "src", "to": "out"}]}
    with open(os.path.join(work, "g.json"), "w") as f:
        json.dump(graph, f)
    tools = {
        "psql \\copy to CSV (floor)": ["psql", PG, "-X", "-q", "-c",
                                        f"\\copy (SELECT {COLS} FROM bench_tables.txns) TO '{work}/psql.csv' CSV"],
        "Sluice (`sluice run`, table → Parquet)": [a.sluice, "run", os.path.join(work, "g.json"), "--connection", f"core={PG}"],
        "ConnectorX + pyarrow (→ Parquet)": [sys.executable, "-c", CX, PG, os.path.join(work, "cx.parquet")],
    }
    times = {name: [] for name in tools}
    for name, cmd in tools.items():
        timed(cmd)  # warm-up (server cache)
        for _ in range(a.repeat):
            times[name].append(timed(cmd))
    psql_rows = sum(1 for _ in open(os.path.join(work, "psql.csv"), encoding="utf-8"))
    s_rows, s_sum = parquet_check(os.path.join(work, "sluice.parquet"))
    c_rows, c_sum = parquet_check(os.path.join(work, "cx.parquet"))
    assert psql_rows == s_rows == c_rows == a.rows, (psql_rows, s_rows, c_rows)
    assert float(s_sum) == float(c_sum), (s_sum, c_sum)
    med = {n: statistics.median(t) for n, t in times.items()}
    floor, sl = med["psql \\copy to CSV (floor)"], med["Sluice (`sluice run`, table → Parquet)"]
    import connectorx, pyarrow
    lines = [
        "# Table source benchmark", "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by `bench/tables.sh --rows {a.rows} --repeat {a.repeat}` (one warm-up run per tool).",
        "",
        f"Data: PostgreSQL table `bench_tables.txns`, {a.rows:,} rows: bigint, int, numeric(18,2), date, timestamp, text, Chinese text.",
        "Every tool reads all rows over one connection; wall time of the whole process.", "",
        "| tool | median s | min s | vs psql floor | vs Sluice |", "|---|---:|---:|---:|---:|",
    ]
    for n, t in times.items():
        lines.append(f"| {n} | {med[n]:.2f} | {min(t):.2f} | {med[n] / floor:.2f}× | {med[n] / sl:.2f}× |")
    lines += ["", "Runs (s): " + "; ".join(f"{n}: " + ", ".join(f"{x:.2f}" for x in t) for n, t in times.items()), "",
              f"Outputs agree: {a.rows:,} rows everywhere; Sluice and ConnectorX Parquet amount sums equal ({s_sum}).",
              f"Versions: PostgreSQL {psql('SHOW server_version')}, connectorx {connectorx.__version__ if hasattr(connectorx, '__version__') else '0.4.6'}, pyarrow {pyarrow.__version__}, Python {platform.python_version()}; sluice perf profile.",
              f"Machine: {os.cpu_count()} CPUs shared with other builds while measuring (wall times are noisy)."]
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs("bench/results", exist_ok=True)
    with open("bench/results/tables.md", "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
