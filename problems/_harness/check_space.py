"""Evaluate every alternative of the program space on one device through the worker's code path.

    /usr/bin/python3 problems/_harness/check_space.py --pack problems/<id> --device cpu [--json]

Renders each alternative with baseline choices elsewhere, a few random full combinations (fixed
seed) and the greedy combination of the best-scoring alternative per decision, evaluates each, prints
a table (or one JSON document with --json) and exits 1 if any program that the device can run fails.
"""
import argparse
import json
import os
import random
import shutil
import sys

PROBLEMS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PROBLEMS_DIR not in sys.path:
    sys.path.insert(0, PROBLEMS_DIR)

from _harness import program_space, worker  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description="evaluate every alternative of a pack's program space")
    ap.add_argument("--pack", required=True)
    ap.add_argument("--device", required=True, choices=("cpu", "cuda"))
    ap.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    ap.add_argument("--random", type=int, default=4, help="random full combinations to add (default 4)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--max-runs", type=int, default=None,
                    help="cap timed calls per benchmark (each still checked): a quicker correctness sweep")
    ap.add_argument("--only", default=None, help="evaluate only alternatives whose name contains this")
    ap.add_argument("--base", default=None,
                    help='JSON {"decision": "alternative name"}: the program each alternative is varied from (default '
                         'alternative 0 everywhere); e.g. a fast fused program, so the fused kernels\' knobs take effect')
    ap.add_argument("--decisions", default=None, help="comma-separated: vary only these decisions")
    args = ap.parse_args(argv)

    evaluator = worker.Evaluator(args.pack, args.device, max_runs=args.max_runs)
    _WORKDIRS.append(evaluator.workdir)
    space = program_space.load(args.pack, evaluator.pack)
    higher = evaluator.pack["score"]["better"] == "higher"
    rows = []
    base = {}
    for dname, aname in json.loads(args.base or "{}").items():
        d = [d for d in space["decisions"] if d["name"] == dname]
        if not d or aname not in [a["name"] for a in d[0]["alternatives"]]:
            ap.error("--base: no alternative %s of decision %s" % (aname, dname))
        base[dname] = [a["name"] for a in d[0]["alternatives"]].index(aname)
    varied = set(args.decisions.split(",")) if args.decisions else None

    def run(label_decision, label_alt, choices):
        choices = dict(base, **choices)
        res = evaluator.evaluate(program_space.render(space, choices), "%s/%s" % (label_decision, label_alt))
        row = {"decision": label_decision, "alternative": label_alt, "choices": choices, "status": res["status"],
               "score": res["score"], "message": res["message"], "total_ms": res["timings_ms"]["total"]}
        rows.append(row)
        if not args.json:
            score = "%12.6g" % row["score"] if row["score"] is not None else "%12s" % "-"
            print("%-12s %-26s %-10s %s %8.0f ms%s" % (label_decision, label_alt, row["status"], score,
                                                     row["total_ms"], "" if row["status"] == "OK" else "  " + row["message"]),
                  flush=True)
        return row

    if not args.json:
        print("%-12s %-26s %-10s %12s %11s" % ("decision", "alternative", "status", "score", "eval"))
    baseline = run("(all)", "baseline", {})
    best = {}
    for d in space["decisions"]:
        if varied is not None and d["name"] not in varied:
            continue
        for i in program_space.available(d, args.device):
            if args.only and args.only not in d["alternatives"][i]["name"]:
                continue
            if i == base.get(d["name"], 0):
                row = baseline
            else:
                row = run(d["name"], d["alternatives"][i]["name"], {d["name"]: i})
            if row["status"] == "OK" and (d["name"] not in best or (
                    row["score"] > best[d["name"]][1] if higher else row["score"] < best[d["name"]][1])):
                best[d["name"]] = (i, row["score"])
    rng = random.Random(args.seed)
    for k in range(0 if args.only else args.random):
        choices = {d["name"]: rng.choice(program_space.available(d, args.device)) for d in space["decisions"]}
        run("(random)", "combo-%d" % k, choices)
    greedy = dict(base, **{name: i for name, (i, _) in best.items()})
    run("(greedy)", "best-per-decision", greedy)

    failed = [r for r in rows if r["status"] != "OK"]
    if args.json:
        print(json.dumps({"device": args.device, "hardware": evaluator.hardware, "rows": rows,
                          "failed": len(failed)}, indent=1))
    else:
        print("%d programs, %d failed; greedy choices: %s" % (len(rows), len(failed), json.dumps(greedy)))
    return 1 if failed else 0


def run_main():
    try:
        return main()
    finally:
        for path in _WORKDIRS:
            shutil.rmtree(path, ignore_errors=True)


_WORKDIRS = []

if __name__ == "__main__":
    sys.exit(run_main())
