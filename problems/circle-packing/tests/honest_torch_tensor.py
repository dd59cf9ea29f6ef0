# expect: OK
# The same grid returned as a CPU torch tensor with radii a hair below touching.
import torch


def construct_packing(data):
    n = data["n"]
    g = (torch.arange(6, dtype=torch.float64) + 0.5) / 6
    xs, ys = torch.meshgrid(g, g, indexing="xy")
    centers = torch.stack([xs.flatten(), ys.flatten()], 1)[:n]
    return torch.cat([centers, torch.full((n, 1), 1 / 12 - 1e-12, dtype=torch.float64)], 1)
