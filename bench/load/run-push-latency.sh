#!/usr/bin/env bash
# Push latency benchmark: 200 subscribed dashboard sockets; time from each HTTP create's 201 to the
# new_request push arriving on every socket. Runs two paces on one server (fresh data dir):
# a paced run (100 ms pause after each 201) and a back-to-back run (no pause).
#
#   bench/load/run-push-latency.sh            # about 2 minutes
#
# Environment: JAR (default /tmp/build-load/chameleon.jar, built if missing), PORT (default: a free
# one), SOCKETS (200), CHANGES (500), PACES (default "100 0": ms pause after each 201),
# OUT (default bench/load/out).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
JAR="${JAR:-/tmp/build-load/chameleon.jar}"
TS="$(date -u +%Y%m%dT%H%M%SZ)"
DATA="/tmp/load-data-push-$TS"
OUT="${OUT:-$ROOT/bench/load/out}"
SOCKETS="${SOCKETS:-200}"; CHANGES="${CHANGES:-500}"; PACES="${PACES:-100 0}"
mkdir -p "$OUT"
LOG="$OUT/push-latency-$TS.server.log"
REPORT="$OUT/push-latency-$TS.md"

if [[ ! -f "$JAR" ]]; then
  mvn -q -B -DskipTests -Dbuild.dir="$(dirname "$JAR")" package
fi
PORT="${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"

SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT INT TERM

CHAMELEON_HTTP_PORT="$PORT" CHAMELEON_DATA_DIR="$DATA" CHAMELEON_LOG_LEVEL=WARN \
  java -Xmx1g -jar "$JAR" run >"$LOG" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died; see $LOG" >&2; exit 1; }
  sleep 0.1
done
ADMIN=$(CHAMELEON_DATA_DIR="$DATA" java -jar "$JAR" token --sub load-1 --role ADMIN --ttl 8h)
VIEWER=$(CHAMELEON_DATA_DIR="$DATA" java -jar "$JAR" token --sub viewer-1 --role VIEWER --ttl 8h)

{
  echo "# Push latency run $TS"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- nproc: $(nproc); memory: $(free -g | awk '/^Mem:/{print $2" GiB total, "$7" GiB available"}')"
  echo "- java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "- server: java -Xmx1g -jar $(basename "$JAR") run (embedded default); client on the same machine,"
  echo "  2 Vert.x event loops for the sockets and the HTTP client (bench/load/PushLatency.java)"
  echo "- latency = arrival of the new_request push on a socket − arrival of the full HTTP 201 (System.nanoTime,"
  echo "  same JVM); negative = the push beat the HTTP answer"
  echo
} >"$REPORT"

run=0
for pace in $PACES; do
  run=$((run + 1))
  java -cp "$JAR" bench/load/PushLatency.java --port "$PORT" --admin-token "$ADMIN" --viewer-token "$VIEWER" \
    --sockets "$SOCKETS" --changes "$CHANGES" --interval-ms "$pace" --label "run $run" \
    2> >(tee -a "$OUT/push-latency-$TS.client.log" >&2) | sed -n '/^==== REPORT ====$/,$p' | tail -n +2 >>"$REPORT"
  echo >>"$REPORT"
done
echo "Server log lines at WARN or above: $(grep -c -E 'WARN|ERROR' "$LOG" || true)" >>"$REPORT"
echo "report: $REPORT"
cat "$REPORT"
