"""Circle packing for the shared harness (problems/_harness, score kind value): n circles inside the unit
square, no two overlapping, maximise the sum of their radii. The candidate's output leaves its process
only as plain numbers (export); the worker checks and scores them here (score), trusting nothing else."""
import numpy as np

# Absolute slack on every constraint: a circle may poke out of the square, or into a neighbour, by at
# most this much (floating point, not a gain: 26 circles x 1e-9 is far below the anchors' last digit).
TOLERANCE = 1e-9


def normalize_case(raw, kind, index):
    n, seed = int(raw["n"]), int(raw.get("seed", 0))
    return {"n": n, "seed": seed, "name": "%s%d-n%d" % ("t" if kind == "tests" else "b", index, n)}


def describe(case):
    return {"n": case["n"]}


def make_inputs(case, device, seed, mask_semantics="as-specified"):
    """What the entry point gets: the number of circles and a seed for its own randomness."""
    return {"n": case["n"], "seed": seed}


def export(out, case):
    """In the candidate's process: its output as an n x 3 list of floats (x, y, r), nothing else."""
    try:
        rows = np.array(out, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError("output-type", "the output is not an n x 3 array of numbers: %s" % exc)
    if rows.ndim != 2 or rows.shape[1] != 3:
        raise ValueError("output-shape", "the output has shape %s, expected (%d, 3): x, y, r per circle"
                         % (tuple(rows.shape), case["n"]))
    return rows.tolist()


def score(construction, case):
    """(sum of radii, None), or (None, (check, message)) for the first constraint broken."""
    n = case["n"]
    if not isinstance(construction, list) or len(construction) != n \
            or any(not isinstance(c, list) or len(c) != 3 for c in construction):
        got = len(construction) if isinstance(construction, list) else type(construction).__name__
        return None, ("output-shape", "expected %d circles of (x, y, r), got %s" % (n, got))
    if any(type(v) not in (float, int) for c in construction for v in c):
        return None, ("output-type", "every coordinate and radius must be a number")
    c = np.array(construction, dtype=np.float64)
    if not np.isfinite(c).all():
        return None, ("not-finite", "NaN or infinite coordinates or radii")
    x, y, r = c[:, 0], c[:, 1], c[:, 2]
    if (r < 0).any():
        return None, ("negative-radius", "circle %d has radius %.6g" % (int(np.argmin(r)), float(r.min())))
    out = np.maximum.reduce([r - x, x + r - 1, r - y, y + r - 1])
    if (out > TOLERANCE).any():
        i = int(np.argmax(out))
        return None, ("outside-square", "circle %d (%.6g, %.6g, r %.6g) leaves the unit square by %.3g"
                      % (i, x[i], y[i], r[i], out[i]))
    d = np.sqrt((x[:, None] - x[None, :]) ** 2 + (y[:, None] - y[None, :]) ** 2)
    overlap = r[:, None] + r[None, :] - d
    np.fill_diagonal(overlap, -np.inf)
    if (overlap > TOLERANCE).any():
        i, j = np.unravel_index(int(np.argmax(overlap)), overlap.shape)
        return None, ("overlap", "circles %d and %d overlap by %.3g" % (i, j, overlap[i, j]))
    total = float(r.sum())
    return (total, None) if total > 0 else (None, ("zero-sum", "every radius is 0"))
