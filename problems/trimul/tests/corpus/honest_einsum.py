# expect: OK
# style: einsum everywhere (projections, contraction, output) with a hand-written float32 LayerNorm (var_mean)
import torch


def layer_norm_f32(t, weight, bias, eps=1e-5):
    t = t.float()
    var, mean = torch.var_mean(t, dim=-1, unbiased=False, keepdim=True)
    return (t - mean) * torch.rsqrt(var + eps) * weight + bias


def custom_kernel(data):
    x, mask, w, config = data
    xn = layer_norm_f32(x, w["norm.weight"], w["norm.bias"])
    m = mask.float()
    lp = torch.einsum("bijc,hc->bijh", xn, w["left_proj.weight"])
    lg = torch.einsum("bijc,hc->bijh", xn, w["left_gate.weight"])
    rp = torch.einsum("bijc,hc->bijh", xn, w["right_proj.weight"])
    rg = torch.einsum("bijc,hc->bijh", xn, w["right_gate.weight"])
    og = torch.einsum("bijc,hc->bijh", xn, w["out_gate.weight"])
    left = torch.einsum("bijh,bij->bijh", lp * torch.sigmoid(lg), m)
    right = torch.einsum("bijh,bij->bijh", rp * torch.sigmoid(rg), m)
    o = torch.einsum("bikh,bjkh->bijh", left, right)
    z = layer_norm_f32(o, w["to_out_norm.weight"], w["to_out_norm.bias"]) * torch.sigmoid(og)
    return torch.einsum("bijh,ch->bijc", z, w["to_out.weight"])
