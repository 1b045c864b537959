#!/usr/bin/env bash
# Runs the engine's JMH benchmarks on demand (never in CI).
#   engine/bench.sh                 short run of every benchmark in dev.wgdesk.engine.bench
#   engine/bench.sh -h              JMH's options; any arguments replace the defaults below
# The machine may be shared: the defaults are deliberately short (1 fork, 2 x 2 s warm-up,
# 3 x 2 s measurement). For numbers to publish, use e.g. "-f 3 -wi 5 -i 10".
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# Compile main and test sources (JMH's annotation processor writes META-INF/BenchmarkList).
./mvnw -B -q -pl engine test-compile
cpfile=engine/target/bench.classpath
./mvnw -B -q -pl engine dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cpfile"
cp="engine/target/test-classes:engine/target/classes:$(cat "$cpfile")"

if [ "$#" -eq 0 ]; then
  set -- -f 1 -wi 2 -w 2s -i 3 -r 2s -tu s 'dev\.wgdesk\.engine\.(bench\..*|device\..*Benchmark.*)'
fi
exec "$JAVA" -cp "$cp" org.openjdk.jmh.Main "$@"
