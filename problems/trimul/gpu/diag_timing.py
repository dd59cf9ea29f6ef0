"""Where does the fast kernel's per-call variance come from? Per-call device times of the fast program
in forked children (the worker's model), with Python's GC left on or off around the timed call, with
the parent's heap frozen (gc.freeze) or not, with an nvidia-smi sampler running or not, in the
worker's sandbox or a plain fork, and with a sibling process holding an idle CUDA context or not. Records
the GC collections that fall inside timed calls and Triton cache files written during the benchmarks
(a compile inside a timed call would add files). Writes diag.json to --out, prints a table.

    python3 problems/trimul/gpu/diag_timing.py --out DIR [--calls 40] [--variants a,b,...]
"""
import argparse
import gc
import json
import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(PACK, "harness"))
sys.path.insert(0, HERE)
os.environ["TRITON_CACHE_DIR"] = tempfile.mkdtemp(prefix="diag-triton-")

import torch  # noqa: E402
import triton  # noqa: E402,F401
import triton.language  # noqa: E402,F401

import child  # noqa: E402
import problem  # noqa: E402
import program_space  # noqa: E402
import suite  # noqa: E402


def _cache_files():
    return sum(len(f) for _, _, f in os.walk(os.environ["TRITON_CACHE_DIR"]))


def in_child(path, calls, gc_off, out_path):
    torch.cuda.init()
    pack = problem.load_pack(PACK)
    run = child.Run(pack, "cuda", "as-specified")
    kernel = child.load_submission(path)
    run.run_tests(kernel)
    events, inside = [], [False]

    def cb(phase, info):
        if phase == "start":
            events.append([time.perf_counter(), info["generation"], inside[0], None])
        elif events:
            events[-1][3] = time.perf_counter() - events[-1][0]
    gc.callbacks.append(cb)
    benches = run.cases["benchmarks"]
    for i in range(10):  # warm-up on the first benchmark, as the harness does
        data = problem.make_inputs(benches[0], "cuda", benches[0]["seed"] + 13 * i)
        kernel(data)
    files0 = _cache_files()
    rows = []
    for case in benches:
        dev, host = [], []
        for i in range(calls):
            data = problem.make_inputs(case, "cuda", case["seed"] + 13 * i)
            ref = problem.reference(data)
            was = gc.isenabled()
            if gc_off:
                gc.disable()
            torch.cuda.synchronize()
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            inside[0] = True
            s.record()
            h0 = time.perf_counter()
            out = kernel(data)
            h1 = time.perf_counter()
            e.record()
            torch.cuda.synchronize()
            inside[0] = False
            if gc_off and was:
                gc.enable()
            dev.append(s.elapsed_time(e) * 1e3)
            host.append((h1 - h0) * 1e6)
            run.verify(out, ref, data, "diag")
            del out, ref, data
        med = sorted(dev)[len(dev) // 2]
        mean = sum(dev) / len(dev)
        std = math.sqrt(sum((x - mean) ** 2 for x in dev) / (len(dev) - 1))
        rows.append({"name": case["name"], "mean": mean, "median": med, "std": std, "min": min(dev), "max": max(dev),
                     "first": dev[0], "slow_calls": sum(1 for x in dev if x > 1.2 * med),
                     "host_median": sorted(host)[len(host) // 2], "host_max": max(host), "dev": dev, "host": host})
    gc.callbacks.remove(cb)
    res = {"rows": rows, "cache_files_added": _cache_files() - files0,
           "gc_in_timed": [(g, round(d * 1e6, 1)) for _, g, ins, d in events if ins and d is not None],
           "gc_all": len(events), "gc_max_us": max([d * 1e6 for *_, d in events if d] or [0])}
    with open(out_path, "w") as f:
        json.dump(res, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--calls", type=int, default=40)
    ap.add_argument("--variants", default="gc-on,gc-on+smi,gc-off,gc-on+freeze,gc-off+freeze")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    pack = problem.load_pack(PACK)
    space = program_space.load(PACK, pack)
    code, _ = suite.render(space, suite.PROGRAMS["fast"])
    path = os.path.join(tempfile.mkdtemp(), "submission.py")
    with open(path, "w") as f:
        f.write(code)
    all_variants = {v[0]: v for v in [
        ("gc-on", False, False, False, False, False), ("gc-on+smi", False, False, True, False, False),
        ("gc-off", True, False, False, False, False), ("gc-on+freeze", False, True, False, False, False),
        ("gc-off+freeze", True, True, False, False, False),
        ("sandbox", True, True, False, True, False), ("idle-ctx", True, True, False, False, True),
        ("sandbox+idle-ctx", True, True, False, True, True), ("plain-again", True, True, False, False, False)]}
    results = {}
    for vname in a.variants.split(","):
        name, gc_off, freeze, smi, sandboxed, idle_ctx = all_variants[vname]
        if freeze and gc.get_freeze_count() == 0:
            gc.collect()
            gc.freeze()
        sampler = subprocess.Popen(["nvidia-smi", "--query-gpu=utilization.gpu", "--format=csv,noheader,nounits",
                                    "-lms", "100"], stdout=subprocess.DEVNULL) if smi else None
        idle = None
        if idle_ctx:  # a sibling holding an idle CUDA context, as the worker's staged next candidate does
            idle = subprocess.Popen([sys.executable, "-c", "import torch,sys; torch.empty(1, device='cuda'); "
                                     "print('up', flush=True); sys.stdin.read()"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
            idle.stdout.readline()
        out_path = os.path.join(a.out, "diag-%s.json" % name)
        t0 = time.time()
        if sandboxed:  # the worker's own sandbox (limits, session, fds, no network), not staged
            import sandbox
            scratch = tempfile.mkdtemp()
            limits = dict(problem.load_pack(PACK).get("limits", {}).get("cuda") or {})
            outcome, payload = sandbox.run_in_child(lambda: in_child(path, a.calls, gc_off, out_path), scratch,
                                                    os.path.join(scratch, "cap.log"), 300, limits, ())
            if outcome != "ok":
                print(name, outcome, payload, open(os.path.join(scratch, "cap.log")).read()[-2000:])
        else:
            pid = os.fork()
            if pid == 0:
                try:
                    in_child(path, a.calls, gc_off, out_path)
                finally:
                    os._exit(0)
            os.waitpid(pid, 0)
        if sampler:
            sampler.terminate()
        if idle:
            idle.stdin.close()
            idle.wait()
        with open(out_path) as f:
            results[name] = json.load(f)
        r = results[name]
        geo = math.exp(sum(math.log(x["mean"]) for x in r["rows"]) / len(r["rows"]))
        geo_med = math.exp(sum(math.log(x["median"]) for x in r["rows"]) / len(r["rows"]))
        print("%-14s %5.1f s  geomean of means %.1f us, of medians %.1f us; slow calls (>1.2x median) %s; "
              "GC in timed calls %d (%s); cache files added %d" % (
                  name, time.time() - t0, geo, geo_med, [x["slow_calls"] for x in r["rows"]], len(r["gc_in_timed"]),
                  r["gc_in_timed"][:6], r["cache_files_added"]), flush=True)
        for x in r["rows"]:
            print("   %-36s mean %8.1f med %8.1f std %7.1f min %8.1f max %8.1f first %8.1f host med %6.0f max %6.0f" % (
                x["name"], x["mean"], x["median"], x["std"], x["min"], x["max"], x["first"], x["host_median"],
                x["host_max"]), flush=True)
    with open(os.path.join(a.out, "diag.json"), "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
