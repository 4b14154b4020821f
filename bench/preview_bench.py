#!/usr/bin/env python3
"""Preview latency through the HTTP endpoint, on the benchmark's 5M-row CSV.

Starts `sluice serve` (perf build) on a scratch data dir whose files/ holds hard
links to bench/data, signs in, and times POST /api/preview for a filter, a
derive, a join and an aggregate node: cold (a new predicate constant each call,
so nothing is cached) and cached (the same request again). Prints median and
p95 per case. Targets (issue 4): p95 < 100 ms for non-blocking and cached
previews, < 500 ms for sampled blocking ones.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time, urllib.request, http.cookiejar
from pathlib import Path

HERE = Path(__file__).resolve().parent
PORT = 8097


def graph(const):
    return {
        "format": "sluice.graph/v1", "name": "preview_bench",
        "nodes": [
            {"id": "txns", "kind": "source.csv", "config": {"path": "transactions.csv"}},
            {"id": "accts", "kind": "source.csv", "config": {"path": "accounts.csv"}},
            {"id": "big", "kind": "transform.filter", "config": {"predicate": f"amount > {const} AND channel <> 'atm'"}},
            {"id": "fx", "kind": "transform.derive", "config": {"columns": [
                {"name": "amount_cny", "expr": "CASE WHEN currency = 'USD' THEN amount * 7.1 ELSE amount END"}]}},
            {"id": "joined", "kind": "transform.join", "config": {"how": "inner", "on": [{"left": "account_id", "right": "account_id"}]}},
            {"id": "per_branch", "kind": "transform.aggregate", "config": {"group_by": ["branch"], "aggregates": [
                {"fn": "count", "as": "n"}, {"fn": "sum", "column": "amount", "as": "total"}]}},
        ],
        "edges": [
            {"from": "txns", "to": "big"}, {"from": "big", "to": "fx"},
            {"from": "fx", "to": "joined", "port": "left"}, {"from": "accts", "to": "joined", "port": "right"},
            {"from": "fx", "to": "per_branch"},
        ],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    target = Path(os.environ.get("CARGO_TARGET_DIR", "/var/cache/sluice-target"))
    subprocess.run(["cargo", "build", "--profile", "perf", "-p", "sluice-backend", "--bin", "sluice"], cwd=HERE.parent, check=True)
    data = HERE / "data"
    if not (data / "transactions.csv").exists():
        subprocess.run([sys.executable, str(HERE / "gen_data.py")], check=True)
    scratch = Path(tempfile.mkdtemp(prefix="sluice-preview-bench-"))
    files = scratch / "files"
    files.mkdir()
    for name in ["transactions.csv", "accounts.csv"]:
        try:
            os.link(data / name, files / name)
        except OSError:
            shutil.copy(data / name, files / name)
    env = dict(os.environ, SLUICE_ADMIN_PASSWORD="bench-pass-1")
    server = subprocess.Popen([str(target / "perf" / "sluice"), "serve", "--addr", f"127.0.0.1:{PORT}", "--data-dir", str(scratch)],
                              env=env, stdout=subprocess.DEVNULL)
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        def post(path, body):
            req = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", data=json.dumps(body).encode(),
                                         headers={"content-type": "application/json"}, method="POST")
            with opener.open(req) as r:
                return json.load(r)

        for _ in range(100):
            try:
                post("/api/session", {"username": "admin", "password": "bench-pass-1"})
                break
            except Exception:
                time.sleep(0.2)
        rows = []
        counter = [0]
        for node, blocking in [("big", False), ("fx", False), ("joined", True), ("per_branch", True)]:
            cold, cached = [], []
            for _ in range(args.repeat):
                counter[0] += 1
                g = graph(100 + counter[0] / 1000)
                t = time.perf_counter(); r = post("/api/preview", {"graph": g, "node": node, "limit": 100}); cold.append(time.perf_counter() - t)
                assert r["rows"], f"{node}: no rows"
                t = time.perf_counter(); r2 = post("/api/preview", {"graph": g, "node": node, "limit": 100}); cached.append(time.perf_counter() - t)
                assert r2["cached"] and r2["rows"] == r["rows"]
            for label, xs in [("cold", cold), ("cached", cached)]:
                xs = sorted(x * 1000 for x in xs)
                p95 = xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
                rows.append((node, "blocking (sampled)" if blocking else "streaming", label, statistics.median(xs), p95, r["sample"]))
        out = ["| node | kind | call | median ms | p95 ms | sample |", "|---|---|---|---:|---:|---|"]
        out += [f"| {n} | {k} | {c} | {m:.1f} | {p:.1f} | {s} |" for n, k, c, m, p, s in rows]
        text = "\n".join(out)
        print(text)
        (HERE / "results").mkdir(exist_ok=True)
        (HERE / "results" / "preview.md").write_text(f"Preview latency over HTTP, 5M-row CSV, {args.repeat} calls each\n\n{text}\n")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
