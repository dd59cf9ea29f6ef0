"""Warm evaluation worker of any problem pack: one per device slot, started once by the evaluator service.

    /usr/bin/python3 problems/_harness/worker.py --pack problems/<id> --device cpu|cuda \
        [--mask-semantics as-specified|official-all-ones]

It imports torch once (never initialising CUDA itself), prints one ready line, then reads one JSON
request per line on stdin and writes exactly one JSON result line per request on its original
stdout, which only the worker can write to (candidates' fds 1 and 2 go to a capture file). Every
candidate runs in a fresh forked child (sandbox.py); problems/README.md documents the protocol.
"""
import argparse
import fcntl
import functools
import ast
import gc
import json
import math
import os
import platform
import secrets
import select
import shutil
import subprocess
import sys
import tempfile
import time

PROBLEMS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PROBLEMS_DIR not in sys.path:
    sys.path.insert(0, PROBLEMS_DIR)

import torch  # noqa: E402

from _harness import child, isolation, packs, sandbox, static_checks  # noqa: E402

# Environment variables a candidate process keeps (everything else, API keys included, is dropped):
# the same in tests and benchmarks, so the environment tells a candidate nothing about the mode.
ENV_KEEP = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "CUDA_MODULE_LOADING",
            "CUDA_HOME", "CUDA_PATH", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES", "TRITON_CACHE_DIR",
            "TRITON_PTXAS_PATH", "TORCHINDUCTOR_CACHE_DIR", "TORCHINDUCTOR_COMPILE_THREADS", "OMP_NUM_THREADS",
            "MKL_NUM_THREADS", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE")
DEFAULT_SANDBOX_UID = 61000  # as root, candidates run as this uid/gid (no passwd entry needed)
MASK_SEMANTICS = ("as-specified", "official-all-ones")
STATUSES = ("OK", "INCORRECT", "SYNTAX_ERROR", "RUNTIME_ERROR", "TIMEOUT", "REJECTED", "CRASHED")
MESSAGE_LIMIT = 1500  # room for a construction in a value pack's OK message (26 circles: ~900 characters)
# timer-disagreement: a benchmark whose host wall clock (around a device-wide synchronize) exceeds
# TIMER_RATIO * its device-event mean + TIMER_SLACK_US had work outside the timed stream. Honest
# kernels show a few tens of microseconds of difference (synchronize and event latency).
TIMER_RATIO = 1.10
TIMER_SLACK_US = 100.0
# Imported once in the worker (CUDA device) so every forked candidate finds them loaded; none of
# them may initialise CUDA (a forked child could not use it then), which the probe below proves.
# (torch._dynamo / torch._inductor are left out: importing them can touch the CUDA driver.)
PRELOAD_CUDA = tuple(m for m in os.environ.get("HARNESS_PRELOAD", "triton,triton.language").split(",") if m)


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
    info = {"gpu_name": torch.cuda.get_device_name(0), "cuda": torch.version.cuda, "driver": None,
            "uuid": str(getattr(torch.cuda.get_device_properties(0), "uuid", "") or "")}
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20)
        lines = out.stdout.strip().splitlines() if out.returncode == 0 else []
        info["driver"] = lines[0] if lines else None
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

    def __init__(self, pack_dir, device, mask_semantics=None, protocol_fd=None, max_runs=None,
                 stage_ahead=True, static_rules=True, isolate=True, sandbox_uid=DEFAULT_SANDBOX_UID):
        self.pack = packs.load_pack(pack_dir)
        self.problem = self.pack["problem"]
        self.value_score = self.pack["score"]["kind"] == "value"
        # Static rules off (--static-rules off) is for proving the OS sandbox alone contains escapes.
        self.static_rules = static_rules
        self.device = device
        self.mask_semantics = mask_semantics or self.pack.get("mask_semantics") or "as-specified"
        self.protocol_fd = protocol_fd
        # While one candidate runs the next is forked and staged, its CUDA context created ahead (saves
        # ~0.15-0.2 s per candidate; an A/B on the H100 showed no effect of that idle context on timing).
        self.stage_ahead = stage_ahead
        if device not in self.pack["device_cases"]:
            raise SystemExit("pack has no cases for device %r" % device)
        self.timing_override = None
        if max_runs and self.pack.get("timing"):  # testing only (check_space, the hack suite): fewer timed calls, each still checked
            self.timing_override = {"max_runs": int(max_runs)}
            timing = self.pack["timing"][device]
            warm = dict(timing.get("warmup") or {})
            warm["max_runs"] = min(int(max_runs), int(warm.get("max_runs", max_runs)))
            self.pack["timing"][device] = dict(timing, max_runs=int(max_runs), warmup=warm,
                                               min_runs=min(int(max_runs), timing["min_runs"]))
        self.limits = dict(self.pack.get("limits", {}).get(device) or {})
        self.host_memory = float(self.limits.pop("host_memory_gib", 0) or 0) * 2 ** 30
        self.workdir = tempfile.mkdtemp(prefix="%s-worker-" % self.pack["id"])
        # Compile caches live as long as the worker, shared by its candidates (Triton, Inductor);
        # Inductor compiles in-process (no compile-worker pool inside the sandbox).
        self.caches = [os.path.join(self.workdir, "triton-cache"), os.path.join(self.workdir, "inductor-cache")]
        os.environ["TRITON_CACHE_DIR"], os.environ["TORCHINDUCTOR_CACHE_DIR"] = self.caches
        os.environ["TORCHINDUCTOR_COMPILE_THREADS"] = "1"
        os.environ.setdefault("CUDA_MODULE_LOADING", "LAZY")
        self.isolate_spec = self._isolation(isolate, sandbox_uid)
        self.preloaded = _preload(device)
        # Everything imported so far lives as long as the worker: move it out of the collector's
        # generations, so a forked candidate's collections neither walk it nor copy its pages.
        gc.collect()
        gc.freeze()
        self.hardware = self._hardware()

    def _isolation(self, wanted, uid):
        """The spec isolation.py applies in every child, or None (--isolation off). As root the
        candidate's files (scratch, compile caches) belong to the sandbox uid, and the GPU device
        nodes' group is kept when they are not open to everyone."""
        if not wanted:
            return None
        for d in self.caches:
            os.makedirs(d, exist_ok=True)
        spec = {"writable": list(self.caches), "env": None, "uid": None, "gid": None, "groups": []}
        if os.geteuid() == 0:
            spec["uid"] = spec["gid"] = int(uid)
            os.chmod(self.workdir, 0o711)
            for d in self.caches:
                os.chown(d, spec["uid"], spec["gid"])
            if self.device == "cuda":
                groups = set()
                for node in ("/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia0"):
                    try:
                        st = os.stat(node)
                    except OSError:
                        continue
                    if st.st_mode & 0o006 != 0o006:
                        groups.add(st.st_gid)
                spec["groups"] = sorted(groups)
        return spec

    def child_spec(self, scratch):
        """The isolation spec for one candidate: its scratch directory writable, its own HOME and TMPDIR."""
        if self.isolate_spec is None:
            return None
        spec = dict(self.isolate_spec, writable=[scratch] + self.isolate_spec["writable"])
        env = {k: v for k, v in os.environ.items() if k in ENV_KEEP}
        # USER/LOGNAME: the sandbox uid has no passwd entry, and getpass.getuser() (Inductor) reads these first
        env.update(HOME=scratch, TMPDIR=scratch, PYTHONDONTWRITEBYTECODE="1", USER="candidate", LOGNAME="candidate")
        spec["env"] = env
        if spec["uid"] is not None:
            os.chown(scratch, spec["uid"], spec["gid"])
        return spec

    def _hardware(self):
        hw = {"device": self.device, "gpu_name": None, "driver": None, "torch": torch.__version__,
              "triton": _triton_version(), "python": platform.python_version(), "cpu": _cpu_name()}
        if self.device == "cuda":
            # Probe under the candidates' own limits: if CUDA cannot start under the host-heap cap
            # (RLIMIT_DATA), drop that cap rather than fail every candidate, and say so.
            scratch = tempfile.mkdtemp(dir=self.workdir)
            outcome, payload = sandbox.run_in_child(_probe_gpu, scratch, os.path.join(scratch, "probe.log"), 120,
                                                    self.limits, self._close_fds(), isolate=self.child_spec(scratch))
            if outcome != "ok" and self.limits.pop("data_gib", None):
                hw["limits_note"] = "RLIMIT_DATA dropped: CUDA did not initialise under it (%s)" % outcome
                outcome, payload = sandbox.run_in_child(_probe_gpu, scratch, os.path.join(scratch, "probe.log"),
                                                        120, self.limits, self._close_fds(),
                                                        isolate=self.child_spec(scratch))
            if outcome != "ok":
                raise SystemExit("CUDA probe failed: %s %s: %s" % (outcome, payload,
                                                                 _tail(os.path.join(scratch, "probe.log"), 1500)))
            hw.update(gpu_name=payload["gpu_name"], driver=payload["driver"], cuda=payload["cuda"])
            if payload.get("isolation"):
                hw["isolation"] = payload["isolation"]
            # One candidate at a time per physical GPU, across workers: two workers on one GPU
            # time-slice it and corrupt each other's timings (measured: timer-disagreement fires).
            key = "".join(ch for ch in payload.get("uuid") or os.environ.get("CUDA_VISIBLE_DEVICES", "all")
                          if ch.isalnum() or ch == "-")
            self.gpu_lock_path = os.path.join(tempfile.gettempdir(), "harness-gpu-%s.lock" % key)
        return hw

    def gpu_lock(self):
        """Blocking exclusive lock on this worker's GPU (None on CPU); release with os.close."""
        if self.device != "cuda" or not getattr(self, "gpu_lock_path", None):
            return None
        fd = os.open(self.gpu_lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    def _close_fds(self):
        return (self.protocol_fd,) if self.protocol_fd is not None else ()

    def default_timeout(self):
        return float(self.pack["timeouts"][self.device])

    def result(self, request_id, status, message="", mask_semantics=None, **extra):
        res = {"id": request_id, "status": status, "message": _trim(message), "score": None, "score_us": None,
               "benchmarks": [], "tests": {"passed": 0, "total": len(self.pack["device_cases"][self.device]["tests"])},
               "checks_fired": [], "hardware": self.hardware, "mask_semantics": mask_semantics or self.mask_semantics,
               "timings_ms": {"static": 0.0, "load": 0.0, "test": 0.0, "benchmark": 0.0, "total": 0.0}}
        if self.timing_override:
            res["timing_override"] = self.timing_override
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
        if not self.static_rules:
            return None
        fired = static_checks.check_source(tree, code, self.pack["rules"])
        rejecting = [f for f in fired if f["action"] == "reject"]
        if rejecting:
            first = rejecting[0]
            return "REJECTED", "rule %s (line %d): %s" % (first["id"], first["line"], first["message"]), \
                [f["id"] for f in fired]
        return None if not fired else (None, "", [f["id"] for f in fired])

    def prepare(self, code, request_id=None, timeout_s=None, stage=True, mask_semantics=None):
        """Static checks now; then (unless they decided) fork the candidate's child, staged: it sets up
        its sandbox and CUDA context and waits for Job.start(). The worker prepares the next request
        while the previous candidate is still on the GPU."""
        mask_semantics = mask_semantics or self.mask_semantics
        if mask_semantics not in MASK_SEMANTICS:
            raise ValueError("unknown mask_semantics %r (one of %s)" % (mask_semantics, ", ".join(MASK_SEMANTICS)))
        job = Job(self, request_id, float(timeout_s or self.default_timeout()), mask_semantics)
        verdict = self.static_check(code)
        job.t_static = (time.perf_counter() - job.t_start) * 1e3
        if verdict and verdict[0]:
            job.res = self.result(request_id, verdict[0], verdict[1], mask_semantics, checks_fired=verdict[2])
            job.res["timings_ms"]["static"] = job.res["timings_ms"]["total"] = job.t_static
            return job
        job.warnings = verdict[2] if verdict else []
        job.scratch = tempfile.mkdtemp(prefix="cand-", dir=self.workdir)
        source_path = os.path.join(job.scratch, "submission.py")
        with open(source_path, "w") as f:
            f.write(code)
        for name in self.pack.get("submission_files") or ():  # what the official runner puts beside it
            shutil.copy(os.path.join(self.pack["dir"], name), os.path.join(job.scratch, os.path.basename(name)))
        job.capture = os.path.join(job.scratch, "candidate.log")
        job.token = secrets.token_hex(16)
        pack, device, mask, threads, token = self.pack, self.device, mask_semantics, self.limits.get("threads"), job.token

        def prepare_in_child():
            if device == "cuda":
                torch.cuda.init()
                torch.empty(1, device="cuda")  # creates the context; launches no kernel

        def in_child():
            _hide_harness()
            if threads:
                torch.set_num_threads(int(threads))
            return child.evaluate(pack, device, mask, source_path, token)

        job.child = sandbox.Child(in_child, job.scratch, job.capture, job.timeout_s, self.limits, self._close_fds(),
                                  prepare=prepare_in_child, staged=stage, isolate=self.child_spec(job.scratch))
        job.t_fork = (time.perf_counter() - job.t_start) * 1e3
        return job

    def evaluate(self, code, request_id=None, timeout_s=None, mask_semantics=None):
        job = self.prepare(code, request_id, timeout_s, stage=False, mask_semantics=mask_semantics)
        job.start()
        while not job.poll(0.05):
            pass
        return job.result()

    def validate(self, request_id, outcome, payload, token, capture, timeout_s, mask_semantics=None, memory=None):
        """Turn the child's outcome into a result, trusting only what cannot be recomputed here."""
        result = functools.partial(self.result, mask_semantics=mask_semantics)
        if memory is not None:
            return result(request_id, "CRASHED", memory, checks_fired=["host-memory"])
        if outcome == "timeout":
            return result(request_id, "TIMEOUT", "no result within %.0f s; process group killed" % timeout_s)
        if outcome == "malformed":
            return result(request_id, "REJECTED", payload, checks_fired=["result-channel"])
        if outcome == "crashed":
            tail = _tail(capture)
            return result(request_id, "CRASHED", payload + (": " + tail if tail else ""))
        if not isinstance(payload, dict) or payload.get("token") != token or payload.get("status") not in STATUSES:
            return result(request_id, "REJECTED", "the result channel carried an invalid result",
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
            return result(request_id, payload["status"], message, tests=tests, checks_fired=checks,
                               timings_ms={**result(None, "OK")["timings_ms"], **timings})
        benches = payload.get("benchmarks") or []
        expected = self.pack["device_cases"][self.device]["benchmarks"]
        if len(benches) != len(expected) or tests["passed"] != tests["total"]:
            return result(request_id, "REJECTED", "incomplete result from the candidate process",
                               checks_fired=["result-channel"])
        if self.value_score:
            return self._validate_constructions(request_id, payload, tests, timings, result)
        clean = []
        for case, b in zip(expected, benches):
            mean, wall = float(b["mean_us"]), float(b.get("wall_mean_us", b["mean_us"]))
            if not (math.isfinite(mean) and mean > 0):
                return result(request_id, "REJECTED", "non-positive time on %s" % case["name"],
                                   checks_fired=["result-channel"])
            clean.append({"name": case["name"], **child._describe(self.problem, case), "mean_us": mean,
                          "std_us": float(b["std_us"]), "runs": int(b["runs"]),
                          "best_us": float(b["best_us"]), "wall_mean_us": wall})
            if self.device == "cuda":
                # Device events on the default stream vs the host clock around a device-wide sync.
                if wall > TIMER_RATIO * mean + TIMER_SLACK_US:
                    return result(request_id, "REJECTED",
                                       "%s: host wall clock %.0f us vs device events %.0f us: work escaped the timed "
                                       "stream" % (case["name"], wall, mean), checks_fired=["timer-disagreement"],
                                       tests=tests, benchmarks=clean)
                floor_cfg = (self.pack.get("physics_floor") or {}).get("cuda")
                if floor_cfg:
                    floor = self.problem.physics_floor_us(case, floor_cfg) * float(floor_cfg.get("margin", 1.0))
                    if mean < floor:
                        return result(request_id, "REJECTED",
                                           "%s: %.1f us is below the physics floor %.1f us" % (case["name"], mean, floor),
                                           checks_fired=["physics-floor"], tests=tests, benchmarks=clean)
        score = math.exp(sum(math.log(b["mean_us"]) for b in clean) / len(clean))
        return result(request_id, "OK", "passed %d tests; geomean %.1f us over %d benchmarks"
                           % (tests["total"], score, len(clean)), score=score, score_us=score, benchmarks=clean,
                           tests=tests, timings_ms={**result(None, "OK")["timings_ms"], **timings})

    def _validate_constructions(self, request_id, payload, tests, timings, result):
        """Score kind value: every construction is checked and scored here, in the worker, from the plain
        data the candidate's process exported; nothing it computed about itself is believed."""
        cases = self.pack["device_cases"][self.device]
        built = list(payload.get("tests") or []) + list(payload.get("benchmarks") or [])
        wanted = cases["tests"] + cases["benchmarks"]
        if len(built) != len(wanted) or any(not isinstance(b, dict) or b.get("name") != c["name"]
                                            for b, c in zip(built, wanted)):
            return result(request_id, "REJECTED", "incomplete result from the candidate process",
                          checks_fired=["result-channel"])
        scores, benchmarks = [], []
        for i, (case, b) in enumerate(zip(wanted, built)):
            value, failed = self.problem.score(b.get("construction"), case)
            if failed:
                check, message = failed
                return result(request_id, "INCORRECT", "%s: %s" % (case["name"], message), tests=tests,
                              checks_fired=[check], timings_ms={**result(None, "OK")["timings_ms"], **timings})
            if i >= len(cases["tests"]):
                scores.append(float(value))
                seconds = float(b.get("seconds") or 0.0)
                benchmarks.append({"name": case["name"], **child._describe(self.problem, case), "score": value,
                                   "mean_us": seconds * 1e6, "std_us": 0.0, "runs": 1, "best_us": seconds * 1e6})
        score = sum(scores) / len(scores)
        message = "%s %.6g over %d case(s)" % (self.pack["score"].get("name", "score"), score, len(scores))
        render = getattr(self.problem, "render", None)
        if render is not None and built[len(cases["tests"]):]:
            # The construction itself (the first benchmark case's), as the problem writes it: what a user keeps.
            message += "; " + str(render(built[len(cases["tests"])].get("construction"), wanted[len(cases["tests"])]))
        return result(request_id, "OK", message,
                      score=score, benchmarks=benchmarks, tests=tests,
                      timings_ms={**result(None, "OK")["timings_ms"], **timings})


class Job:
    """One request through the worker: static verdict or a (staged) child, then the validated result."""

    def __init__(self, evaluator, request_id, timeout_s, mask_semantics=None):
        self.ev, self.request_id, self.timeout_s = evaluator, request_id, timeout_s
        self.mask_semantics = mask_semantics or evaluator.mask_semantics
        self.memory = None  # MemoryWatch once started
        self.t_start = time.perf_counter()
        self.t_static = self.t_fork = 0.0
        self.res, self.child, self.scratch, self.warnings = None, None, None, []
        self.t_go = None
        self.lock_fd = None

    @property
    def staged(self):
        return self.child is not None and self.t_go is None

    def start(self):
        if self.child is not None and self.t_go is None:
            t_lock = time.perf_counter()
            self.lock_fd = self.ev.gpu_lock()
            self.lock_wait_ms = (time.perf_counter() - t_lock) * 1e3
            self.t_go = time.perf_counter()
            self.child.go()
            if self.ev.host_memory:
                self.memory = MemoryWatch(self.child.pid, self.ev.host_memory)

    def poll(self, wait_s=0.0):
        if self.res is not None:
            return True
        if self.memory is not None and self.memory.exceeded():
            self.child.outcome, self.child.done = "timeout", True  # finish() kills the whole group
            self._finish()
            return True
        if self.child.poll(wait_s):
            self._finish()
            return True
        return False

    def cancel(self, why):
        if self.res is None and self.child is not None:
            self.child.cancel()
            self._unlock()
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.res = self.ev.result(self.request_id, "CRASHED", why, self.mask_semantics)

    def _unlock(self):
        if self.lock_fd is not None:
            os.close(self.lock_fd)
            self.lock_fd = None

    def _finish(self):
        try:
            outcome, payload = self.child.finish()
            self._unlock()
            over = self.memory.message() if self.memory is not None and self.memory.over else None
            res = self.ev.validate(self.request_id, outcome, payload, self.token, self.capture, self.timeout_s,
                                   self.mask_semantics, over)
            if isinstance(payload, dict) and isinstance(payload.get("isolation"), dict):
                res["isolation"] = payload["isolation"]  # what the OS sandbox applied for this candidate
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
        res["checks_fired"] = self.warnings + res["checks_fired"]
        res["timings_ms"]["static"] = self.t_static
        res["timings_ms"]["total"] = (time.perf_counter() - self.t_start) * 1e3
        # Additive fields: when the child was forked, how long it waited staged, and the run itself.
        res["timings_ms"]["staged_wait"] = ((self.t_go - self.t_start) * 1e3 - self.t_fork) if self.t_go else 0.0
        res["timings_ms"]["run"] = (time.perf_counter() - self.t_go) * 1e3 if self.t_go else 0.0
        res["timings_ms"]["gpu_lock_wait"] = getattr(self, "lock_wait_ms", 0.0)
        self.res = res

    def result(self):
        return self.res


class MemoryWatch:
    """Host memory of one candidate's process tree, polled by the worker: RLIMIT_AS cannot be used with
    CUDA, so a candidate that allocates host memory without bound is killed as soon as its tree's
    resident memory passes the pack's `host_memory_gib`, long before the machine swaps or the
    allocation fails deep inside a CUDA call. The tree is re-read every second; the known pids'
    resident sizes on every poll."""

    RESCAN_S = 1.0

    def __init__(self, root_pid, limit_bytes):
        self.root, self.limit, self.pids, self.scanned = root_pid, limit_bytes, {root_pid}, 0.0
        self.over, self.peak = None, 0
        self.page = os.sysconf("SC_PAGE_SIZE")

    def _rescan(self):
        self.pids = {self.root} | isolation.descendants(self.root, isolation.process_table())
        self.scanned = time.monotonic()

    def exceeded(self):
        if time.monotonic() - self.scanned > self.RESCAN_S:
            self._rescan()
        total = 0
        for pid in list(self.pids):
            try:
                with open("/proc/%d/statm" % pid) as f:
                    total += int(f.read().split()[1]) * self.page
            except (OSError, ValueError, IndexError):
                self.pids.discard(pid)
        self.peak = max(self.peak, total)
        if total > self.limit:
            self.over = total
        return self.over is not None

    def message(self):
        return "host memory limit: the candidate's processes held %.1f GiB resident, the limit is %.1f GiB; " \
               "process group killed" % (self.over / 2 ** 30, self.limit / 2 ** 30)


def _preload(device):
    if device != "cuda":
        return []
    done = []
    for name in PRELOAD_CUDA:
        try:
            __import__(name)
            done.append(name)
        except Exception:  # noqa: BLE001 - optional accelerators of the first candidate that needs them
            pass
    if torch.cuda.is_initialized():
        raise SystemExit("preloading initialised CUDA in the worker; children could not use it")
    return done


def _hide_harness():
    """In the child, before the candidate loads: every harness module (the package, its modules, the
    pack's problem module; the list derived from the package) leaves sys.modules, and the problems
    folder and the package folder leave sys.path, so no import reaches them (the functions already
    bound keep working)."""
    # Relative entries go too: the child's working directory is its scratch dir by now, so they could not
    # be compared (and the submission's folder is added as an absolute path).
    hidden = (os.path.abspath(PROBLEMS_DIR), os.path.abspath(packs.HARNESS_DIR))
    sys.path[:] = [p for p in sys.path if p and os.path.isabs(p) and os.path.normpath(p) not in hidden]
    sys.path_importer_cache.clear()
    names = packs.harness_modules()
    for name in list(sys.modules):
        if name in names or name.startswith(packs.PACKAGE + "."):
            sys.modules.pop(name, None)


class _Lines:
    """Non-blocking line reader over a raw fd (no thread: the worker forks)."""

    def __init__(self, fd):
        self.fd, self.buf, self.eof, self.lines = fd, b"", False, []

    def pump(self, wait_s):
        if self.eof:
            return
        ready, _, _ = select.select([self.fd], [], [], wait_s)
        if not ready:
            return
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            self.eof = True
            if self.buf.strip():
                self.lines.append(self.buf)
            self.buf = b""
            return
        self.buf += chunk
        *full, self.buf = self.buf.split(b"\n")
        self.lines.extend(line for line in full if line.strip())


def _parse(evaluator, raw):
    try:
        req = json.loads(raw.decode("utf-8", "replace"))
        if not isinstance(req, dict) or not isinstance(req.get("code"), str):
            raise ValueError("a request needs a string field 'code'")
        if req.get("mask_semantics") not in (None,) + MASK_SEMANTICS:
            raise ValueError("mask_semantics must be one of %s" % ", ".join(MASK_SEMANTICS))
        return req, None
    except ValueError as exc:
        return None, evaluator.result(None, "RUNTIME_ERROR", "malformed request: %s" % exc)


def _serve(evaluator, proto, stdin_fd=0):
    """Results in request order. While one candidate runs, the next queued request is parsed,
    statically checked and its child forked and staged (sandbox and CUDA context ready), so the
    GPU goes from one candidate to the next without waiting for the CPU-side work."""
    def emit(obj):
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    emit({"ready": True, "device": evaluator.device, "hardware": evaluator.hardware,
          "mask_semantics": evaluator.mask_semantics, "pid": os.getpid(), "preloaded": evaluator.preloaded,
          "stage_ahead": evaluator.stage_ahead, "problem": evaluator.pack["id"],
          "score": {k: evaluator.pack["score"][k] for k in ("kind", "better")}})
    lines = _Lines(stdin_fd)
    pipeline = []  # Jobs (or finished results) in request order
    while True:
        running = next((j for j in pipeline if isinstance(j, Job) and j.t_go is not None and j.res is None), None)
        if not lines.lines:
            lines.pump(0.05 if (running or pipeline) else None)
        # Prepare at most one job ahead of the running one (statically decided ones cost nothing).
        while lines.lines:
            staged = [j for j in pipeline if isinstance(j, Job) and j.staged]
            if staged or (running and not evaluator.stage_ahead):
                break
            raw = lines.lines.pop(0)
            req, bad = _parse(evaluator, raw)
            if bad:
                pipeline.append(bad)
                continue
            try:
                pipeline.append(evaluator.prepare(req["code"], req.get("id"), req.get("timeout_s"),
                                                  mask_semantics=req.get("mask_semantics")))
            except Exception as exc:  # noqa: BLE001 - errors are values; the worker keeps serving
                pipeline.append(evaluator.result(req.get("id"), "CRASHED", "harness error: %s: %s"
                                                 % (type(exc).__name__, exc)))
        if running is None:
            nxt = next((j for j in pipeline if isinstance(j, Job) and j.res is None), None)
            if nxt is not None:
                nxt.start()
                running = nxt
        if running is not None:
            try:
                running.poll(0.05)
            except Exception as exc:  # noqa: BLE001
                running.cancel("harness error: %s: %s" % (type(exc).__name__, exc))
        while pipeline and (not isinstance(pipeline[0], Job) or pipeline[0].res is not None):
            head = pipeline.pop(0)
            emit(head if not isinstance(head, Job) else head.result())
        if lines.eof and not lines.lines and not pipeline:
            return


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pack", required=True, help="problem pack folder (problems/<id>)")
    ap.add_argument("--device", required=True, choices=("cpu", "cuda"))
    ap.add_argument("--mask-semantics", default=None, choices=MASK_SEMANTICS,
                    help="default for requests that carry no mask_semantics field (default: the pack's)")
    ap.add_argument("--static-rules", default="on", choices=("on", "off"),
                    help="off: skip rules.yml (to prove the OS sandbox alone contains escapes)")
    ap.add_argument("--isolation", default="on", choices=("on", "off"),
                    help="namespaces, read-only view, unprivileged uid (isolation.py); off only for diagnosis")
    ap.add_argument("--sandbox-uid", type=int, default=DEFAULT_SANDBOX_UID,
                    help="as root, the uid and gid candidates run as")
    ap.add_argument("--max-runs", type=int, default=None,
                    help="cap timed calls per benchmark, each still checked: quicker, noisier scores "
                         "(tests, discover.evaluator.max-timed-runs; results carry timing_override)")
    ap.add_argument("--no-stage-ahead", action="store_true",
                    help="do not prepare the next request while one runs (for measurements)")
    args = ap.parse_args(argv)
    # The protocol goes to a private duplicate of the original stdout; fd 1 then points at stderr so
    # stray prints (ours, torch's, a library's) can never corrupt it.
    proto_fd = os.dup(1)
    os.set_inheritable(proto_fd, False)
    os.dup2(2, 1)
    proto = os.fdopen(proto_fd, "w", buffering=1)
    evaluator = Evaluator(args.pack, args.device, args.mask_semantics, protocol_fd=proto_fd,
                          max_runs=args.max_runs, stage_ahead=not args.no_stage_ahead, static_rules=args.static_rules == "on", isolate=args.isolation == "on",
                          sandbox_uid=args.sandbox_uid)
    try:
        _serve(evaluator, proto)
    finally:
        shutil.rmtree(evaluator.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
