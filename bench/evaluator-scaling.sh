#!/usr/bin/env bash
# Evaluator scaling benchmark: consumer group (read-ahead 128 and 1) vs share group on a Kafka 4.2 broker started in
# the benchmark's JVM. Usage: bench/evaluator-scaling.sh [quick] [long-lock]
#   quick: R=4 only, plus the add/kill scenarios; long-lock: share group on 1 partition only, with a record lock
#   longer than any evaluation (never renewed).
# Writes bench/evaluator-scaling/target/results[-long-lock].md and a timeline per run in target/trace/.
# Builds only this standalone module (not part of the reactor, never installed).
set -euo pipefail
cd "$(dirname "$0")/evaluator-scaling"
out=target/results.md
for a in "$@"; do [ "$a" = long-lock ] && out=target/results-long-lock.md; done
../../mvnw -q -f pom.xml process-classes
exec java -Xmx1g -cp "target/classes:$(cat target/classpath.txt)" io.tttdiscover.bench.EvaluatorScalingBenchmark \
  "$out" "$@"
