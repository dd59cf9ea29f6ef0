"""The worker's checks on a child's result, fed synthetic results (runs on the CPU, no GPU needed):
physics floor, timer disagreement, forged tokens, incomplete results, and that an honest result
passes with the geometric mean recomputed by the worker.

    /usr/bin/python3 problems/trimul/tests/test_validate.py
"""
import math
import os
import sys

PACK = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(PACK))

from _harness import packs, worker  # noqa: E402


def _evaluator():
    ev = worker.Evaluator.__new__(worker.Evaluator)  # no fork, no probe: validate() only
    ev.pack = packs.load_pack(PACK)
    ev.problem, ev.value_score = ev.pack["problem"], False
    ev.device, ev.mask_semantics, ev.hardware, ev.timing_override = "cuda", "as-specified", {"device": "cuda"}, None
    return ev


def _payload(ev, token, mean_fn, wall_fn=None):
    cases = ev.pack["device_cases"]["cuda"]
    benches = []
    for c in cases["benchmarks"]:
        mean = mean_fn(c)
        benches.append({"mean_us": mean, "std_us": 1.0, "runs": 100, "best_us": mean * 0.99,
                        "wall_mean_us": (wall_fn or (lambda c, m: m + 20.0))(c, mean)})
    return {"token": token, "status": "OK", "tests_passed": len(cases["tests"]), "benchmarks": benches,
            "timings_ms": {}}


def main():
    ev = _evaluator()
    problem = ev.problem
    floor = ev.pack["physics_floor"]["cuda"]
    checks = []

    def expect(label, res, status, check=None, score=None):
        good = res["status"] == status and (check is None or check in res["checks_fired"])
        if score is not None:
            good &= abs(res["score_us"] - score) < 1e-6 * score
        checks.append(good)
        print("%-44s %-10s %-22s %s" % ("validate: " + label, res["status"], ",".join(res["checks_fired"]) or "-",
                                        "ok" if good else "FAIL: expected %s %s (%s)" % (status, check, res["message"])))

    honest = _payload(ev, "t", lambda c: 3.0 * problem.physics_floor_us(c, floor))
    geo = math.exp(sum(math.log(b["mean_us"]) for b in honest["benchmarks"]) / len(honest["benchmarks"]))
    expect("honest result", ev.validate("a", "ok", honest, "t", "/nonexistent", 10), "OK", score=geo)
    fast = _payload(ev, "t", lambda c: 0.5 * problem.physics_floor_us(c, floor))
    expect("below the physics floor", ev.validate("b", "ok", fast, "t", "/nonexistent", 10), "REJECTED",
           "physics-floor")
    escaped = _payload(ev, "t", lambda c: 3.0 * problem.physics_floor_us(c, floor), lambda c, m: 3.0 * m)
    expect("wall clock far above events", ev.validate("c", "ok", escaped, "t", "/nonexistent", 10), "REJECTED",
           "timer-disagreement")
    expect("forged token", ev.validate("d", "ok", honest, "other", "/nonexistent", 10), "REJECTED", "result-channel")
    short = dict(honest, benchmarks=honest["benchmarks"][:3])
    expect("missing benchmarks", ev.validate("e", "ok", short, "t", "/nonexistent", 10), "REJECTED", "result-channel")
    nan = _payload(ev, "t", lambda c: float("nan"))
    expect("NaN time", ev.validate("f", "ok", nan, "t", "/nonexistent", 10), "REJECTED", "result-channel")
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
