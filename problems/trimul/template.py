"""TriMul candidate rendered from program-space.yml: each slot below holds one alternative."""
import torch
import torch.nn.functional as F

# Numeric knobs of the fused Triton kernels (other alternatives ignore them).
{{proj_block_m}}
{{proj_block_k}}
{{proj_warps}}
{{proj_stages}}
{{proj_split}}
{{out_block_m}}
{{out_block_c}}
{{out_warps}}
{{output_dtype}}


class DeferredLayerNorm:
    """The input LayerNorm not computed yet: a projection that fuses it reads x, the others materialize it."""

    def __init__(self, x, w, b):
        self.x, self.w, self.b = x, w, b


def materialize(xn):
    """The normalized input in float32, whatever the input_norm alternative handed over."""
    if isinstance(xn, DeferredLayerNorm):
        return F.layer_norm(xn.x, (xn.x.shape[-1],), xn.w, xn.b, 1e-5)
    return xn if xn.dtype == torch.float32 else xn.float()


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
    out = contract(to_contraction(left), to_contraction(right))  # any floating dtype and strides
    return finish(out, og, weights)
