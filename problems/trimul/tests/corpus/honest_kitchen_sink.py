# expect: OK
# style: several extras at once: task import + type hints, os env switch, unused imports, (N,C) table, shape-keyed scratch cache, float16 non-contiguous output
from task import input_t, output_t

import json
import math
import os
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request

import torch
import torch.nn.functional as F

USE_FP16 = os.environ.get("TRIMUL_FP16", "1") == "1"
BLOCKS = {(32, 128): 16, (64, 256): 32, (256, 128): 64, (1024, 384): 128, (1024, 768): 128}
_LAYOUTS = {}


def _layout(B: int, N: int, C: int, H: int, device: torch.device) -> dict:
    key = (B, N, C, H, str(device))
    if key not in _LAYOUTS:
        _LAYOUTS.clear()  # keep one shape's buffers at a time
        _LAYOUTS[key] = {"wcat": torch.empty(5 * H, C, device=device),
                         "o": torch.empty(B, H, N, N, device=device)}
    return _LAYOUTS[key]


def custom_kernel(data: input_t) -> output_t:
    x, mask, w, config = data
    B, N, _, C = x.shape
    H = config["hidden_dim"]
    blk = min(N, BLOCKS.get((N, C), 32))
    lay = _layout(B, N, C, H, x.device)
    wcat = lay["wcat"]
    torch.cat([w["left_proj.weight"], w["left_gate.weight"], w["right_proj.weight"],
               w["right_gate.weight"], w["out_gate.weight"]], dim=0, out=wcat)
    xn = F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], 1e-5)
    lp, lg, rp, rg, og = F.linear(xn, wcat).split(H, dim=-1)
    m = mask.unsqueeze(-1)
    left = (lp * torch.sigmoid(lg) * m).permute(0, 3, 1, 2)   # [B,H,i,k]
    right = (rp * torch.sigmoid(rg) * m).permute(0, 3, 2, 1)  # [B,H,k,j]
    o = lay["o"]
    for i0 in range(0, N, blk):
        o[:, :, i0:i0 + blk] = torch.matmul(left[:, :, i0:i0 + blk], right)
    z = F.layer_norm(o.permute(0, 2, 3, 1), (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5)
    z = z * torch.sigmoid(og)
    # output built channel-major, returned as a permuted (non-contiguous) view
    yt = torch.einsum("ch,bijh->bcij", w["to_out.weight"], z).contiguous()  # [B,C,N,N]
    y = yt.permute(0, 2, 3, 1)
    return y.half() if USE_FP16 else y
