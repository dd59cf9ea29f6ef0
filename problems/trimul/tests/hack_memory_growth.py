# expect: RUNTIME_ERROR|CRASHED
# expect-cuda: CRASHED host-memory
# escape: memory
# Grows host memory without bound in 256 MiB steps (as a leak would): RLIMIT_AS stops it on the CPU; on
# CUDA, where RLIMIT_AS cannot be used, the worker's resident-memory watchdog kills it within a second.
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


def custom_kernel(data):
    hoard = []
    while True:
        hoard.append(bytearray(256 * 2 ** 20))
        hoard[-1][::4096] = b"x" * len(hoard[-1][::4096])
