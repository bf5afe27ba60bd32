#!/usr/bin/env bash
# Restart time over a 1,000,000-event log, with and without a snapshot, on both backends (issue 7).
# Loopback only, bounded (~15 minutes with the defaults on a quiet 2-core box).
#
# For each log (LOGS: `creates` = one create per event, 1 M stored requests; `mixed` = the store
# load's mix, per 10 events 4 creates, 3 claims, 3 approves, 400 k stored requests):
#   1. the log is written by io.chameleon.bench.LogGenerator from a template the jar itself wrote
#      (a fresh node asked over HTTP to create, claim and approve one request), chained with the
#      product's Event.chained; `chameleon events copy` copies it into the Redis stream (timed);
#   2. per backend (file, then redis), always `java -Xmx$SERVER_XMX_MIB m -jar chameleon.jar run`,
#      timed from the exec until GET /health answers 200:
#      - prepare: a first start (full replay, as a node would after an upgrade), 100 creates
#        (so the guardian registry, which counts only events it follows live, has something to
#        write), clean stop: both parts write a snapshot at the tip;
#      - ROUNDS × { `no snapshot` (snapshot.every_events=0: the whole log is replayed),
#        `snapshot at the tip` (what a clean shutdown leaves) };
#      - `snapshot + tail`: TAIL creates (default 9,990: the worst case below the 10,000-event
#        snapshot interval), kill -9 (a crash: the newest snapshot is TAIL events behind), start.
#   Every start's log (INFO) gives the phases: JVM and configuration until the first line, the
#   event log open (file: FileLogRecovery's scan of every line), the guardian registry's load,
#   the store's (snapshot read, then the tail replayed), the gateway; GC pauses from -Xlog:gc.
#   3. PROFILE=1 (default): one more full-replay start and one snapshot start of the `creates`
#      log per backend under JFR (not timed); the report lists where the samples fall.
# Before each timed start the script waits (at most QUIET_WAIT s) for a quiet machine, and says
# the foreign CPU during each start (above ~5 %: contaminated).
#
# Env: EVENTS (1000000), LOGS ("creates mixed"), BACKENDS ("file redis"), ROUNDS (2), TAIL (9990),
#      SERVER_XMX_MIB (2048), PROFILE (1), NOSNAP (1: 0 skips the timed no-snapshot rounds; the
#      first start still replays the whole log), QUIET_WAIT (60), CHAMELEON_JAR (built if missing),
#      OUT (bench/results/restart-<UTC>.md), KEEP=1 keeps the work dir (logs, data: ~5 GB).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
source "$here/lib.sh"
main_build="${MAIN_BUILD_DIR:-/tmp/build-bench-main}"
jar="${CHAMELEON_JAR:-$main_build/chameleon.jar}"
bench_jar="${BENCH_BUILD_DIR:-$here/target}/benchmarks.jar"
EVENTS="${EVENTS:-1000000}"
LOGS="${LOGS:-creates mixed}"
BACKENDS="${BACKENDS:-file redis}"
ROUNDS="${ROUNDS:-2}"
TAIL="${TAIL:-9990}"
SERVER_XMX_MIB="${SERVER_XMX_MIB:-2048}"
PROFILE="${PROFILE:-1}"
NOSNAP="${NOSNAP:-1}"
QUIET_WAIT="${QUIET_WAIT:-60}"
TS="$(date -u +%Y%m%dT%H%MZ)"
OUT="${OUT:-$here/results/restart-$TS.md}"

command -v redis-server >/dev/null || { echo "redis-server not found" >&2; exit 1; }
ensure_jars "$repo" "$here" "$main_build" "$bench_jar"

work="$(mktemp -d /tmp/chameleon-restart.XXXXXX)"
REDIS_PID="" NODE_PID=""
cleanup() {
  stop_pid "$NODE_PID" 30
  stop_pid "$REDIS_PID" 10
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rport=$(free_port)
mkdir -p "$work/redis"
redis-server --port "$rport" --bind 127.0.0.1 --dir "$work/redis" --appendonly yes --appendfsync always \
  --save '' --auto-aof-rewrite-percentage 0 >"$work/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 50); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.1; done
REDIS_URL="redis://127.0.0.1:$rport"

HTTP_PORT=$(free_port)
BASE="http://127.0.0.1:$HTTP_PORT"
# node_env backend data-dir: the environment of a node (no config file: the built-in defaults)
node_env() {
  local env=(CHAMELEON_CONFIG="$work/no-config.json" CHAMELEON_HTTP_PORT="$HTTP_PORT" CHAMELEON_DATA_DIR="$2"
             CHAMELEON_LOG_LEVEL=INFO)
  [[ "$1" == redis ]] && env+=(CHAMELEON_EVENTS_BACKEND=redis CHAMELEON_REDIS_URL="$REDIS_URL")
  printf '%s\n' "${env[@]}"
}
token() { # data-dir
  env CHAMELEON_CONFIG="$work/no-config.json" CHAMELEON_DATA_DIR="$1" java -jar "$jar" token --sub load-1 --role ADMIN --ttl 8h 2>/dev/null | tail -1
}

# start_node name backend data-dir [extra env…]: starts it, waits for /health 200; sets NODE_PID, READY_MS
start_node() {
  local name="$1" backend="$2" dir="$3"; shift 3
  local envs; mapfile -t envs < <(node_env "$backend" "$dir")
  local jvm=(-Xmx"${SERVER_XMX_MIB}"m -Xlog:gc:file="$work/$name.gc.log":uptimemillis)
  [[ -n "${JFR:-}" ]] && jvm+=(-XX:StartFlightRecording=filename="$JFR",settings=profile)
  START_NS=$(date +%s%N)
  env "${envs[@]}" "$@" java "${jvm[@]}" -jar "$jar" run >"$work/$name.log" 2>&1 &
  NODE_PID=$!
  if ! wait_health "$BASE" "$NODE_PID" 600; then echo "$name did not become ready; see $work/$name.log" >&2; tail -20 "$work/$name.log" >&2; exit 1; fi
  READY_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
}

declare -a ROWS=()
# timed name label backend dir log-name [extra env…]: one measured start, its phases into ROWS
timed() {
  local name="$1" label="$2" backend="$3" dir="$4" logname="$5"; shift 5
  local q; q=$(wait_quiet "$QUIET_WAIT" "$REDIS_PID")
  local t0 b0 o0 t1 b1 o1 foreign
  t0=$(now_s); b0=$(busy_ticks); o0=$(pids_ticks "$REDIS_PID")
  start_node "$name" "$backend" "$dir" "$@"
  t1=$(now_s); b1=$(busy_ticks); o1=$(pids_ticks "$REDIS_PID" "$NODE_PID")
  foreign=$(foreign_pct "$t0" "$t1" "$b0" "$b1" "$o0" "$o1")
  local metrics
  metrics=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/interventions/metrics")
  local stored events
  stored=$(echo "$metrics" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["total_interventions"])')
  if [[ "$backend" == file ]]; then events=$(wc -l <"$dir/events.jsonl"); else events=$(redis-cli -p "$rport" xlen chameleon:events); fi
  ROWS+=("$logname|$backend|$label|$events|$stored|$READY_MS|$foreign|$q|$(python3 "$here/restart_phases.py" "$START_NS" "$work/$name.log" "$work/$name.gc.log")")
  echo "  [$logname/$backend] $label: ready in $READY_MS ms ($events events, $stored stored), foreign CPU $foreign % (before: $q %)" >&2
}

# --- the template: a fresh node writes create, claim, approve of one request ----------------------
echo "machine: $NCPU cores; $(java -version 2>&1 | head -1); load average $(loadavg)" >&2
mkdir -p "$work/tpl"
TOKEN=$(token "$work/tpl")
start_node tpl file "$work/tpl"
H=(-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json')
curl -sf -o /dev/null -XPOST "${H[@]}" "$BASE/api/interventions" -d '{"request_id":"tpl-req","uow_id":"tpl-uow","intervention_type":"cancel","title":"tpl-title","priority":"high","context":{"source":"bench"},"expires_in_seconds":604800}'
curl -sf -o /dev/null -XPOST "${H[@]}" "$BASE/api/interventions/tpl-req/claim" -d '{}'
curl -sf -o /dev/null -XPOST "${H[@]}" "$BASE/api/interventions/tpl-req/approve" -d '{"reason":"load test approval"}'
stop_pid "$NODE_PID" 30; NODE_PID=""
[[ $(wc -l <"$work/tpl/events.jsonl") == 3 ]] || { echo "template: expected 3 events" >&2; exit 1; }

declare -a PREP=()
writes() { # count prefix
  java -cp "$bench_jar" io.chameleon.bench.Writes --port "$HTTP_PORT" --token "$TOKEN" --count "$1" --prefix "$2" --in-flight 64 2>/dev/null
}

for logname in $LOGS; do
  dir="$work/$logname"
  mkdir -p "$dir/file" "$dir/redis"
  gen=$(java -cp "$bench_jar" io.chameleon.bench.LogGenerator --template "$work/tpl/events.jsonl" \
    --out "$dir/generated.jsonl" --events "$EVENTS" --mix "$logname" 2>&1 | tail -1)
  echo "$gen" >&2
  PREP+=("$logname: $gen")
  if [[ " $BACKENDS " == *" file "* ]]; then
    # the file log's open alone, in a JVM of its own: reading the lines, + a JSON parse each, FileEventLog.open()
    open=$(java -Xmx"${SERVER_XMX_MIB}"m -cp "$bench_jar" io.chameleon.bench.FileLogOpen "$dir/generated.jsonl" 2>/dev/null \
      | awk -F'|' '/^OPEN/ {v[$2 "-" $3] = $4} END {printf "reading the lines %.1f s, + new JsonObject(line) each %.1f s, FileEventLog.open() %.1f s (first pass in a fresh JVM; second pass %.1f / %.1f / %.1f s)", v["lines-1"]/1000, v["parse-1"]/1000, v["open-1"]/1000, v["lines-2"]/1000, v["parse-2"]/1000, v["open-2"]/1000}')
    echo "open: $open" >&2
    PREP+=("$logname: the file log's open alone (io.chameleon.bench.FileLogOpen): $open")
  fi
  for backend in $BACKENDS; do
    data="$dir/$backend"
    [[ "$backend" == file ]] && cp "$dir/generated.jsonl" "$data/events.jsonl"
    if [[ "$backend" == redis ]]; then
      redis-cli -p "$rport" flushall >/dev/null
      c0=$(date +%s%N)
      env CHAMELEON_CONFIG="$work/no-config.json" CHAMELEON_DATA_DIR="$data" CHAMELEON_REDIS_URL="$REDIS_URL" \
        CHAMELEON_LOG_LEVEL=WARN java -jar "$jar" events copy --from "$dir/generated.jsonl" >"$work/copy-$logname.log" 2>&1
      copy_ms=$(( ($(date +%s%N) - c0) / 1000000 ))
      PREP+=("$logname: \`events copy\` into the stream: $(tail -1 "$work/copy-$logname.log" | cut -c1-120) — $((copy_ms / 1000)) s ($(( EVENTS * 1000 / (copy_ms + 1) )) events/s)")
      echo "copied into Redis in $copy_ms ms" >&2
    fi
    TOKEN=$(token "$data")
    # prepare: full replay (timed as the first no-snapshot start), 100 live creates, clean stop
    timed "$logname-$backend-first" "no snapshot (first start, snapshots on)" "$backend" "$data" "$logname"
    writes 100 "prep-$backend-" >/dev/null
    stop_pid "$NODE_PID" 120; NODE_PID=""
    for round in $(seq "$ROUNDS"); do
      if [[ "$NOSNAP" == 1 ]]; then
        timed "$logname-$backend-nosnap-$round" "no snapshot (snapshot.every_events=0)" "$backend" "$data" "$logname" \
          CHAMELEON_SNAPSHOT_EVERY_EVENTS=0
        stop_pid "$NODE_PID" 120; NODE_PID=""
      fi
      timed "$logname-$backend-snap-$round" "snapshot at the tip (clean shutdown)" "$backend" "$data" "$logname"
      stop_pid "$NODE_PID" 120; NODE_PID=""
    done
    # a crash TAIL events after the newest snapshot
    start_node "$logname-$backend-tailwrite" "$backend" "$data"
    writes "$TAIL" "tail-$backend-" >/dev/null
    kill -9 "$NODE_PID"; wait "$NODE_PID" 2>/dev/null || true; NODE_PID=""
    timed "$logname-$backend-tail" "snapshot + $TAIL-event tail (after kill -9)" "$backend" "$data" "$logname"
    stop_pid "$NODE_PID" 120; NODE_PID=""
    if [[ "$PROFILE" == 1 && "$logname" == creates ]]; then
      for kind in nosnap snap; do
        extra=(); [[ $kind == nosnap ]] && extra=(CHAMELEON_SNAPSHOT_EVERY_EVENTS=0)
        JFR="$work/$logname-$backend-$kind.jfr" start_node "$logname-$backend-jfr-$kind" "$backend" "$data" "${extra[@]}"
        stop_pid "$NODE_PID" 120; NODE_PID=""
        jfr print --events jdk.ExecutionSample --stack-depth 64 "$work/$logname-$backend-$kind.jfr" \
          | python3 "$here/jfr_summary.py" "$logname/$backend, $([[ $kind == nosnap ]] && echo 'no snapshot' || echo 'snapshot at the tip')" \
          >>"$work/profiles.md"
      done
    fi
  done
  rm -rf "$dir"
  redis-cli -p "$rport" flushall >/dev/null
done

mkdir -p "$(dirname "$OUT")"
{
  echo "# Restart over $EVENTS events, $TS"
  echo
  echo "- machine: $NCPU cores, $(free -g | awk '/Mem:/ {print $2}') GB; $(java -version 2>&1 | head -1); $(redis-server --version | cut -d' ' -f1-3) (appendonly yes, appendfsync always)"
  echo "- load average at the end: $(loadavg)"
  echo "- node: \`java -Xmx${SERVER_XMX_MIB}m -jar chameleon.jar run\`, built-in defaults (snapshot.every_events 10000), log level INFO"
  for p in "${PREP[@]}"; do echo "- $p"; done
  echo
  printf '%s\n' "${ROWS[@]}" >"$work/rows.txt"
  python3 - "$work/rows.txt" <<'EOF'
import sys, statistics
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1]) if l.strip()]
print("| log | backend | start | events | stored requests | until /health 200 | first log line | event log open | guardian registry loaded | store: snapshot read | store loaded (tail replayed) | ready | GC pauses | foreign CPU (before) |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    log, backend, label, events, stored, ms, foreign, q, phases = r[:9]
    p = dict(kv.split("=", 1) for kv in phases.split(";") if "=" in kv)
    s = lambda k: p.get(k, "")
    print(f"| {log} | {backend} | {label} | {int(events):,} | {int(stored):,} | **{int(ms)/1000:.1f} s** | {s('first')} | {s('log_open')} | {s('guardian')} | {s('snapshot')} | {s('store')} ({s('replayed')} events) | {s('gateway')} | {s('gc')} | {foreign} % ({q} %) |")
print()
print("Phases are seconds since the exec of `java`, from the node's own log lines: the first line (on the file"
      " backend that is `event log opened`, after FileLogRecovery scanned every line; on Redis the JVM, the"
      " configuration and the connection to Redis); `event log opened`; `guardian evaluator ready`;"
      " the store's `state restored from a snapshot`; `store state loaded` (with the events replayed after"
      " the snapshot); `deployed [verticle: gateway`. GC: pauses until ready, count / total ms.")
print()
groups = {}
for r in rows:
    groups.setdefault((r[0], r[1], r[2]), []).append(int(r[5]) / 1000)
print("| log | backend | start | runs | median s |")
print("|---|---|---|---:|---:|")
for (log, backend, label), v in groups.items():
    print(f"| {log} | {backend} | {label} | {len(v)} | {statistics.median(v):.1f} |")
EOF
  if [[ -f "$work/profiles.md" ]]; then echo; cat "$work/profiles.md"; fi
} | tee "$OUT"
echo "report: $OUT" >&2
