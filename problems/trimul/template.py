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
    proj = project(xn, weights, mask)
    if len(proj) == 3:  # a fused projection: left and right come gated and masked already
        left, right, og = proj
    else:
        lp, lg, rp, rg, og = proj
        left = gate(lp, lg)
        right = gate(rp, rg)
        left, right = apply_mask(left, right, mask)
    out = contract(to_contraction(left), to_contraction(right)).float()
    return finish(out, og, weights)
