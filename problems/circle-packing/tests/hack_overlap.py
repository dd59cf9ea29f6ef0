# expect: INCORRECT overlap
# 26 circles of radius 0.25 in a grid: each inside the square, but they overlap.
def construct_packing(data):
    return [[0.25 + 0.5 * (i % 2), 0.25 + 0.5 * ((i // 2) % 2), 0.25] for i in range(data["n"])]
