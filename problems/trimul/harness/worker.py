"""Warm TriMul evaluation worker: one per device slot, started once by the evaluator service.

    /usr/bin/python3 problems/trimul/harness/worker.py --pack problems/trimul --device cpu|cuda \
        [--mask-semantics as-specified|official-all-ones]

It imports torch once (never initialising CUDA itself), prints one ready line, then reads one JSON
request per line on stdin and writes exactly one JSON result line per request on its original
stdout, which only the worker can write to (candidates' fds 1 and 2 go to a capture file). Every
candidate runs in a fresh forked child (sandbox.py); the README documents the protocol.
"""
import argparse
import ast
import json
import math
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

HARNESS_DIR = os.path.dirname(os.path.abspath(__file__))
if HARNESS_DIR not in sys.path:
    sys.path.insert(0, HARNESS_DIR)

import torch  # noqa: E402

import child  # noqa: E402
import problem  # noqa: E402
import sandbox  # noqa: E402
import static_checks  # noqa: E402

HARNESS_MODULES = ("child", "problem", "sandbox", "static_checks", "worker", "program_space", "check_space")
STATUSES = ("OK", "INCORRECT", "SYNTAX_ERROR", "RUNTIME_ERROR", "TIMEOUT", "REJECTED", "CRASHED")
MESSAGE_LIMIT = 500


def _triton_version():
    try:
        import triton
        return triton.__version__
    except Exception:  # noqa: BLE001 - Triton is optional (absent on CPU machines)
        return None


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _probe_gpu():
    """Runs in a throwaway child so the worker itself never initialises CUDA (children fork from it)."""
    info = {"gpu_name": torch.cuda.get_device_name(0), "cuda": torch.version.cuda, "driver": None}
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20)
        info["driver"] = out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout.strip() else None
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def _trim(text):
    text = " ".join(str(text).split())
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT - 3] + "..."


def _tail(path, n=300):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - n))
            return f.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


class Evaluator:
    """Parent side of one evaluation: static checks, compile, fork, validate. Used by the worker loop
    and by check_space.py, so both go through the same path."""

    def __init__(self, pack_dir, device, mask_semantics="as-specified", protocol_fd=None):
        self.pack = problem.load_pack(pack_dir)
        self.device = device
        self.mask_semantics = mask_semantics
        self.protocol_fd = protocol_fd
        if device not in self.pack["device_cases"]:
            raise SystemExit("pack has no cases for device %r" % device)
        self.limits = dict(self.pack.get("limits", {}).get(device) or {})
        self.workdir = tempfile.mkdtemp(prefix="trimul-worker-")
        os.environ.setdefault("TRITON_CACHE_DIR", os.path.join(self.workdir, "triton-cache"))
        self.hardware = self._hardware()

    def _hardware(self):
        hw = {"device": self.device, "gpu_name": None, "driver": None, "torch": torch.__version__,
              "triton": _triton_version(), "python": platform.python_version(), "cpu": _cpu_name()}
        if self.device == "cuda":
            scratch = tempfile.mkdtemp(dir=self.workdir)
            outcome, payload = sandbox.run_in_child(_probe_gpu, scratch, os.path.join(scratch, "probe.log"), 120,
                                                    {}, self._close_fds())
            if outcome != "ok":
                raise SystemExit("CUDA probe failed: %s %s" % (outcome, payload))
            hw.update(gpu_name=payload["gpu_name"], driver=payload["driver"], cuda=payload["cuda"])
        return hw

    def _close_fds(self):
        return (self.protocol_fd,) if self.protocol_fd is not None else ()

    def default_timeout(self):
        return float(self.pack["timeouts"][self.device])

    def result(self, request_id, status, message="", **extra):
        res = {"id": request_id, "status": status, "message": _trim(message), "score_us": None,
               "benchmarks": [], "tests": {"passed": 0, "total": len(self.pack["device_cases"][self.device]["tests"])},
               "checks_fired": [], "hardware": self.hardware, "mask_semantics": self.mask_semantics,
               "timings_ms": {"static": 0.0, "load": 0.0, "test": 0.0, "benchmark": 0.0, "total": 0.0}}
        res.update(extra)
        return res

    def static_check(self, code):
        """(status, message, checks) or None when the source may run."""
        try:
            tree = ast.parse(code, filename="submission.py")
            compile(tree, "submission.py", "exec")
        except SyntaxError as exc:
            return "SYNTAX_ERROR", "line %s: %s" % (exc.lineno, exc.msg), []
        except ValueError as exc:  # e.g. NUL bytes in the source
            return "SYNTAX_ERROR", str(exc), []
        fired = static_checks.check_source(tree, code, self.pack["rules"])
        rejecting = [f for f in fired if f["action"] == "reject"]
        if rejecting:
            first = rejecting[0]
            return "REJECTED", "rule %s (line %d): %s" % (first["id"], first["line"], first["message"]), \
                [f["id"] for f in fired]
        return None if not fired else (None, "", [f["id"] for f in fired])

    def evaluate(self, code, request_id=None, timeout_s=None):
        t_start = time.perf_counter()
        timeout_s = float(timeout_s or self.default_timeout())
        verdict = self.static_check(code)
        warnings = []
        if verdict and verdict[0]:
            res = self.result(request_id, verdict[0], verdict[1], checks_fired=verdict[2])
            res["timings_ms"]["static"] = res["timings_ms"]["total"] = (time.perf_counter() - t_start) * 1e3
            return res
        if verdict:
            warnings = verdict[2]
        t_static = (time.perf_counter() - t_start) * 1e3
        scratch = tempfile.mkdtemp(prefix="cand-", dir=self.workdir)
        try:
            source_path = os.path.join(scratch, "submission.py")
            with open(source_path, "w") as f:
                f.write(code)
            capture = os.path.join(scratch, "candidate.log")
            token = secrets.token_hex(16)
            pack, device, mask, threads = self.pack, self.device, self.mask_semantics, self.limits.get("threads")

            def in_child():
                _hide_harness()
                if threads:
                    torch.set_num_threads(int(threads))
                return child.evaluate(pack, device, mask, source_path, token)

            outcome, payload = sandbox.run_in_child(in_child, scratch, capture, timeout_s, self.limits,
                                                    self._close_fds())
            res = self.validate(request_id, outcome, payload, token, capture, timeout_s)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        res["checks_fired"] = warnings + res["checks_fired"]
        res["timings_ms"]["static"] = t_static
        res["timings_ms"]["total"] = (time.perf_counter() - t_start) * 1e3
        return res

    def validate(self, request_id, outcome, payload, token, capture, timeout_s):
        """Turn the child's outcome into a result, trusting only what cannot be recomputed here."""
        if outcome == "timeout":
            return self.result(request_id, "TIMEOUT", "no result within %.0f s; process group killed" % timeout_s)
        if outcome == "crashed":
            tail = _tail(capture)
            return self.result(request_id, "CRASHED", payload + (": " + tail if tail else ""))
        if not isinstance(payload, dict) or payload.get("token") != token or payload.get("status") not in STATUSES:
            return self.result(request_id, "REJECTED", "the result channel carried an invalid result",
                               checks_fired=["result-channel"])
        timings = {k: float(payload.get("timings_ms", {}).get(k, 0.0)) for k in ("load", "test", "benchmark")}
        tests = {"passed": int(payload.get("tests_passed", 0)),
                 "total": len(self.pack["device_cases"][self.device]["tests"])}
        checks = [payload["check"]] if payload.get("check") else []
        if payload["status"] != "OK":
            message = payload.get("message", "")
            if payload["status"] == "RUNTIME_ERROR":
                tail = _tail(capture, 200)
                message += (" | output: " + tail) if tail and "Error" in tail else ""
            return self.result(request_id, payload["status"], message, tests=tests, checks_fired=checks,
                               timings_ms={**self.result(None, "OK")["timings_ms"], **timings})
        benches = payload.get("benchmarks") or []
        expected = self.pack["device_cases"][self.device]["benchmarks"]
        if len(benches) != len(expected) or tests["passed"] != tests["total"]:
            return self.result(request_id, "REJECTED", "incomplete result from the candidate process",
                               checks_fired=["result-channel"])
        clean = []
        for case, b in zip(expected, benches):
            mean, wall = float(b["mean_us"]), float(b.get("wall_mean_us", b["mean_us"]))
            if not (math.isfinite(mean) and mean > 0):
                return self.result(request_id, "REJECTED", "non-positive time on %s" % case["name"],
                                   checks_fired=["result-channel"])
            clean.append({"name": case["name"], "seqlen": case["seqlen"], "bs": case["bs"], "dim": case["dim"],
                          "mean_us": mean, "std_us": float(b["std_us"]), "runs": int(b["runs"]),
                          "best_us": float(b["best_us"])})
            if self.device == "cuda":
                # Device events on the default stream vs the host clock around a device-wide sync.
                if wall > 2.0 * mean + 200.0:
                    return self.result(request_id, "REJECTED",
                                       "%s: host wall clock %.0f us vs device events %.0f us: work escaped the timed "
                                       "stream" % (case["name"], wall, mean), checks_fired=["timer-disagreement"],
                                       tests=tests, benchmarks=clean)
                floor_cfg = (self.pack.get("physics_floor") or {}).get("cuda")
                if floor_cfg:
                    floor = problem.physics_floor_us(case, floor_cfg) * float(floor_cfg.get("margin", 1.0))
                    if mean < floor:
                        return self.result(request_id, "REJECTED",
                                           "%s: %.1f us is below the physics floor %.1f us" % (case["name"], mean, floor),
                                           checks_fired=["physics-floor"], tests=tests, benchmarks=clean)
        score = math.exp(sum(math.log(b["mean_us"]) for b in clean) / len(clean))
        return self.result(request_id, "OK", "passed %d tests; geomean %.1f us over %d benchmarks"
                           % (tests["total"], score, len(clean)), score_us=score, benchmarks=clean, tests=tests,
                           timings_ms={**self.result(None, "OK")["timings_ms"], **timings})


def _hide_harness():
    """In the child, before the candidate loads: harness modules leave sys.modules and the harness
    folder leaves sys.path, so `import problem` or `import worker` cannot reach them (the functions
    already bound keep working)."""
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HARNESS_DIR]
    for name in HARNESS_MODULES:
        sys.modules.pop(name, None)


def _serve(evaluator, proto):
    def emit(obj):
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    emit({"ready": True, "device": evaluator.device, "hardware": evaluator.hardware,
          "mask_semantics": evaluator.mask_semantics, "pid": os.getpid()})
    for raw in sys.stdin:
        if not raw.strip():
            continue
        try:
            req = json.loads(raw)
            if not isinstance(req, dict) or not isinstance(req.get("code"), str):
                raise ValueError("a request needs a string field 'code'")
        except ValueError as exc:
            emit(evaluator.result(None, "RUNTIME_ERROR", "malformed request: %s" % exc))
            continue
        try:
            res = evaluator.evaluate(req["code"], req.get("id"), req.get("timeout_s"))
        except Exception as exc:  # noqa: BLE001 - errors are values; the worker keeps serving
            res = evaluator.result(req.get("id"), "CRASHED", "harness error: %s: %s" % (type(exc).__name__, exc))
        emit(res)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pack", required=True, help="problem pack folder (problems/trimul)")
    ap.add_argument("--device", required=True, choices=("cpu", "cuda"))
    ap.add_argument("--mask-semantics", default="as-specified", choices=("as-specified", "official-all-ones"))
    args = ap.parse_args(argv)
    # The protocol goes to a private duplicate of the original stdout; fd 1 then points at stderr so
    # stray prints (ours, torch's, a library's) can never corrupt it.
    proto_fd = os.dup(1)
    os.set_inheritable(proto_fd, False)
    os.dup2(2, 1)
    proto = os.fdopen(proto_fd, "w", buffering=1)
    evaluator = Evaluator(args.pack, args.device, args.mask_semantics, protocol_fd=proto_fd)
    try:
        _serve(evaluator, proto)
    finally:
        shutil.rmtree(evaluator.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
