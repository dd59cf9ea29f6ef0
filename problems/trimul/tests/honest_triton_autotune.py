# expect: OK
# devices: cuda
# Honest Triton kernel with autotuning: fused gate (sigmoid) and mask, tuned per size on first use.
import torch
import torch.nn.functional as F
import triton
import triton.language as tl


@triton.autotune(configs=[triton.Config({"BLOCK": 1024}, num_warps=4),
                          triton.Config({"BLOCK": 4096}, num_warps=8)], key=["n"])
@triton.jit
def _gate_mask(p_ptr, g_ptr, m_ptr, out_ptr, n, H, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    keep = offs < n
    p = tl.load(p_ptr + offs, mask=keep, other=0.0)
    g = tl.load(g_ptr + offs, mask=keep, other=0.0)
    m = tl.load(m_ptr + offs // H, mask=keep, other=0.0)
    tl.store(out_ptr + offs, p * tl.sigmoid(g) * m, mask=keep)


def gate(p, g, mask):
    p, g = p.contiguous(), g.contiguous()
    out = torch.empty_like(p)
    n = p.numel()
    _gate_mask[lambda meta: (triton.cdiv(n, meta["BLOCK"]),)](p, g, mask.contiguous(), out, n, p.shape[-1])
    return out


def custom_kernel(data):
    x, mask, w, config = data
    C = x.shape[-1]
    xn = F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], 1e-5)
    left = gate(F.linear(xn, w["left_proj.weight"]), F.linear(xn, w["left_gate.weight"]), mask)
    right = gate(F.linear(xn, w["right_proj.weight"]), F.linear(xn, w["right_gate.weight"]), mask)
    out = torch.einsum("bikh,bjkh->bijh", left, right)
    H = out.shape[-1]
    out = F.layer_norm(out, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5)
    return F.linear(out * torch.sigmoid(F.linear(xn, w["out_gate.weight"])), w["to_out.weight"])
