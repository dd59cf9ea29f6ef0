# expect: OK
# devices: cuda
# style: a cached side CUDA stream computes the left branch while the caller's stream computes the right branch and gate; joined with wait_stream (+ record_stream) before the contraction and before returning
import torch
import torch.nn.functional as F

_SIDE_STREAMS = {}


def _side_stream(device):
    key = (device.type, device.index)
    s = _SIDE_STREAMS.get(key)
    if s is None:
        s = torch.cuda.Stream(device=device)
        _SIDE_STREAMS[key] = s
    return s


def custom_kernel(data):
    x, mask, w, config = data
    C, H = config["dim"], config["hidden_dim"]
    main = torch.cuda.current_stream(x.device)
    side = _side_stream(x.device)

    xn = F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], 1e-5)
    m = mask.unsqueeze(-1)

    side.wait_stream(main)  # xn (and the inputs) are ready before the side stream reads them
    with torch.cuda.stream(side):
        left = F.linear(xn, w["left_proj.weight"]) * torch.sigmoid(F.linear(xn, w["left_gate.weight"])) * m
    right = F.linear(xn, w["right_proj.weight"]) * torch.sigmoid(F.linear(xn, w["right_gate.weight"])) * m
    gate = torch.sigmoid(F.linear(xn, w["out_gate.weight"]))

    main.wait_stream(side)     # join: the left branch is finished before main uses it
    left.record_stream(main)   # allocated on the side stream, consumed on main
    xn.record_stream(side)

    o = torch.einsum("bikh,bjkh->bijh", left, right)
    o = F.layer_norm(o, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5) * gate
    return F.linear(o, w["to_out.weight"])
