#!/usr/bin/env python3
"""Explore pivot latency over a published report of 1,000,000 rows (issue 16).

Writes a 1M-row Parquet file (fixed seed, DuckDB), starts `sluice serve --demo`
on a scratch data dir, publishes a report over it the way production does (the
analyst submits a graph `source.parquet → sink.report`, the admin approves it,
schedules it and backfills one business date), then times 20 calls of
POST /api/reports/{name}/pivot (branch × channel, sum/avg/count, one filter)
and the same query in DuckDB over the same published Parquet file, and prints
median and p95 of each. The binary: $SLUICE_BIN, else the perf build, else the
debug build (say which in the results).
"""
import json, os, statistics, subprocess, sys, tempfile, time, urllib.request, http.cookiejar
from pathlib import Path

HERE = Path(__file__).resolve().parent
PORT = 8098
ROWS = 1_000_000
DATE = "2026-11-20"
PIVOT = {"date": DATE, "rows": ["branch"], "columns": ["channel"],
         "measures": [{"column": "amount", "agg": "sum"}, {"column": "amount", "agg": "avg"},
                      {"column": "amount", "agg": "count"}],
         "filters": [{"column": "amount", "op": "gt", "value": "100"}]}
DUCK = ("SELECT branch, channel, sum(amount) AS sum_amount, avg(amount) AS avg_amount, count(amount) AS count_amount "
        "FROM read_parquet(?) WHERE amount > 100 GROUP BY branch, channel ORDER BY branch, channel LIMIT 10001")


def binary():
    if os.environ.get("SLUICE_BIN"):
        return Path(os.environ["SLUICE_BIN"]), "given"
    target = Path(os.environ.get("CARGO_TARGET_DIR", HERE.parent / "target"))
    for profile in ["perf", "debug"]:
        if (target / profile / "sluice").exists():
            return target / profile / "sluice", profile
    sys.exit("build sluice first (cargo build --profile perf -p sluice-backend --bin sluice)")


def make_parquet(path):
    import duckdb
    duckdb.sql(f"""
        COPY (SELECT 'T' || i AS txn_id,
                     'B' || lpad(CAST(hash(i) % 40 AS VARCHAR), 3, '0') AS branch,
                     ['counter', 'online', 'atm', 'mobile'][1 + CAST(hash(i * 7) % 4 AS INTEGER)] AS channel,
                     CAST(hash(i * 13) % 1000000 AS DOUBLE) / 100 AS amount
              FROM range({ROWS}) t(i)) TO '{path}' (FORMAT PARQUET)""")


class Api:
    def __init__(self, user, password):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.call("POST", "/api/session", {"username": user, "password": password})

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with self.opener.open(req) as r:
            text = r.read()
            return json.loads(text) if text.strip() else None


def publish(admin, analyst):
    doc = {"format": "sluice.graph/v1", "name": "pivot_bench", "params": {"biz_date": {"type": "date"}},
           "nodes": [{"id": "txns", "kind": "source.parquet", "config": {"path": "bench/txns.parquet"}},
                     {"id": "bench_report", "kind": "sink.report", "config": {"title": "bench", "chart": "table"}}],
           "edges": [{"from": "txns", "to": "bench_report"}]}
    g = analyst.call("POST", "/api/graphs", {"graph": doc})
    sub = analyst.call("POST", f"/api/graphs/{g['id']}/submit", {"message": "bench"})
    admin.call("POST", f"/api/reviews/{sub['id']}/approve", {"comment": "ok"})
    s = admin.call("POST", "/api/schedules", {"graph_id": g["id"], "cron": "0 2 * * *", "enabled": False})
    admin.call("POST", f"/api/schedules/{s['id']}/backfill", {"from": DATE, "to": DATE})
    for _ in range(600):
        dates = admin.call("GET", "/api/reports/bench_report/dates") if reports(admin) else {"dates": []}
        if dates["dates"]:
            return
        time.sleep(0.5)
    sys.exit("the report was not published")


def reports(api):
    return any(r["name"] == "bench_report" for r in api.call("GET", "/api/reports")["reports"])


def stats(times):
    times = sorted(times)
    return statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)]


def main():
    repeat = 20
    exe, profile = binary()
    scratch = Path(tempfile.mkdtemp(prefix="sluice-report-bench-"))
    (scratch / "files" / "bench").mkdir(parents=True)
    make_parquet(scratch / "files" / "bench" / "txns.parquet")
    env = dict(os.environ, SLUICE_ADMIN_PASSWORD="bench-pass-1", SLUICE_DEMO_PASSWORD="analyst-demo")
    server = subprocess.Popen([str(exe), "serve", "--demo", "--addr", f"127.0.0.1:{PORT}", "--data-dir", str(scratch)],
                              env=env, stdout=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/openapi.json")
                break
            except OSError:
                time.sleep(0.2)
        admin, analyst = Api("admin", "bench-pass-1"), Api("analyst", "analyst-demo")
        publish(admin, analyst)
        ours = []
        for _ in range(repeat):
            t = time.perf_counter()
            answer = analyst.call("POST", "/api/reports/bench_report/pivot", PIVOT)
            ours.append((time.perf_counter() - t) * 1000)
        published = scratch / "files" / "reports" / "bench_report" / f"{DATE}.parquet"
        import duckdb
        con = duckdb.connect()
        duck = []
        for _ in range(repeat):
            t = time.perf_counter()
            rows = con.execute(DUCK, [str(published)]).fetchall()
            duck.append((time.perf_counter() - t) * 1000)
        assert len(rows) == len(answer["rows"]), (len(rows), len(answer["rows"]))
        (m1, p1), (m2, p2) = stats(ours), stats(duck)
        print(f"Explore pivot over {ROWS:,} published rows ({len(rows)} groups), {repeat} calls each, sluice {profile} build\n")
        print("| engine | median ms | p95 ms |\n|---|---:|---:|")
        print(f"| Sluice POST /api/reports/{{name}}/pivot (HTTP, DataFusion) | {m1:.1f} | {p1:.1f} |")
        print(f"| DuckDB {duckdb.__version__} in-process, same Parquet file | {m2:.1f} | {p2:.1f} |")
        print(f"\np95 ratio Sluice / DuckDB: {p1 / p2:.2f}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
