"""The TriMul benchmark on a GPU (run by run_gpu_suite.sh, on the GPU machine): for honest kernels of
very different speed (program-space programs and two Triton kernels that compile and autotune per
shape), the warm worker's scores, the spread of repeated evaluations, and throughput on a fixed mixed
set (those kernels plus a wrong, a crashing, a hanging and a non-parsing candidate). NOTES.md has the
current figures (and the cold official-flow comparison they were checked against, now in the history).

    python3 problems/trimul/gpu/suite.py --out DIR --stage warm|launch-bound|report [--repeats N]

Stages can run as separate commands on one machine (each stays under the GPU machine's 10-minute
command limit); each writes DIR/<stage>.json and `report` prints the table from what is there.
warm: one worker, the mixed set sent at once (steady state: from the worker's ready line), then N
more evaluations of each honest kernel. launch-bound: the same for the fused Triton programs only.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.dirname(HERE)
PROBLEMS = os.path.dirname(PACK)
TESTS = os.path.join(PACK, "tests")
sys.path.insert(0, PROBLEMS)

from _harness import packs, program_space  # noqa: E402

SPACE = {  # program-space programs, by choice names
    "space-fast": {"input_norm": "triton_row_block", "projections": "triton_fused_gate_mask_fp16",
                   "precision": "float16", "contraction": "bmm_contiguous", "output": "triton_fused_norm_gate_proj"},
    "space-fast-rowkernel": {"input_norm": "triton_row_kernel", "projections": "triton_fused_gate_mask_fp16",
                             "precision": "bfloat16", "contraction": "matmul_views",
                             "output": "triton_fused_norm_gate_proj"},
    "space-medium": {"projections": "fused_concat", "precision": "float16", "contraction": "bmm_contiguous",
                     "output": "fused_inplace_mm"},
    "space-slow": {},
}
FILES = {  # Triton kernels compiled and autotuned per shape (the case the first-call timing got wrong)
    "triton-autotune-shape": os.path.join(TESTS, "corpus", "honest_triton_autotune_shape.py"),
    "triton-autotune-ln": os.path.join(TESTS, "honest_triton_autotune.py"),
    "wrong": os.path.join(TESTS, "hack_ignore_mask.py"),
    "crashing": os.path.join(TESTS, "hack_segfault.py"),
    "hanging": os.path.join(TESTS, "hack_infinite_loop.py"),
    "syntax": os.path.join(TESTS, "hack_syntax_error.py"),
}
HONEST = ["space-fast", "space-medium", "space-slow", "triton-autotune-shape", "triton-autotune-ln"]
MIXED = HONEST + ["wrong", "crashing", "hanging", "syntax"]
LAUNCH_BOUND = ["space-fast", "space-fast-rowkernel"]  # --stage launch-bound: fused Triton, ~1.8 ms
HANG_TIMEOUT = 12


def sources():
    pack = packs.load_pack(PACK)
    space = program_space.load(PACK, pack)
    codes = {}
    for name, named in SPACE.items():
        choices = {}
        for d in space["decisions"]:
            if d["name"] in named:
                choices[d["name"]] = [a["name"] for a in d["alternatives"]].index(named[d["name"]])
        codes[name] = program_space.render(space, choices)
    for name, path in FILES.items():
        with open(path) as f:
            codes[name] = f.read()
    return codes


class Worker:
    def __init__(self, out):
        self.t0 = time.time()
        self.proc = subprocess.Popen([sys.executable, os.path.join(PROBLEMS, "_harness", "worker.py"), "--pack", PACK, "--device",
                                      "cuda"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=open(os.path.join(out, "worker.log"), "w"), text=True)
        self.ready = json.loads(self.proc.stdout.readline())
        self.ready_s = time.time() - self.t0

    def send(self, rid, code, timeout_s=None):
        req = {"id": rid, "code": code, "mask_semantics": "official-all-ones"}  # the official flow's masks
        if timeout_s:
            req["timeout_s"] = timeout_s
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()

    def receive(self):
        return json.loads(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=120)


def brief(res):
    return {k: res.get(k) for k in ("id", "status", "score_us", "message", "checks_fired", "timings_ms", "isolation")} | {
        "benchmarks": [(b["name"], round(b["mean_us"], 1), round(b["std_us"], 1), b["runs"]) for b in res["benchmarks"]]}


def stage_warm(out, codes, repeats, mixed=MIXED, honest=HONEST):
    w = Worker(out)
    t_ready = time.time()
    for name in mixed:
        w.send(name, codes[name], HANG_TIMEOUT if name == "hanging" else None)
    first = {}
    for _ in mixed:
        res = w.receive()
        first[res["id"]] = brief(res)
        print("warm %-22s %-13s %10s us  %6.1f s  %s" % (res["id"], res["status"], "%.1f" % res["score_us"]
              if res["score_us"] else "-", res["timings_ms"]["total"] / 1e3, res["message"][:90]), flush=True)
    steady = time.time() - t_ready
    reps = {name: [] for name in honest}
    for i in range(repeats):
        for name in honest:
            w.send("%s#%d" % (name, i + 1), codes[name])
    for i in range(repeats * len(honest)):
        res = w.receive()
        name = res["id"].split("#")[0]
        reps[name].append(brief(res))
        print("repeat %-22s %-8s %10s us" % (res["id"], res["status"], "%.1f" % res["score_us"] if res["score_us"]
              else "-"), flush=True)
    w.close()
    return {"hardware": w.ready["hardware"], "ready_s": w.ready_s, "steady_s": steady, "first": first, "repeats": reps}


def _row(scores):
    mean = sum(scores) / len(scores) if scores else None
    spread = 100 * (max(scores) - min(scores)) / mean if len(scores) > 1 else None
    return {"warm_scores": scores, "warm_mean": mean, "spread_pct": spread}


def _print_row(name, row, note=""):
    print("%-22s %11s %28s %9s%s" % (name, "%.1f" % row["warm_mean"] if row["warm_mean"] else "-",
          "/".join("%.0f" % s for s in row["warm_scores"]) or "-",
          "%.2f" % row["spread_pct"] if row["spread_pct"] is not None else "-", note))


def report(out):
    def load(stage):
        path = os.path.join(out, stage + ".json")
        return json.load(open(path)) if os.path.exists(path) else None
    warm, lb = load("warm"), load("launch-bound")
    hw = (warm or lb or {}).get("hardware", {})
    print("\n==== TriMul warm evaluator on %s (driver %s, torch %s, triton %s)" % (
        hw.get("gpu_name"), hw.get("driver"), hw.get("torch"), hw.get("triton")))
    print("isolation: %s" % json.dumps(hw.get("isolation")))
    print("%-22s %11s %28s %9s" % ("kernel", "warm us", "warm evaluations", "spread %"))
    rows = {}
    for name in HONEST if warm else []:
        rows[name] = _row([r["score_us"] for r in [warm["first"][name]] + warm["repeats"][name] if r["score_us"]])
        _print_row(name, rows[name])
    for name in LAUNCH_BOUND if lb else []:
        key = name + " (launch-bound run)"
        rows[key] = _row([r["score_us"] for r in [lb["first"][name]] + lb["repeats"][name] if r["score_us"]])
        _print_row(name, rows[key], "  (launch-bound run)")
    if warm:
        n = len(MIXED)
        print("throughput, %d mixed candidates: %.1f s (%.0f/h; worker start %.1f s more)" % (
            n, warm["steady_s"], 3600 * n / warm["steady_s"], warm["ready_s"]))
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(rows, f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--stage", required=True, choices=("warm", "launch-bound", "report"))
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.stage == "report":
        report(args.out)
        return
    codes = sources()
    if args.stage == "warm":
        res = stage_warm(args.out, codes, args.repeats)
    else:
        res = stage_warm(args.out, codes, args.repeats, LAUNCH_BOUND, LAUNCH_BOUND)
    with open(os.path.join(args.out, args.stage + ".json"), "w") as f:
        json.dump(res, f, indent=1, default=str)


if __name__ == "__main__":
    main()
