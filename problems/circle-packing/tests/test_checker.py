"""The checker (problem.score) and the worker's validation of constructions, on synthetic data (no
candidate process): what passes at the edge of the tolerance, what fails and with which check, and that a
forged or incomplete result from the candidate's process is refused.

    /usr/bin/python3 problems/circle-packing/tests/test_checker.py
"""
import os
import sys

PACK = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(PACK))

from _harness import packs, worker  # noqa: E402

CASE = {"n": 2, "seed": 0, "name": "b0-n2"}


def main(argv=None):
    pack = packs.load_pack(PACK)
    problem = pack["problem"]
    results = []

    def expect(label, construction, check=None, value=None, case=CASE):
        got, failed = problem.score(construction, case)
        good = (failed is None and abs(got - value) < 1e-12) if check is None else (failed or (None,))[0] == check
        results.append(good)
        print("%-52s %-16s %s" % ("checker: " + label, failed[0] if failed else "%.6f" % got,
                                  "ok" if good else "FAIL: expected %s" % (check or value)))

    expect("two touching circles", [[0.25, 0.5, 0.25], [0.75, 0.5, 0.25]], value=0.5)
    expect("overlap within the tolerance (5e-10)", [[0.25, 0.5, 0.25], [0.75, 0.5, 0.25 + 5e-10]],
           value=0.5 + 5e-10)
    expect("3e-9 into a neighbour and past a wall: wall first", [[0.25, 0.5, 0.25], [0.75, 0.5, 0.25 + 3e-9]],
           check="outside-square")
    expect("overlap of 3e-9 away from the walls", [[0.3, 0.5, 0.2], [0.7, 0.5, 0.2 + 3e-9]], check="overlap")
    expect("a circle beyond the wall by 2e-9", [[0.25, 0.5, 0.25 + 2e-9], [0.8, 0.5, 0.1]], check="outside-square")
    expect("NaN radius", [[0.25, 0.5, float("nan")], [0.75, 0.5, 0.25]], check="not-finite")
    expect("infinite coordinate", [[float("inf"), 0.5, 0.1], [0.75, 0.5, 0.25]], check="not-finite")
    expect("negative radius", [[0.25, 0.5, -0.1], [0.75, 0.5, 0.25]], check="negative-radius")
    expect("a boolean for a number", [[0.25, 0.5, True], [0.75, 0.5, 0.25]], check="output-type")
    expect("a string for a number", [[0.25, 0.5, "0.25"], [0.75, 0.5, 0.25]], check="output-type")
    expect("one circle short", [[0.25, 0.5, 0.25]], check="output-shape")
    expect("four numbers a circle", [[0.25, 0.5, 0.25, 1.0], [0.75, 0.5, 0.25, 1.0]], check="output-shape")
    expect("not a list", {"circles": 2}, check="output-shape")
    expect("all radii zero", [[0.25, 0.5, 0.0], [0.75, 0.5, 0.0]], check="zero-sum")

    # The worker's side: only a result with the secret token, one construction per case by name, passes.
    ev = worker.Evaluator.__new__(worker.Evaluator)  # no fork, no probe: validate() only
    ev.pack, ev.problem, ev.value_score = pack, problem, True
    ev.device, ev.mask_semantics, ev.hardware, ev.timing_override = "cpu", "as-specified", {"device": "cpu"}, None
    case = pack["device_cases"]["cpu"]["benchmarks"][0]
    grid = [[(i % 6 + 0.5) / 6, (i // 6 + 0.5) / 6, 1 / 12] for i in range(case["n"])]
    honest = {"token": "t", "status": "OK", "tests_passed": 0, "timings_ms": {}, "tests": [],
              "benchmarks": [{"name": case["name"], "construction": grid, "seconds": 0.01}]}

    def validated(label, payload, status, check=None, token="t"):
        res = ev.validate(label, "ok", payload, token, "/nonexistent", 10)
        good = res["status"] == status and (check is None or check in res["checks_fired"])
        if status == "OK":
            good &= abs(res["score"] - case["n"] / 12) < 1e-9
        results.append(good)
        print("%-52s %-16s %s" % ("validate: " + label, res["status"], "ok" if good else "FAIL: %s" % res["message"]))

    validated("an honest grid", honest, "OK")
    validated("a forged token", honest, "REJECTED", "result-channel", token="other")
    validated("a renamed case", dict(honest, benchmarks=[dict(honest["benchmarks"][0], name="b9")]), "REJECTED",
              "result-channel")
    validated("no construction", dict(honest, benchmarks=[]), "REJECTED", "result-channel")
    validated("a claimed score instead of circles", dict(honest, benchmarks=[dict(honest["benchmarks"][0],
              construction=None, score=3.0)]), "INCORRECT", "output-shape")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
