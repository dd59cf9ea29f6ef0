# expect: OK
# devices: cuda
# style: CUDA graph captured once per shape (cache keyed by shape) with static input buffers; each call copies the inputs in, replays, and returns a clone of the static output
import torch
import torch.nn.functional as F

_MAX_GRAPHS = 2  # big shapes hold several GB of graph memory: keep the two most recent


def _trimul(x, mask, w):
    C = x.shape[-1]
    H = w["to_out_norm.weight"].shape[0]
    xn = F.layer_norm(x, (C,), w["norm.weight"], w["norm.bias"], 1e-5)
    m = mask.unsqueeze(-1)
    left = F.linear(xn, w["left_proj.weight"]) * torch.sigmoid(F.linear(xn, w["left_gate.weight"])) * m
    right = F.linear(xn, w["right_proj.weight"]) * torch.sigmoid(F.linear(xn, w["right_gate.weight"])) * m
    gate = torch.sigmoid(F.linear(xn, w["out_gate.weight"]))
    o = torch.matmul(left.permute(0, 3, 1, 2), right.permute(0, 3, 2, 1)).permute(0, 2, 3, 1)
    o = F.layer_norm(o, (H,), w["to_out_norm.weight"], w["to_out_norm.bias"], 1e-5) * gate
    return F.linear(o, w["to_out.weight"])


class _GraphRunner:
    def __init__(self, x, mask, weights):
        self.x = torch.empty_like(x)
        self.mask = torch.empty_like(mask)
        self.w = {k: torch.empty_like(v) for k, v in weights.items()}
        self.load(x, mask, weights)
        caller = torch.cuda.current_stream()
        warm = torch.cuda.Stream()
        warm.wait_stream(caller)
        with torch.cuda.stream(warm):  # warm-up off the capture, as CUDA graphs require
            for _ in range(2):
                _trimul(self.x, self.mask, self.w)
        caller.wait_stream(warm)
        torch.cuda.synchronize()
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            self.out = _trimul(self.x, self.mask, self.w)

    def load(self, x, mask, weights):
        self.x.copy_(x)
        self.mask.copy_(mask)
        for k, v in weights.items():
            self.w[k].copy_(v)

    def __call__(self, x, mask, weights):
        self.load(x, mask, weights)  # this call's inputs into the static buffers
        self.graph.replay()
        return self.out.clone()      # a fresh tensor: the static output is overwritten next call


_RUNNERS = {}


def custom_kernel(data):
    x, mask, weights, config = data
    key = (tuple(x.shape), tuple(mask.shape), x.dtype, mask.dtype,
           config["dim"], config["hidden_dim"], x.device.index)
    runner = _RUNNERS.get(key)
    if runner is None:
        while len(_RUNNERS) >= _MAX_GRAPHS:
            _RUNNERS.pop(next(iter(_RUNNERS)))
        runner = _GraphRunner(x, mask, weights)
        _RUNNERS[key] = runner
    return runner(x, mask, weights)
