"""Run the honest and hack candidates in this folder through a real worker process and assert the
statuses they declare in their first line (`# expect: STATUS [check-id]`; `STATUS|STATUS` accepts
either). Optional header lines: `# expect-cuda: ...` overrides the expectation on CUDA, `# devices:
cuda` limits a candidate to those devices, `# timeout: S` sets its timeout_s.

    /usr/bin/python3 problems/trimul/harness/tests/run_hack_suite.py --pack problems/trimul [--device cpu]
        [--max-runs N] [--json OUT]

Also runs test_validate.py (the worker's result checks on synthetic child results: physics floor,
timer disagreement, forged results), test_host_guard.py (the host guard on scripted core speeds) and a
protocol check: every request is written before any result is read, so the worker's stage-ahead
pipeline must keep results in order.

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
    def __init__(self, pack, device, mask_semantics, max_runs=None, static_rules=True):
        extra = ["--max-runs", str(max_runs)] if max_runs else []
        if not static_rules:
            extra += ["--static-rules", "off"]
        self.proc = subprocess.Popen(
            [sys.executable, WORKER, "--pack", pack, "--device", device, "--mask-semantics", mask_semantics] + extra,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        ready = json.loads(self.proc.stdout.readline())
        assert ready.get("ready") is True, ready
        self.ready = ready

    def send(self, request_id, code, timeout_s=None, mask_semantics=None):
        req = {"id": request_id, "code": code}
        if timeout_s:
            req["timeout_s"] = timeout_s
        if mask_semantics:
            req["mask_semantics"] = mask_semantics
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()

    def receive(self):
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("worker closed its stdout")
        return json.loads(line)

    def evaluate(self, request_id, code, timeout_s=None, mask_semantics=None):
        self.send(request_id, code, timeout_s, mask_semantics)
        return self.receive()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def header(path, device):
    """(statuses, check, devices, timeout_s, escape) from the candidate's leading comment lines."""
    with open(path) as f:
        lines = [f.readline() for _ in range(6)]
    first = lines[0].split()
    assert first[:2] == ["#", "expect:"], "%s: first line must be '# expect: STATUS [check]'" % path
    exp, devices, timeout, escape = first[2:], None, None, None
    for line in lines[1:]:
        words = line.split()
        if words[:2] == ["#", "expect-%s:" % device]:
            exp = words[2:]
        elif words[:2] == ["#", "devices:"]:
            devices = words[2:]
        elif words[:2] == ["#", "timeout:"]:
            timeout = float(words[2])
        elif words[:2] == ["#", "escape:"]:
            escape = words[2]
    return exp[0].split("|"), (exp[1] if len(exp) > 1 else None), devices, timeout, escape


class HostProbes:
    """What an escape would leave on the host: a marker file in the harness folder, a connection to a
    loopback listener, a leftover process. The escape candidates get the paths and port substituted."""

    def __init__(self):
        import socket
        self.harness_dir = os.path.dirname(TESTS_DIR)
        self.marker = os.path.join(self.harness_dir, "escape-marker.txt")
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.setblocking(False)

    def code(self, source):
        return source.replace("__HARNESS_DIR__", self.harness_dir).replace(
            "__ESCAPE_PORT__", str(self.listener.getsockname()[1]))

    def escaped(self):
        """What got through since the last call (and clean it up)."""
        found = []
        if os.path.exists(self.marker):
            found.append("a file was written in the harness folder")
            os.remove(self.marker)
        if os.path.exists("/etc/ttt-escape-marker"):
            found.append("a file was written in /etc")
            os.remove("/etc/ttt-escape-marker")
        try:
            conn, _ = self.listener.accept()
            conn.close()
            found.append("a connection reached the host's loopback")
        except BlockingIOError:
            pass
        for pid in os.listdir("/proc"):
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    if f.read().split(b"\0")[:2] == [b"sleep", b"4242.5"]:
                        found.append("a leftover process (pid %s) outlived its evaluation" % pid)
                        os.kill(int(pid), 9)
            except (OSError, ValueError):
                pass
        return found


def candidates(only=None):
    """The hack and honest candidates of this folder and the honest corpus (corpus/)."""
    skip = {os.path.basename(__file__), "test_validate.py", "test_host_guard.py"}
    paths = sorted(glob.glob(os.path.join(TESTS_DIR, "*.py"))) + sorted(glob.glob(os.path.join(TESTS_DIR, "corpus", "*.py")))
    return [p for p in paths if os.path.basename(p) not in skip and (not only or only in os.path.basename(p))]


def judge(name, res, status, check, request_id):
    problems = []
    status = status if isinstance(status, list) else [status]
    if res.get("id") != request_id:
        problems.append("result id %r, sent %r (protocol out of step)" % (res.get("id"), request_id))
    if res["status"] not in status:
        problems.append("status %s, expected %s" % (res["status"], status))
    if check and check not in res.get("checks_fired", []):
        problems.append("check %s not in %s" % (check, res.get("checks_fired")))
    print("%-36s %-14s %-24s %6.0f ms  %s" % (name, res["status"], ",".join(res.get("checks_fired", [])) or "-",
                                               res["timings_ms"]["total"], "ok" if not problems else "FAIL: " + "; ".join(problems)),
          flush=True)
    if problems or res["status"] not in ("OK", "SYNTAX_ERROR") and VERBOSE:
        print("    message: %s" % res["message"], flush=True)
    ROWS.append({"name": name, "status": res["status"], "checks_fired": res.get("checks_fired", []),
                 "expected": "|".join(status) + (" " + check if check else ""), "ok": not problems,
                 "score_us": res.get("score_us"), "message": res.get("message"),
                 "total_ms": res["timings_ms"]["total"]})
    return not problems


def _say(text):
    print(text, flush=True)
    return False


def no_escape(probes, when):
    found = probes.escaped()
    for what in found:
        print("ESCAPED (%s): %s" % (when, what), flush=True)
    return not found


ROWS = []
VERBOSE = False


def main(argv=None):
    ap = argparse.ArgumentParser(description="assert the statuses of the hack and honest candidates")
    ap.add_argument("--pack", required=True)
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    ap.add_argument("--max-runs", type=int, default=None, help="cap timed calls per benchmark (quicker)")
    ap.add_argument("--only", default=None, help="only candidates whose file name contains this")
    ap.add_argument("--json", default=None, help="write the rows as JSON to this file")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    global VERBOSE
    VERBOSE = args.verbose
    t0 = time.time()
    ok = True
    import test_validate
    ok &= test_validate.main() == 0
    import test_host_guard
    ok &= test_host_guard.main() == 0
    probes = HostProbes()
    escapes = []
    worker = Worker(args.pack, args.device, "as-specified", args.max_runs)
    try:
        sent = []
        for path in candidates(args.only):
            name = os.path.basename(path)
            statuses, check, devices, timeout, escape = header(path, args.device)
            if devices and args.device not in devices:
                continue
            with open(path) as f:
                code = probes.code(f.read())
            if escape:
                escapes.append((name, code, timeout, escape))
            # All requests go out first: the worker stages the next while one runs.
            worker.send(name, code, timeout or TIMEOUT_FOR.get(name))
            sent.append((name, statuses, check))
        for name, statuses, check in sent:
            ok &= judge(name, worker.receive(), statuses, check, name)
    finally:
        worker.close()
    ok &= no_escape(probes, "with static rules")
    if escapes:
        # The OS alone: the same escapes with rules.yml switched off must be contained all the same
        # (no OK, nothing left on the host).
        bare = Worker(args.pack, args.device, "as-specified", args.max_runs, static_rules=False)
        try:
            for name, code, timeout, escape in escapes:
                res = bare.evaluate(name + " (no rules)", code, timeout or TIMEOUT_FOR.get(name))
                contained = ["RUNTIME_ERROR", "CRASHED", "REJECTED", "TIMEOUT", "INCORRECT"]
                ok &= judge("%s (%s, no static rules)" % (name, escape), res, contained, None, name + " (no rules)")
                iso = res.get("isolation") or {}
                ok &= res["status"] in ("CRASHED", "TIMEOUT") or all(iso.get(k) is True for k in ("unprivileged", "net_ns", "read_only", "pid_ns")) \
                    or _say("    isolation not fully applied: %s" % iso)
        finally:
            bare.close()
        ok &= no_escape(probes, "without static rules")
    if args.only and "ignore_mask" not in args.only:
        print("%s in %.1f s" % ("all as expected" if ok else "MISMATCHES", time.time() - t0))
        return 0 if ok else 1
    compat = Worker(args.pack, args.device, "official-all-ones", args.max_runs)
    try:
        with open(os.path.join(TESTS_DIR, "hack_ignore_mask.py")) as f:
            code = f.read()
        res = compat.evaluate("compat", code)
        ok &= judge("hack_ignore_mask.py (all-ones worker)", res, "OK", None, "compat")
        ok &= res.get("mask_semantics") == "official-all-ones" or _say("    mask_semantics %s" % res.get("mask_semantics"))
        # per request: the request's field wins over the worker's default, both ways
        res = compat.evaluate("as-specified request", code, mask_semantics="as-specified")
        ok &= judge("hack_ignore_mask.py (as-specified request)", res, "INCORRECT", "mismatch", "as-specified request")
        ok &= res.get("mask_semantics") == "as-specified" or _say("    mask_semantics %s" % res.get("mask_semantics"))
    finally:
        compat.close()
    plain = Worker(args.pack, args.device, "as-specified", args.max_runs)
    try:
        res = plain.evaluate("all-ones request", code, mask_semantics="official-all-ones")
        ok &= judge("hack_ignore_mask.py (all-ones request)", res, "OK", None, "all-ones request")
        ok &= res.get("mask_semantics") == "official-all-ones" or _say("    mask_semantics %s" % res.get("mask_semantics"))
    finally:
        plain.close()
    print("%s in %.1f s" % ("all as expected" if ok else "MISMATCHES", time.time() - t0))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": args.device, "ok": ok, "rows": ROWS}, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
