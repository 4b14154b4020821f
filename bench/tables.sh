#!/usr/bin/env bash
# Database table → Parquet benchmark (source.table), one command:
#   bench/tables.sh [--rows N] [--repeat R] [--skip-build]
# Loads N rows into PostgreSQL (SLUICE_TEST_PG, schema bench_tables), then times
# `sluice run` (table → parquet) against `psql \copy ... to csv` (the floor: the
# server's own text output, no types, no Parquet) and ConnectorX (+ pyarrow
# Parquet), prints ratios and writes bench/results/tables.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/sluice-target}"
if [[ " $* " != *" --skip-build "* ]]; then
  nice -n 10 cargo build -j 2 --profile perf -p sluice-backend --bin sluice
fi
exec "${PYTHON:-python3}" bench/tables.py --sluice "$CARGO_TARGET_DIR/perf/sluice" "$@"
