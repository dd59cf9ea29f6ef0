"""Is the fast kernel's run-to-run spread the host, the GPU or the process? Runs the official benchmark
loop (child.Run, unchanged procedure) in several forked children in a row and records, per timed call:
device time, host time of the Python call, an in-process "canary" (a fixed pure-Python workload and a
fixed burst of tiny CUDA launches, both run just before the timed call, outside it), and wall-clock
timestamps. Alongside: a canary process on another core (host-wide slow phases) and nvidia-smi
sampling clocks, power and throttle reasons every 100 ms. Then a few evaluations through the real
worker for the level. Writes diag-host.json to --out and prints per-child, per-benchmark tables.

    python3 problems/trimul/gpu/diag_host.py --out DIR [--children 6] [--worker-evals 3] [--program fast]
"""
import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(PACK, "harness"))
sys.path.insert(0, HERE)

import torch  # noqa: E402

import child  # noqa: E402
import host_guard  # noqa: E402
import problem  # noqa: E402
import program_space  # noqa: E402
import suite  # noqa: E402

SMI_FIELDS = "timestamp,clocks.sm,clocks.mem,power.draw,temperature.gpu,utilization.gpu,pstate,clocks_event_reasons.active"


def py_canary(n=3000):
    """The host guard's fixed pure-Python probe, 2.5x longer (~250 us on a fast core of the H100 machine)."""
    return host_guard.probe_us(n)


def launch_canary(t, k=20):
    """k tiny CUDA launches, host time only (no sync inside): the driver's launch path."""
    t0 = time.perf_counter()
    for _ in range(k):
        t.add_(1.0)
    return (time.perf_counter() - t0) * 1e6


class TracedRun(child.Run):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.calls = []
        self.small = torch.zeros(16, device=self.device) if self.device == "cuda" else torch.zeros(16)

    def _timed_call(self, kernel, data, where):
        self.sync()
        pc = py_canary()
        lc = launch_canary(self.small)
        self.sync()
        t_abs = time.time()
        h0 = time.perf_counter()
        dev, wall, out = super()._timed_call(kernel, data, where)
        self.calls.append({"where": where.split(" run ")[0].replace("benchmark ", ""), "t": t_abs,
                           "dev_us": dev * 1e6, "wall_us": wall * 1e6, "py_canary_us": pc, "launch_canary_us": lc,
                           "host_total_us": (time.perf_counter() - h0) * 1e6})
        return dev, wall, out


def run_child(path, device, out_path, b0_again):
    if device == "cuda":
        torch.cuda.init()
    pack = problem.load_pack(PACK)
    run = TracedRun(pack, device, "as-specified")
    kernel = child.load_submission(path)
    t0 = time.time()
    run.run_tests(kernel)
    t1 = time.time()
    res = run.run_benchmarks(kernel)
    extra = []
    for k in range(b0_again):  # the first benchmark again, same process: temporal or per-process?
        times, _ = run.benchmark(kernel, run.cases["benchmarks"][0], int(run.timing["max_runs"]))
        extra.append(sum(times) / len(times) * 1e6)
    with open(out_path, "w") as f:
        json.dump({"pid": os.getpid(), "tests_s": t1 - t0, "bench_t0": t1, "benchmarks": res, "b0_again_us": extra,
                   "calls": run.calls, "cpu": os.sched_getaffinity(0) and sorted(os.sched_getaffinity(0))[:4]}, f)


def canary_process(out_path, core):
    """Runs until SIGTERM on `core`: (time, pure-Python canary us) every ~5 ms."""
    pid = os.fork()
    if pid:
        return pid
    try:
        if core is not None:
            os.sched_setaffinity(0, {core})
        rows, stop = [], [False]
        signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
        while not stop[0]:
            rows.append((time.time(), py_canary()))
            time.sleep(0.005)
        with open(out_path, "w") as f:
            json.dump(rows, f)
    finally:
        os._exit(0)


class Smi:
    def __init__(self, path):
        self.proc = subprocess.Popen(["nvidia-smi", "--query-gpu=" + SMI_FIELDS, "--format=csv,noheader,nounits",
                                      "-lms", "100"], stdout=open(path, "w"), stderr=subprocess.DEVNULL)

    def stop(self):
        self.proc.terminate()


def med(xs):
    s = sorted(xs)
    return s[len(s) // 2] if s else float("nan")


def geo(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def summarize_child(k, r):
    names = [b["name"] for b in r["benchmarks"]]
    print("child %d: geomean of means %.1f us, of medians %.1f us; tests %.1f s; b0 again %s" % (
        k, geo([b["mean_us"] for b in r["benchmarks"]]),
        geo([med([c["dev_us"] for c in r["calls"] if c["where"] == n]) for n in names]), r["tests_s"],
        ["%.1f" % x for x in r["b0_again_us"]]), flush=True)
    for n, b in zip(names, r["benchmarks"]):
        cs = [c for c in r["calls"] if c["where"] == n][-b["runs"]:]
        print("   %-34s n %3d mean %7.1f med %7.1f | host med %6.1f | py canary med %6.1f max %6.1f | "
              "launch canary med %6.1f max %7.1f" % (
                  n, b["runs"], b["mean_us"], med([c["dev_us"] for c in cs]), med([c["wall_us"] for c in cs]),
                  med([c["py_canary_us"] for c in cs]), max(c["py_canary_us"] for c in cs),
                  med([c["launch_canary_us"] for c in cs]), max(c["launch_canary_us"] for c in cs)), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--program", default="fast")
    ap.add_argument("--children", type=int, default=6)
    ap.add_argument("--b0-again", type=int, default=2)
    ap.add_argument("--worker-evals", type=int, default=3)
    ap.add_argument("--canary-core", type=int, default=None)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    pack = problem.load_pack(PACK)
    space = program_space.load(PACK, pack)
    code, _ = suite.render(space, suite.PROGRAMS[a.program])
    path = os.path.join(tempfile.mkdtemp(), "submission.py")
    with open(path, "w") as f:
        f.write(code)
    cores = sorted(os.sched_getaffinity(0))
    ccore = a.canary_core if a.canary_core is not None else (cores[-1] if len(cores) > 1 else None)
    cpid = canary_process(os.path.join(a.out, "canary.json"), ccore)
    smi = Smi(os.path.join(a.out, "smi.csv")) if a.device == "cuda" else None
    results = {"children": [], "worker": []}
    for k in range(a.children):
        out_path = os.path.join(a.out, "child-%d.json" % k)
        pid = os.fork()
        if pid == 0:
            try:
                run_child(path, a.device, out_path, a.b0_again)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        with open(out_path) as f:
            r = json.load(f)
        results["children"].append(r)
        summarize_child(k, r)
    if a.worker_evals:
        suite.OUT = a.out
        w = suite.Worker(["--device", a.device] if a.device != "cuda" else [])
        for i in range(a.worker_evals):
            w.send("w%d" % i, code)
        for i in range(a.worker_evals):
            res = w.receive()
            results["worker"].append({"t": res["_received"], "score_us": res["score_us"], "status": res["status"],
                                      "benchmarks": [(b["name"], round(b["mean_us"], 1), b["runs"])
                                                     for b in res["benchmarks"]], "timings_ms": res["timings_ms"]})
            print("worker eval %d: %s %s us; benchmarks %s" % (i, res["status"], res["score_us"],
                                                               [round(b["mean_us"], 1) for b in res["benchmarks"]]),
                  flush=True)
        w.close()
    os.kill(cpid, signal.SIGTERM)
    os.waitpid(cpid, 0)
    if smi:
        smi.stop()
    with open(os.path.join(a.out, "canary.json")) as f:
        canary = json.load(f)
    results["canary_core"] = ccore
    results["canary"] = canary
    # host-wide canary during each child's benchmark phase
    for k, r in enumerate(results["children"]):
        t0, t1 = r["calls"][0]["t"], r["calls"][-1]["t"]
        v = [c for t, c in canary if t0 <= t <= t1]
        print("child %d: other-core canary during benchmarks: median %.1f us, p90 %.1f, max %.1f (n=%d)" % (
            k, med(v), sorted(v)[int(0.9 * len(v))] if v else float("nan"), max(v) if v else float("nan"), len(v)))
    with open(os.path.join(a.out, "diag-host.json"), "w") as f:
        json.dump(results, f)
    if smi:
        with open(os.path.join(a.out, "smi.csv")) as f:
            rows = [ln.strip().split(", ") for ln in f if ln.strip()]
        print("nvidia-smi: %d samples; sm clock MHz min/median/max %s; mem clock %s; reasons %s" % (
            len(rows), _mmm([r[1] for r in rows]), _mmm([r[2] for r in rows]),
            sorted(set(r[7] for r in rows if len(r) > 7))))


def _mmm(vals):
    v = sorted(float(x) for x in vals if x.replace(".", "").isdigit())
    return "%s/%s/%s" % (v[0], v[len(v) // 2], v[-1]) if v else "-"


if __name__ == "__main__":
    main()
