# expect: OK
# style: cache keyed by (B, N, C, H, device) holding preallocated scratch buffers and a fused-weight layout; values refilled every call, output freshly allocated every call
import torch
import torch.nn.functional as F

_SCRATCH = {}
_MAX_ENTRIES = 4
_PROJ_NAMES = ("left_proj.weight", "left_gate.weight", "right_proj.weight", "right_gate.weight",
               "out_gate.weight")


def _scratch(B, N, C, H, device):
    key = (B, N, C, H, str(device))
    buf = _SCRATCH.get(key)
    if buf is None:
        if len(_SCRATCH) >= _MAX_ENTRIES:
            _SCRATCH.pop(next(iter(_SCRATCH)))
        M = B * N * N
        buf = {
            "wcat": torch.empty(5 * H, C, device=device, dtype=torch.float32),  # layout only
            "xn": torch.empty(M, C, device=device, dtype=torch.float32),
            "proj": torch.empty(M, 5 * H, device=device, dtype=torch.float32),
            "lt": torch.empty(B, H, N, N, device=device, dtype=torch.float32),
            "rt": torch.empty(B, H, N, N, device=device, dtype=torch.float32),
        }
        _SCRATCH[key] = buf
    return buf


def custom_kernel(data):
    x, mask, w, config = data
    B, N, _, C = x.shape
    H = config["hidden_dim"]
    s = _scratch(B, N, C, H, x.device)

    # refill the fused weight layout from this call's weights
    for i, name in enumerate(_PROJ_NAMES):
        s["wcat"][i * H:(i + 1) * H].copy_(w[name])

    xn = s["xn"]
    xn.copy_(F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], 1e-5).reshape(-1, C))
    proj = s["proj"]
    torch.matmul(xn, s["wcat"].t(), out=proj)  # [M, 5H]: lp | lg | rp | rg | og

    m = mask.reshape(-1, 1).to(proj.dtype)
    lp, lg, rp, rg, og = proj.split(H, dim=1)
    lg.sigmoid_()
    rg.sigmoid_()
    og.sigmoid_()
    lp.mul_(lg).mul_(m)
    rp.mul_(rg).mul_(m)

    # [B,H,N,N] copies for the contraction, into the preallocated buffers
    s["lt"].copy_(lp.reshape(B, N, N, H).permute(0, 3, 1, 2))
    s["rt"].copy_(rp.reshape(B, N, N, H).permute(0, 3, 1, 2))
    o = torch.matmul(s["lt"], s["rt"].transpose(-1, -2))  # new tensor each call, [B,H,N,N]
    o = o.permute(0, 2, 3, 1)
    z = F.layer_norm(o, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5)
    z = z * og.reshape(B, N, N, H)
    out = torch.empty(B, N, N, C, device=x.device, dtype=torch.float32)  # fresh output every call
    torch.matmul(z, w["to_out.weight"].t(), out=out)
    return out
