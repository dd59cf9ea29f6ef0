# expect: OK
# style: in-place arithmetic throughout (sub_/mul_/add_/addcmul_/sigmoid_), manual float32 LayerNorm with eps 1e-5, matmul contraction
import torch


def _ln_(t, weight, bias, eps=1e-5):
    """LayerNorm over the last axis, in place on t (t is a temporary owned by the caller)."""
    mean = t.mean(dim=-1, keepdim=True)
    t.sub_(mean)
    var = t.pow(2).mean(dim=-1, keepdim=True)
    t.mul_(var.add_(eps).rsqrt_())
    return t.mul_(weight).add_(bias)


def custom_kernel(data):
    x, mask, w, config = data
    C, H = config["dim"], config["hidden_dim"]
    xn = _ln_(x.to(torch.float32, copy=True), w["norm.weight"], w["norm.bias"])  # never writes into x
    m = mask.unsqueeze(-1)
    left = torch.matmul(xn, w["left_proj.weight"].t())
    left.mul_(torch.matmul(xn, w["left_gate.weight"].t()).sigmoid_()).mul_(m)
    right = torch.matmul(xn, w["right_proj.weight"].t())
    right.mul_(torch.matmul(xn, w["right_gate.weight"].t()).sigmoid_()).mul_(m)
    gate = torch.matmul(xn, w["out_gate.weight"].t()).sigmoid_()
    o = torch.matmul(left.permute(0, 3, 1, 2), right.permute(0, 3, 2, 1))  # [B,H,N,N]
    o = _ln_(o.permute(0, 2, 3, 1).contiguous(), w["to_out_norm.weight"], w["to_out_norm.bias"])
    z = torch.zeros_like(o).addcmul_(o, gate)
    return torch.matmul(z, w["to_out.weight"].t())
