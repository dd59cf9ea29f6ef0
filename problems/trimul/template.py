"""TriMul candidate rendered from program-space.yml: each slot below holds one alternative."""
import torch
import torch.nn.functional as F

{{input_norm}}

{{projections}}

{{gating}}

{{masking}}

{{precision}}

{{contraction}}

{{output}}


def custom_kernel(data):
    x, mask, weights, config = data
    xn = layernorm_in(x, weights["norm.weight"], weights["norm.bias"])
    lp, lg, rp, rg, og = project(xn, weights)
    left = gate(lp, lg)
    right = gate(rp, rg)
    left, right = apply_mask(left, right, mask)
    out = contract(to_contraction(left), to_contraction(right)).float()
    return finish(out, og, weights)
