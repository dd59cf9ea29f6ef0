"""The host guard (harness/host_guard.py) on scripted core speeds, then once for real on this machine.

    /usr/bin/python3 problems/trimul/harness/tests/test_host_guard.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import host_guard  # noqa: E402


class Machine:
    """Scripted cores: speed[core] is the probe's time there; records where the thread is."""

    def __init__(self, speed):
        self.speed, self.core, self.moves = dict(speed), None, []

    def move(self, core):
        self.core = core
        self.moves.append(core)

    def probe(self):
        return self.speed[self.core]


def _guard(speed):
    m = Machine(speed)
    g = host_guard.HostGuard(cores=sorted(speed), threshold=1.3, calibration_rounds=1, probe=m.probe, move=m.move)
    m.moves.clear()
    return g, m


def main():
    failures = []

    def check(name, cond, detail=""):
        print("%-58s %s %s" % (name, "ok" if cond else "FAILED", detail))
        if not cond:
            failures.append(name)

    g, m = _guard({0: 250.0, 1: 480.0, 2: 470.0, 3: 255.0})
    check("calibration takes the fastest core's time as baseline", g.baseline_us == 250.0, g.baseline_us)
    g.settle()
    check("a fast current core: no move", m.moves == [] and m.core == 0, m.moves)
    m.speed[0] = 490.0  # core 0 turns slow; 1 and 2 are slow; 3 is fast
    g.settle()
    check("a slow core: moves on until a fast one", m.core == 3 and m.moves == [1, 2, 3], m.moves)
    check("counts the call as moved", (g.calls, g.moved, g.moves, g.unsettled) == (2, 1, 3, 0),
          (g.calls, g.moved, g.moves, g.unsettled))
    m.moves.clear()
    m.speed.update({0: 400.0, 1: 480.0, 2: 470.0, 3: 500.0})  # nothing fast: the fastest seen
    g.settle()
    check("no fast core: settles on the fastest one seen", m.core == 0 and g.unsettled == 1, (m.core, m.moves))
    m.speed[0] = 260.0
    m.moves.clear()
    g.settle()
    check("threshold is relative to the baseline (260 <= 1.3 x 250)", m.moves == [], m.moves)
    m.speed[0] = 200.0
    g.settle()
    check("a faster probe later lowers the baseline", g.baseline_us == 200.0 and g.calibration_us == 250.0,
          g.report())
    m.speed[0] = 262.0  # now above 1.3 x 200: slow against the new baseline
    m.moves.clear()
    g.settle()
    check("the lowered baseline tightens the threshold", m.moves != [], m.moves)
    one = host_guard.HostGuard(cores=[0], probe=lambda: 1.0, move=lambda c: None)
    one.settle()
    check("one core: inactive, settle is a no-op", not one.active and one.report() == {"active": False, "cores": 1},
          one.report())

    allowed = sorted(os.sched_getaffinity(0))
    real = host_guard.HostGuard(calibration_rounds=1)
    for _ in range(5):
        real.settle()
    rep = real.report()
    on = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, set(allowed))
    if len(allowed) > 1:
        check("real: calibrated, five calls, ends on one allowed core",
              rep["active"] and rep["calls"] == 5 and len(on) == 1 and on[0] in allowed and rep["baseline_us"] > 0, rep)
    else:
        check("real: one allowed core, guard inactive", not rep["active"], rep)
    print("host guard: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
