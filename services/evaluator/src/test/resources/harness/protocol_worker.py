"""A worker that speaks the harness protocol (ready line, then one JSON result line per request line)
and misbehaves on demand, to test the Java pool's handling of hangs, crashes and protocol errors.
The program text picks the behaviour: HANG, CRASH, CRASH_ONCE:<marker file> (dies unless the marker
exists, then creates it), GARBAGE, SLOW_START (env), IGNORE_MASK (answers
with its startup mask semantics, as a worker that does not read the request's), else an OK result
that applies the request's mask_semantics (else the startup one) and names the request's fields in
its message."""
import json
import os
import sys
import time

startup_mask = "as-specified"
if "--mask-semantics" in sys.argv:
    startup_mask = sys.argv[sys.argv.index("--mask-semantics") + 1]
if os.environ.get("SLOW_START"):
    time.sleep(float(os.environ["SLOW_START"]))
print(json.dumps({"ready": True, "device": "cpu", "pid": os.getpid(),
                  "hardware": {"device": "cpu", "torch": "none", "python": sys.version.split()[0]},
                  "mask_semantics": startup_mask}), flush=True)
for raw in sys.stdin:
    req = json.loads(raw)
    code = req["code"]
    if code == "HANG":
        time.sleep(3600)
    elif code == "CRASH":
        sys.stderr.write("segfault, pretend\n")
        sys.stderr.flush()
        os._exit(3)
    elif code.startswith("CRASH_ONCE:") and not os.path.exists(code.split(":", 1)[1]):
        open(code.split(":", 1)[1], "w").close()  # the next worker answers
        os._exit(3)
    elif code == "GARBAGE":
        print("this is not json", flush=True)
    else:
        mask = startup_mask if code == "IGNORE_MASK" else req.get("mask_semantics", startup_mask)
        print(json.dumps({"id": req["id"], "status": "OK", "message": "fields " + ",".join(sorted(req)),
                          "score_us": 100.0 + len(code),
                          "benchmarks": [{"name": "b0", "seqlen": 32, "bs": 1, "dim": 64, "mean_us": 100.0,
                                          "std_us": 1.0, "runs": 3, "best_us": 99.0}],
                          "tests": {"passed": 2, "total": 2}, "checks_fired": [],
                          "hardware": {"device": "cpu", "pid": os.getpid()}, "mask_semantics": mask,
                          "timings_ms": {"static": 1.0, "load": 2.0, "test": 3.0, "benchmark": 4.0, "total": 10.0},
                          "timeout_s": req["timeout_s"],
                          "isolation": {"net_ns": True, "mount_ns": True, "pid_ns": False, "read_only": True,
                                        "unprivileged": True, "no_new_privs": True, "uid": 61000,
                                        "errors": ["unshare: Operation not permitted"]}}), flush=True)
