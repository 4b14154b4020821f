#!/usr/bin/env bash
# Sluice engine benchmark, one command:
#   bench/run.sh [--rows N] [--repeat R] [--warmup W] [--tools sluice,datafusion,duckdb,polars,pandas] [--skip-build]
# Builds sluice + the hand-written DataFusion example (perf profile), generates the data,
# runs every tool, checks the outputs agree, prints the table and writes bench/results/engine.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/sluice-target}"
PYTHON="${PYTHON:-python3}"
exec "$PYTHON" bench/run.py "$@"
