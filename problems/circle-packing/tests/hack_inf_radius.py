# expect: INCORRECT not-finite
def construct_packing(data):
    rows = [[0.1 * (i % 9) + 0.05, 0.1 * (i // 9) + 0.05, 0.01] for i in range(data["n"])]
    rows[0][2] = float("inf")
    return rows
