# Shared helpers of the benchmark scripts (sourced, not run).
#
# Foreign CPU: the share of the machine's cores used by processes other than ours during a
# measurement (user+nice+system+steal from /proc/stat minus our processes' utime+stime; irq and
# softirq left out, loopback packet work is charged there). Above ~5 % a measurement is
# contaminated by other work on the box. wait_quiet waits (bounded) for a quiet machine first.

HZ=$(getconf CLK_TCK)
NCPU=$(nproc)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

busy_ticks() { awk '/^cpu / {print $2+$3+$4+$9}' /proc/stat; }

# utime+stime of the given pids and of their children that were waited for (0 for a gone pid)
pids_ticks() {
  local total=0 p t
  for p in "$@"; do
    t=$(awk '{print $14+$15+$16+$17}' "/proc/$p/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}

now_s() { date +%s.%N; }

# foreign_pct t0 t1 busy0 busy1 ours0 ours1 [extra_cpu_seconds]: share of all cores, in %, no decimals
foreign_pct() {
  awk -v t0="$1" -v t1="$2" -v b="$(($4 - $3))" -v o="$(($6 - $5))" -v x="${7:-0}" -v hz="$HZ" -v n="$NCPU" \
    'BEGIN { f = (b / hz - o / hz - x) / ((t1 - t0) * n) * 100; if (f < 0) f = 0; printf "%.0f", f }'
}

# wait_quiet max_seconds pid…: until a 2-second window has foreign CPU ≤ QUIET_PCT (5), at most
# max_seconds; prints the last window's foreign CPU. Our processes (the pids) may be idle or not.
wait_quiet() {
  local max="$1"; shift
  local deadline=$((SECONDS + max)) t0 t1 b0 b1 o0 o1 f
  while :; do
    t0=$(now_s); b0=$(busy_ticks); o0=$(pids_ticks "$@")
    sleep 2
    t1=$(now_s); b1=$(busy_ticks); o1=$(pids_ticks "$@")
    f=$(foreign_pct "$t0" "$t1" "$b0" "$b1" "$o0" "$o1")
    if (( f <= ${QUIET_PCT:-5} )) || (( SECONDS >= deadline )); then echo "$f"; return 0; fi
  done
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# stop_pid pid [seconds]: SIGTERM, wait, then SIGKILL
stop_pid() {
  local p="$1" s="${2:-15}"
  [[ -z "$p" ]] && return 0
  kill "$p" 2>/dev/null || return 0
  for _ in $(seq $((s * 10))); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}

# wait_port port pid [seconds]: until 127.0.0.1:port accepts a connection (no fork per try)
wait_port() {
  local port="$1" pid="$2" s="${3:-120}" i
  for ((i = 0; i < s * 20; i++)); do
    if { exec 8<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then exec 8>&- 8<&-; return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# wait_health base pid [seconds]: until GET base/health answers 200
wait_health() {
  local base="$1" pid="$2" s="${3:-300}" i port
  port="${base##*:}"
  for ((i = 0; i < s * 20; i++)); do
    if { exec 8<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      exec 8>&- 8<&-
      [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/health")" == 200 ]] && return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# Builds bench/target/benchmarks.jar against the product as it is now: installs the product into
# the local Maven repository first (bench/ depends on the built artifact, not on its sources).
# Online by default, so a fresh machine resolves every plugin; MVN_OFFLINE=1 adds -o.
build_bench() { # repo-dir bench-dir [product build dir]
  local off=(); [[ "${MVN_OFFLINE:-0}" == 1 ]] && off=(-o)
  (cd "$1" && mvn -q -B "${off[@]}" -DskipTests -Dbuild.dir="${3:-/tmp/build-bench-main}" install) &&
    (cd "$2" && mvn -q -B "${off[@]}" package)
}

# Before a run: the product's fat jar ($jar) and, when the script uses it, bench/'s
# benchmarks.jar ($bench_jar), each built when missing or older than a source — a stale jar would
# measure yesterday's code. CHAMELEON_JAR given by the caller is used as it is.
ensure_jars() { # repo-dir bench-dir product-build-dir [bench-jar]
  local stale_product="" stale_bench=""
  if [[ -z "${CHAMELEON_JAR:-}" ]] && { [[ ! -f "$jar" ]] || [[ -n "$(find "$1/src/main" "$1/pom.xml" -newer "$jar" -type f -print -quit)" ]]; }; then
    stale_product=1
  fi
  if [[ -n "${4:-}" ]] && { [[ ! -f "$4" ]] || [[ -n "$(find "$2/src" "$2/pom.xml" "$1/src/main" -newer "$4" -type f -print -quit)" ]]; }; then
    stale_bench=1
  fi
  if [[ -n "$stale_bench" ]]; then
    build_bench "$1" "$2" "$3" # installs the product too, which writes $3/chameleon.jar
  elif [[ -n "$stale_product" ]]; then
    (cd "$1" && mvn -q -B -DskipTests -Dbuild.dir="$3" package)
  fi
}
