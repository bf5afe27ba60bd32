#!/usr/bin/env bash
# JMH: guardian evaluation and JWT verification, one thread, short runs (~4 minutes in all).
#   bench/run-jmh.sh                 # everything, with the GC profiler (B/op)
#   bench/run-jmh.sh GuardianBench   # any JMH arguments replace the benchmark selection
# Builds bench/ (the product installed first) if benchmarks.jar is missing or older than a source; writes
# bench/results/jmh-<date>.json and prints markdown tables with ratios against the baselines.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
build_dir="${BENCH_BUILD_DIR:-$here/target}"
jar="$build_dir/benchmarks.jar"
if [[ ! -f "$jar" ]] || [[ -n "$(find "$here/src" "$here/../src/main/java" "$here/pom.xml" -newer "$jar" -type f -print -quit)" ]]; then
  build_bench "$here/.." "$here"
fi
mkdir -p "$here/results"
out="$here/results/jmh-$(date -u +%Y%m%dT%H%M%SZ).json"
# -wi 3 -w 2s -i 5 -r 2s -f 1: ~16 s per benchmark; -prof gc adds allocation per operation
# JMH cannot tell its own CPU from anyone else's: note the load around the run
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (nproc $(nproc))" >&2
java -jar "$jar" -wi 3 -w 2s -i 5 -r 2s -f 1 -prof gc -rf json -rff "$out" "$@" >&2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); JMH results: $out" >&2
python3 "$here/jmh-table.py" "$out"
