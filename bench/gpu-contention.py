"""What slows one GPU's timing down on a multi-GPU host: the reference TriMul timed on GPU 0 (CUDA events, the median
of 40 calls after warm-up) while nothing else runs, while GPU 1 runs the same program in a loop, while GPU 1 runs
large matrix products (few launches, all GPU), while GPU 1 runs tiny kernels from 1 or 4 processes (the launch
path), and while 16 or 30 processes keep the CPUs busy without a GPU.
Self-contained (torch only): python3 bench/gpu-contention.py [--out FILE.json]. Needs two GPUs for the GPU-1 rows."""
import argparse
import json
import multiprocessing as mp
import statistics
import time

import torch

SHAPES = [  # (seqlen, bs, dim): a large GPU-bound case and a small launch-bound one of the official benchmarks
    (1024, 1, 384),
    (256, 2, 128),
    "launch-bound",  # 300 elementwise kernels on a 64x64 tensor: the host's launch path, not the GPU
]
HIDDEN = 128


def make(seqlen, bs, dim, device):
    g = torch.Generator(device="cpu").manual_seed(seqlen * 31 + dim)
    x = torch.randn(bs, seqlen, seqlen, dim, generator=g).to(device)
    mask = (torch.rand(bs, seqlen, seqlen, generator=g) > 0.1).float().to(device)
    w = {k: (torch.randn(*s, generator=g) / s[-1] ** 0.5).to(device) for k, s in {
        "lp": (HIDDEN, dim), "rp": (HIDDEN, dim), "lg": (HIDDEN, dim), "rg": (HIDDEN, dim), "og": (HIDDEN, dim),
        "out": (dim, HIDDEN)}.items()}
    return x, mask, w


def trimul(x, mask, w):
    dim = x.shape[-1]
    x = torch.nn.functional.layer_norm(x, (dim,))
    m = mask.unsqueeze(-1)
    left = x @ w["lp"].T * torch.sigmoid(x @ w["lg"].T) * m
    right = x @ w["rp"].T * torch.sigmoid(x @ w["rg"].T) * m
    out = torch.einsum("bikh,bjkh->bijh", left, right)
    out = torch.nn.functional.layer_norm(out, (HIDDEN,)) * torch.sigmoid(x @ w["og"].T)
    return out @ w["out"].T


def tiny_ops(t):
    for _ in range(300):
        t = t * 1.0001 + 0.5
    return t


def time_on(device, shape, calls=40):
    if shape == "launch-bound":
        t = torch.ones(64, 64, device=device)
        fn, args = tiny_ops, (t,)
    else:
        fn, args = trimul, make(*shape, device)
    for _ in range(5):
        fn(*args)
    torch.cuda.synchronize(device)
    times = []
    for _ in range(calls):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn(*args)
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1000)
    return statistics.median(times)


def load_same(stop):
    torch.cuda.set_device(1)
    args = make(*SHAPES[0], "cuda:1")
    while not stop.is_set():
        trimul(*args)
        torch.cuda.synchronize(1)


def load_launches(stop):
    torch.cuda.set_device(1)
    t = torch.ones(64, 64, device="cuda:1")
    while not stop.is_set():
        tiny_ops(t)
        torch.cuda.synchronize(1)


def load_matmul(stop):
    torch.cuda.set_device(1)
    a = torch.randn(8192, 8192, device="cuda:1", dtype=torch.float16)
    while not stop.is_set():
        for _ in range(20):
            a @ a
        torch.cuda.synchronize(1)


def load_cpu(stop):
    n = 0
    while not stop.is_set():
        n += 1


def measure(label, target=None, procs=0):
    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    workers = [ctx.Process(target=target, args=(stop,)) for _ in range(procs)]
    for p in workers:
        p.start()
    time.sleep(4 if workers else 0)
    row = {"condition": label}
    for shape in SHAPES:
        name = shape if isinstance(shape, str) else "x".join(map(str, shape))
        row[name] = round(time_on("cuda:0", shape), 1)
    stop.set()
    for p in workers:
        p.join()
    print(json.dumps(row), flush=True)
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    a = ap.parse_args()
    torch.cuda.set_device(0)
    two = torch.cuda.device_count() >= 2
    rows = [measure("quiet")]
    if two:
        rows.append(measure("gpu1: the same program in a loop", load_same, 1))
        rows.append(measure("gpu1: fp16 8192^3 matrix products", load_matmul, 1))
        rows.append(measure("gpu1: tiny kernels in a loop (launch-bound)", load_launches, 1))
        rows.append(measure("gpu1: 4 processes of tiny kernels", load_launches, 4))
    rows.append(measure("cpu: 16 busy processes", load_cpu, 16))
    rows.append(measure("cpu: 30 busy processes", load_cpu, 30))
    rows.append(measure("quiet again"))
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"gpus": torch.cuda.device_count(), "name": torch.cuda.get_device_name(0), "rows": rows}, f,
                      indent=1)


if __name__ == "__main__":
    main()
