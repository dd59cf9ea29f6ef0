# expect: OK
# style: mixed precision, device-agnostic: float32 LayerNorm and projections, bfloat16-rounded operands for the NxN
# contraction accumulated and kept in float32 (as a tensor-core kernel with a float32 accumulator); rounding the
# product itself to bfloat16 too is borderline on Cauchy inputs (1 of 65,536 elements 5% over the tolerance with
# torch 1.13 on an AVX2-only CPU)
import torch
import torch.nn.functional as F

CONTRACT_DTYPE = torch.bfloat16


def custom_kernel(data):
    x, mask, w, config = data
    C, H = config["dim"], config["hidden_dim"]
    xn = F.layer_norm(x.float(), (C,), w["norm.weight"], w["norm.bias"], 1e-5)  # float32: Cauchy inputs
    m = mask.unsqueeze(-1).to(torch.float32)
    left = F.linear(xn, w["left_proj.weight"]) * torch.sigmoid(F.linear(xn, w["left_gate.weight"])) * m
    right = F.linear(xn, w["right_proj.weight"]) * torch.sigmoid(F.linear(xn, w["right_gate.weight"])) * m
    gate = torch.sigmoid(F.linear(xn, w["out_gate.weight"]))
    lt = left.permute(0, 3, 1, 2).to(CONTRACT_DTYPE).float()   # [B,H,i,k]
    rt = right.permute(0, 3, 2, 1).to(CONTRACT_DTYPE).float()  # [B,H,k,j]
    o = torch.matmul(lt, rt).permute(0, 2, 3, 1)
    z = F.layer_norm(o, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5) * gate
    return F.linear(z, w["to_out.weight"])
