# expect: INCORRECT outside-square
# Circles centred on the border, half outside the square.
def construct_packing(data):
    n = data["n"]
    return [[i / n, 0.0, 0.5 / n] for i in range(n)]
