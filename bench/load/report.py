"""Markdown tables from bench/load.sh's raw results (one JSON line per wrk process)."""

import json
import pathlib
import sys

results, duration, clients, flood_clients, name_bytes = sys.argv[1:6]
think_ms = int(sys.argv[6]) if len(sys.argv) > 6 else 0
root = pathlib.Path(results)


def rows(phase):
    out = []
    for f in sorted(root.glob(f"{phase}.*.json")):
        out.append(json.loads(f.read_text()))
    return out


def kib(path):
    return int((root / path).read_text().split()[0])


def ms(us):
    return f"{us / 1000:.1f}"


pace = f"each waiting {think_ms} ms +-50 % between requests" if think_ms else "back to back (closed loop)"
print(f"{clients} clients ({int(clients) // 4} per endpoint, {pace}) for {duration}; "
      f"flood: {flood_clients} connections, usernames of {name_bytes} bytes, wrong password.\n")
print("| phase | endpoint | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors (status / timeout / socket) |")
print("|---|---|---:|---:|---:|---:|---:|---:|---|")
by_phase = {}
for phase in ("steady", "flood"):
    by_phase[phase] = {r["label"]: r for r in rows(phase)}
    for r in rows(phase):
        socket = r["connect"] + r["read"] + r["write"]
        print(f"| {phase} | {r['label']} | {r['requests']} | {r['rps']:.0f} | {ms(r['p50_us'])} | {ms(r['p90_us'])} | "
              f"{ms(r['p99_us'])} | {ms(r['max_us'])} | {r['status']} / {r['timeout']} / {socket} |")

print("\n| endpoint | p99 steady ms | p99 with flood ms | p99 change | p50 change | throughput change |")
print("|---|---:|---:|---:|---:|---:|")
for label, r in by_phase["steady"].items():
    f = by_phase["flood"].get(label)
    if f and r["p99_us"] and r["p50_us"] and r["rps"]:
        print(f"| {label} | {ms(r['p99_us'])} | {ms(f['p99_us'])} | {f['p99_us'] / r['p99_us']:.2f}x | "
              f"{f['p50_us'] / r['p50_us']:.2f}x | {f['rps'] / r['rps']:.2f}x |")

print("\n| phase | RSS before MiB | RSS min-max during MiB | RSS after MiB | data dir before-after MiB | load avg before-after |")
print("|---|---:|---:|---:|---:|---:|")
for phase in ("steady", "flood"):
    samples = [int(x) for x in (root / f"{phase}.rss").read_text().split()] or [0]
    print(f"| {phase} | {kib(phase + '.rss-before') / 1024:.0f} | {min(samples) / 1024:.0f}-{max(samples) / 1024:.0f} | "
          f"{kib(phase + '.rss-after') / 1024:.0f} | "
          f"{kib(phase + '.disk-before') / 1024:.1f}-{kib(phase + '.disk-after') / 1024:.1f} | "
          f"{(root / (phase + '.load-before')).read_text().strip()}-{(root / (phase + '.load-after')).read_text().strip()} |")
