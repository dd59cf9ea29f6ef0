import numpy as np

def custom_kernel(x):
    {{dtype}}
    {{loop}}
    return total
