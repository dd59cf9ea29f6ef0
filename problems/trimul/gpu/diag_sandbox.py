"""Which part of the candidate sandbox slows single-threaded Python? Measures the host guard's probe
(fastest of 3 rounds over all cores, then the median after settling) in children made in different
ways from a parent that built the worker's Evaluator (imports, preloads, gc.freeze): a plain fork,
the whole sandbox (harness/sandbox.Child, with and without OS limits), and fork plus one ingredient
(setsid, unshare of the network, RLIMIT_CPU, the CUDA context). Prints /proc/self/status lines
that change how a process runs (Seccomp, Speculation_Store_Bypass, NoNewPrivs).

    python3 problems/trimul/gpu/diag_sandbox.py [--device cuda]
"""
import argparse
import json
import os
import resource
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(PACK, "harness"))

import host_guard  # noqa: E402
import sandbox  # noqa: E402
import worker  # noqa: E402


def _status():
    keep = ("Seccomp", "Speculation_Store_Bypass", "SpeculationIndirectBranch", "NoNewPrivs", "Cpus_allowed_list")
    with open("/proc/self/status") as f:
        return {k: v.strip() for k, _, v in (ln.partition(":") for ln in f) if k in keep}


def measure(cuda=False):
    if cuda:
        import torch
        torch.cuda.init()
        torch.empty(1, device="cuda")
    g = host_guard.HostGuard()
    probes = []
    for _ in range(300):
        g.settle()
        probes.append(host_guard.probe_us())
    probes.sort()
    return {"baseline": round(g.baseline_us, 1) if g.active else None, "median": round(probes[len(probes) // 2], 1),
            "p10": round(probes[len(probes) // 10], 1), "status": _status(), "sid_leader": os.getsid(0) == os.getpid(),
            "rlimit_cpu": resource.getrlimit(resource.RLIMIT_CPU)}


def in_fork(fn):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.write(w, json.dumps(fn()).encode())
        finally:
            os._exit(0)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return json.loads(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    print("parent before the Evaluator:", in_fork(measure))
    ev = worker.Evaluator(PACK, a.device, host_guard="off")
    limits = dict(ev.limits)
    print("limits:", limits, "hardware host_guard:", ev.hardware.get("host_guard"))
    cuda = a.device == "cuda"

    def with_setsid():
        os.setsid()
        return measure()

    def with_unshare():
        ok = sandbox._no_network()
        out = measure()
        out["unshare"] = ok
        return out

    def with_rlimit_cpu():
        resource.setrlimit(resource.RLIMIT_CPU, (600, 605))
        return measure()

    variants = [
        ("fork", lambda: in_fork(measure)),
        ("fork+cuda", lambda: in_fork(lambda: measure(cuda))),
        ("fork+setsid", lambda: in_fork(with_setsid)),
        ("fork+unshare-net", lambda: in_fork(with_unshare)),
        ("fork+rlimit-cpu", lambda: in_fork(with_rlimit_cpu)),
        ("sandbox", lambda: sandbox.run_in_child(lambda: measure(cuda), tempfile.mkdtemp(),
                                                 os.path.join(tempfile.mkdtemp(), "c.log"), 120, limits)[1]),
        ("sandbox-no-limits", lambda: sandbox.run_in_child(lambda: measure(cuda), tempfile.mkdtemp(),
                                                           os.path.join(tempfile.mkdtemp(), "c.log"), 120, {})[1]),
    ]
    for r in range(a.rounds):
        for name, fn in variants:
            out = fn()
            print("round %d %-18s %s" % (r, name, json.dumps(out)), flush=True)


if __name__ == "__main__":
    main()
