"""Run a pack's honest and hack candidates (problems/<id>/tests/*.py and tests/corpus/*.py) through a
real worker process and assert the statuses they declare in their first line (`# expect: STATUS
[check-id]`; `STATUS|STATUS` accepts either). Optional header lines: `# expect-cuda: ...` overrides the
expectation on CUDA, `# devices: cuda` limits a candidate to those devices, `# timeout: S` sets its
timeout_s, `# escape: KIND` runs it again with the static rules off (the OS alone must contain it).

    /usr/bin/python3 problems/_harness/hack_suite.py --pack problems/<id> [--device cpu] [--max-runs N] [--json OUT]

Also, for every pack:
- the harness is out of reach: a candidate generated from the harness package's own module list
  (packs.harness_modules(), never kept by hand) tries to import each; with the static rules on it is
  REJECTED (harness-import), with them off every import fails in the candidate's process;
- the protocol keeps order: every request is written before any result is read, so the worker's
  stage-ahead pipeline must keep results in order;
- the pack's own test scripts (tests/test_*.py) exit 0.
Exits 1 on any mismatch.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

HARNESS_DIR = os.path.dirname(os.path.abspath(__file__))
PROBLEMS_DIR = os.path.dirname(HARNESS_DIR)
if PROBLEMS_DIR not in sys.path:
    sys.path.insert(0, PROBLEMS_DIR)
WORKER = os.path.join(HARNESS_DIR, "worker.py")
TIMEOUT_FOR = {"hack_infinite_loop.py": 8}

from _harness import packs  # noqa: E402


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
        self.harness_dir = HARNESS_DIR
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


def candidates(tests_dir, only=None):
    """The pack's hack and honest candidates and its honest corpus (corpus/); test_*.py are scripts."""
    paths = sorted(glob.glob(os.path.join(tests_dir, "*.py"))) + sorted(glob.glob(os.path.join(tests_dir, "corpus", "*.py")))
    return [p for p in paths if not os.path.basename(p).startswith("test_")
            and (not only or only in os.path.basename(p))]


def import_harness_candidate(entry_point):
    """A candidate that imports every harness module (the list derived from the package) and says
    which it reached: RUNTIME_ERROR "contained" when none."""
    names = [n for n in packs.harness_modules() if n != "__main__"]
    lines = ["found = []"]
    for name in names:
        # the imported name is used (an import rule fires only on a used import)
        lines += ["try:", "    import %s" % name, "    found.append(%s)" % name, "except ImportError:", "    pass"]
    lines += ["", "", "def %s(data):" % entry_point,
              "    if found:", "        raise RuntimeError('ESCAPED: imported %d harness module(s)' % len(found))",
              "    raise ImportError('contained: no harness module is importable')"]
    return "\n".join(lines) + "\n", names


def scripts(tests_dir, args):
    """The pack's own test scripts (tests/test_*.py, given --pack and --device), each must exit 0."""
    ok = True
    for path in sorted(glob.glob(os.path.join(tests_dir, "test_*.py"))):
        t0 = time.time()
        rc = subprocess.call([sys.executable, path, "--pack", args.pack, "--device", args.device]
                             + (["--max-runs", str(args.max_runs)] if args.max_runs else []))
        print("%-36s %s in %.1f s" % (os.path.basename(path), "ok" if rc == 0 else "FAIL: exit %d" % rc,
                                      time.time() - t0), flush=True)
        ok &= rc == 0
    return ok


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
    tests_dir = os.path.join(args.pack, "tests")
    entry_point = packs.load_pack(args.pack)["entry_point"]
    ok = True
    probes = HostProbes()
    escapes = []
    worker = Worker(args.pack, args.device, "as-specified", args.max_runs)
    try:
        sent = []
        for path in candidates(tests_dir, args.only):
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
        imports, names = import_harness_candidate(entry_point)
        ok &= judge("import every harness module", worker.evaluate("imports", imports), "REJECTED",
                    "harness-import", "imports")
    finally:
        worker.close()
    ok &= no_escape(probes, "with static rules")
    # The OS alone: the escapes with the static rules switched off must be contained all the same (no
    # OK, nothing left on the host), and no harness module may be importable.
    bare = Worker(args.pack, args.device, "as-specified", args.max_runs, static_rules=False)
    try:
        for name, code, timeout, escape in escapes:
            res = bare.evaluate(name + " (no rules)", code, timeout or TIMEOUT_FOR.get(name))
            contained = ["RUNTIME_ERROR", "CRASHED", "REJECTED", "TIMEOUT", "INCORRECT"]
            ok &= judge("%s (%s, no static rules)" % (name, escape), res, contained, None, name + " (no rules)")
            iso = res.get("isolation") or {}
            ok &= res["status"] in ("CRASHED", "TIMEOUT") or all(iso.get(k) is True for k in ("unprivileged", "net_ns", "read_only", "pid_ns")) \
                or _say("    isolation not fully applied: %s" % iso)
        res = bare.evaluate("imports (no rules)", imports)
        ok &= judge("import %d harness modules (no static rules)" % len(names), res, "RUNTIME_ERROR", None,
                    "imports (no rules)")
        ok &= "contained" in res["message"] or _say("    %s" % res["message"])
    finally:
        bare.close()
    ok &= no_escape(probes, "without static rules")
    if not args.only:
        ok &= scripts(tests_dir, args)
    print("%s in %.1f s" % ("all as expected" if ok else "MISMATCHES", time.time() - t0))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": args.device, "ok": ok, "rows": ROWS}, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
