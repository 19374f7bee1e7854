#!/usr/bin/env bash
# Load test of `GET /v1/beneficiaries/{id}/suggestions` against the release build on SQLite:
# a fresh database with one office of PEOPLE beneficiaries and OPENINGS openings (the Brussels
# demo territory at that size), a caseworker token, the service on a free port, then `wrk`
# asking for the suggestions of random beneficiaries (ids drawn by a seeded Lua script) with
# CONNECTIONS connections for DURATION. Prints wrk's figures (requests per second, latency
# percentiles, non-2xx count) and the service's peak memory.
#
#   benches/load_suggestions.sh [PEOPLE] [OPENINGS] [DURATION] [CONNECTIONS]
#
# Needs wrk (Debian: apt-get install -y wrk), curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-50000}"
openings="${2:-10000}"
duration="${3:-30s}"
connections="${4:-32}"
threads=2

command -v wrk >/dev/null || { echo "wrk is missing (apt-get install -y wrk)" >&2; exit 1; }
cargo build --release --locked --quiet
bin="$PWD/target/release/placematch"
work="$(mktemp -d -t placematch-load.XXXXXX)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

export PLACEMATCH_DATABASE_URL="sqlite:$work/load.db"
export PLACEMATCH_LOG_LEVEL=warn
echo "== loading $people beneficiaries and $openings openings into $PLACEMATCH_DATABASE_URL" >&2
office=$("$bin" demo load --territory brussels --people "$people" --openings "$openings" --seed 7 \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["office_id"])')
token=$("$bin" token create --role caseworker --office "$office" --label load-test 2>/dev/null)

"$bin" serve --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 100); do
    addr=$(grep -oE '127\.0\.0\.1:[0-9]+' "$work/serve.out" "$work/serve.err" 2>/dev/null | head -1 | cut -d: -f2-) || true
    [ -n "$addr" ] && curl -fs "http://$addr/readyz" >/dev/null && break
    sleep 0.2
done
[ -n "$addr" ] || { cat "$work/serve.err" >&2; exit 1; }
base="http://$addr"
echo "== service on $base" >&2

# Every beneficiary id of the office, page by page.
python3 - "$base" "$token" >"$work/ids.txt" <<'PY'
import json, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
cursor = None
while True:
    url = f"{base}/v1/beneficiaries?limit=200" + (f"&cursor={cursor}" if cursor else "")
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    page = json.load(urllib.request.urlopen(req))
    for item in page["items"]:
        print(item["id"])
    cursor = page.get("next_cursor")
    if not cursor:
        break
PY
echo "== $(wc -l <"$work/ids.txt") beneficiary ids" >&2

# Warm the openings index once (the first request builds it).
curl -fs -H "Authorization: Bearer $token" \
    "$base/v1/beneficiaries/$(head -1 "$work/ids.txt")/suggestions?limit=10" >/dev/null

cat >"$work/random.lua" <<LUA
local ids = {}
for line in io.lines("$work/ids.txt") do ids[#ids + 1] = line end
local n = 0
setup = function(thread) n = n + 1; thread:set("seed", n) end
init = function() math.randomseed(seed * 7919) end
request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/v1/beneficiaries/" .. id .. "/suggestions?limit=10",
    { ["Authorization"] = "Bearer $token" })
end
done = function(summary, latency, requests)
  io.write(string.format("requests=%d errors_status=%d errors_socket=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
LUA

echo "== wrk -t$threads -c$connections -d$duration (suggestions of random beneficiaries)" >&2
wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$work/random.lua" "$base"
echo "service peak RSS: $(grep VmHWM /proc/"$server_pid"/status | awk '{print $2/1024 " MiB"}')"
