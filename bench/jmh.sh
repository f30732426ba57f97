#!/usr/bin/env bash
# JMH microbenchmarks of Samsa's hot paths (bench/jmh/src), with allocations per operation.
#   bench/jmh.sh                      all benchmarks, -prof gc
#   bench/jmh.sh LogAppend -p recordSize=100   any JMH arguments (a regex selects benchmarks)
#   bench/jmh.sh -l                   list them
# Builds with the Maven profile "jmh", which the default build never activates.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
mvn -q -B -Pjmh -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt >&2
cp="target/test-classes:target/classes:$(cat target/jmh-classpath.txt)"
exec java -cp "$cp" org.openjdk.jmh.Main -prof gc -rf text -rff target/jmh-result.txt "$@"
