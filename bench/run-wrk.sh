#!/usr/bin/env bash
# HTTP load with wrk, loopback only, bounded in time (~5 minutes with the defaults):
#   1. bare Vert.x hello server (bench/…/HelloServer, 2 verticle instances)   — baseline
#   2. chameleon.jar, access log at INFO (default): GET /api/guardians, POST /api/guardians/evaluate
#   3. chameleon.jar, CHAMELEON_LOG_LEVEL=WARN: the same two
#   4. the hello server again, to show drift across the session
# Each server runs alone (2 cores), is warmed up WARMUP seconds with the same load, then measured
# with `wrk -t2 -c64 -d$DURATION --latency`. Prints a markdown table; ratios are against the mean
# of the two hello runs of this same session.
# Env: CHAMELEON_JAR (default /tmp/build-bench-main/chameleon.jar, built if missing),
#      WARMUP (s, default 20), DURATION (default 20s), CONNECTIONS (64), THREADS (2), KEEP=1 keeps logs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
main_build="${MAIN_BUILD_DIR:-/tmp/build-bench-main}"
jar="${CHAMELEON_JAR:-$main_build/chameleon.jar}"
bench_jar="${BENCH_BUILD_DIR:-$here/target}/benchmarks.jar"
WARMUP="${WARMUP:-20}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }
if [[ ! -f "$jar" ]]; then
  (cd "$repo" && mvn -q -B -o -DskipTests -Dbuild.dir="$main_build" package)
fi
if [[ ! -f "$bench_jar" ]]; then
  (cd "$here" && mvn -q -B -o package)
fi

work="$(mktemp -d /tmp/chameleon-wrk.XXXXXX)"
server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  if [[ "${KEEP:-0}" == 1 ]]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_http() { # url: until it answers anything, 60 s at most
  for _ in $(seq 600); do
    if curl -s -o /dev/null --max-time 1 "$1"; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || { echo "server died, see $work" >&2; return 1; }
    sleep 0.1
  done
  echo "no answer from $1" >&2; return 1
}

# wrk_run <seconds|duration> <url> [wrk args…]
wrk_run() {
  local d="$1" url="$2"; shift 2
  timeout 120 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$d" --latency "$@" "$url"
}

declare -a RESULTS=()
# measure <label> <url> [wrk args…]: warm-up already done by the caller
measure() {
  local label="$1" url="$2"; shift 2
  local out="$work/wrk-$(echo "$label" | tr -c "A-Za-z0-9\n" _).txt"
  wrk_run "$DURATION" "$url" "$@" >"$out"
  local rps p50 p99 non2xx errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50=$(awk '$1=="50%" {print $2}' "$out")
  p99=$(awk '$1=="99%" {print $2}' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
  errors=$(awk '/Socket errors:/ {sub(/.*Socket errors: /,""); print}' "$out")
  RESULTS+=("$label|$rps|$p50|$p99|${non2xx:-0}|${errors:-none}")
  echo "  $label: $rps req/s, p50 $p50, p99 $p99, non-2xx ${non2xx:-0}, socket errors ${errors:-none}" >&2
}

hello_run() { # label
  local port; port=$(free_port)
  java -cp "$bench_jar" io.chameleon.bench.HelloServer "$port" >"$work/hello.log" 2>&1 &
  server_pid=$!
  wait_http "http://127.0.0.1:$port/"
  echo "[$1] hello server on :$port, warming up ${WARMUP}s" >&2
  wrk_run "${WARMUP}s" "http://127.0.0.1:$port/" >/dev/null
  measure "$1" "http://127.0.0.1:$port/"
  stop_server
}

chameleon_run() { # label-suffix log-level
  local suffix="$1" level="$2" port; port=$(free_port)
  local envs=(CHAMELEON_CONFIG="$repo/conf/config.json" CHAMELEON_HTTP_PORT="$port"
              CHAMELEON_DATA_DIR="$work/data" CHAMELEON_LOG_LEVEL="$level")
  local viewer operator
  viewer=$(env "${envs[@]}" java -jar "$jar" token --sub bench-viewer --role VIEWER --ttl 60m 2>/dev/null | tail -1)
  operator=$(env "${envs[@]}" java -jar "$jar" token --sub bench-operator --role OPERATOR --ttl 60m 2>/dev/null | tail -1)
  local log="$work/chameleon-$level.log"
  env "${envs[@]}" java -jar "$jar" run >"$log" 2>&1 &
  server_pid=$!
  local base="http://127.0.0.1:$port"
  wait_http "$base/health"
  # sanity: both endpoints answer 200 with these tokens, or the numbers would be 401s
  local code
  code=$(curl -s -o "$work/list.json" -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $viewer" "$base/api/guardians")
  [[ "$code" == 200 ]] || { echo "GET /api/guardians answered $code: $(cat "$work/list.json")" >&2; return 1; }
  code=$(curl -s -o "$work/eval.json" -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $operator" \
    -H 'Content-Type: application/json' --data-binary "$(sed -n 's/^wrk.body = \[\[\(.*\)\]\]$/\1/p' "$here/wrk/evaluate.lua")" \
    "$base/api/guardians/evaluate")
  [[ "$code" == 200 ]] || { echo "POST /api/guardians/evaluate answered $code: $(cat "$work/eval.json")" >&2; return 1; }
  grep -q '"allowed" *: *true' "$work/eval.json" || echo "warning: evaluate did not allow: $(head -c 300 "$work/eval.json")" >&2
  echo "[chameleon $level] on :$port, warming up ${WARMUP}s (GET) + ${WARMUP}s (POST evaluate)" >&2
  wrk_run "${WARMUP}s" "$base/api/guardians" -H "Authorization: Bearer $viewer" >/dev/null
  wrk_run "${WARMUP}s" "$base/api/guardians/evaluate" -H "Authorization: Bearer $operator" -s "$here/wrk/evaluate.lua" >/dev/null
  measure "GET /api/guardians ($suffix)" "$base/api/guardians" -H "Authorization: Bearer $viewer"
  measure "POST evaluate ($suffix)" "$base/api/guardians/evaluate" -H "Authorization: Bearer $operator" -s "$here/wrk/evaluate.lua"
  local rss; rss=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0)
  stop_server
  echo "  log $level: $(wc -l <"$log") lines, $(du -h "$log" | cut -f1); server RSS $((rss / 1024)) MB" >&2
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB; $(java -version 2>&1 | head -1); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}')" >&2
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, warm-up ${WARMUP}s per load" >&2
hello_run "hello (before)"
chameleon_run "access log INFO" INFO
chameleon_run "log WARN" WARN
hello_run "hello (after)"

# markdown table; ratios against the mean of the two hello runs
printf '%s\n' "${RESULTS[@]}" | python3 -c '
import sys
def ms(t):
    for unit, f in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if t.endswith(unit) and (unit != "s" or not t.endswith(("us", "ms"))):
            return float(t[: -len(unit)]) * f
    return float(t)
rows = [l.rstrip("\n").split("|") for l in sys.stdin if l.strip()]
hello = [r for r in rows if r[0].startswith("hello")]
base_rps = sum(float(r[1]) for r in hello) / len(hello)
base_p99 = sum(ms(r[3]) for r in hello) / len(hello)
print(f"\nBaseline = mean of the hello runs: {base_rps:,.0f} req/s, p99 {base_p99:.2f} ms\n")
print("| run | req/s | p50 ms | p99 ms | non-2xx | req/s ÷ hello | p99 ÷ hello |")
print("|---|---|---|---|---|---|---|")
for label, rps, p50, p99, bad, err in rows:
    note = "" if err == "none" else f" (socket errors: {err})"
    print(f"| {label}{note} | {float(rps):,.0f} | {ms(p50):.2f} | {ms(p99):.2f} | {bad} | {float(rps)/base_rps:.2f} | {ms(p99)/base_p99:.2f} |")
'
