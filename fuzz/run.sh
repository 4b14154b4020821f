#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, one after another,
# starting from the committed corpus; fails on the first crash, hang or OOM.
#   fuzz/run.sh 30                 # CI: about 30 s per target
#   fuzz/run.sh 600 graph          # a longer run of one target
# Needs `cargo install cargo-fuzz`. The machine has stable Rust only; cargo fuzz
# passes nightly flags (-Zsanitizer=address), so RUSTC_BOOTSTRAP=1 lets stable
# rustc accept them. New inputs go to a scratch directory, not the committed
# corpus; a failing input is saved under fuzz/artifacts/<target>/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(graph expr sqlcheck)
export RUSTC_BOOTSTRAP=1
target_dir="${FUZZ_TARGET_DIR:-$here/target}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cd "$here"
cargo fuzz build --target-dir "$target_dir"
for t in "${targets[@]}"; do
    case "$t" in
        graph) dict=graph.dict max_len=8192 ;;
        *) dict=sql.dict max_len=16384 ;;
    esac
    mkdir -p "$scratch/$t"
    echo "== fuzz target $t for ${seconds}s"
    # A 2 MiB stack, as on a server worker thread, so deep recursion fails here too.
    (ulimit -s 2048 && cargo fuzz run --target-dir "$target_dir" "$t" "$scratch/$t" "corpus/$t" -- \
        -max_total_time="$seconds" -max_len="$max_len" -dict="$dict" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1)
done
