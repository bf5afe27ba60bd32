#!/usr/bin/env bash
# Store commands per second, the store load's mix, on the Redis event log beside the file log, in
# the same run (issue 7). Loopback only, bounded (~8 minutes with the defaults).
#
# The mix is bench/load/StoreLoad.java's `mixed` phase, unchanged: seed SEED creates (64 in flight),
# then the same-run baselines GET /health and GET /api/interventions/metrics (2 s warm-up + 10 s),
# then 5 s warm-up + 30 s of 40 % create / 30 % claim / 30 % approve with 48 in flight.
# Each run gets a fresh node (`java -Xmx1g -jar chameleon.jar run`, CHAMELEON_LOG_LEVEL=WARN as
# run-store-load.sh) and a fresh log:
#   file            — the embedded default: JSON Lines, group commit, fsync per batch
#   redis           — events.backend=redis, redis-server with appendonly yes, appendfsync always
#   redis-everysec  — the same redis-server after CONFIG SET appendfsync everysec
# ROUNDS rounds, the order reversed every other round; every ratio is against the file run of the
# same round. The script waits (at most QUIET_WAIT s) for a quiet machine before each run and
# reports the foreign CPU during it (above ~5 %: contaminated); a run above MAX_FOREIGN (5) is
# done again, RETRIES (2) times at most, and the attempt with the least foreign CPU is kept.
#
# A backend named NAME@base runs the node from BASE_JAR (a chameleon.jar built from another commit,
# e.g. main) instead: the same mix, same redis-server, same round, for a before/after in one run.
#
# Env: BACKENDS ("file redis redis-everysec"), BASE_JAR, ROUNDS (2), SEED (20000), MIX_SECONDS (30),
#      BASELINE_SECONDS (10), QUIET_WAIT (60), CHAMELEON_JAR, OUT (bench/results/store-mix-<UTC>.md), KEEP=1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
source "$here/lib.sh"
main_build="${MAIN_BUILD_DIR:-/tmp/build-bench-main}"
jar="${CHAMELEON_JAR:-$main_build/chameleon.jar}"
BACKENDS="${BACKENDS:-file redis redis-everysec}"
ROUNDS="${ROUNDS:-2}"
SEED="${SEED:-20000}"
MIX_SECONDS="${MIX_SECONDS:-30}"
BASELINE_SECONDS="${BASELINE_SECONDS:-10}"
QUIET_WAIT="${QUIET_WAIT:-60}"
TS="$(date -u +%Y%m%dT%H%MZ)"
OUT="${OUT:-$here/results/store-mix-$TS.md}"

command -v redis-server >/dev/null || { echo "redis-server not found" >&2; exit 1; }
ensure_jars "$repo" "$here" "$main_build"

work="$(mktemp -d /tmp/chameleon-store-mix.XXXXXX)"
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

declare -a ROWS=()
RETRIES="${RETRIES:-2}"; MAX_FOREIGN="${MAX_FOREIGN:-5}"
one_run() { # round backend: the attempt with the least foreign CPU (RETRIES more while above MAX_FOREIGN)
  local best="" attempt
  for ((attempt = 0; attempt <= RETRIES; attempt++)); do
    one_attempt "$1" "$2" "$attempt"
    if [[ -z "$best" ]] || (( ${RUN_ROW%%|*} < ${best%%|*} )); then best="$RUN_ROW"; fi
    (( ${best%%|*} <= MAX_FOREIGN )) && break
  done
  ROWS+=("$1|$2|${best#*|}")
}
one_attempt() { # round backend attempt → RUN_ROW "foreign|foreign|q|events|health|metrics|mixed"
  local round="$1" backend="${2%@base}" run_jar="$jar" port data envs
  if [[ "$2" == *@base ]]; then
    [[ -n "${BASE_JAR:-}" ]] || { echo "$2 needs BASE_JAR" >&2; exit 1; }
    run_jar="$BASE_JAR"
  fi
  data="$work/data-$round-$2-$3"
  port=$(free_port)
  envs=(CHAMELEON_CONFIG="$work/no-config.json" CHAMELEON_HTTP_PORT="$port" CHAMELEON_DATA_DIR="$data"
        CHAMELEON_LOG_LEVEL=WARN)
  if [[ "$backend" == redis* ]]; then
    redis-cli -p "$rport" flushall >/dev/null
    redis-cli -p "$rport" config set appendfsync "$([[ $backend == redis-everysec ]] && echo everysec || echo always)" >/dev/null
    envs+=(CHAMELEON_EVENTS_BACKEND=redis CHAMELEON_REDIS_URL="redis://127.0.0.1:$rport")
  fi
  local t1 t2
  t1=$(env "${envs[@]}" java -jar "$run_jar" token --sub load-1 --role ADMIN --ttl 8h 2>/dev/null | tail -1)
  t2=$(env "${envs[@]}" java -jar "$run_jar" token --sub load-2 --role ADMIN --ttl 8h 2>/dev/null | tail -1)
  env "${envs[@]}" java -Xmx1g -jar "$run_jar" run >"$work/node-$round-$2.log" 2>&1 &
  NODE_PID=$!
  wait_health "http://127.0.0.1:$port" "$NODE_PID" 120 || { echo "node did not start; $work/node-$round-$2.log" >&2; exit 1; }
  local q; q=$(wait_quiet "$QUIET_WAIT" "$REDIS_PID" "$NODE_PID")
  local t0 b0 o0 tt1 b1 o1 ccpu
  t0=$(now_s); b0=$(busy_ticks); o0=$(pids_ticks "$REDIS_PID" "$NODE_PID")
  python3 "$here/cpu_sampler.py" 0.5 "$NODE_PID" "$REDIS_PID" >"$work/cpu-$round-$2.txt" &
  local sampler=$!
  ccpu=$( { TIMEFORMAT='%U %S'; time java -Xmx1g -cp "$run_jar" "$here/load/StoreLoad.java" --port "$port" \
      --token "$t1" --token2 "$t2" --phases mixed --levels "$SEED" --mixed-seconds "$MIX_SECONDS" \
      --baseline-seconds "$BASELINE_SECONDS" >"$work/client-$round-$2.out" \
      2> >(while IFS= read -r l; do echo "$(date +%s%3N) $l"; done >"$work/client-$round-$2.err"); } 2>&1 | awk '{print $1+$2}')
  tt1=$(now_s); b1=$(busy_ticks); o1=$(pids_ticks "$REDIS_PID" "$NODE_PID")
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  # CPU per mixed request over the measured mix: from 5 s (its warm-up) after the metrics baseline to its report
  local cpu
  cpu=$(python3 - "$work/cpu-$round-$2.txt" "$work/client-$round-$2.err" "$HZ" <<'EOF'
import sys
samples = [list(map(int, l.split())) for l in open(sys.argv[1]) if len(l.split()) == 4]
lo = hi = n = None
for l in open(sys.argv[2]):
    p = l.split(" ", 1)
    if len(p) < 2:
        continue
    if p[1].startswith("GET /api/interventions/metrics:"):
        lo = int(p[0]) + 5000
    elif p[1].startswith("mixed:"):
        hi = int(p[0])
    elif p[1].startswith("| mixed (all) |"):
        n = int(p[1].split("|")[2])
hz = int(sys.argv[3])
if lo is None or hi is None or not n or not samples:
    print("|||"); sys.exit()
a = min(samples, key=lambda s: abs(s[0] - lo)); b = min(samples, key=lambda s: abs(s[0] - hi))
secs = (b[0] - a[0]) / 1000
node, redis, busy = (b[2] - a[2]) / hz, (b[3] - a[3]) / hz, (b[1] - a[1]) / hz
# requests in that window, at the mix's average rate
reqs = n * secs / ((hi - lo) / 1000)
print(f"{node * 1e6 / reqs:.0f}|{redis * 1e6 / reqs:.0f}|{(busy - node - redis) * 1e6 / reqs:.0f}|{busy / secs / 2 * 100:.0f}")
EOF
)
  local foreign; foreign=$(foreign_pct "$t0" "$tt1" "$b0" "$b1" "$o0" "$o1" "$ccpu")
  local events
  if [[ "$backend" == file ]]; then events=$(wc -l <"$data/events.jsonl"); else events=$(redis-cli -p "$rport" xlen chameleon:events); fi
  # | name | n | req/s | ÷health | ÷metrics | median | p99 | 5xx | other |
  local health metrics mixed
  health=$(grep -m1 '^| GET /health |' "$work/client-$round-$2.out" | cut -d'|' -f3-)
  metrics=$(grep -m1 '^| GET /api/interventions/metrics |' "$work/client-$round-$2.out" | cut -d'|' -f3-)
  mixed=$(grep -m1 '^| mixed (all) |' "$work/client-$round-$2.out" | cut -d'|' -f3-)
  RUN_ROW="$foreign|$foreign|$q|$events|$cpu|$health|$metrics|$mixed"
  echo "  [round $round] $2: mixed $(echo "$mixed" | cut -d'|' -f2) req/s, foreign CPU $foreign % (before: $q %), $events events" >&2
  stop_pid "$NODE_PID" 30; NODE_PID=""
  rm -rf "$data"
}

echo "machine: $NCPU cores; $(java -version 2>&1 | head -1); $(redis-server --version | cut -d' ' -f1-3); load average $(loadavg)" >&2
read -r -a order <<<"$BACKENDS"
for round in $(seq "$ROUNDS"); do
  if (( round % 2 == 0 )); then
    rev=(); for ((i = ${#order[@]} - 1; i >= 0; i--)); do rev+=("${order[i]}"); done
    list=("${rev[@]}")
  else
    list=("${order[@]}")
  fi
  for backend in "${list[@]}"; do one_run "$round" "$backend"; done
done

mkdir -p "$(dirname "$OUT")"
{
  echo "# Store mix on the file log and on Redis, $TS"
  echo
  echo "- machine: $NCPU cores, $(free -g | awk '/Mem:/ {print $2}') GB; $(java -version 2>&1 | head -1); $(redis-server --version | cut -d' ' -f1-3) (appendonly yes)"
  echo "- load average at the end: $(loadavg)"
  echo "- per run: a fresh \`java -Xmx1g -jar chameleon.jar run\` (WARN), StoreLoad \`--phases mixed --levels $SEED\`: seed $SEED creates, baselines ${BASELINE_SECONDS} s each, mix ${MIX_SECONDS} s, 48 in flight"
  echo
  printf '%s\n' "${ROWS[@]}" >"$work/rows.txt"
  python3 - "$work/rows.txt" <<'EOF'
import sys, statistics
rows = []
for l in open(sys.argv[1]):
    if not l.strip():
        continue
    f = [x.strip() for x in l.rstrip("\n").split("|")]
    # round backend foreign q events | health: n rate rh rm med p99 5xx other | metrics: … | mixed: …
    rnd, backend, foreign, q, events, c_node, c_redis, c_rest, c_busy = f[:9]
    def block(i):
        b = f[9 + i * 9: 9 + i * 9 + 9]
        return {"n": int(b[0]), "rate": float(b[1]), "med": float(b[4]), "p99": float(b[5]), "5xx": int(b[6]), "other": int(b[7])}
    rows.append((rnd, backend, foreign, q, int(events), block(0), block(1), block(2), (c_node, c_redis, c_rest, c_busy)))
file_rate = {r[0]: r[7]["rate"] for r in rows if r[1] == "file"}
print("| round | backend | mixed req/s | ÷ file (same round) | ÷ its GET /health | ÷ its GET metrics | median ms | p99 ms | 5xx / other | GET /health req/s | GET metrics req/s | events in the log | CPU µs per mixed request: node / redis-server / client + rest | cores busy | foreign CPU (before) |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
ratios = {}
for rnd, backend, foreign, q, events, h, m, x, c in rows:
    fr = file_rate.get(rnd)
    ratio = x["rate"] / fr if fr else float("nan")
    ratios.setdefault(backend, []).append((ratio, x["rate"], x["p99"]))
    print(f"| {rnd} | {backend} | {x['rate']:,.0f} | {ratio:.2f} | {x['rate'] / h['rate']:.2f} | {x['rate'] / m['rate']:.2f} | {x['med']:.2f} | {x['p99']:.2f} | {x['5xx']} / {x['other']} | {h['rate']:,.0f} | {m['rate']:,.0f} | {events:,} | {c[0]} / {c[1] if backend != 'file' else '—'} / {c[2]} | {c[3]} % | {foreign} % ({q} %) |")
print()
rate = {(r[0], r[1]): r[7]["rate"] for r in rows}
print("| backend | median mixed req/s | median ÷ file | median ÷ its @base (same round) | median p99 ms |")
print("|---|---:|---:|---:|---:|")
for backend, v in ratios.items():
    vs = [rate[(rnd, backend)] / rate[(rnd, backend + "@base")] for (rnd, b) in rate if b == backend and (rnd, backend + "@base") in rate]
    vsb = f"{statistics.median(vs):.2f}" if vs else ""
    print(f"| {backend} | {statistics.median(x[1] for x in v):,.0f} | {statistics.median(x[0] for x in v):.2f} | {vsb} | {statistics.median(x[2] for x in v):.2f} |")
EOF
} | tee "$OUT"
echo "report: $OUT" >&2
