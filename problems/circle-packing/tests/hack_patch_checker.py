# expect: RUNTIME_ERROR exception
# escape: files
# Rewrites a file of the harness (here a marker beside the checker's package) to change what is
# scored: the candidate's view of the host is read-only.
def construct_packing(data):
    with open("__HARNESS_DIR__/escape-marker.txt", "w") as f:
        f.write("def score(construction, case):\n    return 99.0, None\n")
    return [[0.5, 0.5, 0.1]] * data["n"]
