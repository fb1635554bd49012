#!/usr/bin/env bash
# Runs every benchmark program in build/bin (bench_*) with its defaults and collects the RESULT lines.
# Arguments are passed to every program; run one program by hand for its own options.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
results=()
for program in build/bin/bench_*; do
    echo "== $program $*"
    output=$("$program" "$@" | tee /dev/stderr)
    results+=("$(basename "$program"): $(grep '^RESULT' <<<"$output" | tail -1)")
done
echo "== summary"
printf '%s\n' "${results[@]}"
