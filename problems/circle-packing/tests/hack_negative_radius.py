# expect: INCORRECT negative-radius
# A negative radius would let two "circles" sit on top of each other and cancel in the checks.
def construct_packing(data):
    n = data["n"]
    rows = [[0.5, 0.5, 0.4]] + [[0.5, 0.5, -0.4]] * (n - 1)
    return rows
