# expect: OK
# A 6 x 6 grid with equal radii 1/12: valid, far from the best (26 / 12 = 2.1667).
import numpy as np


def construct_packing(data):
    n = data["n"]
    g = (np.arange(6) + 0.5) / 6
    centers = [(x, y) for y in g for x in g][:n]
    return [[x, y, 1 / 12] for x, y in centers]
