"""Kernel lab for TriMul's CUDA program space (run on the GPU machine, from the repo root).

    python3 problems/trimul/gpu/lab.py --out DIR check   PROGRAMS.json   # every official case, each checked
    python3 problems/trimul/gpu/lab.py --out DIR time    PROGRAMS.json   # per-benchmark means, geomean
    python3 problems/trimul/gpu/lab.py --out DIR stages  [--reps N]      # the stage model for `discover simulate`
    python3 problems/trimul/gpu/lab.py --out DIR model-check PROGRAMS.json  # stage-model sum vs whole program

PROGRAMS.json: {"label": {"decision": "alternative name", ...} | "path/to/file.py", ...}; decisions left out take
alternative 0. `time` is a quick ranking (one warm call, then --reps timed calls on the same inputs, each bracketed
by CUDA events around the whole Python call as the leaderboard does); the official figures come from
official_compare.sh. Results go to DIR/<mode>.json and a table on stdout.
"""
import argparse
import importlib.util
import json
import math
import os
import sys
import time

import torch
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.dirname(HERE)
sys.path.insert(0, os.path.dirname(PACK))
sys.path.insert(0, PACK)

from _harness import packs, program_space  # noqa: E402
import problem  # noqa: E402

SPACE = program_space.load(PACK, packs.load_pack(PACK))
DECISIONS = {d["name"]: d for d in SPACE["decisions"]}
with open(os.path.join(PACK, "cases.yml")) as f:
    CASES = yaml.safe_load(f)["cuda"]
TESTS = [problem.normalize_case(c, "tests", i) for i, c in enumerate(CASES["tests"])]
BENCHES = [problem.normalize_case(c, "benchmarks", i) for i, c in enumerate(CASES["benchmarks"])]


def choice_indices(named):
    out = {}
    for dname, aname in named.items():
        alts = [a["name"] for a in DECISIONS[dname]["alternatives"]]
        out[dname] = alts.index(aname)
    return out


def load_program(label, spec, workdir):
    if isinstance(spec, str):
        path = spec
    else:
        path = os.path.join(workdir, "programs", label + ".py")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(program_space.render(SPACE, choice_indices(spec)))
    mod_name = "lab_" + "".join(ch if ch.isalnum() else "_" for ch in label)
    spec_ = importlib.util.spec_from_file_location(mod_name, path)
    mod = importlib.util.module_from_spec(spec_)
    sys.modules[mod_name] = mod
    spec_.loader.exec_module(mod)
    return mod


def timed_call(fn, data):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    torch.cuda.synchronize()
    start.record()
    out = fn(data)
    end.record()
    torch.cuda.synchronize()
    return out, start.elapsed_time(end) * 1000.0


def check(programs, out_dir):
    rows = {}
    for label, spec in programs.items():
        t0 = time.time()
        try:
            mod = load_program(label, spec, out_dir)
        except Exception as e:  # noqa: BLE001
            rows[label] = {"error": "load: %r" % e}
            print("%-40s LOAD FAILED %r" % (label, e), flush=True)
            continue
        failures = []
        for case in TESTS + BENCHES:
            data = problem.make_inputs(case, "cuda", case["seed"])
            ref = problem.reference(data)
            try:
                out = mod.custom_kernel(data)
                torch.cuda.synchronize()
                bad = problem.check_output(out, ref, data, 0.02, 0.02)
            except Exception as e:  # noqa: BLE001
                bad = ("crash", repr(e)[:300])
            if bad:
                failures.append({"case": case["name"], "check": bad[0], "message": bad[1]})
            del data, ref
        rows[label] = {"failures": failures, "seconds": round(time.time() - t0, 1)}
        print("%-40s %s (%.1f s)" % (label, "OK" if not failures else "FAILED %d: %s" % (
            len(failures), failures[0]), time.time() - t0), flush=True)
    return rows


def time_programs(programs, out_dir, reps):
    rows = {}
    for label, spec in programs.items():
        try:
            mod = load_program(label, spec, out_dir)
            means = []
            for case in BENCHES:
                data = problem.make_inputs(case, "cuda", case["seed"])
                out = mod.custom_kernel(data)  # untimed: compile, autotune, first touch
                bad = problem.check_output(out, problem.reference(data), data, 0.02, 0.02)
                if bad:
                    raise RuntimeError("%s: %s %s" % (case["name"], bad[0], bad[1][:200]))
                del out
                times = [timed_call(mod.custom_kernel, data)[1] for _ in range(reps)]
                means.append(sum(times) / len(times))
                del data
            geo = math.exp(sum(math.log(m) for m in means) / len(means))
            rows[label] = {"geomean_us": round(geo, 1), "means_us": [round(m, 1) for m in means]}
            print("%-40s %9.1f us   %s" % (label, geo, " ".join("%8.1f" % m for m in means)), flush=True)
        except Exception as e:  # noqa: BLE001
            rows[label] = {"error": repr(e)[:400]}
            print("%-40s FAILED %r" % (label, e), flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.environ.get("OUT", "gpu-out"))
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("mode", choices=("check", "time", "stages", "model-check"))
    ap.add_argument("programs", nargs="?")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.backends.cuda.matmul.allow_tf32 = False
    programs = {}
    if args.programs:
        with open(args.programs) as f:
            programs = json.load(f)
    if args.mode == "check":
        result = check(programs, args.out)
    elif args.mode == "time":
        result = time_programs(programs, args.out, args.reps)
    else:
        sys.path.insert(0, HERE)
        import stage_model
        if args.mode == "stages":
            result = stage_model.measure(SPACE, BENCHES, args.reps, load_program, args.out)
        else:
            result = stage_model.compare(SPACE, BENCHES, programs, args.reps, load_program, args.out)
    with open(os.path.join(args.out, args.mode + ".json"), "w") as f:
        json.dump({"device": torch.cuda.get_device_name(), "torch": torch.__version__, "result": result}, f, indent=1)


if __name__ == "__main__":
    main()
