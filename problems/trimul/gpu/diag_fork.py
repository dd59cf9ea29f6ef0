"""Forked child of a warm parent versus a freshly started Python: is the interpreter itself slower in
the fork (copy-on-write, page size), and does that move the fast kernel's score? Alternates the two,
each running the harness's benchmark procedure (child.Run, host guard on) on the fast program, and
reports the host guard's probe baseline, the score and the process's huge-page use.

    python3 problems/trimul/gpu/diag_fork.py --out DIR [--rounds 3]
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

import torch  # noqa: E402
import triton  # noqa: E402,F401
import triton.language  # noqa: E402,F401

import child  # noqa: E402
import host_guard  # noqa: E402
import problem  # noqa: E402


def _smaps():
    out = {}
    try:
        with open("/proc/self/smaps_rollup") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("Rss", "AnonHugePages", "Private_Dirty", "Shared_Clean"):
                    out[k] = v.strip()
    except OSError:
        pass
    return out


def measure(path, out_path):
    torch.cuda.init()
    pack = problem.load_pack(PACK)
    run = child.Run(pack, "cuda", "as-specified", guard_host=True)
    kernel = child.load_submission(path)
    t0 = time.time()
    run.run_tests(kernel)
    t1 = time.time()
    res = run.run_benchmarks(kernel)
    probes = []
    for _ in range(50):
        run.guard.settle()
        probes.append(host_guard.probe_us())
    with open(out_path, "w") as f:
        json.dump({"score_us": math.exp(sum(math.log(b["mean_us"]) for b in res) / len(res)),
                   "benchmarks": [round(b["mean_us"], 1) for b in res], "guard": run.guard.report(),
                   "probe_after_settle_med": sorted(probes)[len(probes) // 2], "tests_s": t1 - t0,
                   "smaps": _smaps()}, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--measure", default=None)
    ap.add_argument("--submission", default=None)
    a = ap.parse_args()
    if a.measure:
        measure(a.submission, a.measure)
        return
    os.makedirs(a.out, exist_ok=True)
    os.environ.setdefault("TRITON_CACHE_DIR", tempfile.mkdtemp(prefix="diag-fork-triton-"))
    import program_space
    import suite
    pack = problem.load_pack(PACK)
    code, _ = suite.render(program_space.load(PACK, pack), suite.PROGRAMS["fast"])
    path = os.path.join(tempfile.mkdtemp(), "submission.py")
    with open(path, "w") as f:
        f.write(code)
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            print("THP:", f.read().strip())
    except OSError:
        pass
    gc.collect()
    gc.freeze()  # as the worker does before forking candidates
    print("parent:", _smaps())
    rows = []
    for r in range(a.rounds):
        for kind in ("fork", "spawn"):
            out_path = os.path.join(a.out, "m-%s-%d.json" % (kind, r))
            t0 = time.time()
            if kind == "fork":
                pid = os.fork()
                if pid == 0:
                    try:
                        measure(path, out_path)
                    finally:
                        os._exit(0)
                os.waitpid(pid, 0)
            else:
                subprocess.run([sys.executable, os.path.abspath(__file__), "--out", a.out, "--measure", out_path,
                                "--submission", path], check=True)
            with open(out_path) as f:
                m = json.load(f)
            os.remove(out_path)
            m.update(kind=kind, round=r, wall_s=time.time() - t0)
            rows.append(m)
            print("%-5s round %d: %.1f us  probe baseline %.1f, after settle %.1f  moved %d/%d  tests %.1f s  "
                  "wall %.1f s  %s  %s" % (kind, r, m["score_us"], m["guard"]["baseline_us"], m["probe_after_settle_med"],
                                           m["guard"]["moved"], m["guard"]["calls"], m["tests_s"], m["wall_s"],
                                           m["benchmarks"], m["smaps"]), flush=True)
    for kind in ("fork", "spawn"):
        sc = [m["score_us"] for m in rows if m["kind"] == kind]
        print("%s: scores %s spread %.2f %%" % (kind, ["%.1f" % x for x in sc],
                                                100 * (max(sc) - min(sc)) / (sum(sc) / len(sc))))
    with open(os.path.join(a.out, "diag-fork.json"), "w") as f:
        json.dump(rows, f)


if __name__ == "__main__":
    main()
