#!/usr/bin/env bash
# Load benchmark of the API (issue 9, "Show it"): CLIENTS concurrent connections
# on loopback for DURATION over a mix of graph reads, validations and cached
# previews, signed in as the demo analyst; then the same while a sign-in flood
# (wrong passwords, long usernames) runs beside it. Reports p50/p99 and errors
# per endpoint and the server's RSS. Needs wrk (Debian: apt-get install wrk),
# curl, jq, python3. Builds nothing: SLUICE_BIN is the server to measure.
#
#   SLUICE_BIN=/var/cache/sluice-target/debug/sluice bench/load.sh
#
# Settings (environment): DURATION (60s), CLIENTS (200, split evenly over the
# four endpoints), THINK_MS (0: each client sends its next request as soon as
# the answer arrives, a closed loop whose latency is clients / throughput; N:
# each waits N ms +-50 % first, like people at browsers), FLOOD_CLIENTS (50), FLOOD_NAME_BYTES (65536), RESULTS (a
# directory for the raw JSON, default a temporary one).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../e2e/serve-demo.sh
source "$ROOT/e2e/serve-demo.sh"
LUA="$ROOT/bench/load"
DURATION="${DURATION:-60s}"
CLIENTS="${CLIENTS:-200}"
export THINK_MS="${THINK_MS:-0}"
FLOOD_CLIENTS="${FLOOD_CLIENTS:-50}"
export FLOOD_NAME_BYTES="${FLOOD_NAME_BYTES:-65536}"
RESULTS="${RESULTS:-$(mktemp -d "${TMPDIR:-/tmp}/sluice-load.XXXXXX")}"
mkdir -p "$RESULTS"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

trap stop_demo EXIT
serve_demo
COOKIE="$(sign_in analyst "${SLUICE_DEMO_PASSWORD:-analyst-demo}")"
api() { curl -fsS -H "Cookie: $COOKIE" "$@"; }

# The first demo graph: read it, validate it, preview its last step before the sinks.
ID="$(api "$SERVE_URL/api/graphs" | jq -r '.graphs | sort_by(.name) | .[0].id')"
api "$SERVE_URL/api/graphs/$ID" >"$RESULTS/graph.json"
jq '{graph: .graph}' "$RESULTS/graph.json" >"$RESULTS/validate.json"
NODE="$(jq -r '[.graph.nodes[] | select(.kind | startswith("sink.") | not)] | last | .id' "$RESULTS/graph.json")"
jq --arg node "$NODE" '{graph: .graph, node: $node, limit: 100}' "$RESULTS/graph.json" >"$RESULTS/preview.json"
for _ in 1 2; do
  api -H 'Content-Type: application/json' --data-binary "@$RESULTS/preview.json" "$SERVE_URL/api/preview" >"$RESULTS/preview-answer.json"
done
[ "$(jq -r .cached "$RESULTS/preview-answer.json")" = "true" ] || { echo "the preview did not come from the cache" >&2; exit 1; }
api -H 'Content-Type: application/json' --data-binary "@$RESULTS/validate.json" "$SERVE_URL/api/validate" >/dev/null

PER=$((CLIENTS / 4))
# endpoint label | method | path | body file
ENDPOINTS=(
  "GET /api/graphs|GET|/api/graphs|"
  "GET /api/graphs/{id}|GET|/api/graphs/$ID|"
  "POST /api/validate|POST|/api/validate|$RESULTS/validate.json"
  "POST /api/preview (cached)|POST|/api/preview|$RESULTS/preview.json"
)

sample_rss() { # every second until told to stop: the server's RSS in KiB
  while [ ! -e "$1.stop" ]; do rss_kib "$SERVE_PID" >>"$1"; sleep 1; done
}

phase() { # phase NAME FLOOD(0|1)
  local name="$1" flood="$2" pids=() i=0
  echo "== $name: $CLIENTS clients for $DURATION$([ "$flood" = 1 ] && echo " + sign-in flood of $FLOOD_CLIENTS")" >&2
  rss_kib "$SERVE_PID" >"$RESULTS/$name.rss-before"
  du -sk "$SERVE_DIR/data" | cut -f1 >"$RESULTS/$name.disk-before"
  cut -d' ' -f1 /proc/loadavg >"$RESULTS/$name.load-before"
  sample_rss "$RESULTS/$name.rss" &
  local sampler=$!
  for e in "${ENDPOINTS[@]}"; do
    IFS='|' read -r label method path body <<<"$e"
    i=$((i + 1))
    LOAD_LABEL="$label" LOAD_METHOD="$method" LOAD_PATH="$path" LOAD_BODY_FILE="$body" LOAD_COOKIE="$COOKIE" LOAD_THINK_MS="$THINK_MS" \
      LOAD_OUT="$RESULTS/$name.$i.json" \
      wrk -t1 -c"$PER" -d"$DURATION" --timeout 10s -s "$LUA/request.lua" "$SERVE_URL" >"$RESULTS/$name.$i.txt" &
    pids+=($!)
  done
  if [ "$flood" = 1 ]; then
    LOAD_OUT="$RESULTS/$name.flood.json" \
      wrk -t2 -c"$FLOOD_CLIENTS" -d"$DURATION" --timeout 10s -s "$LUA/signin_flood.lua" "$SERVE_URL" \
      >"$RESULTS/$name.flood.txt" &
    pids+=($!)
  fi
  wait "${pids[@]}"
  touch "$RESULTS/$name.rss.stop"
  wait "$sampler"
  rss_kib "$SERVE_PID" >"$RESULTS/$name.rss-after"
  du -sk "$SERVE_DIR/data" | cut -f1 >"$RESULTS/$name.disk-after"
  cut -d' ' -f1 /proc/loadavg >"$RESULTS/$name.load-after"
}

phase steady 0
phase flood 1
kill -0 "$SERVE_PID" || { echo "the server died under load" >&2; exit 1; }
echo "raw results in $RESULTS" >&2
python3 "$LUA/report.py" "$RESULTS" "$DURATION" "$CLIENTS" "$FLOOD_CLIENTS" "$FLOOD_NAME_BYTES" "$THINK_MS"
