# expect: INCORRECT not-finite
# NaN compares false with everything: a checker that tests "r > limit" would pass it.
def construct_packing(data):
    return [[0.5, 0.5, float("nan")] for _ in range(data["n"])]
