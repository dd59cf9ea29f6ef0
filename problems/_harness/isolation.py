"""OS isolation of a candidate process: what the kernel enforces whatever the candidate's source says.

Applied in the forked child before any candidate code runs (sandbox.Child):
  network      a private network namespace: no interface but a down loopback
  files        a private mount namespace: every mount read-only (and nosuid) except the candidate's
               scratch directory and the worker's compile caches; a fresh /proc that shows only the
               candidate's own processes
  processes    a private PID namespace: a small init (pid 1) reaps and, when it ends, takes every
               process of the namespace with it; the candidate is its only child (pid 2, so it keeps
               the usual signal behaviour, which an init does not have); none can see or signal the
               worker or the host; `leftover_processes()` lists the candidate's processes still alive
               after custom_kernel returned, so the harness can refuse them
  privileges   as root: a dedicated unprivileged uid/gid (no supplementary groups but the GPU device
               group when the device nodes need it) and no_new_privs, so no setuid binary, file
               capability or root-owned file helps; as a normal user: a user namespace that maps only
               that user, with the same mount, network and PID namespaces
Each step that the host refuses (e.g. no user namespaces in a container) is skipped and recorded in
the report, which the worker returns with every result, so an operator sees what held.
Host memory is bounded from outside, by the worker's watchdog (see worker.MemoryWatch).
"""
import ctypes
import ctypes.util
import errno
import os
import signal

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x2, 0x4, 0x8
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 1 << 18
MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID = 0x1, 0x2
AT_FDCWD, AT_RECURSIVE = -100, 0x8000
SYS_MOUNT_SETATTR = 442  # the same number on every Linux architecture (added in 5.12)
PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 36, 38

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def _check(rc, what):
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))


def _mount(source, target, fstype, flags):
    _check(_libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                       ctypes.c_ulong(flags), None), "mount %s" % target)


def _mount_setattr(path, flags, attr_set=0, attr_clr=0):
    attr = _MountAttr(attr_set, attr_clr, 0, 0)
    _check(_libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), ctypes.c_uint(flags), ctypes.byref(attr),
                         ctypes.c_size_t(ctypes.sizeof(attr))), "mount_setattr %s" % path)


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


OWN_PROC = False  # set in the namespace's init before it forks the candidate


def enter_namespaces(writable_dirs):
    """Unshare the namespaces and set up the read-only view. Returns the report; report["pid_ns"] True
    means the caller must fork once more: the next child is the namespace's init (pid 1), which
    forks the candidate (sandbox._isolate)."""
    report = {"root": os.geteuid() == 0, "user_ns": False, "net_ns": False, "mount_ns": False, "pid_ns": False,
              "read_only": False, "errors": []}
    uid, gid = os.geteuid(), os.getegid()
    base = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID
    attempts = [base] if report["root"] else [CLONE_NEWUSER | base]
    done = 0
    for flags in attempts:
        if _libc.unshare(ctypes.c_int(flags)) == 0:
            done = flags
            break
        report["errors"].append("unshare: %s" % os.strerror(ctypes.get_errno()))
    if not done and report["root"]:
        for flag in (CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID):  # whatever this host allows, one by one
            if _libc.unshare(ctypes.c_int(flag)) == 0:
                done |= flag
    if done & CLONE_NEWUSER:
        report["user_ns"] = True
        try:
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", "%d %d 1" % (uid, uid))
            _write("/proc/self/gid_map", "%d %d 1" % (gid, gid))
        except OSError as exc:
            report["errors"].append("id maps: %s" % exc)
    report["net_ns"] = bool(done & CLONE_NEWNET)
    report["pid_ns"] = bool(done & CLONE_NEWPID)
    if done & CLONE_NEWNS:
        report["mount_ns"] = True
        try:
            _mount(None, "/", None, MS_REC | MS_PRIVATE)
            _mount_setattr("/", AT_RECURSIVE, attr_set=MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID)
            for d in writable_dirs:
                _mount(d, d, None, MS_BIND | MS_REC)
                _mount_setattr(d, AT_RECURSIVE, attr_clr=MOUNT_ATTR_RDONLY)
            report["read_only"] = True
            report["writable"] = list(writable_dirs)
        except OSError as exc:
            report["errors"].append(str(exc))
    return report


def mount_proc(report):
    """In the PID namespace's init: a /proc that shows only this namespace."""
    global OWN_PROC
    try:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        report["own_proc"] = OWN_PROC = True
    except OSError as exc:
        report["own_proc"] = False
        report["errors"].append(str(exc))


def drop_privileges(report, uid, gid, groups=()):
    """As root: become uid/gid with only `groups` as supplementary groups. Always: no_new_privs, and
    orphaned descendants come back to this process (subreaper) so leftover_processes() sees them."""
    if report["root"] and uid is not None:
        try:
            os.setgroups(list(groups))
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
            report["uid"], report["gid"], report["groups"] = uid, gid, list(groups)
        except OSError as exc:
            report["errors"].append("drop privileges: %s" % exc)
    report["unprivileged"] = os.geteuid() != 0 or report["user_ns"]
    report["no_new_privs"] = _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
    if os.getpid() != 1:
        _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def run_init(candidate):
    """The namespace's init: reap every process that ends (orphans come here) until the candidate
    ends, then exit with its status (a signal as 128 + its number: an init cannot die of a signal
    it sends itself). Exiting ends every process left in the namespace."""
    while True:
        try:
            pid, status = os.wait()
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(70)
        if pid == candidate:
            if os.WIFSIGNALED(status):
                os._exit(128 + os.WTERMSIG(status))
            os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)


def relay_init(pid):
    """In the process that forked the namespace's init (outside it): wait for it and end as the
    candidate did, so the worker sees the candidate's own exit code or signal."""
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70
    if sig is None and 128 < code < 128 + signal.NSIG:
        sig = code - 128
    if sig is not None:
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(code)


def process_table():
    """{pid: (comm, state, ppid)} of every process this /proc shows."""
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name) as f:
                    text = f.read()
                close = text.rindex(")")
                rest = text[close + 2:].split()
                table[int(name)] = (text[text.index("(") + 1:close], rest[0], int(rest[1]))
            except (OSError, ValueError, IndexError):
                pass  # ended meanwhile
    return table


def descendants(root, table):
    """The pids below `root` in the ppid tree of `table` (root excluded)."""
    mine, frontier = set(), {root}
    while frontier:
        frontier = {p for p, (_, _, ppid) in table.items() if ppid in frontier and p not in mine}
        mine |= frontier
    return mine


def leftover_processes():
    """[(pid, comm)] of this process's descendants still running (zombies are reaped). In a PID
    namespace with its own /proc that is every process but the init and this one; else the ppid
    tree from here."""
    me = os.getpid()
    table = process_table()
    mine = set(table) - {1, me} if OWN_PROC else descendants(me, table)
    alive = []
    for pid in sorted(mine):
        comm, state, _ = table[pid]
        if state == "Z":
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        else:
            alive.append((pid, comm))
    return alive


def kill_all(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError as exc:
            if exc.errno != errno.ESRCH:
                raise
