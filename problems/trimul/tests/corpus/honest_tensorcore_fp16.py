# expect: OK
# devices: cuda
# style: tensor-core float16 GEMMs with float32 accumulation (reduced-precision reduction off): fused 5-way projection and the NxN contraction in fp16 with a power-of-two pre-scale against overflow
import math

import torch
import torch.nn.functional as F

# cuBLAS accumulates fp16 GEMMs in float32 when reduced-precision reductions are disallowed
torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = False
torch.backends.cuda.matmul.allow_tf32 = False


def custom_kernel(data):
    x, mask, w, config = data
    B, N, _, C = x.shape
    H = config["hidden_dim"]
    xn = F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], 1e-5)  # float32: Cauchy inputs
    w5 = torch.cat([w["left_proj.weight"], w["left_gate.weight"], w["right_proj.weight"],
                    w["right_gate.weight"], w["out_gate.weight"]], dim=0).to(torch.float16)
    proj = torch.matmul(xn.to(torch.float16).view(-1, C), w5.t()).float()  # [M, 5H]
    lp, lg, rp, rg, og = proj.split(H, dim=1)
    m = mask.reshape(-1, 1).to(torch.float32)
    # operands scaled by 2^-s with 4^s ~ N, so O / 4^s stays far below the fp16 maximum
    s = max(0, int(math.ceil(math.log2(N) / 2)))
    scale = 2.0 ** (-s)
    left = (lp * torch.sigmoid(lg) * m * scale).to(torch.float16).view(B, N, N, H)
    right = (rp * torch.sigmoid(rg) * m * scale).to(torch.float16).view(B, N, N, H)
    lt = left.permute(0, 3, 1, 2).contiguous()   # [B,H,i,k]
    rt = right.permute(0, 3, 2, 1).contiguous()  # [B,H,k,j]
    o = torch.matmul(lt, rt).float().mul_(4.0 ** s).permute(0, 2, 3, 1)  # back to float32, unscaled
    z = F.layer_norm(o, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5)
    z = z * torch.sigmoid(og).view(B, N, N, H)
    return F.linear(z, w["to_out.weight"])
