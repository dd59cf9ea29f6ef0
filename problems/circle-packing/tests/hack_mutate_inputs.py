# expect: INCORRECT output-shape
# Changes the instance it was given to n = 1 and answers that one (sum 0.5): the worker scores the
# construction against its own copy of the case, not the candidate's.
def construct_packing(data):
    data["n"] = 1
    return [[0.5, 0.5, 0.5]]
