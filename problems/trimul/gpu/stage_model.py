"""The stage model of TriMul's CUDA program space, measured on the GPU (lab.py stages / model-check).

A program's time on a benchmark is modelled as the sum of its stages' times (input_norm, projections, gating,
masking, precision, contraction, output), each stage's time measured with CUDA events around its Python call
(as the leaderboard brackets the whole call), on the real inputs of the benchmark, with the upstream stages of
the program producing its inputs. A stage's row is keyed by the decisions that change its input or its work (see
KEYS); rows whose keys would repeat a measurement (the same input dtypes and strides, the same own choices) are
measured once. Two approximations, both written into the model file: the fused kernels' numeric knobs are swept
in one context (float16 rows into the projection; float16 channel-major O and float16 out gate into the output)
and scaled by the same ratio in the other contexts; the glue of custom_kernel (a few Python calls) is not a
stage: model-check compares the sum with whole programs timed the same way.
Output: the JSON "stage model" that `discover simulate` reads.
"""
import itertools
import math
import time

import torch

import problem

KNOBS_PROJ = ["proj_block_m", "proj_block_k", "proj_warps", "proj_stages", "proj_split"]
KNOBS_OUT = ["out_block_m", "out_block_c", "out_warps"]
KEYS = {
    "input_norm": ["input_norm"],
    "projections": ["input_norm", "projections"] + KNOBS_PROJ,
    "gating": ["projections", "gating"],
    "masking": ["projections", "masking"],
    "precision": ["projections", "precision"],
    "contraction": ["projections", "precision", "contraction"],
    "output": ["projections", "precision", "contraction", "output"] + KNOBS_OUT + ["output_dtype"],
}
FUSED_PROJ = ("triton_fused_ln_proj", "triton_fused_gate_mask_fp16")
FAST = {"input_norm": "triton_rows_fp16", "projections": "triton_fused_ln_proj", "contraction": "bmm_channel_major",
        "output": "triton_fused_out_fp16", "output_dtype": "float16"}


def _names(space, dname):
    d = [d for d in space["decisions"] if d["name"] == dname][0]
    return [a["name"] for a in d["alternatives"] if "cuda" in a.get("devices", [])]


def _sig(t):
    if isinstance(t, torch.Tensor):
        return (str(t.dtype), tuple(t.stride()), tuple(t.shape))
    return type(t).__name__


_EMPTY = []


def _time(fn, reps):
    """Mean time of fn() between CUDA events, less the cost of an empty call timed the same way (the events and
    synchronizations, paid once per stage here but once per program by the leaderboard)."""
    if not _EMPTY:
        _EMPTY.append(0.0)
        _EMPTY[0] = min(_time(lambda: None, 20) for _ in range(3))
    fn()  # untimed: compile, first touch
    total = 0.0
    for _ in range(reps):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        torch.cuda.synchronize()
        s.record()
        fn()
        e.record()
        torch.cuda.synchronize()
        total += s.elapsed_time(e) * 1000.0
    return max(0.0, total / reps - _EMPTY[0])


class _Programs:
    def __init__(self, space, load_program, out_dir):
        self.space, self.load, self.out_dir, self.cache = space, load_program, out_dir, {}

    def get(self, named):
        key = tuple(sorted(named.items()))
        if key not in self.cache:
            label = "sm%d" % len(self.cache)
            self.cache[key] = self.load(label, dict(named), self.out_dir)
        return self.cache[key]


def _upstream(mod, data):
    """The program's intermediate values on data: xn, proj, left/right (gated, masked), contraction inputs, O."""
    x, mask, w, _ = data
    v = {"xn": mod.layernorm_in(x, w["norm.weight"], w["norm.bias"])}
    v["proj"] = mod.project(v["xn"], w, mask)
    if len(v["proj"]) == 3:
        v["left"], v["right"], v["og"] = v["proj"]
        v["gated"] = v["masked"] = None
    else:
        lp, lg, rp, rg, v["og"] = v["proj"]
        v["gated"] = (mod.gate(lp, lg), mod.gate(rp, rg))
        v["left"], v["right"] = mod.apply_mask(v["gated"][0].clone(), v["gated"][1].clone(), mask)
        v["masked"] = True
    v["cl"], v["cr"] = mod.to_contraction(v["left"]), mod.to_contraction(v["right"])
    v["O"] = mod.contract(v["cl"], v["cr"])
    return v


def measure(space, benches, reps, load_program, out_dir):
    reps = max(2, min(reps, 5))
    progs = _Programs(space, load_program, out_dir)
    alts = {d["name"]: _names(space, d["name"]) for d in space["decisions"]}
    default = {d: alts[d][0] for d in alts}
    grid = list(itertools.product(*[alts[k] for k in KNOBS_PROJ]))
    base_knobs = tuple(default[k] for k in KNOBS_PROJ)
    o_grid = list(itertools.product(*[alts[k] for k in KNOBS_OUT]))
    base_o = tuple(default[k] for k in KNOBS_OUT)
    per_bench = []
    t_start = time.time()
    for case in benches:
        data = problem.make_inputs(case, "cuda", case["seed"])
        x, mask, w, _ = data
        rows = {s: {} for s in KEYS}
        memo = {}

        def timed(key, named, call):
            """call(module) is timed once per key; the module is the program `named` (made only when needed)."""
            if key not in memo:
                mod = progs.get(named)
                memo[key] = _time(lambda: call(mod), reps)
            return memo[key]

        for a in alts["input_norm"]:
            rows["input_norm"][a] = timed(("in", a), {"input_norm": a},
                                          lambda m: m.layernorm_in(x, w["norm.weight"], w["norm.bias"]))
        fp16_rows = progs.get({"input_norm": FAST["input_norm"]}).layernorm_in(x, w["norm.weight"], w["norm.bias"])
        fp16_grid = {}
        for knobs in grid:
            named = dict(zip(KNOBS_PROJ, knobs), projections="triton_fused_ln_proj")
            fp16_grid[knobs] = timed(("proj16",) + knobs, named, lambda m: m.project(fp16_rows, w, mask))
        for a in alts["input_norm"]:
            kind = _sig(progs.get({"input_norm": a}).layernorm_in(x, w["norm.weight"], w["norm.bias"]))
            for p in alts["projections"]:
                key = ("proj", kind, p)
                if key not in memo:  # one module for both: a DeferredLayerNorm is recognized by its own module only
                    mod = progs.get({"input_norm": a, "projections": p})
                    xn0 = mod.layernorm_in(x, w["norm.weight"], w["norm.bias"])
                    memo[key] = _time(lambda: mod.project(xn0, w, mask), reps)
                    del xn0
                t = memo[key]
                if p == "triton_fused_ln_proj":
                    for knobs in grid:
                        rows["projections"]["|".join((a, p) + knobs)] = t * fp16_grid[knobs] / fp16_grid[base_knobs]
                else:
                    rows["projections"]["|".join((a, p) + ("*",) * len(KNOBS_PROJ))] = t
        fused_out = {}
        for p in alts["projections"]:
            for q in alts["precision"]:
                for c in alts["contraction"]:
                    named = {"input_norm": FAST["input_norm"], "projections": p, "precision": q, "contraction": c}
                    mod = progs.get(named)
                    v = _upstream(mod, data)
                    if p in FUSED_PROJ:
                        for g in alts["gating"]:
                            rows["gating"]["%s|%s" % (p, g)] = 0.0
                        for mk in alts["masking"]:
                            rows["masking"]["%s|%s" % (p, mk)] = 0.0
                    else:
                        lp, lg, rp, rg, _ = v["proj"]
                        for g in alts["gating"]:
                            rows["gating"]["%s|%s" % (p, g)] = timed(
                                ("gate", _sig(lp), g), {"gating": g}, lambda m: (m.gate(lp, lg), m.gate(rp, rg)))
                        gl, gr = v["gated"]
                        clone = timed(("clone", _sig(gl)), {}, lambda m: (gl.clone(), gr.clone()))
                        for mk in alts["masking"]:
                            t = timed(("mask", _sig(gl), mk), {"masking": mk},
                                      lambda m: m.apply_mask(gl.clone(), gr.clone(), mask))
                            rows["masking"]["%s|%s" % (p, mk)] = max(0.0, t - clone)
                    left, right = v["left"], v["right"]
                    rows["precision"]["%s|%s" % (p, q)] = timed(
                        ("prec", _sig(left), q), {"precision": q}, lambda m: (m.to_contraction(left), m.to_contraction(right)))
                    cl, cr = v["cl"], v["cr"]
                    rows["contraction"]["%s|%s|%s" % (p, q, c)] = timed(
                        ("contr", _sig(cl), _sig(cr), c), {"contraction": c}, lambda m: m.contract(cl, cr))
                    O, og = v["O"], v["og"]
                    ctx = (_sig(O), _sig(og))
                    for o in alts["output"]:
                        for d in alts["output_dtype"]:
                            t = timed(("out", ctx, o, d), {"output": o, "output_dtype": d}, lambda m: m.finish(O, og, w))
                            if o == "triton_fused_out_fp16":
                                fused_out[(p, q, c, d)] = t
                                if d not in fused_out and p == FAST["projections"] and c == FAST["contraction"]:
                                    fused_out[d] = {knobs: timed(("outgrid", ctx, d) + knobs,
                                                                 dict(zip(KNOBS_OUT, knobs), output=o, output_dtype=d),
                                                                 lambda m: m.finish(O, og, w)) for knobs in o_grid}
                            else:
                                rows["output"]["|".join((p, q, c, o) + ("*",) * len(KNOBS_OUT) + (d,))] = t
                    del v, O, og, left, right, cl, cr
        for (p, q, c, d), t in [(k, t) for k, t in fused_out.items() if isinstance(k, tuple)]:
            for knobs in o_grid:
                rows["output"]["|".join((p, q, c, "triton_fused_out_fp16") + knobs + (d,))] = (
                    t * fused_out[d][knobs] / fused_out[d][base_o])
        per_bench.append(rows)
        print("stage model: %s done (%d measurements, %.0f s so far)" % (case["name"], len(memo), time.time() - t_start),
              flush=True)
        del data, fp16_rows
        torch.cuda.empty_cache()
    stages = []
    for s, keys in KEYS.items():
        table = {k: [round(per_bench[b][s][k], 2) for b in range(len(benches))] for k in per_bench[0][s]}
        stages.append({"name": s, "keys": keys, "table": table})
    return {"problem": "trimul", "target": "cuda", "unit": "us",
            "machine": torch.cuda.get_device_name(), "benchmarks": [c["name"] for c in benches],
            "method": __doc__.strip(), "empty_call_us": round(_EMPTY[0], 2), "stages": stages}


def compare(space, benches, programs, reps, load_program, out_dir):
    """Whole programs timed as lab.py time does, next to the sum of their stages timed one by one."""
    out = {}
    for label, named in programs.items():
        mod = load_program(label, named, out_dir)
        whole, parts = [], []
        for case in benches:
            data = problem.make_inputs(case, "cuda", case["seed"])
            x, mask, w, _ = data
            whole.append(_time(lambda: mod.custom_kernel(data), reps))
            v = _upstream(mod, data)
            t = _time(lambda: mod.layernorm_in(x, w["norm.weight"], w["norm.bias"]), reps)
            t += _time(lambda: mod.project(v["xn"], w, mask), reps)
            if v["gated"] is not None:
                lp, lg, rp, rg, _ = v["proj"]
                t += _time(lambda: (mod.gate(lp, lg), mod.gate(rp, rg)), reps)
                gl, gr = v["gated"]
                t += _time(lambda: mod.apply_mask(gl.clone(), gr.clone(), mask), reps) - _time(
                    lambda: (gl.clone(), gr.clone()), reps)
            t += _time(lambda: (mod.to_contraction(v["left"]), mod.to_contraction(v["right"])), reps)
            t += _time(lambda: mod.contract(v["cl"], v["cr"]), reps)
            t += _time(lambda: mod.finish(v["O"], v["og"], w), reps)
            parts.append(t)
            del data, v
        gw = math.exp(sum(map(math.log, whole)) / len(whole))
        gp = math.exp(sum(map(math.log, parts)) / len(parts))
        out[label] = {"whole_us": round(gw, 1), "stages_us": round(gp, 1), "ratio": round(gw / gp, 3)}
        print("%-34s whole %9.1f us  stages %9.1f us  ratio %.3f" % (label, gw, gp, gw / gp), flush=True)
    return out
