#!/usr/bin/env bash
# Store load benchmark: pending list at 10k/100k pending, create/claim/approve mix vs same-run
# baselines, heap per stored request, and the startup replay time of the resulting log.
#
#   bench/load/run-store-load.sh                 # full run (about 15-20 minutes)
#   QUICK=1 bench/load/run-store-load.sh         # smoke run (about 2 minutes)
#
# Environment: JAR (default /tmp/build-load/chameleon.jar, built if missing), PORT (default: a free
# one), DATA (default /tmp/load-data-store-<ts>, must not exist), OUT (default bench/load/out),
# MEM_SECONDS (default 480), MEM_TARGET (default 1000000), LEVELS (default 10000,100000),
# SERVER_XMX_MIB (default 1024), PHASES (default reads,mixed,memory), KEEP_DATA=1 keeps the data dir.
#
#   SERVER_XMX_MIB=2048 PHASES=memory bench/load/run-store-load.sh   # seed a real 1M, heap after GC
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
JAR="${JAR:-/tmp/build-load/chameleon.jar}"
TS="$(date -u +%Y%m%dT%H%M%SZ)"
DATA="${DATA:-/tmp/load-data-store-$TS}"
OUT="${OUT:-$ROOT/bench/load/out}"
if [[ "${QUICK:-0}" == 1 ]]; then
  LEVELS="${LEVELS:-2000,10000}"; MEM_SECONDS="${MEM_SECONDS:-30}"; EXTRA=(--mixed-seconds 10 --baseline-seconds 5 --read-requests 500)
else
  LEVELS="${LEVELS:-10000,100000}"; MEM_SECONDS="${MEM_SECONDS:-480}"; EXTRA=()
fi
SERVER_XMX_MIB="${SERVER_XMX_MIB:-1024}"; PHASES="${PHASES:-reads,mixed,memory}"; MEM_TARGET="${MEM_TARGET:-1000000}"
mkdir -p "$OUT"
LOG="$OUT/store-load-$TS.server.log"
REPORT="$OUT/store-load-$TS.md"
GCLOG="$OUT/store-load-$TS.gc-%p.log"

if [[ ! -f "$JAR" ]]; then
  build_dir="$(dirname "$JAR")"
  mvn -q -B -DskipTests -Dbuild.dir="$build_dir" package
fi
if [[ -e "$DATA" ]]; then echo "data dir $DATA exists; give a fresh one" >&2; exit 2; fi
PORT="${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() {
  stop_server
  if [[ "${KEEP_DATA:-0}" != 1 ]]; then rm -rf "$DATA"; fi
}
trap cleanup EXIT INT TERM

start_server() {  # sets SERVER_PID and READY_MS (milliseconds until /health answered 200)
  local t0 t1
  t0=$(date +%s%N)
  CHAMELEON_HTTP_PORT="$PORT" CHAMELEON_DATA_DIR="$DATA" CHAMELEON_LOG_LEVEL=WARN \
    java -Xmx"${SERVER_XMX_MIB}"m -Xlog:gc:file="$GCLOG":uptime -jar "$JAR" run >>"$LOG" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 6000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$PORT/health"; then
      t1=$(date +%s%N); READY_MS=$(( (t1 - t0) / 1000000 )); return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died; see $LOG" >&2; return 1; }
    sleep 0.05
  done
  echo "server not ready after 300 s" >&2; return 1
}

heap_used_mib() {
  jcmd "$SERVER_PID" GC.run >/dev/null
  jcmd "$SERVER_PID" GC.heap_info | sed -n 's/.*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -1 | awk '{printf "%.1f", $1/1024}'
}

{
  echo "# Store load run $TS"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- nproc: $(nproc); memory: $(free -g | awk '/^Mem:/{print $2" GiB total, "$7" GiB available"}')"
  echo "- java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "- server: java -Xmx${SERVER_XMX_MIB}m -jar $(basename "$JAR") run (embedded default, file event log in $DATA)"
  echo "- client: same machine, one Vert.x event loop (bench/load/StoreLoad.java)"
  echo
} >"$REPORT"

start_server; START_MS=$READY_MS
echo "server up on $PORT (pid $SERVER_PID) in ${START_MS} ms"
TOKEN=$(CHAMELEON_DATA_DIR="$DATA" java -jar "$JAR" token --sub load-1 --role ADMIN --ttl 8h)
TOKEN2=$(CHAMELEON_DATA_DIR="$DATA" java -jar "$JAR" token --sub load-2 --role ADMIN --ttl 8h)

java -Xmx2g -cp "$JAR" bench/load/StoreLoad.java --port "$PORT" --token "$TOKEN" --token2 "$TOKEN2" \
  --pid "$SERVER_PID" --levels "$LEVELS" --mem-seconds "$MEM_SECONDS" \
  --mem-target "$MEM_TARGET" --heap-max-mib "$SERVER_XMX_MIB" --phases "$PHASES" "${EXTRA[@]}" \
  2> >(tee "$OUT/store-load-$TS.client.log" >&2) | sed -n '/^==== REPORT ====$/,$p' | tail -n +2 >>"$REPORT"

# Replay: stop, restart over the same data dir, time until /health is 200.
LOG_BYTES=$(stat -c %s "$DATA/events.jsonl")
LOG_LINES=$(wc -l <"$DATA/events.jsonl")
HEAP_BEFORE=$(heap_used_mib)
stop_server
start_server; REPLAY_MS=$READY_MS
HEAP_AFTER=$(heap_used_mib)
STORED=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/interventions/metrics" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["total_interventions"])')
V0=$(date +%s%N)
VERIFY=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/events/verify")
VERIFY_MS=$(( ($(date +%s%N) - V0) / 1000000 ))
{
  echo
  echo "### Startup replay of the resulting log"
  echo
  echo "| events in log | log size MiB | stored requests after replay | first start ms | restart until /health 200 ms | heap used after GC before restart MiB | after replay MiB |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  echo "| $LOG_LINES | $(awk "BEGIN{printf \"%.1f\", $LOG_BYTES/1048576}") | $STORED | $START_MS | $REPLAY_MS | $HEAP_BEFORE | $HEAP_AFTER |"
  echo
  echo "GET /api/events/verify after replay (${VERIFY_MS} ms): \`$VERIFY\`"
  echo
  echo "Server GC pauses from -Xlog:gc, both server runs, without the full GCs the benchmark asked for (jcmd GC.run):" \
    "$(cat "$OUT"/store-load-"$TS".gc-*.log | grep -E 'Pause' | grep -v 'Diagnostic Command' |
    sed -n 's/.* \([0-9.]*\)ms$/\1/p' | sort -n | awk '{a[NR]=$1; s+=$1} END {if (NR) printf "%d pauses, total %.0f ms, median %.1f ms, p99 %.1f ms, max %.1f ms", NR, s, a[int(NR/2)+1], a[int(NR*0.99)+(NR*0.99>int(NR*0.99))], a[NR]}')"
  echo
  echo "Server log lines at WARN or above: $(grep -c -E 'WARN|ERROR' "$LOG" || true) (see $(basename "$LOG"))"
} >>"$REPORT"
stop_server
echo "report: $REPORT"
cat "$REPORT"
