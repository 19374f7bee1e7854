#!/usr/bin/env bash
# Whole-process wall time and peak memory of `placematch solve` against the reference OR-Tools
# min-cost flow (../shared/tools/peer_solve.py) on the same instance files, several runs each,
# medians printed. Needs `pip install ortools numpy` and a release build.
#
#   benches/compare_peer.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
tools="${PLACEMATCH_SHARED:-../shared}/tools"
work="${TMPDIR:-/tmp}/placematch-compare"
mkdir -p "$work"
cargo build --release --quiet
bin=target/release/placematch

instance() { # name args...
    local f="$work/$1.txt"; shift
    [ -s "$f" ] || python3 "$tools/gen_instance.py" "$@" --out "$f" >/dev/null
    echo "$f"
}

measure() { # label command...
    local label="$1"; shift
    local times=() mems=() out
    for _ in $(seq "$runs"); do
        out=$( { /usr/bin/time -f "%e %M" "$@" >"$work/last.json"; } 2>&1 | tail -1)
        times+=("${out% *}"); mems+=("${out#* }")
    done
    local t m
    t=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    m=$(printf '%s\n' "${mems[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    local objective
    objective=$(python3 -c "import json,sys; print(json.load(open('$work/last.json'))['objective'])")
    echo "$label median_seconds=$t peak_rss_mb=$((m / 1024)) objective=$objective"
}

for spec in "i20k 20000 2000 --seed 4" "i100k 100000 10000 --radius-km 4 --seed 5"; do
    set -- $spec
    f=$(instance "$@")
    echo "== $1 ($runs runs)"
    measure "placematch" "$bin" solve --instance "$f"
    measure "peer_solve" python3 "$tools/peer_solve.py" "$f"
done
