"""Evaluator parity on a GPU (run by run_gpu_suite.sh perf, on the GPU machine): for honest kernels
of very different speed (three program-space programs and two Triton kernels that compile and
autotune per shape), our warm worker's score against a cold run of the official procedure
(official_cold.py), the spread of repeated warm evaluations, and throughput on a fixed mixed set
(those kernels plus a wrong, a crashing, a hanging and a non-parsing candidate), warm versus cold.

    python3 problems/trimul/gpu/suite.py --out DIR --stage warm|cold|cold-cpu-cauchy|launch-bound|report [--repeats N]

Stages can run as separate commands on one machine (each stays under the GPU machine's 10-minute
command limit); each writes DIR/<stage>.json and `report` prints the table from what is there.
warm: one worker, the mixed set sent at once (steady state: from the worker's ready line), then N
more evaluations of each honest kernel. cold: each mixed candidate through the official flow with
Cauchy inputs drawn on the GPU (TTT-Discover's reference). cold-cpu-cauchy: the fastest program
through the official flow with Cauchy inputs drawn on the CPU, as GPU MODE's own reference does.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.dirname(HERE)
HARNESS = os.path.join(PACK, "harness")
TESTS = os.path.join(HARNESS, "tests")
sys.path.insert(0, HARNESS)
sys.path.insert(0, HERE)

import official_cold  # noqa: E402
import problem  # noqa: E402
import program_space  # noqa: E402

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
    pack = problem.load_pack(PACK)
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
        self.proc = subprocess.Popen([sys.executable, os.path.join(HARNESS, "worker.py"), "--pack", PACK, "--device",
                                      "cuda"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=open(os.path.join(out, "worker.log"), "w"), text=True)
        self.ready = json.loads(self.proc.stdout.readline())
        self.ready_s = time.time() - self.t0

    def send(self, rid, code, timeout_s=None):
        req = {"id": rid, "code": code, "mask_semantics": "official-all-ones"}  # the cold flow's masks
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


def stage_cold(out, codes, names, cpu_cauchy=False):
    if cpu_cauchy:
        os.environ["TRIMUL_COLD_CPU_CAUCHY"] = "1"
    tmp = tempfile.mkdtemp(prefix="cold-")
    results, t0 = {}, time.time()
    for name in names:
        path = os.path.join(tmp, name + ".py")
        with open(path, "w") as f:
            f.write(codes[name])
        wd = tempfile.mkdtemp(prefix=name + "-", dir=tmp)
        results[name] = official_cold.run_candidate(path, os.path.join(PACK, "cases.yml"),
                                                    HANG_TIMEOUT if name == "hanging" else 400, wd)
        print("cold%s %-22s %-8s %10s us  wall %6.1f s" % ("-cpu" if cpu_cauchy else "", name, results[name]["status"],
              "%.1f" % results[name]["score_us"] if results[name]["score_us"] else "-", results[name]["wall_s"]), flush=True)
    return {"wall_s": time.time() - t0, "results": results, "cpu_cauchy": cpu_cauchy}


def report(out):
    def load(stage):
        path = os.path.join(out, stage + ".json")
        return json.load(open(path)) if os.path.exists(path) else None
    warm, cold, cpu = load("warm"), load("cold"), load("cold-cpu-cauchy")
    lb = load("launch-bound")
    hw = warm["hardware"] if warm else {}
    print("\n==== TriMul evaluator parity on %s (driver %s, torch %s, triton %s)" % (
        hw.get("gpu_name"), hw.get("driver"), hw.get("torch"), hw.get("triton")))
    print("isolation: %s" % json.dumps(hw.get("isolation")))
    print("%-22s %11s %22s %11s %8s %9s" % ("kernel", "warm us", "warm evaluations", "cold us", "diff %", "spread %"))
    rows = {}
    for name in HONEST:
        scores = []
        if warm:
            scores = [r["score_us"] for r in [warm["first"][name]] + warm["repeats"][name] if r["score_us"]]
        c = (cold or {}).get("results", {}).get(name, {}).get("score_us")
        mean = sum(scores) / len(scores) if scores else None
        spread = 100 * (max(scores) - min(scores)) / mean if len(scores) > 1 else None
        diff = 100 * (mean - c) / c if mean and c else None
        rows[name] = {"warm_scores": scores, "warm_mean": mean, "cold": c, "diff_pct": diff, "spread_pct": spread}
        print("%-22s %11s %22s %11s %8s %9s" % (name, "%.1f" % mean if mean else "-",
              "/".join("%.0f" % s for s in scores) or "-", "%.1f" % c if c else "-",
              "%+.2f" % diff if diff is not None else "-", "%.2f" % spread if spread is not None else "-"))
    if lb:  # the launch-bound kernels, warm and cold in one command
        for name in LAUNCH_BOUND:
            scores = [r["score_us"] for r in [lb["warm"]["first"][name]] + lb["warm"]["repeats"][name] if r["score_us"]]
            c = lb["cold"]["results"][name]["score_us"]
            mean = sum(scores) / len(scores) if scores else None
            spread = 100 * (max(scores) - min(scores)) / mean if len(scores) > 1 else None
            diff = 100 * (mean - c) / c if mean and c else None
            rows[name + " (launch-bound run)"] = {"warm_scores": scores, "warm_mean": mean, "cold": c,
                                                  "diff_pct": diff, "spread_pct": spread}
            print("%-22s %11s %22s %11s %8s %9s  (launch-bound run)" % (
                name, "%.1f" % mean if mean else "-", "/".join("%.0f" % x for x in scores) or "-",
                "%.1f" % c if c else "-", "%+.2f" % diff if diff is not None else "-",
                "%.2f" % spread if spread is not None else "-"))
    if warm and cold:
        n = len(MIXED)
        print("throughput, %d mixed candidates: warm %.1f s (%.0f/h; worker start %.1f s more), cold official flow "
              "(GPU Cauchy) %.1f s (%.0f/h): %.2fx" % (n, warm["steady_s"], 3600 * n / warm["steady_s"], warm["ready_s"],
                                                      cold["wall_s"], 3600 * n / cold["wall_s"],
                                                      cold["wall_s"] / warm["steady_s"]))
    if cpu and cold:
        name = next(iter(cpu["results"]))
        w_gpu = cold["results"][name]["wall_s"]
        w_cpu = cpu["results"][name]["wall_s"]
        print("official flow with GPU MODE's CPU-drawn Cauchy inputs, %s: %.1f s (GPU-drawn: %.1f s, %.2fx longer); "
              "score %.1f us" % (name, w_cpu, w_gpu, w_cpu / w_gpu, cpu["results"][name]["score_us"] or float("nan")))
        if warm:
            run_s = warm["first"][name]["timings_ms"]["run"] / 1e3
            print("%s in our warm worker: %.1f s (evaluation run); GPU MODE's flow takes %.1fx as long" % (
                name, run_s, w_cpu / run_s))
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(rows, f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--stage", required=True, choices=("warm", "cold", "cold-cpu-cauchy", "launch-bound", "report"))
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.stage == "report":
        report(args.out)
        return
    codes = sources()
    if args.stage == "warm":
        res = stage_warm(args.out, codes, args.repeats)
    elif args.stage == "launch-bound":
        res = {"warm": stage_warm(args.out, codes, args.repeats, LAUNCH_BOUND, LAUNCH_BOUND),
               "cold": stage_cold(args.out, codes, LAUNCH_BOUND)}
    elif args.stage == "cold":
        res = stage_cold(args.out, codes, MIXED)
    else:
        res = stage_cold(args.out, codes, ["space-fast"], cpu_cauchy=True)
    with open(os.path.join(args.out, args.stage + ".json"), "w") as f:
        json.dump(res, f, indent=1, default=str)


if __name__ == "__main__":
    main()
