#!/usr/bin/env bash
# Restart with a snapshot at the tip, two jars side by side (A/B) over the same 1,000,000-event
# file log: each jar prepares its own copy of the log (a first start replaying it, 100 creates, a
# clean stop: its own snapshot format at the tip), then ROUNDS rounds start each jar once, in
# alternating order, timed from the exec until GET /health answers 200. The phases come from the
# node's INFO log (bench/restart_phases.py), the foreign CPU of each start as in run-restart.sh.
# A machine shared with other work moves every absolute number: read the ratio of the same round.
#
# Env: JAR_A, JAR_B (required), EVENTS (1000000), ROUNDS (3), SERVER_XMX_MIB (2048),
#      QUIET_WAIT (30), OUT (bench/results/restart-ab-<UTC>.md), KEEP=1 keeps the work dir.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
bench_jar="${BENCH_BUILD_DIR:-$here/target}/benchmarks.jar"
: "${JAR_A:?JAR_A: the first jar}" "${JAR_B:?JAR_B: the second jar}"
EVENTS="${EVENTS:-1000000}"
ROUNDS="${ROUNDS:-3}"
SERVER_XMX_MIB="${SERVER_XMX_MIB:-2048}"
QUIET_WAIT="${QUIET_WAIT:-30}"
TS="$(date -u +%Y%m%dT%H%MZ)"
OUT="${OUT:-$here/results/restart-ab-$TS.md}"
[[ -f "$bench_jar" ]] || { echo "$bench_jar missing (cd bench && mvn package)" >&2; exit 1; }

work="$(mktemp -d /tmp/chameleon-restart-ab.XXXXXX)"
NODE_PID=""
cleanup() {
  stop_pid "$NODE_PID" 30
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

HTTP_PORT=$(free_port)
BASE="http://127.0.0.1:$HTTP_PORT"
env_of() { # data-dir
  printf '%s\n' CHAMELEON_CONFIG="$work/no-config.json" CHAMELEON_HTTP_PORT="$HTTP_PORT" \
    CHAMELEON_DATA_DIR="$1" CHAMELEON_LOG_LEVEL=INFO
}
start_node() { # name jar data-dir
  local envs; mapfile -t envs < <(env_of "$3")
  START_NS=$(date +%s%N)
  env "${envs[@]}" java -Xmx"${SERVER_XMX_MIB}"m -Xlog:gc:file="$work/$1.gc.log":uptimemillis \
    -jar "$2" run >"$work/$1.log" 2>&1 &
  NODE_PID=$!
  wait_health "$BASE" "$NODE_PID" 900 || { echo "$1 did not become ready" >&2; tail -20 "$work/$1.log" >&2; exit 1; }
  READY_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
}
token() { # jar data-dir
  env CHAMELEON_CONFIG="$work/no-config.json" CHAMELEON_DATA_DIR="$2" java -jar "$1" token \
    --sub load-1 --role ADMIN --ttl 8h 2>/dev/null | tail -1
}

echo "machine: $NCPU cores; load average $(loadavg)" >&2
mkdir -p "$work/tpl"
TOKEN=$(token "$JAR_B" "$work/tpl")
start_node tpl "$JAR_B" "$work/tpl"
H=(-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json')
curl -sf -o /dev/null -XPOST "${H[@]}" "$BASE/api/interventions" -d '{"request_id":"tpl-req","uow_id":"tpl-uow","intervention_type":"cancel","title":"tpl-title","priority":"high","context":{"source":"bench"},"expires_in_seconds":604800}'
curl -sf -o /dev/null -XPOST "${H[@]}" "$BASE/api/interventions/tpl-req/claim" -d '{}'
curl -sf -o /dev/null -XPOST "${H[@]}" "$BASE/api/interventions/tpl-req/approve" -d '{"reason":"load test approval"}'
stop_pid "$NODE_PID" 30; NODE_PID=""
gen=$(java -cp "$bench_jar" io.chameleon.bench.LogGenerator --template "$work/tpl/events.jsonl" \
  --out "$work/generated.jsonl" --events "$EVENTS" --mix creates 2>&1 | tail -1)
echo "$gen" >&2

declare -A JAR=([A]="$JAR_A" [B]="$JAR_B")
declare -a ROWS=()
for v in A B; do
  mkdir -p "$work/$v"
  cp "$work/generated.jsonl" "$work/$v/events.jsonl"
  TOKEN=$(token "${JAR[$v]}" "$work/$v")
  start_node "prep-$v" "${JAR[$v]}" "$work/$v"
  echo "  prepared $v: first start (whole log) $READY_MS ms" >&2
  java -cp "$bench_jar" io.chameleon.bench.Writes --port "$HTTP_PORT" --token "$TOKEN" --count 100 \
    --prefix "prep-$v-" --in-flight 16 >/dev/null 2>&1
  stop_pid "$NODE_PID" 600; NODE_PID=""
done
rm -f "$work/generated.jsonl"

for round in $(seq "$ROUNDS"); do
  order="A B"; (( round % 2 == 0 )) && order="B A"
  for v in $order; do
    q=$(wait_quiet "$QUIET_WAIT")
    t0=$(now_s); b0=$(busy_ticks); o0=0
    start_node "snap-$v-$round" "${JAR[$v]}" "$work/$v"
    t1=$(now_s); b1=$(busy_ticks); o1=$(pids_ticks "$NODE_PID")
    foreign=$(foreign_pct "$t0" "$t1" "$b0" "$b1" "$o0" "$o1")
    ROWS+=("$round|$v|$READY_MS|$foreign|$q|$(python3 "$here/restart_phases.py" "$START_NS" "$work/snap-$v-$round.log" "$work/snap-$v-$round.gc.log")")
    echo "  round $round $v: ready in $READY_MS ms, foreign CPU $foreign % (before: $q %)" >&2
    stop_pid "$NODE_PID" 600; NODE_PID=""
  done
done

mkdir -p "$(dirname "$OUT")"
{
  echo "# Restart with a snapshot at the tip, A/B, $EVENTS events (creates), file log, $TS"
  echo
  echo "- machine: $NCPU cores; $(java -version 2>&1 | head -1); load average at the end: $(loadavg)"
  echo "- A: \`$JAR_A\`; B: \`$JAR_B\`; node \`java -Xmx${SERVER_XMX_MIB}m -jar … run\`, built-in defaults, INFO"
  echo "- $gen"
  echo
  printf '%s\n' "${ROWS[@]}" >"$work/rows.txt"
  python3 - "$work/rows.txt" <<'EOF'
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1]) if l.strip()]
print("| round | jar | until /health 200 | event log open | guardian | store: snapshot read | ready | GC pauses | foreign CPU (before) |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
by = {}
for r in rows:
    rnd, v, ms, foreign, q, phases = r[:6]
    p = dict(kv.split("=", 1) for kv in phases.split(";") if "=" in kv)
    by.setdefault(rnd, {})[v] = int(ms) / 1000
    print(f"| {rnd} | {v} | **{int(ms)/1000:.1f} s** | {p.get('log_open','')} | {p.get('guardian','')} | {p.get('snapshot','')} | {p.get('gateway','')} | {p.get('gc','')} | {foreign} % ({q} %) |")
print()
print("| round | A s | B s | B ÷ A |")
print("|---:|---:|---:|---:|")
for rnd, v in by.items():
    if "A" in v and "B" in v:
        print(f"| {rnd} | {v['A']:.1f} | {v['B']:.1f} | {v['B']/v['A']:.2f} |")
EOF
} | tee "$OUT"
echo "report: $OUT" >&2
