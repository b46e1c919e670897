#!/usr/bin/env bash
# The HTTP speed check of issue 5, rerunnable: builds the synthetic
# 10,000-place ledger (1,000,000 control claims) into a SQLite file unless it
# exists, starts `truce serve` on it and a bare net/http baseline, and loads
# both with wrk on loopback:
#   - one place's state at a date      GET /api/v1/state/{place}?at=
#   - 100 places in a bbox at a date   GET /api/v1/state?at=&bbox=&limit=100
#   - the same through OGC API         GET /ogc/collections/control/items?datetime=&bbox=&limit=100
#   - the baseline, with a body of the same mean size, in the same run;
# then times the full map of 10,000 places (gzip, ETag) cold and cached.
# Needs wrk and curl (apt-get install -y wrk curl).
#   bench/http.sh            DB=/tmp/truce-bench.db DUR=10s CONN=16 THREADS=2
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${DB:-/tmp/truce-bench.db}
PORT=${PORT:-18090}
BPORT=${BPORT:-18091}
DUR=${DUR:-10s}
CONN=${CONN:-16}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || { echo "http.sh: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }

bin=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$bin"; }
trap cleanup EXIT
go build -o "$bin/truce" ./cmd/truce
go build -o "$bin/httpload" ./bench/httpload
[ -f "$DB" ] || "$bin/httpload" gen -db "$DB"

"$bin/truce" serve --db "$DB" --addr "127.0.0.1:$PORT" >"$bin/serve.log" 2>&1 &
pids+=($!)
"$bin/httpload" baseline -addr "127.0.0.1:$BPORT" 2>"$bin/baseline.log" &
pids+=($!)
t0=$(date +%s.%N)
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && curl -sf -o /dev/null "http://127.0.0.1:$BPORT/"; do sleep 0.2; done
printf 'server ready in %.1fs: %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$(head -1 "$bin/serve.log")"

base="http://127.0.0.1:$PORT"
# mean uncompressed size of 20 sample answers, for the baseline's body
mean_size() {
  local total=0 url
  for i in $(seq 20); do
    url=$(printf "$1" $((RANDOM % 10000)) $((1995 + RANDOM % 29)) $((1 + RANDOM % 12)) $((RANDOM % 88)) $((RANDOM % 88)))
    total=$((total + $(curl -s -o /dev/null -w '%{size_download}' "$base$url")))
  done
  echo $((total / 20))
}
box='%.4f,%.4f,%.4f,%.4f'
place_url='/api/v1/state/p%05d?at=%d-%02d-15'
bbox_sample() { # the box of 12x12 grid cells http.sh and wrk.lua both use
  local c=$((RANDOM % 88)) r=$((RANDOM % 88)) y=$((1995 + RANDOM % 29))
  local x0 y0
  x0=$(echo "44 + $c * 0.03 - 0.001" | bc -l); y0=$(echo "38.5 + $r * 0.02 - 0.001" | bc -l)
  printf "$1" "$y" "$(printf "$box" "$x0" "$y0" "$(echo "$x0 + 0.332" | bc -l)" "$(echo "$y0 + 0.222" | bc -l)")"
}
sizes() { local t=0; for i in $(seq 20); do t=$((t + $(curl -s -o /dev/null -w '%{size_download}' "$base$(bbox_sample "$1")"))); done; echo $((t / 20)); }

place_size=$(mean_size "$place_url")
bbox_size=$(sizes '/api/v1/state?limit=100&at=%d-06-15&bbox=%s')
ogc_size=$(sizes '/ogc/collections/control/items?limit=100&datetime=%d-06-15&bbox=%s')

# cpu PID: the process's user+system CPU time so far, in clock ticks
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tck=$(getconf CLK_TCK)
load() { # name pid url mode [size]
  local out rps p99 n c0 c1
  c0=$(cpu "$2")
  out=$(wrk -t"$THREADS" -c"$CONN" -d"$DUR" --latency -s bench/wrk.lua "$3" -- "${@:4}")
  c1=$(cpu "$2")
  if echo "$out" | grep -q "Non-2xx"; then echo "$out" >&2; echo "http.sh: $1 had errors" >&2; exit 1; fi
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  # server CPU per request: what the figures would be on cores of its own
  printf '| %-50s | %9s | %9s | %8s |\n' "$1" "$rps" "$p99" "$(echo "scale=1; ($c1 - $c0) * 1000000 / $tck / $n" | bc)"
}

echo
echo "wrk -t$THREADS -c$CONN -d$DUR --latency -s bench/wrk.lua, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-50s | %9s | %9s | %8s |\n' "request" "req/s" "p99" "server CPU µs/req"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..52})" "$(printf -- '-%.0s' {1..11})" "$(printf -- '-%.0s' {1..11})" "$(printf -- '-%.0s' {1..10})"
load "one place at a date (~$place_size B)" "${pids[0]}" "$base" place
load "baseline, $place_size B body" "${pids[1]}" "http://127.0.0.1:$BPORT" baseline "$place_size"
load "100 places in a bbox at a date (~$bbox_size B)" "${pids[0]}" "$base" bbox
load "baseline, $bbox_size B body" "${pids[1]}" "http://127.0.0.1:$BPORT" baseline "$bbox_size"
load "OGC control items, bbox, limit=100 (~$ogc_size B)" "${pids[0]}" "$base" ogc
load "baseline, $ogc_size B body" "${pids[1]}" "http://127.0.0.1:$BPORT" baseline "$ogc_size"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "full map of 10,000 places (gzip), curl time_total:"
for y in 2001 2005 2009 2013 2017; do
  curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w "  cold  at=$y-03-01: %{time_total}s, %{size_download} B, %{http_code}\n" "$base/api/v1/state?at=$y-03-01"
done
curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w "  cached at=2001-03-01: %{time_total}s, %{size_download} B, %{http_code}\n" "$base/api/v1/state?at=2001-03-01"
etag=$(curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip' "$base/api/v1/state?at=2001-03-01" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
curl -s -o /dev/null -H 'Accept-Encoding: gzip' -H "If-None-Match: $etag" -w "  If-None-Match $etag: %{time_total}s, %{http_code}\n" "$base/api/v1/state?at=2001-03-01"
