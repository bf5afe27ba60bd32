#!/usr/bin/env bash
# Bytes the server allocates per write (POST /api/interventions, a create each: HTTP body → gateway
# → bus → store → event → file log → reply), for one or more jars side by side in one run.
#
#   JARS="/tmp/before.jar /tmp/after.jar" bench/run-write-alloc.sh
#
# Each jar runs on its own fresh data dir (file event log, CHAMELEON_LOG_LEVEL=WARN, so the access
# log is not counted). Per round and jar: wrk (wrk/create.lua, -t1 -c16) warms up with
# WARMUP_WRITES creates, then `jcmd Thread.print -e` gives every thread's allocated bytes (HotSpot's
# per-thread accounting: exact, unlike sampling), wrk makes WRITES creates, and the threads are read
# again. B/write = Σ(allocated after − before) over the server's threads / 2xx answers. A count,
# not a duration, so every jar holds the same number of requests at each round (snapshots and
# tables grow with it). Rounds alternate the jars; the median round is reported. Knobs:
# WARMUP_WRITES (5000), WRITES (20000), ROUNDS (3), CONNECTIONS (16). Servers are stopped by pid
# on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
read -r -a jars <<<"${JARS:?JARS: one or more chameleon.jar paths}"
WARMUP_WRITES="${WARMUP_WRITES:-5000}"; WRITES="${WRITES:-20000}"; ROUNDS="${ROUNDS:-3}"; CONNECTIONS="${CONNECTIONS:-16}"
work="$(mktemp -d /tmp/write-alloc.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  [[ "${KEEP:-0}" == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT INT TERM

# wrk until WRK_MAX answers (wrk/create.lua then creates the done file; SIGINT makes wrk report)
creates() {  # creates count prefix url auth out
  local done="$work/done" pid
  rm -f "$done"
  WRK_MAX="$1" WRK_DONE="$done" WRK_PREFIX="$2" wrk -t1 -c"$CONNECTIONS" -d300s -H "$4" -s "$here/wrk/create.lua" "$3" >"$5" &
  pid=$!
  while [[ ! -e "$done" ]] && kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" || true
}

allocated() {  # Σ allocated= over the threads of pid $1, in bytes
  jcmd "$1" Thread.print -e | python3 -c '
import re, sys
units = {"B": 1, "K": 1 << 10, "KB": 1 << 10, "M": 1 << 20, "MB": 1 << 20, "G": 1 << 30, "GB": 1 << 30}
total = 0
for m in re.finditer(r"allocated=(\d+)([KMG]?B?)\b", sys.stdin.read()):
    total += int(m.group(1)) * units.get(m.group(2) or "B", 1)
print(total)'
}

declare -a ports tokens
for i in "${!jars[@]}"; do
  port=$(free_port); data="$work/data-$i"; mkdir -p "$data"
  CHAMELEON_HTTP_PORT="$port" CHAMELEON_DATA_DIR="$data" CHAMELEON_LOG_LEVEL=WARN \
    java -Xmx1g -jar "${jars[$i]}" run >"$work/server-$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.1; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/health" || { echo "server $i not ready; $work/server-$i.log" >&2; KEEP=1; exit 1; }
  ports[$i]=$port
  tokens[$i]=$(CHAMELEON_DATA_DIR="$data" java -jar "${jars[$i]}" token --sub bench-operator --role OPERATOR --ttl 60m | tail -1)
done

declare -A results
for round in $(seq 1 "$ROUNDS"); do
  for i in "${!jars[@]}"; do
    pid=${pids[$i]}; url="http://127.0.0.1:${ports[$i]}/api/interventions"
    auth="Authorization: Bearer ${tokens[$i]}"
    creates "$WARMUP_WRITES" "w$round" "$url" "$auth" /dev/null
    a0=$(allocated "$pid")
    creates "$WRITES" "m$round" "$url" "$auth" "$work/wrk-$i-$round.txt"
    a1=$(allocated "$pid")
    requests=$(awk '/requests in/ {print $1}' "$work/wrk-$i-$round.txt")
    bad=$(awk '/Non-2xx/ {print $NF}' "$work/wrk-$i-$round.txt"); bad=${bad:-0}
    ok=$((requests - bad))
    perwrite=$(( (a1 - a0) / (ok > 0 ? ok : 1) ))
    rate=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-$i-$round.txt")
    results[$i,$round]=$perwrite
    echo "round $round jar $i (${jars[$i]}): $ok writes (non-2xx $bad), $rate/s, $perwrite B/write" >&2
  done
done

echo "| jar | B/write per round | median B/write |"
echo "|---|---|---|"
for i in "${!jars[@]}"; do
  row=""; vals=()
  for round in $(seq 1 "$ROUNDS"); do row+="${results[$i,$round]} "; vals+=("${results[$i,$round]}"); done
  median=$(printf '%s\n' "${vals[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "| ${jars[$i]} | $row| $median |"
done
