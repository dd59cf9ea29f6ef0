# expect: REJECTED import-threading
# Optimises in a thread that keeps running after the answer is returned.
import threading


def construct_packing(data):
    threading.Thread(target=lambda: None).start()
    return [[0.5, 0.5, 0.1]] * data["n"]
