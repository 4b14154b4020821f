#!/usr/bin/env bash
# schemathesis against a real `sluice serve --demo` (issue 9, "Show it"): every
# operation of /api/openapi.json, signed in, with a bounded number of examples.
# Fails on a 500, an answer the document does not describe (status, content
# type, body schema), accepted invalid input or refused valid input.
#
#   SLUICE_BIN=/var/cache/sluice-target/debug/sluice e2e/api-fuzz.sh
#
# Builds nothing. schemathesis 4.x comes from $SCHEMATHESIS, else PATH, else a
# virtualenv it makes once (SLUICE_FUZZ_VENV, default ~/.cache/sluice/schemathesis)
# with pip. Settings: FUZZ_MAX_EXAMPLES (50 per operation: about a minute), FUZZ_SEED (fixed, so
# a CI failure reproduces; set another to explore), FUZZ_WORKERS (1: hypothesis is not thread-safe in 4.32),
# FUZZ_REPORT_DIR (a JUnit report goes there when set).
#
# Left out on purpose: DELETE /api/session (signing out would end the run's own
# session), POST /api/session (the fuzzer's wrong passwords trip the sign-in
# throttle for 127.0.0.1, which then rightly refuses the run's own sign-in when
# schemathesis renews its session, on a slow machine mid-run; sign-in, its
# limits and bad bodies are tested in backend/tests/api.rs and accounts.rs), the run-events stream (it stays open until the run ends), cases that
# change the run's own account (api_fuzz_hooks.py), and the object-level
# authorization check (it needs a second account's session; the API tests
# cover who sees what). The run signs in as a dedicated admin account (and
# again if its session ends), so deleting graphs or changing other accounts,
# the demo's included, cannot disturb it.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=serve-demo.sh
source "$ROOT/e2e/serve-demo.sh"

find_schemathesis() {
  if [ -n "${SCHEMATHESIS:-}" ]; then echo "$SCHEMATHESIS"; return; fi
  if command -v schemathesis >/dev/null && schemathesis --version | grep -q 'version 4\.'; then
    command -v schemathesis; return
  fi
  local venv="${SLUICE_FUZZ_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice/schemathesis}"
  if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q 'version 4\.'; then
    echo "api-fuzz: installing schemathesis 4 into $venv" >&2
    if python3 -m venv "$venv" >&2 && "$venv/bin/pip" install --quiet 'schemathesis>=4,<5' >&2; then
      :
    else
      # No venv module (Debian without python3-venv): a user install instead.
      echo "api-fuzz: no virtualenv; trying pip install --user" >&2
      python3 -m pip install --quiet --user 'schemathesis>=4,<5' >&2 ||
        python3 -m pip install --quiet --user --break-system-packages 'schemathesis>=4,<5' >&2 || {
        echo "api-fuzz: cannot install schemathesis (apt-get install python3-venv, or set SCHEMATHESIS)" >&2
        exit 2
      }
      echo "$(python3 -m site --user-base)/bin/schemathesis"
      return
    fi
  fi
  echo "$venv/bin/schemathesis"
}

ST="$(find_schemathesis)"
trap stop_demo EXIT
serve_demo

# A dedicated admin account for the run, made by the bootstrap admin (who
# confirms with their own password where the server asks for it).
export SLUICE_FUZZ_USER="fuzz-$(python3 -c 'import secrets; print(secrets.token_hex(6))')"
export SLUICE_FUZZ_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
ADMIN_COOKIE="$(sign_in admin "$SLUICE_ADMIN_PASSWORD")"
curl -fsS -o /dev/null -H "Cookie: $ADMIN_COOKIE" -H 'Content-Type: application/json' \
  -d "{\"username\": \"$SLUICE_FUZZ_USER\", \"password\": \"$SLUICE_FUZZ_PASSWORD\", \"role\": \"admin\",
       \"current_password\": \"$SLUICE_ADMIN_PASSWORD\"}" \
  "$SERVE_URL/api/users"

report=()
if [ -n "${FUZZ_REPORT_DIR:-}" ]; then
  report=(--report junit --report-dir "$(realpath -m "$FUZZ_REPORT_DIR")")
fi
status=0
# From the server's temporary directory, so schemathesis's `.schemathesis/`
# cache stays out of the checkout and every run starts afresh.
cd "$SERVE_DIR"
SCHEMATHESIS_HOOKS=api_fuzz_hooks PYTHONPATH="$ROOT/e2e${PYTHONPATH:+:$PYTHONPATH}" \
  "$ST" --no-color --config-file "$ROOT/e2e/schemathesis.toml" run "$SERVE_URL/api/openapi.json" \
  --checks all \
  --exclude-checks object_level_authorization \
  --exclude-operation-id session_logout --exclude-operation-id session_login --exclude-operation-id runs_events \
  --max-examples "${FUZZ_MAX_EXAMPLES:-50}" \
  --seed "${FUZZ_SEED:-20261129}" \
  --workers "${FUZZ_WORKERS:-1}" \
  --request-timeout 30 \
  "${report[@]}" || status=$?
if [ "$status" -ne 0 ]; then
  echo "api-fuzz: schemathesis found problems (exit $status); server log: $SERVE_DIR/server.log" >&2
  KEEP_SERVE_DIR=1
fi
exit "$status"
