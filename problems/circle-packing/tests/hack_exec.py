# expect: REJECTED exec-eval
def construct_packing(data):
    return eval("[[0.5, 0.5, 0.1]] * %d" % data["n"])
