#!/usr/bin/env bash
# Evaluator scaling on the GPUs of one host, with the product itself (run from the node bundle's directory or a
# checkout; needs two GPUs and Python with torch and Triton, DISCOVER_PYTHON if it is not /usr/bin/python3).
#   bench/gpu-scaling.sh record  [STEPS]   a discovery run on CUDA (STEPS x 2 groups x 8, seed 11, two replicas): the
#                                         fixed mixed candidate set; its id goes to $OUT/run-id
#   bench/gpu-scaling.sh one|two|shared   re-score that set (all candidates published at once) with one replica on
#                                         GPU 0 | two replicas, one per GPU, one consumer group | one replica with a
#                                         worker per GPU (one shared queue); each prints its throughput line
#   bench/gpu-scaling.sh replicas N       re-score it with N replicas, replica i on GPU i-1 (4 on a four-GPU host)
#   bench/gpu-scaling.sh external         a short run whose second evaluator is bin/discover-evaluator, joined from
#                                         outside the local stack to its broker, pinned to GPU 1
# Logs go to $OUT (default ./gpu-scaling-out). Compare figures only within one host: hosts differ by 10% or more.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HERE"
OUT="${OUT:-$HERE/gpu-scaling-out}"
mkdir -p "$OUT"
export DISCOVER_NO_BUILD="${DISCOVER_NO_BUILD:-1}"
[[ -x "$HERE/jre/bin/java" ]] && export PATH="$HERE/jre/bin:$PATH"   # the bundle's runtime
run_id() { cat "$OUT/run-id"; }

case "${1:?record, one, two, replicas N, shared or external}" in
  record)
    ./discover run --target cuda --steps "${2:-4}" --groups 2 --group-size 8 --seed 11 --evaluators 2 --fresh \
      | tee "$OUT/record.log"
    grep -o 'run run-[0-9a-f]* created' "$OUT/record.log" | head -n 1 | cut -d' ' -f2 > "$OUT/run-id"
    ;;
  one)
    CUDA_VISIBLE_DEVICES=0 ./discover replay "$(run_id)" --rescore --rows 0 | tee "$OUT/rescore-one.log" ;;
  two)
    ./discover replay "$(run_id)" --rescore --rows 0 --evaluators 2 | tee "$OUT/rescore-two.log" ;;
  replicas)
    n="${2:?replicas N}"
    ./discover replay "$(run_id)" --rescore --rows 0 --evaluators "$n" | tee "$OUT/rescore-replicas-$n.log" ;;
  shared)
    ./discover replay "$(run_id)" --rescore --rows 0 --workers 2 | tee "$OUT/rescore-shared.log" ;;
  external)
    CUDA_VISIBLE_DEVICES=0 ./discover run --target cuda --steps 2 --groups 2 --group-size 8 --seed 12 \
      > "$OUT/external-run.log" 2>&1 &
    stack=$!
    for _ in $(seq 1 240); do
      servers=$(grep -o 'kafka *ready at [0-9.:]*' "$OUT/external-run.log" | awk '{print $4}' || true)
      [[ -n "$servers" ]] && break
      sleep 0.5
    done
    [[ -n "$servers" ]] || { echo "no broker in $OUT/external-run.log" >&2; kill "$stack"; exit 1; }
    HOSTNAME="$(hostname)/discover-evaluator" bin/discover-evaluator --bootstrap "$servers" --gpus 1 --port 8093 \
      > "$OUT/external-evaluator.log" 2>&1 &
    joined=$!
    wait "$stack" || true
    kill "$joined" 2>/dev/null || true
    wait "$joined" 2>/dev/null || true
    cat "$OUT/external-run.log"
    ;;
  *) echo "gpu-scaling: record, one, two, replicas N, shared or external" >&2; exit 2 ;;
esac
