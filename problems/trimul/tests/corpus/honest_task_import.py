# expect: OK
# style: official template header: `from task import input_t, output_t`, type hints on custom_kernel and helpers
from task import input_t, output_t

import torch
import torch.nn.functional as F
from typing import Dict


def _layer_norm(t: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    return F.layer_norm(t, (t.shape[-1],), weight, bias, 1e-5)


def _gated(xn: torch.Tensor, proj: torch.Tensor, gate: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    return F.linear(xn, proj) * torch.sigmoid(F.linear(xn, gate)) * m


def _outgoing(left: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
    # O[b,i,j,h] = sum_k L[b,i,k,h] R[b,j,k,h], done as (B,H) batched NxN @ NxN
    lt = left.permute(0, 3, 1, 2)           # [B,H,N(i),N(k)]
    rt = right.permute(0, 3, 2, 1)          # [B,H,N(k),N(j)]
    return torch.matmul(lt, rt).permute(0, 2, 3, 1)  # [B,N,N,H]


def custom_kernel(data: input_t) -> output_t:
    x, mask, weights, config = data
    w: Dict[str, torch.Tensor] = weights
    xn = _layer_norm(x, w["norm.weight"], w["norm.bias"])
    m = mask.unsqueeze(-1).to(x.dtype)
    left = _gated(xn, w["left_proj.weight"], w["left_gate.weight"], m)
    right = _gated(xn, w["right_proj.weight"], w["right_gate.weight"], m)
    out_gate = torch.sigmoid(F.linear(xn, w["out_gate.weight"]))
    o = _outgoing(left, right)
    o = _layer_norm(o, w["to_out_norm.weight"], w["to_out_norm.bias"]) * out_gate
    return F.linear(o, w["to_out.weight"])
