#!/usr/bin/env bash
# End-to-end nightly rebalancing of one large office on the release build: a fresh SQLite file
# (or PLACEMATCH_DATABASE_URL when set, e.g. a PostgreSQL database) with the Brussels demo
# territory at PEOPLE beneficiaries and OPENINGS openings, then `placematch rebalance --apply
# --json` timed whole-process (load, solve, write) RUNS times on fresh copies of the data, and
# one more run on the applied data (which must move nobody). Prints each run's JSON line, the
# median wall time and the peak memory.
#
#   benches/rebalance_office.sh [PEOPLE] [OPENINGS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-50000}"
openings="${2:-10000}"
runs="${3:-3}"
cargo build --release --locked --quiet
bin="$PWD/target/release/placematch"
work="$(mktemp -d -t placematch-rebalance.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export PLACEMATCH_LOG_LEVEL=warn

echo "== loading $people beneficiaries and $openings openings" >&2
PLACEMATCH_DATABASE_URL="sqlite:$work/seed.db" "$bin" demo load --territory brussels \
    --people "$people" --openings "$openings" --seed 7 >"$work/loaded.json"
office=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["office_id"])' "$work/loaded.json")

times=()
for r in $(seq "$runs"); do
    rm -f "$work"/run.db*
    cp "$work/seed.db" "$work/run.db"
    # A write-ahead log left beside the seed holds part of the data: copy it too.
    if [ -f "$work/seed.db-wal" ]; then cp "$work/seed.db-wal" "$work/run.db-wal"; fi
    export PLACEMATCH_DATABASE_URL="sqlite:$work/run.db"
    out=$( { /usr/bin/time -f "%e %M" "$bin" rebalance --office "$office" --apply --json >"$work/run.json"; } 2>&1 | tail -1)
    echo "run $r: wall_seconds=${out% *} peak_rss_mb=$(( ${out#* } / 1024 )) $(cat "$work/run.json")"
    times+=("${out% *}")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median wall seconds over $runs runs (load + solve + write, whole process): $median"
echo "second run on the applied data (must move nobody):"
"$bin" rebalance --office "$office" --apply --json
