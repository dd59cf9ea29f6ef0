# expect: INCORRECT output-shape
# Fewer circles than asked: four large ones.
def construct_packing(data):
    return [[0.25, 0.25, 0.25], [0.75, 0.25, 0.25], [0.25, 0.75, 0.25], [0.75, 0.75, 0.25]]
