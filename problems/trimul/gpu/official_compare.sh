#!/usr/bin/env bash
# TriMul submissions scored by GPU MODE's own leaderboard procedure, one after the other in one command on one
# machine (the only fair comparison: hosts differ by 10 % and more). Run on the GPU machine from the repo root.
#
#   problems/trimul/gpu/official_compare.sh OFFICIAL_DIR LABEL=FILE.py [LABEL=FILE.py ...]
#
# OFFICIAL_DIR holds the official eval.py, reference.py, utils.py and task.py of reference-kernels'
# problems/bioml/trimul (not in this repo: fetch them; TTT-Discover's copy draws Cauchy inputs on the GPU).
# Each submission runs as submission.py next to them: `python eval.py leaderboard benchmarks.txt` with the 7
# benchmark cases of ../cases.yml and public seeds (no POPCORN_SEED), as TTT-Discover's runs did. Prints the
# per-benchmark means and the geometric mean in microseconds; the raw logs go to $OUT/official/.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"
OUT="${OUT:-./gpu-out}"
official="$(cd "$1" && pwd)"; shift
mkdir -p "$OUT/official"
cases="$OUT/official/benchmarks.txt"
"$PY" - "$HERE/../cases.yml" > "$cases" <<'PY'
import sys, yaml
for c in yaml.safe_load(open(sys.argv[1]))["cuda"]["benchmarks"]:
    print("; ".join("%s: %s" % (k, c[k]) for k in ("seqlen", "bs", "dim", "hiddendim", "seed", "nomask", "distribution")))
PY
for pair in "$@"; do
  label="${pair%%=*}"; file="${pair#*=}"
  work="$(mktemp -d)"
  cp "$official"/{eval.py,reference.py,utils.py,task.py} "$work/"
  cp "$file" "$work/submission.py"
  start=$(date +%s)
  ( cd "$work" && POPCORN_FD=3 timeout 480 "$PY" eval.py leaderboard "$cases" 3> "$OUT/official/$label.popcorn" \
      > "$OUT/official/$label.stdout" 2>&1 ) || echo "$label: eval.py exited $?" >&2
  "$PY" - "$label" "$OUT/official/$label.popcorn" "$(( $(date +%s) - start ))" <<'PY'
import math, sys
label, path, wall = sys.argv[1], sys.argv[2], sys.argv[3]
kv = dict(line.split(": ", 1) for line in open(path).read().splitlines() if ": " in line)
means = [float(kv["benchmark.%d.mean" % i]) / 1000.0 for i in range(int(kv.get("benchmark-count", 0)))
         if "benchmark.%d.mean" % i in kv]
status = kv.get("check", "?")
if status == "pass" and len(means) == 7:
    geo = math.exp(sum(math.log(m) for m in means) / len(means))
    print("%-28s %9.1f us  %s  (%s s)" % (label, geo, " ".join("%8.1f" % m for m in means), wall))
else:
    print("%-28s FAILED check=%s %s" % (label, status, {k: v for k, v in kv.items() if "error" in k or "status" in k}))
PY
  rm -rf "$work"
done
