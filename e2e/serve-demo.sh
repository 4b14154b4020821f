# Sourced by e2e/api-fuzz.sh and bench/load.sh: starts `sluice serve --demo`
# from $SLUICE_BIN on a free loopback port with a fresh data directory, and
# signs accounts in. Builds nothing. Sets SERVE_PID, SERVE_URL, SERVE_DIR.

: "${SLUICE_BIN:?set SLUICE_BIN to the sluice binary (e.g. \$CARGO_TARGET_DIR/debug/sluice)}"
export SLUICE_ADMIN_PASSWORD="${SLUICE_ADMIN_PASSWORD:-admin-pass-apitest}"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

serve_demo() {
  SERVE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/sluice-serve.XXXXXX")"
  local port
  port="$(free_port)"
  SERVE_URL="http://127.0.0.1:$port"
  "$SLUICE_BIN" serve --demo --addr "127.0.0.1:$port" --data-dir "$SERVE_DIR/data" >"$SERVE_DIR/server.log" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "$SERVE_URL/api/openapi.json" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$SERVE_PID" 2>/dev/null; then
      echo "sluice serve exited early:" >&2
      cat "$SERVE_DIR/server.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "sluice serve did not answer on $SERVE_URL within 60 s" >&2
  return 1
}

stop_demo() {
  if [ -n "${SERVE_PID:-}" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  SERVE_PID=""
  if [ -n "${SERVE_DIR:-}" ] && [ -z "${KEEP_SERVE_DIR:-}" ]; then
    rm -rf "$SERVE_DIR"
  fi
}

# sign_in USER PASSWORD: prints the `sluice_session=...` cookie pair.
sign_in() {
  local body headers
  body="$(python3 -c 'import json, sys; print(json.dumps({"username": sys.argv[1], "password": sys.argv[2]}))' "$1" "$2")"
  headers="$(curl -fsS -o /dev/null -D - -H 'Content-Type: application/json' -d "$body" "$SERVE_URL/api/session")" || {
    echo "cannot sign in as $1" >&2
    return 1
  }
  printf '%s\n' "$headers" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(sluice_session=[0-9a-f]*\).*/\1/p' | head -n1
}

# rss_kib PID: resident set size of a process in KiB.
rss_kib() {
  awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}
