#!/usr/bin/env bash
# Side-by-side benchmark of Samsa against Apache Kafka of the same version as kafka-clients,
# with Kafka's own perf tools. See docs/performance.md.
#
#   bench/run.sh [--quick] [--rounds N]
#
# Environment:
#   SAMSA_BENCH_CACHE   where the reference Kafka and the helper go (default ~/.cache/samsa-bench)
#   SAMSA_BENCH_PORT    first of three loopback ports: Kafka, Kafka's controller, Samsa (default 24092)
#   SAMSA_OPTS          extra JVM options for Samsa, e.g. -XX:StartFlightRecording=... (bin/samsa honours it)
#   KAFKA_OPTS          extra JVM options for the reference Kafka broker
set -euo pipefail

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

quick=0
rounds=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift ;;
    --rounds=*) rounds="${1#--rounds=}" ;;
    -h|--help) usage 0 ;;
    *) echo "Unknown argument: $1" >&2; usage 2 >&2 ;;
  esac
  shift
done
if [ -z "$rounds" ]; then
  rounds=$(( quick ? 1 : 3 ))
fi
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds must be a positive number" >&2; exit 2; }

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$bench/.." && pwd)"
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$repo/pom.xml" | head -1)"
cache="${SAMSA_BENCH_CACHE:-$HOME/.cache/samsa-bench}"
kafka_libs="$cache/kafka-$kafka_version/libs"
tool_classes="$cache/tool"
results="$bench/results"
base_port="${SAMSA_BENCH_PORT:-24092}"
kafka_port=$base_port
controller_port=$(( base_port + 1 ))
samsa_port=$(( base_port + 2 ))
clk_tck="$(getconf CLK_TCK)"

# Workload sizes: the issue's full counts, or a quick smoke run.
if [ "$quick" = 1 ]; then
  small_count=100000; large_count=25000; e2e_count=1000; idle_settle=2
else
  small_count=2000000; large_count=500000; e2e_count=10000; idle_settle=5
fi
tool_timeout=900
# The heap and JVM flags of Kafka's own scripts (kafka-server-start.sh, kafka-run-class.sh).
kafka_jvm_perf="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true"
broker_heap="-Xmx1G -Xms1G"
tool_heap="-Xmx512M"

work="$(mktemp -d "${TMPDIR:-/tmp}/samsa-bench.XXXXXX")"
pids=()

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --------------------------------------------------------------------------- cleanup
stop_pid() {
  local pid=$1 waited=0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 300 ]; do sleep 0.1; waited=$(( waited + 1 )); done
  if kill -0 "$pid" 2>/dev/null; then
    log "process $pid ignored SIGTERM for 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && stop_pid "$pid"
  done
  if [ -d "$work/logs" ]; then
    rm -rf "$results/last-run" && mkdir -p "$results" && cp -r "$work/logs" "$results/last-run" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit $code
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

forget_pid() {
  local keep=() p
  for p in "${pids[@]:-}"; do [ "$p" != "$1" ] && [ -n "$p" ] && keep+=("$p"); done
  pids=("${keep[@]:-}")
}

# --------------------------------------------------------------------------- setup
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install_kafka() {
  if [ -f "$kafka_libs/kafka_2.13-$kafka_version.jar" ] && [ -f "$kafka_libs/kafka-tools-$kafka_version.jar" ]; then
    return
  fi
  log "Installing Apache Kafka $kafka_version (broker and tools) from Maven Central into $kafka_libs"
  rm -rf "$kafka_libs.tmp"
  mvn -B -q -f "$bench/kafka/pom.xml" -Dkafka.version="$kafka_version" \
    dependency:copy-dependencies -DoutputDirectory="$kafka_libs.tmp" >&2
  rm -rf "$kafka_libs" && mv "$kafka_libs.tmp" "$kafka_libs"
}

build_samsa() {
  # The staleness test of bin/samsa-run-class, and its stamp, so that the launcher's first-use build never
  # lands inside a timing.
  local classes="$repo/target/classes" stamp="$repo/target/.samsa-built"
  if [ ! -d "$classes/io/samsa" ] || [ ! -d "$repo/target/lib" ] || [ ! -f "$stamp" ] \
     || [ -n "$(find "$repo/src/main" "$repo/pom.xml" -newer "$stamp" -type f -print -quit 2>/dev/null)" ]; then
    log "Building Samsa"
    (cd "$repo" && mvn -q -B -DskipTests package) >&2
    touch "$stamp"
  fi
}

build_tool() {
  if [ ! -f "$tool_classes/BenchTool.class" ] || [ "$bench/tool/BenchTool.java" -nt "$tool_classes/BenchTool.class" ]; then
    mkdir -p "$tool_classes"
    javac -nowarn -d "$tool_classes" -cp "$kafka_libs/kafka-clients-$kafka_version.jar" "$bench/tool/BenchTool.java"
  fi
}

bench_tool() { java -XX:TieredStopAtLevel=1 -cp "$tool_classes:$kafka_libs/*" BenchTool "$@"; }

# --------------------------------------------------------------------------- measuring
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# record BROKER WORKLOAD FIGURE VALUE
record() {
  [ -n "$4" ] || return 0
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$round" "$2" "$3" "$4" >> "$work/results.tsv"
}

note() { printf -- '- %s\n' "$*" >> "$work/notes.md"; log "$*"; }

# Starts the probe, then the broker (its command in "$@"), and records the time from the broker's
# exec to the first Metadata answer. Sets broker_pid and broker_apis.
start_broker() {
  local name=$1 port=$2; shift 2
  local probe_out="$work/logs/$name-r$round-probe.out"
  bench_tool probe "127.0.0.1:$port" 180000 > "$probe_out" &
  local probe_pid=$!
  pids+=("$probe_pid")
  while ! grep -q '^ready' "$probe_out" 2>/dev/null; do
    kill -0 "$probe_pid" 2>/dev/null || { echo "probe failed to start" >&2; return 1; }
    sleep 0.01
  done
  local t0
  t0=$(date +%s%N)
  "$@" > "$work/logs/$name-r$round-broker.out" 2>&1 &
  broker_pid=$!
  pids+=("$broker_pid")
  if ! wait "$probe_pid"; then
    forget_pid "$probe_pid"
    log "$name did not answer Metadata within 180 s; its output:"; tail -20 "$work/logs/$name-r$round-broker.out" >&2
    return 1
  fi
  forget_pid "$probe_pid"
  local t1
  t1=$(sed -n 2p "$probe_out")
  broker_apis=" $(sed -n 3p "$probe_out") "
  local startup_ms=$(( (t1 - t0) / 1000000 ))
  log "$name answered Metadata ${startup_ms} ms after start (pid $broker_pid)"
  record "$name" "broker" "start to first Metadata" "$startup_ms"
  sleep "$idle_settle"
  record "$name" "broker" "RSS idle" "$(( $(status_kib "$broker_pid" VmRSS) / 1024 ))"
}

stop_broker() {
  local name=$1
  record "$name" "broker" "RSS peak" "$(( $(status_kib "$broker_pid" VmHWM) / 1024 ))"
  record "$name" "broker" "broker CPU, whole round" \
    "$(awk -v t="$(cpu_ticks "$broker_pid")" -v hz="$clk_tck" 'BEGIN { printf "%.2f", t / hz }')"
  stop_pid "$broker_pid"
  forget_pid "$broker_pid"
}

# sample_cpu TIMEOUT_PID OUT : every 50 ms until the tool exits, a line "epoch-µs tool-ticks broker-ticks"
# (the tool is the JVM that timeout started). Builtins only, so that sampling costs next to no CPU itself.
sample_cpu() {
  local tool=$1 out=$2 java="" s b
  while [ -d "/proc/$tool" ]; do
    [ -n "$java" ] || read -r java _ < "/proc/$tool/task/$tool/children" 2>/dev/null || true
    if [ -n "$java" ] && read -r s < "/proc/$java/stat" 2>/dev/null && read -r b < "/proc/$broker_pid/stat"; then
      # Fields from the state on (the third): utime and stime are the 12th and 13th of those.
      read -ra s <<<"${s##*) }"; read -ra b <<<"${b##*) }"
      echo "${EPOCHREALTIME/./} $(( s[11] + s[12] )) $(( b[11] + b[12] ))"
    fi
    sleep 0.05
  done > "$out"
}

# run_tool BROKER WORKLOAD BYTES_MOVED COMMAND... : runs one of Kafka's tools against the broker,
# and records the broker's CPU seconds over it. The tool's output is in $tool_out; with
# sample_tool=1, the tool's and the broker's CPU samples are in $tool_samples.
run_tool() {
  local name=$1 workload=$2 bytes=$3; shift 3
  tool_out="$work/logs/$name-r$round-$(echo "$workload" | tr -c 'A-Za-z0-9=\n' '-').out"
  tool_samples="${tool_out%.out}.cpu"
  local before after
  before=$(cpu_ticks "$broker_pid")
  timeout "$tool_timeout" "$@" > "$tool_out" 2>&1 &
  local tool_pid=$!
  pids+=("$tool_pid")
  local sampler_pid=""
  if [ "${sample_tool:-0}" = 1 ]; then
    sample_cpu "$tool_pid" "$tool_samples" &
    sampler_pid=$!
  fi
  local rc=0
  wait "$tool_pid" || rc=$?
  [ -z "$sampler_pid" ] || wait "$sampler_pid" || true
  forget_pid "$tool_pid"
  after=$(cpu_ticks "$broker_pid")
  if [ $rc -ne 0 ]; then
    local why
    why=$(grep -E 'Exception|Error|WARNING' "$tool_out" | grep -v 'deprecated' | tail -1 | cut -c1-160)
    note "$name: $workload exited with $rc${why:+ ($why)}; see bench/results/last-run/$(basename "${tool_out/-r$round-/-r*-}")"
  fi
  local cpu
  cpu=$(awk -v t=$(( after - before )) -v hz="$clk_tck" 'BEGIN { printf "%.3f", t / hz }')
  record "$name" "$workload" "broker CPU" "$cpu"
  if [ "$bytes" -gt 0 ]; then
    record "$name" "$workload" "broker CPU per GB" \
      "$(awk -v c="$cpu" -v b="$bytes" 'BEGIN { printf "%.3f", c / (b / 1e9) }')"
  fi
  return $rc
}

# The tools' JVM as Kafka's kafka-*-perf-test.sh scripts start it.
# shellcheck disable=SC2206
kafka_java=(java $tool_heap $kafka_jvm_perf -cp "$kafka_libs/*")

produce() {
  local name=$1 bootstrap=$2 size=$3 count=$4 partitions=$5 acks=$6
  local workload="produce $size B, $partitions partition$([ "$partitions" = 1 ] || echo s), acks=$acks"
  run_tool "$name" "$workload" $(( size * count )) "${kafka_java[@]}" org.apache.kafka.tools.ProducerPerformance \
    --bootstrap-server "$bootstrap" --topic "p$size-${partitions}p-acks$acks" \
    --num-records "$count" --record-size "$size" --throughput -1 --command-property "acks=$acks" || return 0
  # "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, ... P ms 99th, ..."
  local line
  line=$(grep 'records sent' "$tool_out" | tail -1)
  record "$name" "$workload" "records/s" "$(sed -n 's/.* records sent, \([0-9.]*\) records\/sec.*/\1/p' <<<"$line")"
  record "$name" "$workload" "MB/s" "$(sed -n 's/.*(\([0-9.]*\) MB\/sec).*/\1/p' <<<"$line")"
  record "$name" "$workload" "latency avg" "$(sed -n 's/.* \([0-9.]*\) ms avg latency.*/\1/p' <<<"$line")"
  record "$name" "$workload" "latency p99" "$(sed -n 's/.* \([0-9.]*\) ms 99th.*/\1/p' <<<"$line")"
}

consume() {
  local name=$1 bootstrap=$2 size=$3 count=$4 partitions=$5
  local workload="consume $size B, $partitions partition$([ "$partitions" = 1 ] || echo s)"
  if [[ "$broker_apis" != *" FIND_COORDINATOR "* || "$broker_apis" != *" JOIN_GROUP "* ]]; then
    note "$name: $workload skipped: the broker does not advertise consumer groups (FindCoordinator, JoinGroup), which ConsumerPerformance needs"
    return 0
  fi
  sample_tool=1 run_tool "$name" "$workload" $(( size * count )) "${kafka_java[@]}" org.apache.kafka.tools.ConsumerPerformance \
    --bootstrap-server "$bootstrap" --topic "p$size-${partitions}p-acks1" --num-records "$count" \
    --group "bench-$name-$round-$size-$partitions" || return 0
  # Header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
  #         rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  # The fetch.* figures leave out the group join (Kafka delays the first rebalance by
  # group.initial.rebalance.delay.ms = 3 s), so they measure reading, not joining.
  local line
  line=$(grep -A1 '^start.time' "$tool_out" | tail -1)
  local consumed
  consumed=$(awk -F', *' '{ print $5 }' <<<"$line")
  if [ "${consumed:-0}" != "$count" ]; then
    note "$name, round $round: $workload read ${consumed:-no} records of $count"
    return 0
  fi
  record "$name" "$workload" "records/s" "$(awk -F', *' '{ print $10 }' <<<"$line")"
  record "$name" "$workload" "MB/s" "$(awk -F', *' '{ print $9 }' <<<"$line")"
  record "$name" "$workload" "group join" "$(awk -F', *' '{ print $7 }' <<<"$line")"
  # CPU in use while the consumer reads (the fetch.time.ms that ends at end.time, printed as
  # "yyyy-MM-dd HH:mm:ss:SSS"): cores busy in the client JVM and in the broker. Their sum near the
  # machine's core count says the run is bound by CPU, and the client's share says whose.
  local end fetch_ms end_us
  end=$(awk -F', *' '{ print $2 }' <<<"$line"); fetch_ms=$(awk -F', *' '{ print $8 }' <<<"$line")
  end_us=$(( ( $(date -d "${end:0:19}" +%s) * 1000 + 10#${end:20:3} ) * 1000 ))
  local cores
  cores=$(awk -v from=$(( end_us - fetch_ms * 1000 )) -v to="$end_us" -v hz="$clk_tck" '
    $1 <= from || !started { t0 = $1; c0 = $2; b0 = $3; started = 1 }
    $1 >= to && !done { t1 = $1; c1 = $2; b1 = $3; done = 1 }
    END { if (done && t1 > t0) printf "%.2f %.2f", (c1 - c0) / hz / ((t1 - t0) / 1e6), (b1 - b0) / hz / ((t1 - t0) / 1e6) }
  ' "$tool_samples")
  record "$name" "$workload" "client CPU while fetching" "${cores% *}"
  record "$name" "$workload" "broker CPU while fetching" "${cores#* }"
}

end_to_end() {
  local name=$1 bootstrap=$2
  local workload="end-to-end 100 B, acks=1"
  # Its figures are printed before the consumer closes, so they count even if closing fails.
  run_tool "$name" "$workload" 0 "${kafka_java[@]}" org.apache.kafka.tools.EndToEndLatency \
    --bootstrap-server "$bootstrap" --topic e2e --num-records "$e2e_count" --producer-acks 1 --record-size 100 || true
  # "Avg latency: 1.2345 ms" and "Percentiles: 50th = 1, 99th = 3, 99.9th = 7"
  local line
  line=$(grep '^Percentiles:' "$tool_out" | tail -1)
  record "$name" "$workload" "p50" "$(sed -n 's/.*50th = \([0-9.]*\).*/\1/p' <<<"$line")"
  record "$name" "$workload" "p99" "$(sed -n 's/.*, 99th = \([0-9.]*\).*/\1/p' <<<"$line")"
  record "$name" "$workload" "p99.9" "$(sed -n 's/.*99.9th = \([0-9.]*\).*/\1/p' <<<"$line")"
}

workloads() {
  local name=$1 bootstrap=$2
  local topics=(e2e:1)
  local size parts acks
  for size in 100 1024; do for parts in 1 6; do for acks in 1 all; do
    topics+=("p$size-${parts}p-acks$acks:$parts")
  done; done; done
  bench_tool topics "$bootstrap" "${topics[@]}" > "$work/logs/$name-r$round-topics.out" 2>&1 \
    || { cat "$work/logs/$name-r$round-topics.out" >&2; return 1; }
  for size in 100 1024; do
    local count=$small_count
    [ "$size" = 1024 ] && count=$large_count
    for parts in 1 6; do for acks in 1 all; do
      log "$name: produce $count x $size B, $parts partition(s), acks=$acks"
      produce "$name" "$bootstrap" "$size" "$count" "$parts" "$acks"
    done; done
    for parts in 1 6; do
      log "$name: consume $count x $size B, $parts partition(s)"
      consume "$name" "$bootstrap" "$size" "$count" "$parts"
    done
  done
  log "$name: end-to-end latency, $e2e_count x 100 B"
  end_to_end "$name" "$bootstrap"
}

# --------------------------------------------------------------------------- the brokers
run_kafka() {
  local dir="$work/kafka-r$round"
  mkdir -p "$dir/data" "$dir/logs"
  cat > "$dir/server.properties" <<EOF
# Apache Kafka's shipped config/server.properties for one combined node, on loopback ports.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$controller_port
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
EOF
  cat > "$dir/log4j2.properties" <<EOF
# As Kafka's config/log4j2.yaml: INFO to server.log.
appender.file.type=File
appender.file.name=file
appender.file.fileName=$dir/logs/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
EOF
  local cluster_id
  cluster_id=$(java -cp "$kafka_libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
  java -cp "$kafka_libs/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" --standalone \
    > "$work/logs/kafka-r$round-format.out" 2>&1 || { cat "$work/logs/kafka-r$round-format.out" >&2; return 1; }
  # shellcheck disable=SC2086
  start_broker kafka "$kafka_port" java $broker_heap $kafka_jvm_perf ${KAFKA_OPTS:-} \
    -Dkafka.logs.dir="$dir/logs" -Dlog4j2.configurationFile="$dir/log4j2.properties" \
    -cp "$kafka_libs/*" kafka.Kafka "$dir/server.properties"
  workloads kafka "127.0.0.1:$kafka_port"
  stop_broker kafka
  cp "$dir/logs/server.log" "$work/logs/kafka-r$round-server.log" 2>/dev/null || true
  rm -rf "$dir"
}

run_samsa() {
  local dir="$work/samsa-r$round"
  mkdir -p "$dir"
  # As a user runs it: bin/samsa with its defaults, only the port and data directory moved.
  start_broker samsa "$samsa_port" "$repo/bin/samsa" server \
    --override "listeners=PLAINTEXT://127.0.0.1:$samsa_port" --override "log.dirs=$dir/data"
  workloads samsa "127.0.0.1:$samsa_port"
  stop_broker samsa
  rm -rf "$dir"
}

# --------------------------------------------------------------------------- main
mkdir -p "$work/logs" "$results"
: > "$work/results.tsv"
: > "$work/notes.md"
for p in $kafka_port $controller_port $samsa_port; do
  port_free "$p" || { echo "Port $p is in use; set SAMSA_BENCH_PORT to a free range (below 32768)" >&2; exit 1; }
done
install_kafka
build_samsa
build_tool

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run_start=$(date +%s)
log "Samsa vs Apache Kafka $kafka_version: $rounds round(s)$([ "$quick" = 1 ] && echo ', quick'); logs in bench/results/last-run/"
for (( round = 1; round <= rounds; round++ )); do
  log "Round $round of $rounds: Apache Kafka"
  run_kafka
  log "Round $round of $rounds: Samsa"
  run_samsa
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(( $(date +%s) - run_start ))

commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty="$(git -C "$repo" status --porcelain -- src 2>/dev/null | head -1)"
{
  echo "# Samsa vs Apache Kafka $kafka_version"
  echo
  echo "- run: \`bench/run.sh$([ "$quick" = 1 ] && echo ' --quick') --rounds $rounds\`, $started, ${elapsed} s"
  echo "- Samsa commit $commit$([ -n "$dirty" ] && echo ' (with uncommitted changes)')"
  echo "- workloads: produce ${small_count} x 100 B and ${large_count} x 1 KiB (acks=1/all, 1/6 partitions), consume them, end-to-end ${e2e_count} x 100 B"
  echo "- machine: $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $(java -version 2>&1 | head -1)"
  echo "- load average (1/5/15 min) before: $load_before, after: $load_after"
  echo
} > "$work/latest.md"
bench_tool report "$work/results.tsv" "$work/table.md" > /dev/null
cat "$work/table.md" >> "$work/latest.md"
if [ -s "$work/notes.md" ]; then
  { echo; echo "Notes (each once, whatever the number of rounds it happened in):"; echo; awk '!seen[$0]++' "$work/notes.md"; } >> "$work/latest.md"
fi
cp "$work/latest.md" "$results/latest.md"
cp "$work/results.tsv" "$results/latest.tsv"
echo
cat "$results/latest.md"
echo
log "Written to bench/results/latest.md (raw figures: bench/results/latest.tsv)"
