# expect: OK
# style: bfloat16 OUTPUT that is a non-contiguous view: the result is built channel-major [B,C,N,N] and returned permuted to [B,N,N,C]
import torch
import torch.nn.functional as F


def custom_kernel(data):
    x, mask, w, config = data
    B, N, _, C = x.shape
    H = config["hidden_dim"]
    xn = F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], 1e-5)
    m = mask.unsqueeze(-1).to(xn.dtype)
    left = F.linear(xn, w["left_proj.weight"]) * torch.sigmoid(F.linear(xn, w["left_gate.weight"])) * m
    right = F.linear(xn, w["right_proj.weight"]) * torch.sigmoid(F.linear(xn, w["right_gate.weight"])) * m
    gate = torch.sigmoid(F.linear(xn, w["out_gate.weight"]))
    o = torch.einsum("bikh,bjkh->bijh", left, right)
    z = F.layer_norm(o, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5) * gate
    # Y^T = W_out @ z^T, per batch: [C,H] @ [B,H,N*N] -> [B,C,N*N], contiguous channel-major
    yt = torch.matmul(w["to_out.weight"], z.reshape(B, N * N, H).transpose(1, 2))
    y = yt.view(B, C, N, N).permute(0, 2, 3, 1)  # [B,N,N,C] view, strides (C*N*N, N, 1, N*N)
    return y.to(torch.bfloat16)  # preserve_format keeps the permuted strides
