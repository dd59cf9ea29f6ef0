# expect: RUNTIME_ERROR|CRASHED
# devices: cuda
# A Triton kernel that writes far outside any allocation (illegal memory access): the CUDA context
# of this candidate is lost, the worker (which never touches CUDA) serves the next candidate.
import triton
import triton.language as tl
import torch
import torch.nn.functional as F


def trimul(x, mask, w):
    C = x.shape[-1]
    xn = F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], 1e-5)
    m = mask.unsqueeze(-1)
    left = F.linear(xn, w["left_proj.weight"]) * m * torch.sigmoid(F.linear(xn, w["left_gate.weight"]))
    right = F.linear(xn, w["right_proj.weight"]) * m * torch.sigmoid(F.linear(xn, w["right_gate.weight"]))
    out = torch.einsum("bikh,bjkh->bijh", left, right)
    H = out.shape[-1]
    out = F.layer_norm(out, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5)
    return F.linear(out * torch.sigmoid(F.linear(xn, w["out_gate.weight"])), w["to_out.weight"])


@triton.jit
def _scribble(ptr, off):
    tl.store(ptr + off + tl.arange(0, 16), tl.zeros([16], tl.float32))


def custom_kernel(data):
    x, mask, weights, config = data
    out = trimul(x, mask, weights)
    _scribble[(1,)](out, 1 << 40)
    return out
