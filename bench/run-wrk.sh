#!/usr/bin/env bash
# HTTP load with wrk, loopback only, bounded in time (~7 minutes with the defaults).
#
# Three servers are started side by side on free 127.0.0.1 ports (an idle one costs no CPU):
#   hello  — bare Vert.x hello server (bench/…/HelloServer, 2 verticle instances): the baseline
#   info   — chameleon.jar run, default log level (INFO: one chameleon.access line per request)
#   warn   — chameleon.jar run with CHAMELEON_LOG_LEVEL=WARN
# Each is warmed up WARMUP seconds per load it will get (the JIT competes for the 2 cores), then
# ROUNDS rounds measure, back to back: hello, info GET /api/guardians, info POST
# /api/guardians/evaluate, warn GET, warn POST — each `wrk -t2 -c64 -d$DURATION --latency`.
# Every ratio is against the hello run of the SAME round, so slow drift (other work on the box)
# cancels out; "foreign CPU" is the share of the 2 cores used during a measurement by processes
# other than the measured server and wrk — above ~5 % the round is contaminated.
#
# Env: CHAMELEON_JAR (default /tmp/build-bench-main/chameleon.jar, built when missing or older than a source),
#      WARMUP (s, 20), DURATION (20s), ROUNDS (2), CONNECTIONS (64), THREADS (2), KEEP=1 keeps logs,
#      LOADS ("get post": which of the two loads to measure). INFO and WARN alternate which goes
#      first; the table ends with INFO ÷ WARN per load, round by round (issue 10 item 12).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
source "$here/lib.sh"
main_build="${MAIN_BUILD_DIR:-/tmp/build-bench-main}"
jar="${CHAMELEON_JAR:-$main_build/chameleon.jar}"
bench_jar="${BENCH_BUILD_DIR:-$here/target}/benchmarks.jar"
WARMUP="${WARMUP:-20}"
DURATION="${DURATION:-20s}"
ROUNDS="${ROUNDS:-2}"
LOADS="${LOADS:-get post}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }
ensure_jars "$repo" "$here" "$main_build" "$bench_jar"

work="$(mktemp -d /tmp/chameleon-wrk.XXXXXX)"
declare -A PID=()
cleanup() {
  local p
  for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PID[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [[ "${KEEP:-0}" == 1 ]]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_http() { # name url: until it answers anything, 60 s at most
  for _ in $(seq 600); do
    if curl -s -o /dev/null --max-time 1 "$2"; then return 0; fi
    kill -0 "${PID[$1]}" 2>/dev/null || { echo "$1 server died, see $work" >&2; return 1; }
    sleep 0.1
  done
  echo "no answer from $2" >&2; return 1
}

wrk_run() { # duration url [wrk args…]
  local d="$1" url="$2"; shift 2
  timeout 120 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$d" --latency "$@" "$url"
}

# user+nice+system+steal; irq/softirq left out: loopback packet work is charged there, not to a process
busy_ticks() { awk '/^cpu / {print $2+$3+$4+$9}' /proc/stat; }
proc_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
NCPU=$(nproc)

declare -a RESULTS=()
measure() { # round name label url [wrk args…]
  local round="$1" name="$2" label="$3" url="$4"; shift 4
  local out="$work/wrk-r$round-$(echo "$label" | tr -c 'A-Za-z0-9\n' _).txt"
  local t0 b0 s0 t1 b1 s1 wrk_cpu
  t0=$(date +%s.%N); b0=$(busy_ticks); s0=$(proc_ticks "${PID[$name]}")
  wrk_cpu=$( { TIMEFORMAT='%U %S'; time wrk_run "$DURATION" "$url" "$@" >"$out"; } 2>&1 | awk '{print $1+$2}')
  t1=$(date +%s.%N); b1=$(busy_ticks); s1=$(proc_ticks "${PID[$name]}")
  local foreign
  foreign=$(awk -v b="$((b1 - b0))" -v s="$((s1 - s0))" -v w="$wrk_cpu" -v hz="$HZ" -v n="$NCPU" -v t0="$t0" -v t1="$t1" \
    'BEGIN { f = (b / hz - s / hz - w) / ((t1 - t0) * n) * 100; if (f < 0) f = 0; printf "%.0f", f }')
  local rps p50 p99 non2xx errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50=$(awk '$1=="50%" {print $2}' "$out")
  p99=$(awk '$1=="99%" {print $2}' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
  errors=$(awk '/Socket errors:/ {sub(/.*Socket errors: /,""); print}' "$out")
  RESULTS+=("$round|$label|$rps|$p50|$p99|${non2xx:-0}|${errors:-none}|$foreign")
  echo "  [round $round] $label: $rps req/s, p50 $p50, p99 $p99, non-2xx ${non2xx:-0}, socket errors ${errors:-none}, foreign CPU $foreign %" >&2
}

# --- servers -------------------------------------------------------------------------------
hello_port=$(free_port)
java -cp "$bench_jar" io.chameleon.bench.HelloServer "$hello_port" >"$work/hello.log" 2>&1 &
PID[hello]=$!
HELLO="http://127.0.0.1:$hello_port/"
wait_http hello "$HELLO"

declare -A BASE=()
VIEWER="" OPERATOR=""
start_chameleon() { # name log-level
  local name="$1" level="$2" port; port=$(free_port)
  # No config file (CHAMELEON_CONFIG points at a missing one, so the built-in defaults apply):
  # conf/config.json may name keys a jar built earlier does not know yet.
  local envs=(CHAMELEON_CONFIG="$work/no-config.json" CHAMELEON_HTTP_PORT="$port"
              CHAMELEON_HTTP_HOST=127.0.0.1 CHAMELEON_VERTICLES_GATEWAY_INSTANCES=2
              CHAMELEON_DATA_DIR="$work/data-$name" CHAMELEON_LOG_LEVEL="$level")
  local viewer operator
  viewer=$(env "${envs[@]}" java -jar "$jar" token --sub bench-viewer --role VIEWER --ttl 60m 2>"$work/token.err" | tail -1) \
    || { echo "token command failed: $(cat "$work/token.err")" >&2; return 1; }
  operator=$(env "${envs[@]}" java -jar "$jar" token --sub bench-operator --role OPERATOR --ttl 60m 2>"$work/token.err" | tail -1) \
    || { echo "token command failed: $(cat "$work/token.err")" >&2; return 1; }
  env "${envs[@]}" java -jar "$jar" run >"$work/chameleon-$name.log" 2>&1 &
  PID[$name]=$!
  local base="http://127.0.0.1:$port"
  BASE[$name]="$base"
  wait_http "$name" "$base/health"
  # both endpoints must answer 200 with these tokens, or the numbers would be 401s
  local code
  code=$(curl -s -o "$work/list.json" -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $viewer" "$base/api/guardians")
  [[ "$code" == 200 ]] || { echo "GET /api/guardians answered $code: $(cat "$work/list.json")" >&2; return 1; }
  code=$(curl -s -o "$work/eval.json" -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $operator" \
    -H 'Content-Type: application/json' --data-binary "$(sed -n 's/^wrk.body = \[\[\(.*\)\]\]$/\1/p' "$here/wrk/evaluate.lua")" \
    "$base/api/guardians/evaluate")
  [[ "$code" == 200 ]] || { echo "POST /api/guardians/evaluate answered $code: $(cat "$work/eval.json")" >&2; return 1; }
  grep -q '"allowed" *: *true' "$work/eval.json" || echo "warning: evaluate did not allow: $(head -c 300 "$work/eval.json")" >&2
  # tokens are per data dir (each has its own generated secret)
  printf '%s\n%s\n' "$viewer" "$operator" >"$work/tokens-$name"
}
start_chameleon info INFO
start_chameleon warn WARN
token() { sed -n "${2}p" "$work/tokens-$1"; }   # name 1=viewer 2=operator

get_args()  { echo "${BASE[$1]}/api/guardians"; }
# --- warm-up: each server alone, each load it will get ---------------------------------------
echo "machine: $NCPU cores, $(free -g | awk '/Mem:/ {print $2}') GB; $(java -version 2>&1 | head -1); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}')" >&2
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, warm-up ${WARMUP}s per load, $ROUNDS rounds; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
wrk_run "${WARMUP}s" "$HELLO" >/dev/null
for name in info warn; do
  wrk_run "${WARMUP}s" "${BASE[$name]}/api/guardians" -H "Authorization: Bearer $(token $name 1)" >/dev/null
  wrk_run "${WARMUP}s" "${BASE[$name]}/api/guardians/evaluate" -H "Authorization: Bearer $(token $name 2)" \
    -s "$here/wrk/evaluate.lua" >/dev/null
done
echo "warmed up; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# --- measured rounds ------------------------------------------------------------------------
for round in $(seq "$ROUNDS"); do
  measure "$round" hello "hello (bare Vert.x)" "$HELLO"
  # INFO first in odd rounds, WARN first in even ones: neither gains from going first
  order=(info warn); (( round % 2 == 0 )) && order=(warn info)
  for name in "${order[@]}"; do
    level=$([[ $name == info ]] && echo "INFO" || echo "WARN")
    [[ " $LOADS " == *" get "* ]] && measure "$round" "$name" "GET /api/guardians, log $level" "${BASE[$name]}/api/guardians" \
      -H "Authorization: Bearer $(token $name 1)"
    [[ " $LOADS " == *" post "* ]] && measure "$round" "$name" "POST evaluate, log $level" "${BASE[$name]}/api/guardians/evaluate" \
      -H "Authorization: Bearer $(token $name 2)" -s "$here/wrk/evaluate.lua"
  done
done
for name in hello info warn; do
  echo "  $name: RSS $(( $(awk '/VmRSS/ {print $2}' "/proc/${PID[$name]}/status") / 1024 )) MB" >&2
done
for name in info warn; do
  echo "  log $name: $(wc -l <"$work/chameleon-$name.log") lines, $(du -h "$work/chameleon-$name.log" | cut -f1)" >&2
done

# --- markdown ------------------------------------------------------------------------------
printf '%s\n' "${RESULTS[@]}" | python3 -c '
import sys, statistics
def ms(t):
    for unit, f in (("us", 1e-3), ("ms", 1.0)):
        if t.endswith(unit):
            return float(t[:-2]) * f
    return float(t[:-1]) * 1e3 if t.endswith("s") else float(t)
rows = [l.rstrip("\n").split("|") for l in sys.stdin if l.strip()]
hello = {r[0]: r for r in rows if r[1].startswith("hello")}
print("| round | run | req/s | p50 ms | p99 ms | non-2xx | foreign CPU | req/s ÷ hello | p99 ÷ hello |")
print("|---|---|---|---|---|---|---|---|---|")
ratios = {}
for rnd, label, rps, p50, p99, bad, err, foreign in rows:
    h = hello[rnd]
    rr, pr = float(rps) / float(h[2]), ms(p99) / ms(h[4])
    ratios.setdefault(label, []).append((rr, pr, float(rps), ms(p99)))
    note = "" if err == "none" else f" (socket errors: {err})"
    print(f"| {rnd} | {label}{note} | {float(rps):,.0f} | {ms(p50):.2f} | {ms(p99):.2f} | {bad} | {foreign} % | {rr:.2f} | {pr:.2f} |")
print()
print("Median over the rounds:\n")
print("| run | req/s | p99 ms | req/s ÷ hello | p99 ÷ hello |")
print("|---|---|---|---|---|")
for label, v in ratios.items():
    med = lambda i: statistics.median(x[i] for x in v)
    print(f"| {label} | {med(2):,.0f} | {med(3):.2f} | {med(0):.2f} | {med(1):.2f} |")
# what the access log costs: INFO against WARN within each round
by = {(r[0], r[1]): float(r[2]) for r in rows}
for load in ("GET /api/guardians", "POST evaluate"):
    pairs = [(rnd, by[(rnd, load + ", log INFO")] / by[(rnd, load + ", log WARN")])
             for rnd in sorted({r[0] for r in rows}, key=int)
             if (rnd, load + ", log INFO") in by and (rnd, load + ", log WARN") in by]
    if pairs:
        print(f"\n{load}: req/s INFO ÷ WARN per round " + ", ".join(f"{x:.3f}" for _, x in pairs)
              + f"; median **{statistics.median(x for _, x in pairs):.3f}**")
'
