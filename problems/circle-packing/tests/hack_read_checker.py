# expect: REJECTED harness-import
# Imports the checker (problem.py) to read its tolerance and the instance.
import problem


def construct_packing(data):
    return [[0.5, 0.5, problem.TOLERANCE]] * data["n"]
