# expect: INCORRECT output-type
# An object that claims to be a sequence but is not numbers.
class Sneaky:
    def __len__(self):
        return 26

    def __getitem__(self, i):
        if i >= 26:
            raise IndexError(i)
        return ["x", "y", "r"]


def construct_packing(data):
    return Sneaky()
