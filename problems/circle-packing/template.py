"""Circle packing candidate rendered from program-space.yml: each slot below holds one alternative."""
import numpy as np

{{initial_layout}}

{{optimizer}}

{{schedule}}

{{budget}}


def penalty_and_grad(c, r, lam):
    """-sum(r) + lam * (squared pairwise overlaps + squared wall violations), and its gradient in c and r."""
    diff = c[:, None, :] - c[None, :, :]
    d = np.maximum(np.sqrt((diff ** 2).sum(-1)), 1e-12) + np.eye(len(r))
    ov = np.maximum(r[:, None] + r[None, :] - d, 0.0)
    np.fill_diagonal(ov, 0.0)
    walls = np.maximum(np.stack([r - c[:, 0], r + c[:, 0] - 1, r - c[:, 1], r + c[:, 1] - 1]), 0.0)
    f = -r.sum() + lam * (0.5 * (ov ** 2).sum() + (walls ** 2).sum())
    g_r = -1.0 + lam * 2 * (ov.sum(1) + walls.sum(0))
    g_c = lam * (-2 * (ov / d)[:, :, None] * diff).sum(1)
    g_c[:, 0] += lam * 2 * (walls[1] - walls[0])
    g_c[:, 1] += lam * 2 * (walls[3] - walls[2])
    return f, g_c, g_r


def penalty(t, iterations):
    """The penalty weight at iteration t: geometric from PENALTY_START to PENALTY_END."""
    return PENALTY_START * (PENALTY_END / PENALTY_START) ** (t / max(1, iterations - 1))


def feasible(centers, radii):
    """The largest radii not above `radii` that keep every circle inside the square and off the others:
    clip to the walls, then shrink each overlapping pair in proportion (radii only ever decrease, so a
    pair fixed earlier stays fixed)."""
    c = np.clip(centers, 0.0, 1.0)
    r = np.clip(radii, 0.0, None)
    r = np.minimum.reduce([r, c[:, 0], 1 - c[:, 0], c[:, 1], 1 - c[:, 1]])
    n = len(r)
    for i in range(n):
        for j in range(i + 1, n):
            d = float(np.hypot(*(c[i] - c[j])))
            if r[i] + r[j] > d:
                scale = d / (r[i] + r[j]) * (1 - 1e-12)
                r[i] *= scale
                r[j] *= scale
    return c, r


def construct_packing(data):
    n = int(data["n"])
    rng = np.random.default_rng(int(data["seed"]))
    best = None
    for _ in range(RESTARTS):
        centers = initial_centers(n, rng)
        radii = np.full(n, 0.5 / np.sqrt(n))
        centers, radii = optimize(centers, radii, ITERATIONS)
        centers, radii = feasible(centers, radii)
        if best is None or radii.sum() > best[1].sum():
            best = (centers, radii)
    centers, radii = best
    return np.column_stack([centers, radii])
