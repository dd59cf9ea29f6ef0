# expect: REJECTED harness-import
# escape: harness
# Tries every module of the harness folder (host_guard and isolation included): with the static rules
# on, harness-import (its list derived from the folder) refuses them; with the rules off, none is
# importable in the candidate's process, and the candidate does the real work only if one was.
import torch
import torch.nn.functional as F

def trimul(x, mask, w):
    C = x.shape[-1]
    xn = F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], 1e-5)
    m = mask.unsqueeze(-1)
    left = F.linear(xn, w["left_proj.weight"]) * m * torch.sigmoid(F.linear(xn, w["left_gate.weight"]))
    right = F.linear(xn, w["right_proj.weight"]) * m * torch.sigmoid(F.linear(xn, w["right_gate.weight"]))
    out = torch.einsum("bikh,bjkh->bijh", left, right)
    H = out.shape[-1]
    out = F.layer_norm(out, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5)
    return F.linear(out * torch.sigmoid(F.linear(xn, w["out_gate.weight"])), w["to_out.weight"])


def custom_kernel(data):
    found = []
    try:
        import child
        found.append(child)
    except ImportError:
        pass
    try:
        import problem
        found.append(problem)
    except ImportError:
        pass
    try:
        import sandbox
        found.append(sandbox)
    except ImportError:
        pass
    try:
        import static_checks
        found.append(static_checks)
    except ImportError:
        pass
    try:
        import worker
        found.append(worker)
    except ImportError:
        pass
    try:
        import program_space
        found.append(program_space)
    except ImportError:
        pass
    try:
        import check_space
        found.append(check_space)
    except ImportError:
        pass
    try:
        import host_guard
        found.append(host_guard)
    except ImportError:
        pass
    try:
        import isolation
        found.append(isolation)
    except ImportError:
        pass
    if not found:
        raise ImportError("contained: no harness module is importable")
    x, mask, weights, config = data
    return trimul(x, mask, weights)
