"""A/B of the host guard: two warm workers, --host-guard on and off, evaluating the fast program in
alternation (one request in flight at a time, so both see the same stretch of host conditions).
Prints every evaluation (score, per-benchmark mean/best, the guard's report) and each arm's spread.

    python3 problems/trimul/gpu/ab_guard.py --out DIR [--n 6] [--program fast]
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "harness"))

import problem  # noqa: E402
import program_space  # noqa: E402
import suite  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=6)
    ap.add_argument("--program", default="fast")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    suite.OUT = a.out
    code, _ = suite.render(program_space.load(suite.PACK, problem.load_pack(suite.PACK)), suite.PROGRAMS[a.program])
    arms = {"guard": suite.Worker(["--host-guard", "on"]), "plain": suite.Worker(["--host-guard", "off"])}
    rows = {k: [] for k in arms}
    for i in range(a.n):
        for name, w in (arms.items() if i % 2 == 0 else reversed(list(arms.items()))):
            w.send("%s-%d" % (name, i), code)
            r = w.receive()
            row = {"score_us": r["score_us"], "status": r["status"], "host_guard": r.get("host_guard"),
                   "bench": [(round(b["mean_us"], 1), round(b["best_us"], 1), round(b["std_us"], 1), b["runs"])
                             for b in r["benchmarks"]]}
            rows[name].append(row)
            print("%-5s %d %s %s  mean/best %s  guard %s" % (
                name, i, r["status"], "%.1f" % r["score_us"] if r["score_us"] else "-",
                " ".join("%.0f/%.0f" % (m, b) for m, b, _, _ in row["bench"]), json.dumps(r.get("host_guard"))),
                flush=True)
    for w in arms.values():
        w.close()
    for name, rs in rows.items():
        sc = [r["score_us"] for r in rs if r["score_us"]]
        print("%s: %s  spread %.2f %%  mean %.1f" % (name, " ".join("%.1f" % x for x in sc),
                                                   100 * (max(sc) - min(sc)) / (sum(sc) / len(sc)), sum(sc) / len(sc)))
    with open(os.path.join(a.out, "ab-guard.json"), "w") as f:
        json.dump(rows, f)


if __name__ == "__main__":
    main()
