# expect: OK
# devices: cuda
# style: torch.compile of the whole forward (fullgraph, dynamic shapes, default mode: no cudagraph output reuse), compiled lazily on first call
import torch
import torch.nn.functional as F


def _trimul(x, mask, norm_w, norm_b, w_lp, w_lg, w_rp, w_rg, w_og, onorm_w, onorm_b, w_out):
    C = x.shape[-1]
    H = w_lp.shape[0]
    xn = F.layer_norm(x, (C,), norm_w, norm_b, 1e-5)
    m = mask.unsqueeze(-1)
    left = F.linear(xn, w_lp) * torch.sigmoid(F.linear(xn, w_lg)) * m
    right = F.linear(xn, w_rp) * torch.sigmoid(F.linear(xn, w_rg)) * m
    gate = torch.sigmoid(F.linear(xn, w_og))
    o = torch.einsum("bikh,bjkh->bijh", left, right)
    o = F.layer_norm(o, (H,), onorm_w, onorm_b, 1e-5) * gate
    return F.linear(o, w_out)


_compiled = torch.compile(_trimul, fullgraph=True, dynamic=True)


def custom_kernel(data):
    x, mask, w, config = data
    return _compiled(x, mask, w["norm.weight"], w["norm.bias"],
                     w["left_proj.weight"], w["left_gate.weight"],
                     w["right_proj.weight"], w["right_gate.weight"], w["out_gate.weight"],
                     w["to_out_norm.weight"], w["to_out_norm.bias"], w["to_out.weight"])
