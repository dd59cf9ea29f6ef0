"""TriMul's own parts for the shared harness (problems/_harness, score kind runtime): deterministic
inputs, the float32 reference, the output check and the physics floor. Imported by the worker before
any candidate runs; nothing here runs candidate code."""
import math

import torch
import torch.nn.functional as F

# Checks that mean a hack (REJECTED) rather than a wrong answer (INCORRECT).
REJECTING_CHECKS = ("output-aliases-input", "output-type")
WEIGHT_NAMES = ("left_proj.weight", "right_proj.weight", "left_gate.weight", "right_gate.weight",
                "out_gate.weight")


def _as_bool(value):
    # The official harness read "False" as a truthy string; we read it as false.
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")


def normalize_case(raw, kind, index):
    case = {"seqlen": int(raw["seqlen"]), "bs": int(raw["bs"]), "dim": int(raw["dim"]),
            "hiddendim": int(raw.get("hiddendim", 128)), "seed": int(raw["seed"]),
            "nomask": _as_bool(raw.get("nomask", True)),
            "distribution": str(raw.get("distribution", "normal"))}
    case["name"] = "%s%d-n%d-bs%d-d%d-h%d-%s%s" % (
        "t" if kind == "tests" else "b", index, case["seqlen"], case["bs"], case["dim"],
        case["hiddendim"], case["distribution"], "" if case["nomask"] else "-mask")
    return case


def describe(case):
    """The case's fields reported with each benchmark result."""
    return {k: case[k] for k in ("seqlen", "bs", "dim", "hiddendim")}


def make_inputs(case, device, seed, mask_semantics="as-specified"):
    """(x, mask, weights, config) drawn from one generator seeded with `seed`, in a fixed order."""
    B, N, C, H = case["bs"], case["seqlen"], case["dim"], case["hiddendim"]
    gen = torch.Generator(device=device)
    gen.manual_seed(seed)
    kw = {"device": device, "dtype": torch.float32}
    if case["distribution"] == "cauchy":
        x = torch.empty(B, N, N, C, **kw).cauchy_(0.0, 2.0, generator=gen)
    else:
        x = torch.randn(B, N, N, C, generator=gen, **kw)
    if case["nomask"] or mask_semantics == "official-all-ones":
        mask = torch.ones(B, N, N, **kw)
    else:
        mask = torch.randint(0, 2, (B, N, N), generator=gen, device=device).to(torch.float32)
    weights = {"norm.weight": torch.randn(C, generator=gen, **kw),
               "norm.bias": torch.randn(C, generator=gen, **kw)}
    for name in WEIGHT_NAMES:
        weights[name] = torch.randn(H, C, generator=gen, **kw) / math.sqrt(H)
    weights["to_out_norm.weight"] = torch.randn(H, generator=gen, **kw)
    weights["to_out_norm.bias"] = torch.randn(H, generator=gen, **kw)
    weights["to_out.weight"] = torch.randn(C, H, generator=gen, **kw) / math.sqrt(C)
    return x, mask, weights, {"dim": C, "hidden_dim": H}


def reference(data):
    """The math of the spec in float32, TF32 off (restored afterwards: a candidate may turn it on)."""
    x, mask, w, _ = data
    saved = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    try:
        with torch.no_grad():
            C = x.shape[-1]
            xn = F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], 1e-5)
            m = mask.unsqueeze(-1).to(torch.float32)
            left = F.linear(xn, w["left_proj.weight"]) * m * torch.sigmoid(F.linear(xn, w["left_gate.weight"]))
            right = F.linear(xn, w["right_proj.weight"]) * m * torch.sigmoid(F.linear(xn, w["right_gate.weight"]))
            gate = torch.sigmoid(F.linear(xn, w["out_gate.weight"]))
            out = torch.einsum("bikh,bjkh->bijh", left, right)
            H = out.shape[-1]
            out = F.layer_norm(out, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5) * gate
            return F.linear(out, w["to_out.weight"])
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


def _storage_span(t):
    storage = t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()
    nbytes = storage.nbytes() if hasattr(storage, "nbytes") else storage.size() * t.element_size()
    return storage.data_ptr(), storage.data_ptr() + nbytes


def input_tensors(data):
    x, mask, weights, _ = data
    return [x, mask] + list(weights.values())


def check_output(out, ref, data, atol, rtol):
    """(check_id, message) of the first failed check, or None. Type checks come first: a lazy proxy
    or subclass is never asked for its values. Stricter than the official check only about what
    hacks use (type, aliasing); any floating dtype and any strides pass, as they do there."""
    if type(out) is not torch.Tensor:
        return "output-type", "custom_kernel returned %s, not a plain torch.Tensor" % type(out).__name__
    if out.layout != torch.strided or out.is_sparse or out.is_quantized:
        return "output-type", "output is not a dense strided tensor"
    if not out.is_floating_point():
        return "output-dtype", "output dtype is %s, must be a floating dtype (compared after a cast to float32)" % out.dtype
    if out.device != ref.device:
        return "output-device", "output is on %s, inputs are on %s" % (out.device, ref.device)
    if tuple(out.shape) != tuple(ref.shape):
        return "output-shape", "output shape %s, expected %s" % (tuple(out.shape), tuple(ref.shape))
    lo, hi = _storage_span(out)
    for t in input_tensors(data):
        tlo, thi = _storage_span(t)
        if lo < thi and tlo < hi:
            return "output-aliases-input", "output shares memory with an input tensor"
    # As the official check: any floating dtype and any layout, compared in float32.
    out = out.detach().to(torch.float32)
    nan_out, nan_ref = torch.isnan(out), torch.isnan(ref)
    posinf = torch.isposinf(out) != torch.isposinf(ref)
    neginf = torch.isneginf(out) != torch.isneginf(ref)
    bad_special = (nan_out != nan_ref) | posinf | neginf
    if bool(bad_special.any()):
        return "nan-inf-positions", "NaN/inf at %d positions where the reference differs" % int(bad_special.sum())
    finite = torch.isfinite(ref)
    diff = torch.where(finite, (out - ref).abs(), torch.zeros_like(ref))
    bad = diff > atol + rtol * ref.abs()
    if bool(bad.any()):
        n_bad = int(bad.sum())
        worst = int(torch.argmax(torch.where(bad, diff, torch.zeros_like(diff))))
        return "mismatch", "%d of %d elements outside atol %g + rtol %g; worst |diff| %.4g at flat index %d (ref %.4g)" % (
            n_bad, bad.numel(), atol, rtol, float(diff.flatten()[worst]), worst, float(ref.flatten()[worst]))
    return None


def poison(tensors):
    """Fill buffers with NaN so a candidate that reads stale memory or keeps old tensors fails."""
    for t in tensors:
        if type(t) is torch.Tensor and t.is_floating_point():
            t.detach().fill_(float("nan"))


def physics_floor_us(case, floor_cfg):
    """Lower bound for one benchmark: read x and write the output in float32, or the flops at peak."""
    B, N, C, H = case["bs"], case["seqlen"], case["dim"], case["hiddendim"]
    nbytes = 8.0 * B * N * N * C
    flops = 2.0 * B * N * N * C * 5 * H + 2.0 * B * H * N ** 3 + 2.0 * B * N * N * H * C
    return 1e6 * max(nbytes / float(floor_cfg["bandwidth_bytes_per_s"]), flops / float(floor_cfg["flops_per_s"]))
