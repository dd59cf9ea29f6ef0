#!/usr/bin/env bash
# The TriMul GPU suite, one run on the GPU machine (from the repo root):
#   problems/trimul/gpu/run_gpu_suite.sh [space] [space-fused] [hacks] [warm] [launch-bound] [report]
# space: every CUDA alternative of the program space through the harness (timed calls capped at 5,
#        every one checked), each varied from the plain program; space-fused: the same varied from the
#        fastest fused program (FUSED below), where the fused kernels' numeric knobs take effect; hacks: the hack suite and honest corpus on CUDA (timed calls capped at
#        10), escapes also with the static rules off; warm, launch-bound, report: the benchmark
#        (suite.py: scores, spread, throughput), full timing. Under the lent machines' 10-minute
#        command limit run space+hacks, then warm+report, on one machine.
# Logs and JSON go to $OUT (or ./gpu-out). Uses plain python3 (the GPU machine's torch).
set -u
cd "$(dirname "$0")/../../.."
OUT=${OUT:-$PWD/gpu-out}; mkdir -p "$OUT"
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1
stages=${*:-space hacks warm report}
FUSED='{"input_norm": "triton_rows_fp16", "projections": "triton_fused_ln_proj", "contraction": "bmm_channel_major",
 "output": "triton_fused_out_fp16", "output_dtype": "float16", "proj_block_m": "v128"}'
FUSED_VARIED=input_norm,projections,precision,contraction,output,proj_block_m,proj_block_k,proj_warps,proj_stages,proj_split,out_block_m,out_block_c,out_warps,output_dtype
rc=0
for s in $stages; do
  t0=$(date +%s)
  case $s in
    space) $PY problems/_harness/check_space.py --pack problems/trimul --device cuda --max-runs 5 \
             --random 3 2>&1 | tee "$OUT/space.log"; r=${PIPESTATUS[0]} ;;
    space-fused) $PY problems/_harness/check_space.py --pack problems/trimul --device cuda --max-runs 5 \
             --random 3 --base "$FUSED" --decisions "$FUSED_VARIED" 2>&1 | tee "$OUT/space-fused.log"; r=${PIPESTATUS[0]} ;;
    hacks) $PY problems/_harness/hack_suite.py --pack problems/trimul --device cuda --max-runs 10 \
             --json "$OUT/hacks.json" -v 2>&1 | tee "$OUT/hacks.log"; r=${PIPESTATUS[0]} ;;
    warm|launch-bound)
           $PY problems/trimul/gpu/suite.py --out "$OUT" --stage $s 2>&1 | tee "$OUT/$s.log"; r=${PIPESTATUS[0]} ;;
    report) $PY problems/trimul/gpu/suite.py --out "$OUT" --stage report 2>&1 | tee "$OUT/report.log"; r=${PIPESTATUS[0]} ;;
    *) echo "unknown stage $s"; r=2 ;;
  esac
  echo "== stage $s: exit $r in $(( $(date +%s) - t0 )) s" | tee -a "$OUT/stages.log"
  [ "$r" = 0 ] || rc=1
done
cat "$OUT/stages.log"
exit $rc
