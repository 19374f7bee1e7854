#!/usr/bin/env bash
# Stress of the certificate of optimality, for issue-style bugs that 300 random cases miss:
# the brute-force property tests of the assignment with many more cases, then a mid-size check
# of `placematch solve` on instances with host groups, current pairs and a move limit against an
# independent integer model (OR-Tools CP-SAT). Needs `pip install ortools`.
#
#   benches/stress_certificates.sh [CASES] [INSTANCES]      (defaults: 20000 and 40)
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-20000}"
instances="${2:-40}"
cargo build --release --quiet
echo "== brute-force properties, $cases cases each"
log="$(mktemp)"
started=$(date +%s)
if PROPTEST_CASES="$cases" cargo test --release --test matching_assignment >"$log" 2>&1; then
    grep -E "^test |test result" "$log"
    echo "($(( $(date +%s) - started )) s)"
else
    cat "$log"
    exit 1
fi
echo "== placematch solve against CP-SAT, $instances instances"
python3 benches/certify_check.py target/release/placematch --instances "$instances"
