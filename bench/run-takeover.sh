#!/usr/bin/env bash
# Cluster take-over and follower lag (issue 9). Loopback only, bounded (~8 minutes).
#
# Three `chameleon.jar run --cluster` nodes as the README starts them (every verticle on each, one
# JWT secret, one redis-server with appendonly yes, appendfsync always; free ports; WARN logs):
#   1. follower lag: bench/load/StoreLoad.java's mixed phase (seed SEED, baselines, then 30 s of
#      40 % create / 30 % claim / 30 % approve, 48 in flight) through one standby's gateway, while
#      the script reads GET /metrics of both standbys every SAMPLE_MS (the gauge
#      chameleon_store_follower_lag_milliseconds: how old the last event a standby applied was
#      when it applied it — the event id's milliseconds, stamped by the writer before its append);
#      only the samples taken during the measured mix count;
#   2. take-over, KILLS times: io.chameleon.bench.Writes keeps IN_FLIGHT creates going through a
#      standby's gateway (a unique request_id each, 10 s client timeout); after 3 s the writer gets
#      kill -9; the take-over time is from the kill to the first 201 of a request sent after it
#      (also: to the first 201 at all, and the 503s / timeouts in between). Then the killed node
#      is started again (same ports, same data dir) and the script waits until it is ready and
#      the cluster has settled, and does it again with whichever node writes now.
#   At the end every acknowledged create is looked up (GET /api/interventions/{id}) and
#   /api/events/verify walks the stream: nothing acknowledged may be lost.
#
# Env: KILLS (5), IN_FLIGHT (4), SEED (20000), MIX_SECONDS (30), SAMPLE_MS (250),
#      CHAMELEON_JAR, OUT (bench/results/takeover-<UTC>.md), KEEP=1, LOG_LEVEL (the nodes', WARN).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
source "$here/lib.sh"
main_build="${MAIN_BUILD_DIR:-/tmp/build-bench-main}"
jar="${CHAMELEON_JAR:-$main_build/chameleon.jar}"
bench_jar="${BENCH_BUILD_DIR:-$here/target}/benchmarks.jar"
KILLS="${KILLS:-5}"
IN_FLIGHT="${IN_FLIGHT:-4}"
SEED="${SEED:-20000}"
MIX_SECONDS="${MIX_SECONDS:-30}"
SAMPLE_MS="${SAMPLE_MS:-250}"
TS="$(date -u +%Y%m%dT%H%MZ)"
OUT="${OUT:-$here/results/takeover-$TS.md}"

command -v redis-server >/dev/null || { echo "redis-server not found" >&2; exit 1; }
ensure_jars "$repo" "$here" "$main_build" "$bench_jar"

work="$(mktemp -d /tmp/chameleon-takeover.XXXXXX)"
declare -A PID=()
SAMPLER="" PROBE=""
cleanup() {
  [[ -n "$SAMPLER" ]] && { kill "$SAMPLER" 2>/dev/null || true; }
  [[ -n "$PROBE" ]] && { kill "$PROBE" 2>/dev/null || true; }
  local n
  for n in n1 n2 n3 redis; do [[ -n "${PID[$n]:-}" ]] && stop_pid "${PID[$n]}" 20; done
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rport=$(free_port)
mkdir -p "$work/redis"
redis-server --port "$rport" --bind 127.0.0.1 --dir "$work/redis" --appendonly yes --appendfsync always \
  --save '' --auto-aof-rewrite-percentage 0 >"$work/redis.log" 2>&1 &
PID[redis]=$!
for _ in $(seq 50); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.1; done

SECRET=$(head -c 32 /dev/urandom | base64)
declare -A CPORT=() HPORT=()
for n in n1 n2 n3; do CPORT[$n]=$(free_port); HPORT[$n]=$(free_port); done
MEMBERS="127.0.0.1:${CPORT[n1]},127.0.0.1:${CPORT[n2]},127.0.0.1:${CPORT[n3]}"
start_node() { # name
  local n="$1"
  (cd "$work" && exec env CHAMELEON_CONFIG="$work/no-config.json" CHAMELEON_LOG_LEVEL="${LOG_LEVEL:-WARN}" CHAMELEON_HTTP_HOST=127.0.0.1 \
    CHAMELEON_HTTP_PORT="${HPORT[$n]}" CHAMELEON_DATA_DIR="$work/data-$n" CHAMELEON_AUTH_SECRET="$SECRET" \
    CHAMELEON_EVENTS_BACKEND=redis CHAMELEON_REDIS_URL="redis://127.0.0.1:$rport" \
    CHAMELEON_CLUSTER_NAME="bench-takeover-$TS" CHAMELEON_CLUSTER_MEMBERS="$MEMBERS" CHAMELEON_CLUSTER_PORT="${CPORT[$n]}" \
    java -Xmx1g -Dhazelcast.wait.seconds.before.join=0 -jar "$jar" run --cluster >>"$work/$n.log" 2>&1) &
  PID[$n]=$!
}
base() { echo "http://127.0.0.1:${HPORT[$1]}"; }
health() { curl -s --max-time 3 "$(base "$1")/health" || true; }
node_id() { health "$1" | python3 -c 'import json,sys
try: print(json.load(sys.stdin)["data"]["cluster"]["node_id"] or "")
except Exception: print("")'; }
writer_id() { health "$1" | python3 -c 'import json,sys
try: print((json.load(sys.stdin)["data"]["cluster"].get("writer") or {}).get("node_id") or "")
except Exception: print("")'; }
ready() { # name [seconds] — a wall-clock deadline: a /health that hangs must not stretch it
  local n="$1" until=$((SECONDS + ${2:-180}))
  while ((SECONDS < until)); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$(base "$n")/health")" == 200 ]] && return 0
    kill -0 "${PID[$n]}" 2>/dev/null || { echo "$n died; see $work/$n.log" >&2; tail -20 "$work/$n.log" >&2; return 1; }
    sleep 0.1
  done
  echo "$n not ready; last /health: $(health "$n" | head -c 600)" >&2; return 1
}
declare -A ID=()
writer_name() { # the node whose id every live node names as the writer ("" while they disagree or none)
  local w="" n x
  for n in n1 n2 n3; do
    kill -0 "${PID[$n]}" 2>/dev/null || continue
    x=$(writer_id "$n")
    [[ -z "$x" ]] && { echo ""; return; }
    [[ -n "$w" && "$x" != "$w" ]] && { echo ""; return; }
    w="$x"
  done
  for n in n1 n2 n3; do [[ "${ID[$n]}" == "$w" ]] && { echo "$n"; return; }; done
  echo ""
}
settle() { # until all three are ready and agree on a writer, 120 s at most
  local w until=$((SECONDS + 120))
  while ((SECONDS < until)); do
    if ready n1 1 2>/dev/null && ready n2 1 2>/dev/null && ready n3 1 2>/dev/null; then
      w=$(writer_name); [[ -n "$w" ]] && { echo "$w"; return 0; }
    fi
    sleep 0.5
  done
  for n in n1 n2 n3; do echo "$n /health: $(health "$n" | head -c 800)" >&2; done
  echo ""; return 1
}

echo "machine: $NCPU cores; $(java -version 2>&1 | head -1); load average $(loadavg)" >&2
start_node n1; sleep 3; start_node n2; start_node n3
for n in n1 n2 n3; do ready "$n"; done
for n in n1 n2 n3; do ID[$n]=$(node_id "$n"); done
W=$(settle) || { echo "the cluster did not settle" >&2; exit 1; }
echo "cluster up: writer $W (${ID[$W]})" >&2
tok() { env CHAMELEON_CONFIG="$work/no-config.json" CHAMELEON_DATA_DIR="$work/data-tokens" CHAMELEON_AUTH_SECRET="$SECRET" \
  java -jar "$jar" token --sub "$1" --role ADMIN --ttl 8h 2>/dev/null | tail -1; }
T1=$(tok load-1); T2=$(tok load-2)

# --- 1. follower lag under the store mix -------------------------------------------------------
standbys=(); for n in n1 n2 n3; do [[ $n != "$W" ]] && standbys+=("$n"); done
via="${standbys[0]}"; other="${standbys[1]}"
echo "follower lag: mix through $via's gateway; sampling /metrics of $via and $other every ${SAMPLE_MS} ms" >&2
python3 - "$SAMPLE_MS" "$via=${HPORT[$via]}" "$other=${HPORT[$other]}" "$W=${HPORT[$W]}" >"$work/lag-samples.txt" <<'EOF' &
import http.client, sys, time
interval = int(sys.argv[1]) / 1000
nodes = [a.split("=") for a in sys.argv[2:]]
conns = {}
while True:
    for name, port in nodes:
        value = "NA"
        try:
            c = conns.get(name) or http.client.HTTPConnection("127.0.0.1", int(port), timeout=1)
            c.request("GET", "/metrics")
            body = c.getresponse().read().decode()
            conns[name] = c
            for line in body.splitlines():
                if line.startswith("chameleon_store_follower_lag_milliseconds"):
                    value = line.rsplit(None, 1)[1]
                    break
        except Exception:
            conns.pop(name, None)
        print(int(time.time() * 1000), name, value, flush=True)
    time.sleep(interval)
EOF
SAMPLER=$!
q=$(wait_quiet 60 "${PID[@]}" "$SAMPLER")
t0=$(now_s); b0=$(busy_ticks); o0=$(pids_ticks "${PID[@]}" "$SAMPLER")
ccpu=$( { TIMEFORMAT='%U %S'; time java -Xmx1g -cp "$jar" "$here/load/StoreLoad.java" --port "${HPORT[$via]}" --token "$T1" \
  --token2 "$T2" --phases mixed --levels "$SEED" --mixed-seconds "$MIX_SECONDS" --baseline-seconds 5 \
  >"$work/mix.out" 2> >(while IFS= read -r l; do echo "$(date +%s%3N) $l"; done >"$work/mix.err"); } 2>&1 | awk '{print $1+$2}')
t1=$(now_s); b1=$(busy_ticks); o1=$(pids_ticks "${PID[@]}" "$SAMPLER")
kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=""
mix_foreign=$(foreign_pct "$t0" "$t1" "$b0" "$b1" "$o0" "$o1" "$ccpu")
sleep 1
# the measured mix: from 5 s (its warm-up) after the metrics baseline ended, to the line that reports it
mix_from=$(awk '/GET \/api\/interventions\/metrics: / {printf "%.0f\n", $1 + 5000; exit}' "$work/mix.err")
mix_to=$(awk '/^[0-9]+ mixed: / {print $1; exit}' "$work/mix.err")
MIX_ROW=$(grep -m1 '^| mixed (all) |' "$work/mix.out" || true)
LAG=$(python3 - "$work/lag-samples.txt" "$mix_from" "$mix_to" "$via" "$other" "$W" <<'EOF'
import sys, statistics
path, lo, hi, via, other, writer = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
vals = {}
for line in open(path):
    p = line.split()
    if len(p) == 3 and p[2] != "NA" and lo <= int(p[0]) <= hi:
        vals.setdefault(p[1], []).append(float(p[2]))
def pct(v, q):
    v = sorted(v); return v[min(len(v) - 1, int(round(q / 100 * (len(v) - 1))))]
for n, role in ((via, "standby, serving the mix's HTTP"), (other, "standby, idle gateway"), (writer, "writer")):
    v = vals.get(n, [])
    if v:
        print(f"| {n} ({role}) | {len(v)} | {statistics.median(v):.0f} | {pct(v, 90):.0f} | {pct(v, 99):.0f} | {max(v):.0f} |")
    else:
        print(f"| {n} ({role}) | 0 | | | | |")
EOF
)
echo "$LAG" >&2
LAG_W="$W"

# --- 2. take-over after kill -9 of the writer ---------------------------------------------------
declare -a TAKE=()
acked="$work/acked.txt"; : >"$acked"
for k in $(seq "$KILLS"); do
  W=$(settle) || { echo "the cluster did not settle before kill $k" >&2; exit 1; }
  g=""; for n in n1 n2 n3; do [[ $n != "$W" ]] && { g=$n; break; }; done
  rm -f "$work/stop"
  java -cp "$bench_jar" io.chameleon.bench.Writes --port "${HPORT[$g]}" --token "$T1" --in-flight "$IN_FLIGHT" \
    --prefix "k$k-" --log "$work/probe-$k.txt" --stop-file "$work/stop" --timeout-ms 10000 >"$work/probe-$k.out" 2>&1 &
  PROBE=$!
  sleep 3
  epoch_before=$(curl -s "$(base "$g")/health" | python3 -c 'import json,sys; print((json.load(sys.stdin)["data"]["cluster"].get("writer") or {}).get("epoch"))')
  kill_ms=$(date +%s%3N)
  kill -9 "${PID[$W]}"; wait "${PID[$W]}" 2>/dev/null || true
  for _ in $(seq 600); do
    if awk -v k="$kill_ms" '$1 >= k && $3 >= 200 && $3 < 300 {f=1} END {exit !f}' "$work/probe-$k.txt" 2>/dev/null; then break; fi
    sleep 0.1
  done
  sleep 2
  touch "$work/stop"; wait "$PROBE" 2>/dev/null || true; PROBE=""
  new_writer=$(writer_id "$g")
  epoch_after=$(curl -s "$(base "$g")/health" | python3 -c 'import json,sys; print((json.load(sys.stdin)["data"]["cluster"].get("writer") or {}).get("epoch"))')
  awk '$3 == 201 {print $4}' "$work/probe-$k.txt" >>"$acked"
  row=$(python3 - "$work/probe-$k.txt" "$kill_ms" <<'EOF'
import sys
path, kill = sys.argv[1], int(sys.argv[2])
rows = [tuple(int(x) if i < 3 else x for i, x in enumerate(l.split())) for l in open(path) if l.strip()]
ok = lambda s: 200 <= s < 300
first_sent_after = min((r[1] for r in rows if r[0] >= kill and ok(r[2])), default=None)
first_any_after = min((r[1] for r in rows if r[1] >= kill and ok(r[2])), default=None)
oks = sorted(r[1] for r in rows if ok(r[2]))
# the longest time without a 2xx answer, over the stretch that holds the kill
gap = max((b - a for a, b in zip(oks, oks[1:]) if b >= kill), default=float("nan")) / 1000
after = [r for r in rows if r[1] >= kill and (first_sent_after is None or r[1] <= first_sent_after)]
codes = {}
for r in after:
    if not ok(r[2]):
        codes[r[2]] = codes.get(r[2], 0) + 1
acked = sum(1 for r in rows if ok(r[2]))
fmt = lambda v: f"{(v - kill) / 1000:.2f}" if v is not None else "none"
print(f"{fmt(first_sent_after)}|{fmt(first_any_after)}|{gap:.2f}|{' '.join(f'{c}×{n}' for c, n in sorted(codes.items())) or 'none'}|{acked}")
EOF
)
  TAKE+=("$k|$W|$g|$epoch_before|$epoch_after|$row")
  echo "  kill $k: writer $W killed, writes through $g: $row (epoch $epoch_before → $epoch_after)" >&2
  start_node "$W"
  ready "$W" 180
  ID[$W]=$(node_id "$W") # a restarted node is a new member, with a new id
done
W=$(settle) || true

# --- nothing acknowledged lost ------------------------------------------------------------------
check=$(python3 - "$acked" "${HPORT[n1]}" "$T1" <<'EOF'
import sys, http.client, json
ids = [l.strip() for l in open(sys.argv[1]) if l.strip()]
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[2]), timeout=30)
missing = 0
for i in ids:
    c.request("GET", "/api/interventions/" + i, headers={"Authorization": "Bearer " + sys.argv[3]})
    r = c.getresponse(); r.read()
    if r.status != 200:
        missing += 1
c.request("GET", "/api/events/verify", headers={"Authorization": "Bearer " + sys.argv[3]})
r = c.getresponse(); v = json.loads(r.read())
print(f"{len(ids)} acknowledged creates looked up, {missing} missing; /api/events/verify: ok={v['data']['ok']}, checked={v['data']['checked']}")
EOF
)
echo "$check" >&2

mkdir -p "$(dirname "$OUT")"
{
  echo "# Cluster take-over and follower lag, $TS"
  echo
  echo "- machine: $NCPU cores, $(free -g | awk '/Mem:/ {print $2}') GB; $(java -version 2>&1 | head -1); $(redis-server --version | cut -d' ' -f1-3) (appendonly yes, appendfsync always)"
  echo "- load average at the end: $(loadavg)"
  echo "- three \`chameleon.jar run --cluster\` nodes (every verticle), built-in defaults (cluster.lease_ttl_ms 5000, bus.timeout_ms 5000), WARN"
  echo
  echo "## Follower lag under the store mix"
  echo
  echo "StoreLoad \`--phases mixed --levels $SEED\` through $via's gateway (a standby: every command crosses the bus to the writer $LAG_W); foreign CPU during the run: $mix_foreign % (before: $q %)."
  echo
  echo "| | requests | req/s | ratio to /health | ratio to metrics | median ms | p99 ms | 5xx | other |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  echo "${MIX_ROW:-| mixed (all) | (no report) |}"
  echo
  echo "\`chameleon_store_follower_lag_milliseconds\` sampled every ${SAMPLE_MS} ms during the measured ${MIX_SECONDS} s:"
  echo
  echo "| node | samples | median ms | p90 ms | p99 ms | max ms |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "$LAG"
  echo
  echo "## Take-over after kill -9 of the writer"
  echo
  echo "Writes: io.chameleon.bench.Writes, $IN_FLIGHT creates in flight through a surviving node's gateway, client timeout 10 s."
  echo
  printf '%s\n' "${TAKE[@]}" >"$work/take.txt"
  python3 - "$work/take.txt" <<'EOF'
import sys, statistics
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1]) if l.strip()]
print("| kill | writer killed | writes through | epoch before → after | kill → first 2xx of a request sent after it, s | kill → first 2xx answer at all, s | longest time without a 2xx, s | failures in between | 2xx in the run |")
print("|---:|---|---|---|---:|---:|---:|---|---:|")
for k, w, g, e0, e1, first, anyf, gap, codes, acked in rows:
    print(f"| {k} | {w} | {g} | {e0} → {e1} | {first} | {anyf} | {gap} | {codes} | {acked} |")
v = [float(r[5]) for r in rows if r[5] != "none"]
if v:
    print()
    print(f"**Median take-over (kill → first 2xx of a request sent after the kill): {statistics.median(v):.2f} s** "
          f"over {len(v)} kills (min {min(v):.2f}, max {max(v):.2f}). Failures: -1 = no answer within the client's 10 s"
          " or a refused connection.")
EOF
  echo
  echo "Afterwards: $check"
} | tee "$OUT"
echo "report: $OUT" >&2
