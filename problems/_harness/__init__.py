"""The evaluation harness every problem pack shares: the warm worker and its line protocol
(worker.py), the forked candidate process (sandbox.py, isolation.py), the static rules engine
(static_checks.py, with the base rules in rules.yml), what runs inside the candidate's process
(child.py: tests, the timing loop, constructions), result validation (worker.py), the program
space (program_space.py, check_space.py) and the hack-suite runner (hack_suite.py).

A pack (problems/<id>/) brings only data and one small module, `problem.py` (pack.yml `problem`),
with the problem's own parts. Two kinds of score (pack.yml `score.kind`):

runtime (lower is better; TriMul): score = geometric mean of the benchmark means, in microseconds.
    normalize_case(raw, kind, index) -> case dict with "name" and "seed"
    make_inputs(case, device, seed, mask_semantics) -> the argument of the entry point
    reference(data) -> expected output
    check_output(out, ref, data, atol, rtol) -> (check_id, message) or None
    input_tensors(data) -> tensors to poison after each check; poison(tensors)
    physics_floor_us(case, floor_cfg) -> a benchmark's lower bound (optional; pack.yml physics_floor)
    describe(case) -> fields reported with each benchmark (optional)
    REJECTING_CHECKS -> check ids that mean a hack (REJECTED) rather than a wrong answer (INCORRECT)

value (higher or lower is better, pack.yml score.better; e.g. a construction): the candidate's
output, exported in its own process to plain JSON, is checked and scored again in the worker, which
trusts nothing the candidate process computed; score = mean over the benchmark cases.
    normalize_case(raw, kind, index), make_inputs(case, device, seed, mask_semantics) as above
    export(out, case) -> plain JSON data (lists, floats), or raise ValueError(check_id, message)
    score(construction, case) -> (value, None) or (None, (check_id, message))

Nothing here is visible to a candidate: its process drops every module of this package and the pack's
problem module (names derived from the package, harness_modules()) before the submission loads.
"""
