# expect: TIMEOUT
# devices: cuda
# timeout: 25
# A GPU kernel that spins forever: the whole process group is killed at the timeout, which tears
# down its CUDA context and the kernel with it; the worker serves the next candidate.
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
def _spin(flag_ptr, out_ptr):
    i = 0
    while tl.load(flag_ptr, volatile=True) == 0:
        i += 1
    tl.store(out_ptr, i)


def custom_kernel(data):
    x, mask, weights, config = data
    flag = torch.zeros(1, dtype=torch.int32, device=x.device)
    sink = torch.zeros(1, dtype=torch.int32, device=x.device)
    _spin[(1,)](flag, sink)
    return trimul(x, mask, weights)
