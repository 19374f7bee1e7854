#!/usr/bin/env bash
# Optimality sweep: `placematch solve` against the reference OR-Tools min-cost flow
# (../shared/tools/peer_solve.py) on seeded instances of gen_instance.py at several sizes, radii
# and seeds. Prints one line per instance and fails if any objective differs or any result is not
# certified. Needs `pip install ortools numpy`.
#
#   benches/optimum_sweep.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${PLACEMATCH_SHARED:-../shared}/tools"
work="${TMPDIR:-/tmp}/placematch-sweep"
mkdir -p "$work"
cargo build --release --quiet
bin=target/release/placematch
bad=0
for spec in "200 20" "1000 100" "2000 500" "5000 200" "5000 2000 --radius-km 3" "10000 1000" "20000 500 --radius-km 20" "30000 3000 --radius-km 6"; do
    for seed in 1 2 3; do
        f="$work/$(echo "$spec" | tr ' ' '_')_s$seed.txt"
        [ -s "$f" ] || python3 "$tools/gen_instance.py" $spec --seed "$seed" --out "$f" >/dev/null
        ours=$("$bin" solve --instance "$f")
        peer=$(python3 "$tools/peer_solve.py" "$f")
        line=$(python3 - "$ours" "$peer" <<'PY'
import json, sys
o, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ok = o["objective"] == p["objective"] and o["certified_optimal"]
print(("ok  " if ok else "BAD ") + f'objective={o["objective"]} reference={p["objective"]} certified={o["certified_optimal"]} assigned={o["assigned"]}/{p["assigned"]} rounds={o["rounds"]} seconds={o["seconds"]:.3f}')
PY
)
        echo "$spec seed $seed: $line"
        [[ "$line" == ok* ]] || bad=$((bad + 1))
    done
done
[ "$bad" = 0 ] || { echo "$bad instance(s) differ from the reference" >&2; exit 1; }
echo "all instances reach the reference optimum, certified"
