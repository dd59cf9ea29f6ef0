"""GPU measurements for the TriMul evaluator (run on the H100 by run_gpu_suite.sh): fidelity against
a cold run of the official procedure, spread of repeated evaluations, throughput of the warm worker
versus cold per-candidate processes on a fixed mixed set, GPU busy fraction, two workers sharing one
GPU, and the best program of the program space next to the anchors. Writes JSON to --out, prints a
table last."""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
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
import sandbox  # noqa: E402

PROGRAMS = {  # honest kernels of very different speed, as program-space choices (by name)
    "fast": {"input_norm": "triton_row_block", "projections": "triton_fused_gate_mask_fp16",
             "precision": "float16", "contraction": "bmm_contiguous", "output": "triton_fused_norm_gate_proj"},
    "medium": {"projections": "fused_concat", "precision": "float16", "contraction": "bmm_contiguous",
               "output": "fused_inplace_mm"},
    "slow": {},
}
MIXED = [("fast", None), ("medium", None), ("slow", None), ("wrong", "hack_ignore_mask.py"),
         ("crashing", "hack_segfault.py"), ("hanging", "hack_infinite_loop.py"), ("syntax", "hack_syntax_error.py")]
HANG_TIMEOUT = 12


def render(space, named):
    choices = {}
    for d in space["decisions"]:
        if d["name"] in named:
            choices[d["name"]] = [a["name"] for a in d["alternatives"]].index(named[d["name"]])
    return program_space.render(space, choices), choices


class GpuSampler:
    def __init__(self, cpus=None):
        self.samples = []
        self.proc = subprocess.Popen(["nvidia-smi", "--query-gpu=utilization.gpu", "--format=csv,noheader,nounits",
                                      "-lms", "100"], stdout=subprocess.PIPE, text=True)
        if cpus:  # off the timed candidate's core
            try:
                os.sched_setaffinity(self.proc.pid, set(cpus))
            except OSError:
                pass
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                self.samples.append((time.time(), float(line.strip())))
            except ValueError:
                pass

    def busy(self, t0, t1):
        vals = [u for t, u in self.samples if t0 <= t <= t1]
        return (sum(vals) / len(vals) / 100.0, len(vals)) if vals else (None, 0)

    def stop(self):
        self.proc.terminate()


class Worker:
    def __init__(self, extra=()):
        self.t0 = time.time()
        self.proc = subprocess.Popen([sys.executable, os.path.join(HARNESS, "worker.py"), "--pack", PACK, "--device",
                                      "cuda"] + list(extra), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=open(os.path.join(OUT, "worker-%d.log" % id(self)), "w"), text=True)
        self.ready = json.loads(self.proc.stdout.readline())
        self.ready_s = time.time() - self.t0

    def send(self, rid, code, timeout_s=None):
        req = {"id": rid, "code": code}
        if timeout_s:
            req["timeout_s"] = timeout_s
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()

    def receive(self):
        res = json.loads(self.proc.stdout.readline())
        res["_received"] = time.time()
        return res

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=120)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--skip-cold", action="store_true")
    ap.add_argument("--repeats", type=int, default=3, help="extra warm evaluations of the fast kernel")
    ap.add_argument("--guarded-repeats", type=int, default=0,
                    help="evaluations of the fast kernel in a worker started with --host-guard on")
    ap.add_argument("--cold-unguarded", action="store_true",
                    help="run the cold yardstick without the host guard even when the worker applies it")
    ap.add_argument("--pinned-repeats", type=int, default=0,
                    help="evaluations of the fast kernel in a worker started with --pin-cpu on")
    ap.add_argument("--cold-unpinned", action="store_true",
                    help="run the cold yardstick without the timed-core placement the worker uses")
    ap.add_argument("--unstaged-repeats", type=int, default=0,
                    help="evaluations of the fast kernel in a worker started with --no-stage-ahead")
    ap.add_argument("--ctx-repeats", type=int, default=0,
                    help="evaluations of the fast kernel in a worker started with --lazy-cuda-context")
    args = ap.parse_args()
    global OUT
    OUT = args.out
    os.makedirs(OUT, exist_ok=True)
    pack = problem.load_pack(PACK)
    space = program_space.load(PACK, pack)
    codes, choices = {}, {}
    for name, named in PROGRAMS.items():
        codes[name], choices[name] = render(space, named)
    for name, f in MIXED:
        if f:
            with open(os.path.join(TESTS, f)) as fh:
                codes[name] = fh.read()
    tmp = tempfile.mkdtemp(prefix="trimul-suite-")
    paths = {}
    for name, code in codes.items():
        paths[name] = os.path.join(tmp, name + ".py")
        with open(paths[name], "w") as fh:
            fh.write(code)
    report = {"programs": {k: v for k, v in choices.items()}}
    # The worker's default CPU plan for GPU 0 (it computes the same from the same allowed set): the
    # sampler and, for the cold flow, this process stay off the timed core.
    plan = sandbox.cpu_plan(0, int(os.environ.get("TRIMUL_SUITE_GPUS", "1")))
    sampler = GpuSampler(plan["others"] if plan else None)

    # --- warm worker: the mixed set, all requests written at once (the worker stages ahead)
    t_start = time.time()
    w = Worker()
    t_ready = time.time()  # steady state starts here: in production the service keeps workers up
    for name, _ in MIXED:
        w.send(name, codes[name], HANG_TIMEOUT if name == "hanging" else None)
    warm = {}
    for name, _ in MIXED:
        res = w.receive()
        warm[res["id"]] = res
        print("warm %-9s %-13s %10s us  total %6.1f s  %s" % (res["id"], res["status"],
              "%.1f" % res["score_us"] if res["score_us"] else "-", res["timings_ms"]["total"] / 1e3,
              res["message"][:100]), flush=True)
    warm_wall = time.time() - t_start
    warm_steady = time.time() - t_ready
    busy = {}
    for name in ("fast", "medium", "slow"):
        r = warm[name]
        if r["status"] == "OK":
            t1 = r["_received"]
            t0 = t1 - r["timings_ms"]["run"] / 1e3
            timed = sum(b["mean_us"] * b["runs"] for b in r["benchmarks"]) / 1e6
            busy[name] = {"smi_busy": sampler.busy(t0, t1)[0], "run_s": r["timings_ms"]["run"] / 1e3,
                          "timed_kernel_s": timed, "benchmark_s": r["timings_ms"]["benchmark"] / 1e3}
    ok_windows = [(warm[n]["_received"] - warm[n]["timings_ms"]["run"] / 1e3, warm[n]["_received"])
                  for n in busy]
    vals = [u for t, u in sampler.samples if any(a <= t <= b for a, b in ok_windows)]
    busy_correct = sum(vals) / len(vals) / 100.0 if vals else None
    # --- spread: repeated evaluations of the fast kernel in the same warm worker
    for i in range(args.repeats):
        w.send("fast-rep%d" % i, codes["fast"])
    reps = [warm["fast"]] + [w.receive() for _ in range(args.repeats)]
    w.close()
    rep_scores = [r["score_us"] for r in reps if r["status"] == "OK"]
    spread = (max(rep_scores) - min(rep_scores)) / (sum(rep_scores) / len(rep_scores)) if len(rep_scores) > 1 else None
    print("repeats of fast:", ["%.1f" % s for s in rep_scores], flush=True)
    rep_benches = [[round(b["mean_us"], 1) for b in r["benchmarks"]] for r in reps]
    # the same without stage-ahead: no second process holds a CUDA context while the fast kernel is timed
    # A/B arms: no stage-ahead at all, and stage-ahead without the staged child's CUDA context
    arms = {}
    for arm, flags, count in (("guarded", ["--host-guard", "on"], args.guarded_repeats),
                              ("pinned", ["--pin-cpu", "on"], args.pinned_repeats),
                              ("unstaged", ["--no-stage-ahead"], args.unstaged_repeats),
                              ("lazy-context", ["--lazy-cuda-context"], args.ctx_repeats)):
        if not count:
            continue
        wu = Worker(flags)
        for i in range(count):
            wu.send("fast-%s%d" % (arm, i), codes["fast"])
        ureps = [wu.receive() for _ in range(count)]
        wu.close()
        sc = [r["score_us"] for r in ureps if r["status"] == "OK"]
        arms[arm] = {"scores": sc, "benchmarks": [[round(b["mean_us"], 1) for b in r["benchmarks"]] for r in ureps],
                     "spread_pct": 100 * (max(sc) - min(sc)) / (sum(sc) / len(sc)) if len(sc) > 1 else None}
        print("%s repeats of fast:" % arm, ["%.1f" % x for x in sc], flush=True)

    # --- two workers sharing the GPU (contention and isolation: both must finish OK)
    two = []
    ws = [Worker(), Worker()]
    for k, wk in enumerate(ws):
        wk.send("shared-%d" % k, codes["medium"])
    for wk in ws:
        r = wk.receive()
        two.append({"id": r["id"], "status": r["status"], "score_us": r["score_us"], "message": r["message"][:200]})
        wk.close()
    print("two workers:", two, flush=True)

    # --- cold: each candidate through the official flow, fresh processes
    cold, cold_wall = {}, None
    pin = w.ready["hardware"].get("cpu_pinning") or {}
    cold_pin = None
    if pin.get("applied") and not args.cold_unpinned:
        # the same placement as the worker's timed child: the mode process on the timed core, the
        # flow's parents (this process and its children) on the others
        others = sorted(set(os.sched_getaffinity(0)) - set(pin["reserved"]) - sandbox._siblings(pin["timed_core"]))
        sandbox.pin_process(others)
        os.environ["TRIMUL_COLD_PIN_CORE"] = str(pin["timed_core"])
        os.environ["TRIMUL_COLD_NICE"] = str(pin.get("timed_nice", -5))
        cold_pin = {"timed_core": pin["timed_core"], "others": len(others)}
    guard_hw = w.ready["hardware"].get("host_guard") or {}
    cold_guard = bool(guard_hw.get("applied")) and not args.cold_unguarded
    if cold_guard:  # the same host conditions as the worker's timed child
        os.environ["TRIMUL_COLD_HOST_GUARD"] = "1"
    if not args.skip_cold:
        t0 = time.time()
        for name, _ in MIXED:
            wd = tempfile.mkdtemp(prefix="cold-%s-" % name, dir=tmp)
            cold[name] = official_cold.run_candidate(paths[name], os.path.join(PACK, "cases.yml"),
                                                     HANG_TIMEOUT if name == "hanging" else 200, wd)
            print("cold %-9s %-8s %10s us  wall %6.1f s" % (name, cold[name]["status"],
                  "%.1f" % cold[name]["score_us"] if cold[name]["score_us"] else "-", cold[name]["wall_s"]), flush=True)
        cold_wall = time.time() - t0
    sampler.stop()

    hw = warm["fast"]["hardware"]
    timed_cpu = {"worker": hw.get("cpu_pinning"), "host_guard": guard_hw, "cold_host_guard": cold_guard,
                 "warm_fast_guard": warm["fast"].get("host_guard"),
                 "cold_fast_guard": cold.get("fast", {}).get("host_guard"), "warm_fast_child": warm["fast"].get("timed_cpu"),
                 "cold": cold_pin, "cold_fast_child": cold.get("fast", {}).get("timed_cpu"),
                 "plan_in_suite": plan}
    fid = {}
    for name in PROGRAMS:
        ws_, cs = warm[name].get("score_us"), cold.get(name, {}).get("score_us")
        fid[name] = {"warm_us": ws_, "cold_us": cs, "diff_pct": 100.0 * (ws_ - cs) / cs if ws_ and cs else None,
                     "bench_warm": [(b["name"], round(b["mean_us"], 1), round(b["std_us"], 1), b["runs"],
                                     round(b["best_us"], 1), round(b.get("wall_mean_us", 0), 1))
                                    for b in warm[name]["benchmarks"]]}
    n = len(MIXED)
    report.update(hardware=hw, worker_ready_s=w.ready_s, warm={k: {kk: vv for kk, vv in v.items() if kk != "hardware"}
                                                                 for k, v in warm.items()},
                  cold=cold, fidelity=fid, repeats=rep_scores, spread_pct=100 * spread if spread is not None else None,
                  repeat_benchmarks_us=rep_benches, arms=arms, timed_cpu=timed_cpu,
                  warm_wall_s=warm_wall, warm_steady_s=warm_steady, cold_wall_s=cold_wall,
                  ratio_incl_start=cold_wall / warm_wall if cold_wall else None,
                  ratio_steady=cold_wall / warm_steady if cold_wall else None, busy=busy, busy_correct=busy_correct, two_workers=two)
    with open(os.path.join(OUT, "suite.json"), "w") as f:
        json.dump(report, f, indent=1, default=str)

    print("\n==== TriMul evaluator on %s (driver %s, torch %s, triton %s)" % (hw["gpu_name"], hw["driver"], hw["torch"],
                                                                            hw["triton"]))
    print("timed-core placement: worker %s; warm fast child %s; cold %s / child %s" % (
        json.dumps(hw.get("cpu_pinning")), json.dumps(warm["fast"].get("timed_cpu")), json.dumps(cold_pin),
        json.dumps(cold.get("fast", {}).get("timed_cpu"))))
    print("host guard: worker %s; warm fast child %s; cold %s, cold fast child %s" % (
        json.dumps(guard_hw), json.dumps(warm["fast"].get("host_guard")), cold_guard,
        json.dumps(cold.get("fast", {}).get("host_guard"))))
    print("%-8s %12s %12s %8s" % ("kernel", "warm us", "cold us", "diff %"))
    for name, f in fid.items():
        print("%-8s %12s %12s %8s" % (name, "%.1f" % f["warm_us"] if f["warm_us"] else "-",
                                      "%.1f" % f["cold_us"] if f["cold_us"] else "-",
                                      "%+.2f" % f["diff_pct"] if f["diff_pct"] is not None else "-"))
    print("spread of %d evaluations of fast: %s %%" % (len(rep_scores), "%.2f" % (100 * spread) if spread is not None else "-"))
    for arm, a in arms.items():
        print("spread of %d evaluations of fast, worker %s: %s %% (%s)" % (
            len(a["scores"]), arm, "%.2f" % a["spread_pct"] if a["spread_pct"] is not None else "-",
            " ".join("%.1f" % x for x in a["scores"])))
    print("throughput, %d mixed candidates: warm steady state %.1f s (%.0f/h); incl. worker start %.1f s: %.1f s "
          "(%.0f/h)" % (n, warm_steady, 3600 * n / warm_steady, w.ready_s, warm_wall, 3600 * n / warm_wall), end="")
    if cold_wall:
        print("; cold %.1f s (%.0f/h); ratio steady %.2fx, incl. start %.2fx" % (
            cold_wall, 3600 * n / cold_wall, cold_wall / warm_steady, cold_wall / warm_wall))
    else:
        print()
    for name, b in busy.items():
        print("busy %-7s nvidia-smi %s, timed kernel %.1f s of run %.1f s (%.0f%%)" % (
            name, "%.0f%%" % (100 * b["smi_busy"]) if b["smi_busy"] is not None else "-", b["timed_kernel_s"],
            b["run_s"], 100 * b["timed_kernel_s"] / b["run_s"]))
    print("GPU busy over the correct candidates' runs (nvidia-smi): %s" % (
        "%.0f%%" % (100 * busy_correct) if busy_correct is not None else "-"))
    print("two workers on one GPU: %s" % ", ".join("%s %s %s" % (t["id"], t["status"], "%.1f" % t["score_us"]
                                                              if t["score_us"] else "") for t in two))
    print("best program (fast) %s us; choices %s; anchors: fp32 ~10200, best human 1371.1, TTT-Discover 1161.2" % (
        "%.1f" % warm["fast"]["score_us"] if warm["fast"]["score_us"] else "-", json.dumps(PROGRAMS["fast"])))


if __name__ == "__main__":
    main()
