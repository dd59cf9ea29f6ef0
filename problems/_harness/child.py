"""What runs inside the forked candidate process: load the submission, then per the pack's score kind
run the tests and time the benchmarks (runtime) or export the candidate's constructions (value). The
outcome goes back to the worker as one JSON object over a pipe; the worker trusts nothing in it that it
can recompute (worker.Evaluator.validate)."""
import gc
import importlib.util
import math
import os
import sys
import time
import traceback
import weakref

import torch

from _harness import isolation

# Bound before any candidate code runs: a candidate that rebinds time.perf_counter or torch.cuda.Event
# later does not change what the harness calls.
_perf_counter = time.perf_counter
_cuda_event = torch.cuda.Event
_cuda_synchronize = torch.cuda.synchronize
_gc_disable, _gc_enable, _gc_isenabled = gc.disable, gc.enable, gc.isenabled


class CandidateFailure(Exception):
    def __init__(self, status, check, message):
        super().__init__(message)
        self.status, self.check, self.message = status, check, message


def _short_exception(exc):
    tb = traceback.extract_tb(exc.__traceback__)
    where = next((f for f in reversed(tb) if f.filename.endswith("submission.py")), tb[-1] if tb else None)
    loc = " (submission.py line %d)" % where.lineno if where and where.filename.endswith("submission.py") else ""
    return ("%s: %s%s" % (type(exc).__name__, exc, loc))[:400]


def load_submission(path, entry_point="custom_kernel"):
    sys.path.insert(0, os.path.dirname(path))  # `from task import ...`: the files the pack puts beside it
    spec = importlib.util.spec_from_file_location("submission", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["submission"] = module  # Triton's @jit reads the source through the module's file
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:  # noqa: BLE001 - SystemExit from a candidate is a candidate error
        raise CandidateFailure("RUNTIME_ERROR", "import", "import failed: " + _short_exception(exc))
    kernel = module.__dict__.get(entry_point)
    if not callable(kernel):
        raise CandidateFailure("RUNTIME_ERROR", "import", "the module defines no callable %s(data)" % entry_point)
    return kernel


def no_leftovers(where):
    """Nothing the candidate started may still run once its entry point has returned: it could work
    past the timer or outlive the evaluation. Found ones are killed and the candidate rejected."""
    alive = isolation.leftover_processes()
    if alive:
        isolation.kill_all(pid for pid, _ in alive)
        raise CandidateFailure("REJECTED", "leftover-process", "%s: %d process(es) still running after "
                               "the entry point returned (%s)" % (where, len(alive), ", ".join(
                                   "pid %d %s" % pc for pc in alive[:3])))


class Run:
    """One candidate evaluation on one device (score kind runtime: tests, then timed benchmarks)."""

    def __init__(self, pack, device, mask_semantics):
        self.device = device
        self.problem = problem = pack["problem"]
        self.rejecting = tuple(getattr(problem, "REJECTING_CHECKS", ()))
        self.mask_semantics = mask_semantics
        tolerance = pack.get("tolerance") or {}
        self.atol = float(tolerance.get("atol", 0.0))
        self.rtol = float(tolerance.get("rtol", 0.0))
        self.timing = (pack.get("timing") or {}).get(device) or {}
        self.cases = pack["device_cases"][device]
        self.last_output = None
        self.tests_passed = 0

    def sync(self):
        if self.device == "cuda":
            _cuda_synchronize()

    def call(self, kernel, data, where):
        try:
            with torch.no_grad():
                return kernel(data)
        except BaseException as exc:  # noqa: BLE001
            raise CandidateFailure("RUNTIME_ERROR", "exception", "%s: %s" % (where, _short_exception(exc)))

    def verify(self, out, ref, data, where):
        no_leftovers(where)
        previous = self.last_output() if self.last_output is not None else None
        if previous is not None and previous is out:
            raise CandidateFailure("INCORRECT", "output-reused", "%s: returned the same tensor object as the previous call" % where)
        failed = self.problem.check_output(out, ref, data, self.atol, self.rtol)
        if failed:
            check, message = failed
            status = "REJECTED" if check in self.rejecting else "INCORRECT"
            raise CandidateFailure(status, check, "%s: %s" % (where, message))
        self.last_output = weakref.ref(out)
        self.problem.poison([out, ref] + self.problem.input_tensors(data))

    def run_tests(self, kernel):
        for case in self.cases["tests"]:
            data = self.problem.make_inputs(case, self.device, case["seed"], self.mask_semantics)
            ref = self.problem.reference(data)
            self.sync()
            out = self.call(kernel, data, "test " + case["name"])
            self.sync()
            self.verify(out, ref, data, "test " + case["name"])
            self.tests_passed += 1

    def timed_call(self, kernel, data, where):
        """(device_or_cpu_seconds, wall_seconds, output). Python's garbage collector is off during the
        timed call (as timeit does): a collection triggered by the harness's own allocations (inputs,
        reference, check) must not land inside a candidate's measurement. Garbage is collected
        outside the timed region as usual."""
        was_enabled = _gc_isenabled()
        _gc_disable()
        try:
            return self._timed_call(kernel, data, where)
        finally:
            if was_enabled:
                _gc_enable()

    def _timed_call(self, kernel, data, where):
        if self.device == "cuda":
            start, end = _cuda_event(enable_timing=True), _cuda_event(enable_timing=True)
            _cuda_synchronize()
            wall0 = _perf_counter()
            start.record()
            out = self.call(kernel, data, where)
            end.record()
            _cuda_synchronize()
            wall = _perf_counter() - wall0
            return start.elapsed_time(end) / 1000.0, wall, out
        t0 = _perf_counter()
        out = self.call(kernel, data, where)
        t = _perf_counter() - t0
        return t, t, out

    def benchmark(self, kernel, case, max_runs, max_kernel_s, recheck=True):
        """One benchmark as the official leaderboard mode runs it: inputs from the case's seed, one
        untimed call with a correctness check (JIT compilation, autotuning and first touch for this
        shape happen there), then up to `max_runs` timed calls. With `recheck`, every timed call gets
        fresh inputs (seed + 13, + 26, ...) and is checked; without it (the warm-up) the same inputs are
        reused unchecked. Stops after at least `min_runs` calls once std/sqrt(n)/mean < rel_err, or
        mean x runs > max_kernel_s, or the loop's wall time passes max_wall_s."""
        cfg = self.timing
        problem = self.problem
        data = problem.make_inputs(case, self.device, case["seed"], self.mask_semantics)
        ref = problem.reference(data)
        where = "benchmark %s check" % case["name"]
        self.sync()
        out = self.call(kernel, data, where)
        self.sync()
        self.verify(out, ref, data, where)
        del out, ref
        # verify() poisoned the checked inputs: the warm-up times fresh ones from the same seed.
        data = None if recheck else problem.make_inputs(case, self.device, case["seed"], self.mask_semantics)
        times, walls = [], []
        seed = case["seed"]
        loop_start = _perf_counter()
        for i in range(max_runs):
            ref = None
            if recheck:
                seed += 13
                data = problem.make_inputs(case, self.device, seed, self.mask_semantics)
                ref = problem.reference(data)
            where = "benchmark %s run %d" % (case["name"], i)
            t, wall, out = self.timed_call(kernel, data, where)
            if recheck:
                self.verify(out, ref, data, where)
                data = None
            else:
                no_leftovers(where)
            del out, ref
            times.append(t)
            walls.append(wall)
            n = len(times)
            if n >= cfg["min_runs"]:
                mean = sum(times) / n
                std = math.sqrt(sum((x - mean) ** 2 for x in times) / (n - 1)) if n > 1 else 0.0
                if std / math.sqrt(n) / mean < cfg["rel_err"] or mean * n > max_kernel_s \
                        or _perf_counter() - loop_start > cfg["max_wall_s"]:
                    break
        return times, walls

    def run_benchmarks(self, kernel):
        benches = self.cases["benchmarks"]
        if not benches:
            return []
        warm = self.timing.get("warmup") or {}
        self.benchmark(kernel, benches[0], int(warm.get("max_runs", 100)), float(warm.get("max_kernel_s", 0.01)),
                       recheck=False)
        results = []
        for case in benches:
            times, walls = self.benchmark(kernel, case, int(self.timing["max_runs"]), float(self.timing["max_kernel_s"]))
            n = len(times)
            mean = sum(times) / n
            std = math.sqrt(sum((x - mean) ** 2 for x in times) / (n - 1)) if n > 1 else 0.0
            results.append({"name": case["name"], **_describe(self.problem, case), "mean_us": mean * 1e6, "std_us": std * 1e6, "runs": n,
                            "best_us": min(times) * 1e6, "wall_mean_us": sum(walls) / n * 1e6})
        return results


def _describe(problem, case):
    return problem.describe(case) if hasattr(problem, "describe") else {}


class Constructions:
    """Score kind value: one call of the entry point per case; its output leaves this process only as
    the plain JSON the problem's export() makes of it (the worker checks and scores that itself)."""

    def __init__(self, pack, device, mask_semantics):
        self.problem, self.device, self.mask_semantics = pack["problem"], device, mask_semantics
        self.cases = pack["device_cases"][device]
        self.tests_passed = 0

    def build(self, kernel, case, where):
        data = self.problem.make_inputs(case, self.device, case["seed"], self.mask_semantics)
        t0 = _perf_counter()
        try:
            out = kernel(data)
        except BaseException as exc:  # noqa: BLE001
            raise CandidateFailure("RUNTIME_ERROR", "exception", "%s: %s" % (where, _short_exception(exc)))
        seconds = _perf_counter() - t0
        no_leftovers(where)
        try:
            construction = self.problem.export(out, case)
        except ValueError as exc:
            check, message = exc.args if len(exc.args) == 2 else ("output-type", str(exc))
            raise CandidateFailure("INCORRECT", check, "%s: %s" % (where, message))
        return {"name": case["name"], "construction": construction, "seconds": seconds}

    def run(self, kernel):
        tests = []
        for case in self.cases["tests"]:
            tests.append(self.build(kernel, case, "test " + case["name"]))
            self.tests_passed += 1
        return tests, [self.build(kernel, case, "benchmark " + case["name"]) for case in self.cases["benchmarks"]]


def evaluate(pack, device, mask_semantics, source_path, token):
    """The child's whole job; returns the JSON-able outcome (never raises)."""
    out = {"token": token, "status": "OK", "check": None, "message": "", "tests_passed": 0,
           "benchmarks": [], "timings_ms": {}}
    value = pack["score"]["kind"] == "value"
    run = Constructions(pack, device, mask_semantics) if value else Run(pack, device, mask_semantics)
    t0 = _perf_counter()
    try:
        if device == "cuda":
            torch.cuda.init()
        kernel = load_submission(source_path, pack["entry_point"])
        t1 = _perf_counter()
        out["timings_ms"]["load"] = (t1 - t0) * 1e3
        if value:
            out["tests"], out["benchmarks"] = run.run(kernel)
            out["timings_ms"]["benchmark"] = (_perf_counter() - t1) * 1e3
        else:
            run.run_tests(kernel)
            t2 = _perf_counter()
            out["timings_ms"]["test"] = (t2 - t1) * 1e3
            out["benchmarks"] = run.run_benchmarks(kernel)
            out["timings_ms"]["benchmark"] = (_perf_counter() - t2) * 1e3
    except CandidateFailure as failure:
        out.update(status=failure.status, check=failure.check, message=failure.message)
    except BaseException as exc:  # noqa: BLE001 - e.g. MemoryError from RLIMIT_AS, raised in harness code
        out.update(status="RUNTIME_ERROR", check="exception", message="harness step failed: " + _short_exception(exc))
    out["tests_passed"] = run.tests_passed
    return out
