#!/usr/bin/env bash
# Cluster: requests/s and p99 through a gateway-only node whose store is on another node, beside
# the same load against an all-in-one node on Redis, and beside a bare clustered Vert.x
# request/reply echo between the same two kinds of nodes (the limit), all in the same run (issue 9).
# Loopback only, bounded (~8 minutes with the defaults).
#
# Five JVMs and one redis-server (appendonly yes, appendfsync always), all on free 127.0.0.1 ports:
#   store    — `chameleon.jar run --cluster`, every verticle (it holds the writer lease)
#   gateway  — `chameleon.jar run --cluster`, the gateway only (CHAMELEON_VERTICLES_<X>_ENABLED=false
#              for guardian, store, dashboard, broadcaster): every request crosses the clustered bus
#   allinone — `chameleon.jar run` on Redis, not clustered: the same request over the local bus
#   echo-http, echo-consumer — io.chameleon.bench.ClusterEcho (bench/src), a cluster of their own
#              built from the same cluster.xml: HTTP (2 instances) → clustered bus → consumer → reply
# Chameleon nodes: built-in defaults, 2 gateway instances, one shared JWT secret, log level WARN
# (no access line per request: the hop is measured, not the logging; see docs/BENCHMARKS.md §2).
# Loads, each `wrk -t2 -c64 -d$DURATION --latency`, warm-up WARMUP s per target and load first:
#   GET  /api/interventions/metrics (VIEWER; auth + one bus request/reply to the store)
#   POST /api/interventions (OPERATOR, wrk/create.lua: a unique request_id each, so every one is a
#        create, appended to the Redis stream and fsynced before the 201)
# ROUNDS rounds, each measuring echo, gateway, all-in-one back to back per load; ratios against the
# echo and the all-in-one node of the same round. Foreign CPU: share of the 2 cores used by other
# processes than these six and wrk (above ~5 %: contaminated); each measurement waits (at most
# QUIET_WAIT s) for a quiet machine first and is repeated (RETRIES) while above MAX_FOREIGN.
#
# Env: DURATION (20s), WARMUP (15), ROUNDS (2), CONNECTIONS (64), THREADS (2), LOADS ("get post"),
#      QUIET_WAIT (60), RETRIES (1), MAX_FOREIGN (5), CHAMELEON_JAR, OUT (bench/results/cluster-<UTC>.md), KEEP=1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
source "$here/lib.sh"
main_build="${MAIN_BUILD_DIR:-/tmp/build-bench-main}"
jar="${CHAMELEON_JAR:-$main_build/chameleon.jar}"
bench_jar="${BENCH_BUILD_DIR:-$here/target}/benchmarks.jar"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-15}"
ROUNDS="${ROUNDS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
LOADS="${LOADS:-get post}"
QUIET_WAIT="${QUIET_WAIT:-60}"
RETRIES="${RETRIES:-1}"
MAX_FOREIGN="${MAX_FOREIGN:-5}"
TS="$(date -u +%Y%m%dT%H%MZ)"
OUT="${OUT:-$here/results/cluster-$TS.md}"

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server not found" >&2; exit 1; }
ensure_jars "$repo" "$here" "$main_build" "$bench_jar"

work="$(mktemp -d /tmp/chameleon-cluster.XXXXXX)"
declare -A PID=()
cleanup() {
  local n
  for n in gateway allinone echo-http echo-consumer store redis; do
    [[ -n "${PID[$n]:-}" ]] && stop_pid "${PID[$n]}" 20
  done
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Hazelcast's JDK access, as the jar's manifest grants it (ClusterEcho runs from benchmarks.jar)
OPENS=(--add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
       --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED
       --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

rport=$(free_port)
mkdir -p "$work/redis"
redis-server --port "$rport" --bind 127.0.0.1 --dir "$work/redis" --appendonly yes --appendfsync always \
  --save '' --auto-aof-rewrite-percentage 0 >"$work/redis.log" 2>&1 &
PID[redis]=$!
for _ in $(seq 50); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.1; done

SECRET=$(head -c 32 /dev/urandom | base64)
cs=$(free_port); cg=$(free_port); ce1=$(free_port); ce2=$(free_port)
declare -A HTTP=([store]=$(free_port) [gateway]=$(free_port) [allinone]=$(free_port) [echo-http]=$(free_port))
common=(CHAMELEON_CONFIG="$work/no-config.json" CHAMELEON_LOG_LEVEL=WARN CHAMELEON_HTTP_HOST=127.0.0.1
        CHAMELEON_AUTH_SECRET="$SECRET" CHAMELEON_EVENTS_BACKEND=redis CHAMELEON_REDIS_URL="redis://127.0.0.1:$rport")
clustered=(CHAMELEON_CLUSTER_NAME="bench-$TS" CHAMELEON_CLUSTER_MEMBERS="127.0.0.1:$cs,127.0.0.1:$cg"
           CHAMELEON_EVENTS_REDIS_KEY_PREFIX=cl: CHAMELEON_EVENTS_REDIS_STREAM=cl:events)
start_chameleon() { # name cluster-port|"" [env…]
  local name="$1" cport="$2"; shift 2
  local envs=("${common[@]}" CHAMELEON_HTTP_PORT="${HTTP[$name]}" CHAMELEON_DATA_DIR="$work/data-$name" "$@")
  local args=(run)
  if [[ -n "$cport" ]]; then envs+=("${clustered[@]}" CHAMELEON_CLUSTER_PORT="$cport"); args=(run --cluster); fi
  (cd "$work" && exec env "${envs[@]}" java -Xmx1g -Dhazelcast.wait.seconds.before.join=0 -jar "$jar" "${args[@]}" \
    >"$work/$name.log" 2>&1) &
  PID[$name]=$!
}
start_echo() { # name role cluster-port
  (cd "$work" && exec java -Xmx512m "${OPENS[@]}" -Dhazelcast.wait.seconds.before.join=0 \
    -Dvertx.hazelcast.config="$repo/cluster.xml" -cp "$bench_jar" io.chameleon.bench.ClusterEcho --role "$2" \
    --cluster-name "bench-echo-$TS" --members "127.0.0.1:$ce1,127.0.0.1:$ce2" --cluster-port "$3" \
    --http-port "${HTTP[echo-http]}" >"$work/$1.log" 2>&1) &
  PID[$1]=$!
}
ready() { # name url: until it answers 200, 180 s at most
  for _ in $(seq 1800); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$2")" == 200 ]] && return 0
    kill -0 "${PID[$1]}" 2>/dev/null || { echo "$1 died; see $work/$1.log" >&2; tail -20 "$work/$1.log" >&2; return 1; }
    sleep 0.1
  done
  echo "$1 not ready: $2" >&2; return 1
}

echo "machine: $NCPU cores; $(java -version 2>&1 | head -1); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'); load average $(loadavg)" >&2
start_chameleon store "$cs"
ready store "http://127.0.0.1:${HTTP[store]}/health"
start_chameleon gateway "$cg" CHAMELEON_VERTICLES_GUARDIAN_ENABLED=false CHAMELEON_VERTICLES_STORE_ENABLED=false \
  CHAMELEON_VERTICLES_DASHBOARD_ENABLED=false CHAMELEON_VERTICLES_BROADCASTER_ENABLED=false
start_chameleon allinone "" CHAMELEON_EVENTS_REDIS_KEY_PREFIX=aio: CHAMELEON_EVENTS_REDIS_STREAM=aio:events
start_echo echo-consumer consumer "$ce2"
start_echo echo-http http "$ce1"
ready gateway "http://127.0.0.1:${HTTP[gateway]}/health"
ready allinone "http://127.0.0.1:${HTTP[allinone]}/health"
ready echo-http "http://127.0.0.1:${HTTP[echo-http]}/api/interventions/metrics"
health=$(curl -s "http://127.0.0.1:${HTTP[gateway]}/health")
members=$(echo "$health" | python3 -c 'import json,sys; c=json.load(sys.stdin)["data"]["cluster"]; print(len(c.get("members") or []), "members; writer", (c.get("writer") or {}).get("node_id"))')
echo "cluster: $members" >&2

tok() { env "${common[@]}" CHAMELEON_DATA_DIR="$work/data-tokens" java -jar "$jar" token --sub "$1" --role "$2" --ttl 8h 2>/dev/null | tail -1; }
VIEWER=$(tok bench-viewer VIEWER)
OPERATOR=$(tok bench-operator OPERATOR)
for n in gateway allinone; do
  code=$(curl -s -o "$work/check.json" -w '%{http_code}' -H "Authorization: Bearer $VIEWER" "http://127.0.0.1:${HTTP[$n]}/api/interventions/metrics")
  [[ "$code" == 200 ]] || { echo "$n GET metrics answered $code: $(cat "$work/check.json")" >&2; exit 1; }
  code=$(curl -s -o "$work/check.json" -w '%{http_code}' -H "Authorization: Bearer $OPERATOR" -H 'Content-Type: application/json' \
    -d "{\"request_id\":\"check-$n\",\"uow_id\":\"ext-check\",\"intervention_type\":\"cancel\",\"title\":\"t\",\"priority\":\"normal\",\"context\":{},\"expires_in_seconds\":600}" \
    "http://127.0.0.1:${HTTP[$n]}/api/interventions")
  [[ "$code" == 201 ]] || { echo "$n POST create answered $code: $(cat "$work/check.json")" >&2; exit 1; }
done

url() { # target load
  local base
  case "$1" in
    echo) base="http://127.0.0.1:${HTTP[echo-http]}" ;;
    *) base="http://127.0.0.1:${HTTP[$1]}" ;;
  esac
  [[ "$2" == get ]] && echo "$base/api/interventions/metrics" || echo "$base/api/interventions"
}
wrk_args() { # load
  if [[ "$1" == get ]]; then echo "-H|Authorization: Bearer $VIEWER"; else echo "-H|Authorization: Bearer $OPERATOR|-s|$here/wrk/create.lua"; fi
}
ours() { pids_ticks "${PID[@]}"; }
wrk_run() { # duration url load
  local IFS='|'; local extra=($(wrk_args "$3")); unset IFS
  WRK_PREFIX="w$RANDOM$RANDOM" timeout 180 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1" --latency "${extra[@]}" "$2"
}

declare -a RESULTS=()
measure_once() { # round target load → M_VALUES "rps|p50|p99|non2xx|errors|foreign"
  local out="$work/wrk-$1-$2-$3.txt" t0 b0 o0 t1 b1 o1 wcpu
  t0=$(now_s); b0=$(busy_ticks); o0=$(ours)
  wcpu=$( { TIMEFORMAT='%U %S'; time wrk_run "$DURATION" "$(url "$2" "$3")" "$3" >"$out"; } 2>&1 | awk '{print $1+$2}')
  t1=$(now_s); b1=$(busy_ticks); o1=$(ours)
  local foreign rps p50 p99 non2xx errors
  foreign=$(foreign_pct "$t0" "$t1" "$b0" "$b1" "$o0" "$o1" "$wcpu")
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50=$(awk '$1=="50%" {print $2}' "$out"); p99=$(awk '$1=="99%" {print $2}' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
  errors=$(awk '/Socket errors:/ {sub(/.*Socket errors: /,""); print}' "$out")
  M_VALUES="$rps|$p50|$p99|${non2xx:-0}|${errors:-none}|$foreign"
}
measure() { # round target load
  local best="" attempt
  for ((attempt = 0; attempt <= RETRIES; attempt++)); do
    wait_quiet "$QUIET_WAIT" "${PID[@]}" >/dev/null
    measure_once "$@"
    if [[ -z "$best" ]] || (( ${M_VALUES##*|} < ${best##*|} )); then best="$M_VALUES"; fi
    (( ${best##*|} <= MAX_FOREIGN )) && break
  done
  RESULTS+=("$1|$2|$3|$best")
  echo "  [round $1] $3 $2: $best" >&2
}

echo "warm-up ${WARMUP}s per target and load; load average $(loadavg)" >&2
for load in $LOADS; do
  for target in echo gateway allinone; do wrk_run "${WARMUP}s" "$(url $target "$load")" "$load" >/dev/null; done
done
for round in $(seq "$ROUNDS"); do
  for load in $LOADS; do
    for target in echo gateway allinone; do measure "$round" "$target" "$load"; done
  done
done
stored=$(curl -s -H "Authorization: Bearer $VIEWER" "http://127.0.0.1:${HTTP[gateway]}/api/interventions/metrics" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["total_interventions"])')

mkdir -p "$(dirname "$OUT")"
{
  echo "# Cluster: gateway-only node vs all-in-one vs clustered echo, $TS"
  echo
  echo "- machine: $NCPU cores, $(free -g | awk '/Mem:/ {print $2}') GB; $(java -version 2>&1 | head -1); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'); $(redis-server --version | cut -d' ' -f1-3) (appendonly yes, appendfsync always)"
  echo "- load average at the end: $(loadavg)"
  echo "- cluster (gateway's /health): $members; requests stored by the cluster's store at the end: $stored"
  echo "- wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, warm-up ${WARMUP}s per target and load, $ROUNDS rounds"
  echo
  printf '%s\n' "${RESULTS[@]}" >"$work/rows.txt"
  python3 - "$work/rows.txt" <<'EOF'
import sys, statistics
def ms(t):
    for unit, f in (("us", 1e-3), ("ms", 1.0)):
        if t.endswith(unit):
            return float(t[:-2]) * f
    return float(t[:-1]) * 1e3 if t.endswith("s") else float(t)
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1]) if l.strip()]
by = {(r[0], r[1], r[2]): r for r in rows}
names = {"echo": "clustered echo (HTTP node → bus → consumer node)", "gateway": "gateway-only node → store node",
         "allinone": "all-in-one node on Redis (local bus)"}
loads = {"get": "GET /api/interventions/metrics", "post": "POST /api/interventions (create)"}
print("| round | load | target | req/s | p50 ms | p99 ms | non-2xx | socket errors | foreign CPU | req/s ÷ echo | req/s ÷ all-in-one | p99 ÷ echo |")
print("|---|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|")
agg = {}
for rnd, target, load, rps, p50, p99, bad, err, foreign in rows:
    e, a = by[(rnd, "echo", load)], by[(rnd, "allinone", load)]
    re_, ra, pe = float(rps) / float(e[3]), float(rps) / float(a[3]), ms(p99) / ms(e[5])
    agg.setdefault((load, target), []).append((float(rps), ms(p99), re_, ra, pe))
    print(f"| {rnd} | {loads[load]} | {names[target]} | {float(rps):,.0f} | {ms(p50):.2f} | {ms(p99):.2f} | {bad} | {err} | {foreign} % | {re_:.2f} | {ra:.2f} | {pe:.2f} |")
print()
print("Medians over the rounds:")
print()
print("| load | target | req/s | p99 ms | ÷ echo | ÷ all-in-one | p99 ÷ echo |")
print("|---|---|---:|---:|---:|---:|---:|")
for (load, target), v in agg.items():
    med = lambda i: statistics.median(x[i] for x in v)
    print(f"| {loads[load]} | {names[target]} | {med(0):,.0f} | {med(1):.2f} | {med(2):.2f} | {med(3):.2f} | {med(4):.2f} |")
EOF
} | tee "$OUT"
echo "report: $OUT" >&2
