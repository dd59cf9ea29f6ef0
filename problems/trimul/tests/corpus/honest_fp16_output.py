# expect: OK
# style: float32 compute, float16 OUTPUT (`return out.half()`): the check casts the output to float32
import torch
import torch.nn.functional as F


def custom_kernel(data):
    x, mask, weights, config = data
    C, H = config["dim"], config["hidden_dim"]
    xn = F.layer_norm(x, (C,), weights["norm.weight"], weights["norm.bias"], eps=1e-5)
    m = mask.unsqueeze(-1).float()
    left = F.linear(xn, weights["left_proj.weight"]) * m
    left = left * torch.sigmoid(F.linear(xn, weights["left_gate.weight"]))
    right = F.linear(xn, weights["right_proj.weight"]) * m
    right = right * torch.sigmoid(F.linear(xn, weights["right_gate.weight"]))
    out = torch.einsum("bikh,bjkh->bijh", left, right)
    out = F.layer_norm(out, (H,), weights["to_out_norm.weight"], weights["to_out_norm.bias"], eps=1e-5)
    out = out * torch.sigmoid(F.linear(xn, weights["out_gate.weight"]))
    out = F.linear(out, weights["to_out.weight"])
    return out.half()
