#!/usr/bin/env bash
# Times `kafka-topics.sh --list` (JVM start, option parsing, admin client, one metadata round trip, exit) against a
# local broker: Samsa's bin/kafka-topics.sh with and without its class-data-sharing archive, and Apache Kafka's.
#   bench/tool-startup.sh [bootstrap-server] [runs]
# With no bootstrap server it starts a Samsa broker of its own on a free port and stops it at the end.
# Uses hyperfine when installed, otherwise a loop timed with `date +%s%N`.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${2:-10}"
bootstrap="${1:-}"
broker_pid=""
data=""
cleanup() {
  if [ -n "$broker_pid" ]; then kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; fi
  if [ -n "$data" ]; then rm -rf "$data"; fi
}
trap cleanup EXIT
(cd "$home" && mvn -q -B -DskipTests package) >&2
touch "$home/target/classes"
if [ -z "$bootstrap" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  data="$(mktemp -d)"
  "$home/bin/samsa" server --override "listeners=PLAINTEXT://127.0.0.1:$port" --override "log.dirs=$data" >"$data.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 100); do grep -q " serving " "$data.log" 2>/dev/null && break; sleep 0.2; done
  grep -q " serving " "$data.log" || { echo "broker did not start: $(cat "$data.log")" >&2; exit 1; }
  rm -f "$data.log"
  bootstrap="127.0.0.1:$port"
  "$home/bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --topic bench-startup >/dev/null
fi
cmd="$home/bin/kafka-topics.sh --bootstrap-server $bootstrap --list"
# Apache Kafka's own kafka-topics, started as its kafka-run-class.sh starts a tool, from the jars bench/run.sh
# installs (run bench/run.sh --quick once to fetch them).
kafka_libs="${SAMSA_BENCH_CACHE:-$HOME/.cache/samsa-bench}/kafka-$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$home/pom.xml")/libs"
kafka_cmd=()
if [ -d "$kafka_libs" ]; then
  kafka_cmd=(java -Xmx256M -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true -cp "$kafka_libs/*"
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --list)
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2
time_runs() {  # name, command...
  local name="$1"; shift
  "$@" >/dev/null 2>&1; "$@" >/dev/null 2>&1   # warm-up: page cache
  local times=() start
  for _ in $(seq 1 "$runs"); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    times+=($(( ($(date +%s%N) - start) / 1000000 )))
  done
  local sorted median
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  median=$(echo "$sorted" | awk -v n="$runs" 'NR == int((n + 1) / 2)')
  echo "kafka-topics --list, $name: median ${median} ms, min $(echo "$sorted" | head -1) ms, max $(echo "$sorted" | tail -1) ms over $runs runs"
}
time_runs "Samsa, with CDS archive" $cmd
time_runs "Samsa, without CDS" env SAMSA_TOOL_NO_CDS=1 $cmd
if [ "${#kafka_cmd[@]}" -gt 0 ]; then
  time_runs "Apache Kafka's TopicCommand" "${kafka_cmd[@]}"
else
  echo "Apache Kafka's jars not found in $kafka_libs: run bench/run.sh --quick once to install them" >&2
fi
