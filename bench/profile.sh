#!/usr/bin/env bash
# Profiles Samsa under the benchmark's producer and latency workloads with Java Flight Recorder and
# prints the most sampled frames. Run bench/run.sh once first (it installs the tools it uses).
#
#   bench/profile.sh [--quick] [OUT.jfr]      (default OUT: bench/results/samsa-profile.jfr)
set -euo pipefail
quick=0
if [ "${1:-}" = "--quick" ]; then quick=1; shift; fi
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$bench/.." && pwd)"
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$repo/pom.xml" | head -1)"
cache="${SAMSA_BENCH_CACHE:-$HOME/.cache/samsa-bench}"
kafka_libs="$cache/kafka-$kafka_version/libs"
tool_classes="$cache/tool"
port=$(( ${SAMSA_BENCH_PORT:-24092} + 2 ))
out="$(realpath -m "${1:-$bench/results/samsa-profile.jfr}")"
[ -d "$kafka_libs" ] && [ -f "$tool_classes/BenchTool.class" ] || { echo "Run bench/run.sh --quick once first" >&2; exit 1; }
if [ "$quick" = 1 ]; then small=200000; large=50000; e2e=2000; else small=2000000; large=500000; e2e=10000; fi

work="$(mktemp -d "${TMPDIR:-/tmp}/samsa-profile.XXXXXX")"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$(dirname "$out")"
# The JDK's "profile" settings, sampling Java code every 1 ms and native calls every 5 ms (10 and 20 by default).
jfc="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc"
sed -e 's/control="method-sampling-java-interval">[^<]*</control="method-sampling-java-interval">1 ms</' \
    -e 's/control="method-sampling-native-interval">[^<]*</control="method-sampling-native-interval">5 ms</' \
    "$jfc" > "$work/bench.jfc"
SAMSA_OPTS="${SAMSA_OPTS:-} -XX:StartFlightRecording=filename=$out,settings=$work/bench.jfc,dumponexit=true" \
  "$repo/bin/samsa" server --override "listeners=PLAINTEXT://127.0.0.1:$port" --override "log.dirs=$work/data" \
  > "$work/samsa.out" 2>&1 &
pid=$!
tool() { java -Xmx512M -XX:+UseG1GC -cp "$tool_classes:$kafka_libs/*" "$@"; }
until tool BenchTool topics "127.0.0.1:$port" p100-6:6 p100-1:1 p1024-1:1 e2e:1 >/dev/null 2>&1; do
  kill -0 "$pid" || { cat "$work/samsa.out" >&2; exit 1; }
  sleep 0.5
done
perf() {
  tool org.apache.kafka.tools.ProducerPerformance --bootstrap-server "127.0.0.1:$port" --throughput -1 "$@" | tail -1
}
perf --topic p100-6 --num-records "$small" --record-size 100 --command-property acks=1
perf --topic p100-1 --num-records "$small" --record-size 100 --command-property acks=all
perf --topic p1024-1 --num-records "$large" --record-size 1024 --command-property acks=1
tool org.apache.kafka.tools.EndToEndLatency --bootstrap-server "127.0.0.1:$port" --topic e2e \
  --num-records "$e2e" --producer-acks 1 --record-size 100 2>/dev/null | grep -E '^(Avg|Percentiles)' || true
awk -v hz="$(getconf CLK_TCK)" '{ printf "Samsa CPU: %.1f s user, %.1f s system\n", $14 / hz, $15 / hz }' "/proc/$pid/stat"
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
pid=""
tool BenchTool hotspots "$out" 30
