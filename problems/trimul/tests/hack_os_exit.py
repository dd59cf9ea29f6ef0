# expect: CRASHED
# Exits the process without a result.
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


import os


def custom_kernel(data):
    os._exit(0)
