# expect: TIMEOUT
# timeout: 4
def construct_packing(data):
    while True:
        pass
