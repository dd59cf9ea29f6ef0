# expect: OK
# style: `import os` with environment switches read once at import (USE_FP16 picks a float16 output; chunk size override)
import os

import torch
import torch.nn.functional as F

USE_FP16 = os.environ.get("TRIMUL_FP16", "1") == "1"
CHUNK = int(os.environ.get("TRIMUL_CHUNK", "0") or 0)  # 0: contract all hidden channels at once
DEBUG = os.environ.get("TRIMUL_DEBUG", "") not in ("", "0")


def _contract(left, right, chunk):
    # left/right [B,N,N,H] -> O [B,N,N,H], O[b,i,j,h] = sum_k left[b,i,k,h] right[b,j,k,h]
    B, N, _, H = left.shape
    lt = left.permute(0, 3, 1, 2)
    rt = right.permute(0, 3, 2, 1)
    if chunk <= 0 or chunk >= H:
        return torch.matmul(lt, rt).permute(0, 2, 3, 1)
    parts = [torch.matmul(lt[:, h:h + chunk], rt[:, h:h + chunk]) for h in range(0, H, chunk)]
    return torch.cat(parts, dim=1).permute(0, 2, 3, 1)


def custom_kernel(data):
    x, mask, w, config = data
    C, H = config["dim"], config["hidden_dim"]
    xn = F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], 1e-5)
    m = mask[..., None].to(xn.dtype)
    left = F.linear(xn, w["left_proj.weight"]) * m * torch.sigmoid(F.linear(xn, w["left_gate.weight"]))
    right = F.linear(xn, w["right_proj.weight"]) * m * torch.sigmoid(F.linear(xn, w["right_gate.weight"]))
    g = torch.sigmoid(F.linear(xn, w["out_gate.weight"]))
    o = _contract(left, right, CHUNK)
    z = F.layer_norm(o, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5) * g
    if DEBUG:
        print("trimul", tuple(x.shape), "fp16" if USE_FP16 else "fp32")
    if USE_FP16:
        if z.is_cuda:
            # half GEMM for the output projection: the output is compared after a cast to float32
            return F.linear(z.half(), w["to_out.weight"].half())
        return F.linear(z, w["to_out.weight"]).half()
    return F.linear(z, w["to_out.weight"])
