# expect: OK
# style: module-level tuning table keyed by (N, C) with a default, chunked contraction driven by the table
import math

import torch
import torch.nn.functional as F

# (seqlen, dim) -> tile sizes; anything not listed falls back to DEFAULT_CFG.
CONFIGS = {
    (32, 128): {"row_chunk": 32, "h_chunk": 128, "num_warps": 4},
    (64, 256): {"row_chunk": 64, "h_chunk": 64, "num_warps": 4},
    (128, 768): {"row_chunk": 64, "h_chunk": 64, "num_warps": 8},
    (256, 128): {"row_chunk": 128, "h_chunk": 32, "num_warps": 8},
    (512, 128): {"row_chunk": 128, "h_chunk": 32, "num_warps": 8},
    (768, 128): {"row_chunk": 256, "h_chunk": 32, "num_warps": 8},
    (768, 384): {"row_chunk": 256, "h_chunk": 32, "num_warps": 8},
    (1024, 128): {"row_chunk": 256, "h_chunk": 16, "num_warps": 8},
    (1024, 384): {"row_chunk": 256, "h_chunk": 16, "num_warps": 8},
    (1024, 768): {"row_chunk": 256, "h_chunk": 16, "num_warps": 8},
    (16, 64): {"row_chunk": 8, "h_chunk": 32, "num_warps": 2},
    (32, 64): {"row_chunk": 16, "h_chunk": 32, "num_warps": 2},
    (48, 64): {"row_chunk": 16, "h_chunk": 64, "num_warps": 2},
}
DEFAULT_CFG = {"row_chunk": 32, "h_chunk": 32, "num_warps": 4}
LN_EPS = 1e-5


def pick_config(n, c):
    return CONFIGS.get((n, c), DEFAULT_CFG)


def custom_kernel(data):
    x, mask, w, config = data
    B, N, _, C = x.shape
    H = config["hidden_dim"]
    cfg = pick_config(N, C)
    rc = max(1, min(cfg["row_chunk"], N))
    hc = max(1, min(cfg["h_chunk"], H))

    xn = F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], LN_EPS)
    m = mask.unsqueeze(-1).to(x.dtype)
    left = F.linear(xn, w["left_proj.weight"]) * torch.sigmoid(F.linear(xn, w["left_gate.weight"])) * m
    right = F.linear(xn, w["right_proj.weight"]) * torch.sigmoid(F.linear(xn, w["right_gate.weight"])) * m
    gate = torch.sigmoid(F.linear(xn, w["out_gate.weight"]))

    # [B,H,N,N] layouts for the contraction, tiled over hidden channels and output rows
    lt = left.permute(0, 3, 1, 2).contiguous()
    rt = right.permute(0, 3, 1, 2).contiguous()
    o = torch.empty(B, H, N, N, device=x.device, dtype=x.dtype)
    for h0 in range(0, H, hc):
        h1 = min(H, h0 + hc)
        r_t = rt[:, h0:h1].transpose(-1, -2)  # [B,hc,N(k),N(j)]
        for i0 in range(0, N, rc):
            i1 = min(N, i0 + rc)
            o[:, h0:h1, i0:i1] = torch.matmul(lt[:, h0:h1, i0:i1], r_t)
    o = o.permute(0, 2, 3, 1)
    o = F.layer_norm(o, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], LN_EPS)
    return F.linear(o * gate, w["to_out.weight"])
