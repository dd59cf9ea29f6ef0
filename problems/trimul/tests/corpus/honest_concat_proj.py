# expect: OK
# style: the five [H,C] projections concatenated into one [5H,C] weight (rebuilt from this call's weights) and applied with one matmul, gates in place
import torch
import torch.nn.functional as F


def custom_kernel(data):
    x, mask, w, config = data
    B, N, _, C = x.shape
    H = config["hidden_dim"]
    w_all = torch.cat([w["left_proj.weight"], w["right_proj.weight"],
                       w["left_gate.weight"], w["right_gate.weight"], w["out_gate.weight"]], dim=0)
    xn = F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], 1e-5)
    proj = F.linear(xn, w_all)                      # [B,N,N,5H], one GEMM
    proj[..., 2 * H:].sigmoid_()                    # all three gates at once, in place
    lp, rp, lg, rg, og = proj.chunk(5, dim=-1)
    m = mask.unsqueeze(-1).to(proj.dtype)
    left = lp.mul_(lg).mul_(m)
    right = rp.mul_(rg).mul_(m)
    o = torch.einsum("bikh,bjkh->bijh", left, right)
    o = F.layer_norm(o, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5)
    o.mul_(og)
    return F.linear(o, w["to_out.weight"])
