# expect: SYNTAX_ERROR
# Does not parse.
def custom_kernel(data)
    return data[0]
