"""How fast is each CPU core for single-threaded Python, and does that change over time? The fast
TriMul kernel is bound by host launch overhead, so its time follows the speed of the core its timed
process runs on. Measures a fixed pure-Python workload (diag_host.py's canary) pinned to each usable
core in turn (several rounds), then on a few cores at once for a while (are slow phases per core or
machine-wide?). Prints the topology, a cores x rounds table and the timelines; JSON to --out.

    python3 problems/trimul/gpu/diag_cores.py --out DIR [--rounds 6] [--sustain-s 8]
"""
import argparse
import json
import os
import subprocess
import time

from diag_host import med, py_canary


def topology():
    lines = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
    keep = ("Model name", "Thread(s) per core", "Core(s) per socket", "Socket(s)", "NUMA node", "CPU max MHz",
            "CPU MHz", "Hypervisor", "L3")
    sib = {}
    for c in sorted(os.sched_getaffinity(0)):
        try:
            with open("/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list" % c) as f:
                sib[c] = f.read().strip()
        except OSError:
            sib[c] = "?"
    return [ln for ln in lines if ln.strip().startswith(keep)], sib


def measure_on(core, n, out_path, duration_s=0.0):
    """Fork a child pinned to `core` that runs the canary n times (or for duration_s, timestamped)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.sched_setaffinity(0, {core})
            py_canary()
            rows = []
            t_end = time.time() + duration_s
            while len(rows) < n or time.time() < t_end:
                rows.append((time.time(), py_canary()))
            with open(out_path, "w") as f:
                json.dump(rows, f)
        finally:
            os._exit(0)
    return pid


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--per-core", type=int, default=150)
    ap.add_argument("--sustain-s", type=float, default=8.0)
    ap.add_argument("--sustain-cores", default="")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    topo, sib = topology()
    print("\n".join(topo))
    print("siblings:", sib)
    cores = sorted(os.sched_getaffinity(0))
    table = {c: [] for c in cores}
    tmp = os.path.join(a.out, "core.tmp")
    for r in range(a.rounds):
        for c in cores:
            pid = measure_on(c, a.per_core, tmp)
            os.waitpid(pid, 0)
            with open(tmp) as f:
                table[c].append(round(med([x for _, x in json.load(f)]), 1))
        time.sleep(1.0)
    print("canary median us, core x round:")
    for c in cores:
        print("  core %2d  %s" % (c, " ".join("%6.1f" % x for x in table[c])))
    picks = [int(x) for x in a.sustain_cores.split(",")] if a.sustain_cores else cores[:: max(1, len(cores) // 4)][:4]
    pids = {c: measure_on(c, 0, os.path.join(a.out, "sustain-%d.tmp" % c), a.sustain_s) for c in picks}
    for pid in pids.values():
        os.waitpid(pid, 0)
    timelines = {}
    for c in picks:
        with open(os.path.join(a.out, "sustain-%d.tmp" % c)) as f:
            rows = json.load(f)
        os.remove(os.path.join(a.out, "sustain-%d.tmp" % c))
        t0 = rows[0][0]
        # 250 ms bins: median canary per bin
        bins = {}
        for t, x in rows:
            bins.setdefault(int((t - t0) / 0.25), []).append(x)
        timelines[c] = [round(med(v), 0) for _, v in sorted(bins.items())]
    print("sustained, %d cores at once, canary median per 250 ms:" % len(picks))
    for c, tl in timelines.items():
        print("  core %2d  %s" % (c, " ".join("%4d" % x for x in tl)))
    os.remove(tmp)
    with open(os.path.join(a.out, "diag-cores.json"), "w") as f:
        json.dump({"topology": topo, "siblings": sib, "rounds": table, "sustained": timelines}, f)


if __name__ == "__main__":
    main()
