# expect: INCORRECT overlap
# Every pair of neighbours overlapping by 1e-7, 100 x the checker's tolerance: still an overlap.
import numpy as np


def construct_packing(data):
    n = data["n"]
    g = 0.5 + ((np.arange(6) + 0.5) / 6 - 0.5) * 0.99
    centers = [(x, y) for y in g for x in g][:n]
    return [[x, y, 0.99 / 12 + 5e-8] for x, y in centers]
