# expect: OK
# style: nn.Module helper class mirroring the reference layout, cached per (C, H, device), weights loaded with load_state_dict on every call
import torch
from torch import nn


class TriMulOutgoing(nn.Module):
    def __init__(self, dim, hidden_dim):
        super().__init__()
        self.norm = nn.LayerNorm(dim, eps=1e-5)
        self.left_proj = nn.Linear(dim, hidden_dim, bias=False)
        self.right_proj = nn.Linear(dim, hidden_dim, bias=False)
        self.left_gate = nn.Linear(dim, hidden_dim, bias=False)
        self.right_gate = nn.Linear(dim, hidden_dim, bias=False)
        self.out_gate = nn.Linear(dim, hidden_dim, bias=False)
        self.to_out_norm = nn.LayerNorm(hidden_dim, eps=1e-5)
        self.to_out = nn.Linear(hidden_dim, dim, bias=False)

    def forward(self, x, mask):
        x = self.norm(x)
        m = mask.unsqueeze(-1)
        left = self.left_proj(x) * m * self.left_gate(x).sigmoid()
        right = self.right_proj(x) * m * self.right_gate(x).sigmoid()
        out = torch.einsum("... i k d, ... j k d -> ... i j d", left, right)
        out = self.to_out_norm(out)
        out = out * self.out_gate(x).sigmoid()
        return self.to_out(out)


_MODULES = {}


def _module(dim, hidden_dim, device):
    key = (dim, hidden_dim, str(device))
    mod = _MODULES.get(key)
    if mod is None:
        mod = TriMulOutgoing(dim, hidden_dim).to(device).eval()
        mod.requires_grad_(False)
        _MODULES[key] = mod
    return mod


def custom_kernel(data):
    x, mask, weights, config = data
    mod = _module(config["dim"], config["hidden_dim"], x.device)
    with torch.no_grad():
        mod.load_state_dict(weights, strict=True)  # copies this call's values into the parameters
        return mod(x, mask)
