# expect: OK
# style: explicit 2-D mm projections and a (B*H)-batched torch.bmm contraction with reshape/permute bookkeeping
import torch
import torch.nn.functional as F


def custom_kernel(data):
    x, mask, w, config = data
    B, N, _, C = x.shape
    H = config["hidden_dim"]
    M = B * N * N
    xn = F.layer_norm(x.reshape(M, C), (C,), w["norm.weight"], w["norm.bias"], 1e-5)
    mflat = mask.reshape(M, 1).to(xn.dtype)

    lp = torch.mm(xn, w["left_proj.weight"].t())
    lg = torch.mm(xn, w["left_gate.weight"].t())
    rp = torch.mm(xn, w["right_proj.weight"].t())
    rg = torch.mm(xn, w["right_gate.weight"].t())
    og = torch.mm(xn, w["out_gate.weight"].t())
    left = lp * torch.sigmoid(lg) * mflat   # [M,H], rows ordered (b,i,k)
    right = rp * torch.sigmoid(rg) * mflat  # [M,H], rows ordered (b,j,k)

    # [B*H, N, N] operands: A[(b,h), i, k] = left, Bt[(b,h), k, j] = right[b,j,k,h]
    a = left.reshape(B, N, N, H).permute(0, 3, 1, 2).reshape(B * H, N, N)
    bt = right.reshape(B, N, N, H).permute(0, 3, 2, 1).reshape(B * H, N, N)
    o = torch.bmm(a, bt)                                   # [(b,h), i, j]
    o = o.reshape(B, H, N, N).permute(0, 2, 3, 1).reshape(M, H)
    z = F.layer_norm(o, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5)
    z = z * torch.sigmoid(og)
    y = torch.mm(z, w["to_out.weight"].t())
    return y.reshape(B, N, N, C)
