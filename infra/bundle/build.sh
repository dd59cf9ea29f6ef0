#!/usr/bin/env bash
# Builds self-contained bundles for hosts with Python (torch, Triton) but no JDK, no Maven, no Docker, no network:
#   evaluator   dist/ttt-discover-evaluator.tar.xz: a trimmed Java runtime (jlink), the evaluator service, the problem
#               packs and bin/discover-evaluator, which joins a given Kafka cluster (one replica per GPU or per host)
#   all         dist/ttt-discover-node.tar.xz: the same runtime, the three services, the CLI with the KRaft broker and
#               the embedded PostgreSQL, the problems and ./discover: `./discover run --target cuda` on the host
# Identical files (the services share most jars) are stored once (hard links); native libraries for other platforms
# are dropped from the compression codecs' jars. --split N cuts the archive into parts of at most N MiB
# (part-aa, part-ab, ...; cat them back together), for transfers with a size limit.
# Usage: infra/bundle/build.sh [evaluator|all] [--split MIB]      (./discover bundle ... runs this)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

KIND="${1:-evaluator}"
SPLIT_MIB=""
if [[ "${2:-}" == "--split" ]]; then SPLIT_MIB="${3:?--split needs a size in MiB}"; fi
case "$KIND" in evaluator|all) ;; *) echo "bundle: evaluator or all, not $KIND" >&2; exit 2 ;; esac

# The modules the services, the CLI, the broker and their libraries use (checked by starting each on this runtime).
MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,\
java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,\
jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,jdk.security.auth,jdk.unsupported,jdk.zipfs

say() { echo "bundle: $*" >&2; }

if [[ "$KIND" == evaluator ]]; then
  ./mvnw -q -B -pl services/evaluator -am package -DskipTests >&2
else
  ./mvnw -q -B package -DskipTests >&2
fi

NAME=$([[ "$KIND" == evaluator ]] && echo ttt-discover-evaluator || echo ttt-discover-node)
STAGE="$ROOT/dist/$NAME"
rm -rf "$STAGE" "$ROOT/dist/$NAME.tar.xz" "$ROOT/dist/$NAME".part-*
mkdir -p "$STAGE"

JLINK="$(dirname "$(readlink -f "$(command -v java)")")/jlink"
[[ -x "$JLINK" ]] || JLINK="$(command -v jlink)"
say "runtime: $JLINK ($("$JLINK" --version))"
"$JLINK" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$STAGE/jre"

rsync -a --exclude 'gpu/results-*' --exclude '__pycache__' problems "$STAGE/"

copy_service() {
  mkdir -p "$STAGE/services/$1/target"
  cp -a "services/$1/target/quarkus-app" "$STAGE/services/$1/target/"
}
if [[ "$KIND" == evaluator ]]; then
  copy_service evaluator
  mkdir -p "$STAGE/bin"
  cp infra/bundle/discover-evaluator "$STAGE/bin/"
else
  for s in trainer sampler evaluator; do copy_service "$s"; done
  mkdir -p "$STAGE/services/cli/target"
  cp -a services/cli/target/lib services/cli/target/cli-*.jar "$STAGE/services/cli/target/"
  cp discover "$STAGE/"
  mkdir -p "$STAGE/bench" && cp bench/gpu-scaling.sh "$STAGE/bench/"
  mkdir -p "$STAGE/bin"
  cp infra/bundle/discover-evaluator "$STAGE/bin/"
fi

# Native libraries of other platforms out of the codec jars (Linux x86-64 stays).
/usr/bin/python3 "$ROOT/infra/bundle/trim_natives.py" "$STAGE"
# One copy of each identical file.
/usr/bin/python3 "$ROOT/infra/bundle/link_duplicates.py" "$STAGE"

tar -C "$ROOT/dist" -cf - "$NAME" | xz -T0 -6 > "$ROOT/dist/$NAME.tar.xz"
size=$(stat -c %s "$ROOT/dist/$NAME.tar.xz")
say "dist/$NAME.tar.xz: $((size / 1048576)) MiB ($(du -sh "$STAGE" | cut -f1) unpacked)"
if [[ -n "$SPLIT_MIB" ]]; then
  split -b "${SPLIT_MIB}M" "$ROOT/dist/$NAME.tar.xz" "$ROOT/dist/$NAME.part-"
  say "split into $(ls "$ROOT/dist/$NAME".part-* | wc -l) part(s) of at most $SPLIT_MIB MiB: dist/$NAME.part-*"
fi
echo "$ROOT/dist/$NAME.tar.xz"
