"""TriMul's compatibility switch through a real worker: under --mask-semantics official-all-ones the
mask-ignoring candidate passes, as it did on the official leaderboard, and a request's own
mask_semantics wins over the worker's default, both ways.

    /usr/bin/python3 problems/trimul/tests/test_mask_semantics.py --pack problems/trimul [--device cpu]
"""
import argparse
import os
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(TESTS)))

from _harness.hack_suite import Worker, judge, _say  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", required=True)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--max-runs", type=int, default=None)
    args = ap.parse_args(argv)
    with open(os.path.join(TESTS, "hack_ignore_mask.py")) as f:
        code = f.read()
    ok = True
    compat = Worker(args.pack, args.device, "official-all-ones", args.max_runs)
    try:
        res = compat.evaluate("compat", code)
        ok &= judge("hack_ignore_mask.py (all-ones worker)", res, "OK", None, "compat")
        ok &= res.get("mask_semantics") == "official-all-ones" or _say("    mask_semantics %s" % res.get("mask_semantics"))
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
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
