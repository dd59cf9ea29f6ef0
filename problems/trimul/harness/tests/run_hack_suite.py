"""Run the honest and hack candidates in this folder through a real worker process and assert the
statuses they declare in their first line (`# expect: STATUS [check-id]`).

    /usr/bin/python3 problems/trimul/harness/tests/run_hack_suite.py --pack problems/trimul [--device cpu]

Also checks the compatibility switch: under --mask-semantics official-all-ones the mask-ignoring
candidate passes, as it did on the official leaderboard. Exits 1 on any mismatch.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(os.path.dirname(TESTS_DIR), "worker.py")
TIMEOUT_FOR = {"hack_infinite_loop.py": 8}


class Worker:
    def __init__(self, pack, device, mask_semantics):
        self.proc = subprocess.Popen(
            [sys.executable, WORKER, "--pack", pack, "--device", device, "--mask-semantics", mask_semantics],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        ready = json.loads(self.proc.stdout.readline())
        assert ready.get("ready") is True, ready
        self.ready = ready

    def evaluate(self, request_id, code, timeout_s=None):
        req = {"id": request_id, "code": code}
        if timeout_s:
            req["timeout_s"] = timeout_s
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("worker closed its stdout")
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def expectation(path):
    with open(path) as f:
        first = f.readline().split()
    assert first[:2] == ["#", "expect:"], "%s: first line must be '# expect: STATUS [check]'" % path
    return first[2], (first[3] if len(first) > 3 else None)


def judge(name, res, status, check, request_id):
    problems = []
    if res.get("id") != request_id:
        problems.append("result id %r, sent %r (protocol out of step)" % (res.get("id"), request_id))
    if res["status"] != status:
        problems.append("status %s, expected %s" % (res["status"], status))
    if check and check not in res.get("checks_fired", []):
        problems.append("check %s not in %s" % (check, res.get("checks_fired")))
    print("%-32s %-14s %-24s %6.0f ms  %s" % (name, res["status"], ",".join(res.get("checks_fired", [])) or "-",
                                               res["timings_ms"]["total"], "ok" if not problems else "FAIL: " + "; ".join(problems)))
    if problems:
        print("    message: %s" % res["message"])
    return not problems


def main(argv=None):
    ap = argparse.ArgumentParser(description="assert the statuses of the hack and honest candidates")
    ap.add_argument("--pack", required=True)
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    args = ap.parse_args(argv)
    t0 = time.time()
    ok = True
    worker = Worker(args.pack, args.device, "as-specified")
    try:
        for path in sorted(glob.glob(os.path.join(TESTS_DIR, "*.py"))):
            name = os.path.basename(path)
            if name == os.path.basename(__file__):
                continue
            status, check = expectation(path)
            with open(path) as f:
                code = f.read()
            res = worker.evaluate(name, code, TIMEOUT_FOR.get(name))
            ok &= judge(name, res, status, check, name)
    finally:
        worker.close()
    compat = Worker(args.pack, args.device, "official-all-ones")
    try:
        with open(os.path.join(TESTS_DIR, "hack_ignore_mask.py")) as f:
            res = compat.evaluate("compat", f.read())
        ok &= judge("hack_ignore_mask.py (all-ones)", res, "OK", None, "compat")
        ok &= res.get("mask_semantics") == "official-all-ones"
    finally:
        compat.close()
    print("%s in %.1f s" % ("all as expected" if ok else "MISMATCHES", time.time() - t0))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
