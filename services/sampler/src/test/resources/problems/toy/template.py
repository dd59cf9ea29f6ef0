def custom_kernel(x):
    {{scale}}
    {{device}}
    return y, d
