"""Run a function in a fresh forked child under OS limits, with its result sent over a private pipe.

The child: its own session and process group (killed as a whole on timeout), a scratch working
directory, fd 0 from /dev/null, fds 1 and 2 to a capture file (the worker's protocol fd is closed),
the result pipe moved to a random high fd number, and resource limits:
  RLIMIT_CPU    timeout + 5 s soft, + 10 s hard
  RLIMIT_AS     CPU only (CUDA maps a very large virtual address space)
  RLIMIT_DATA   CUDA: caps the host heap (private writable memory) where RLIMIT_AS cannot be used;
                the worker checks at start that CUDA initialises under it and drops it if not
  RLIMIT_FSIZE  caps every file the child writes, the capture file included
  RLIMIT_NOFILE open descriptors
  RLIMIT_NPROC  when the child is not root (after the privilege drop): caps processes and threads
With `isolate` the child is also confined by the kernel (isolation.py: private network, mount and PID
namespaces, a read-only view but for its scratch directory, an unprivileged uid, no_new_privs).
"""
import errno
import json
import os
import random
import resource
import select
import signal
import tempfile
import time

from _harness import isolation


def _drop_fds(fds):
    for fd in fds:
        if fd is not None:
            os.close(fd)


def _isolate(spec, *keep_fds):
    """isolation.py in the forked child: namespaces and the read-only view; for a PID namespace two more
    forks (the namespace's init, then the candidate as its child; the process the worker forked only
    relays the end); then the privilege drop. `spec`: writable (dirs), uid, gid, groups, env."""
    report = isolation.enter_namespaces(spec.get("writable", ()))
    if report["pid_ns"]:
        init = os.fork()
        if init != 0:
            _drop_fds(keep_fds)
            isolation.relay_init(init)
        isolation.mount_proc(report)
        candidate = os.fork()
        if candidate != 0:
            _drop_fds(keep_fds)
            isolation.run_init(candidate)
    isolation.drop_privileges(report, spec.get("uid"), spec.get("gid"), spec.get("groups", ()))
    if spec.get("env") is not None:
        os.environ.clear()
        os.environ.update(spec["env"])
        tempfile.tempdir = None  # the worker's cached /tmp is read-only here: take TMPDIR (the scratch dir)
    return report


def _set_limits(limits, timeout_s):
    def lim(which, value):
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass
    cpu = int(timeout_s) + 5
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    except (ValueError, OSError):
        pass
    if limits.get("address_space_gib"):
        lim(resource.RLIMIT_AS, int(float(limits["address_space_gib"]) * 2 ** 30))
    if limits.get("data_gib"):
        lim(resource.RLIMIT_DATA, int(float(limits["data_gib"]) * 2 ** 30))
    if limits.get("file_size_mib"):
        lim(resource.RLIMIT_FSIZE, int(limits["file_size_mib"]) * 2 ** 20)
    if limits.get("open_files"):
        lim(resource.RLIMIT_NOFILE, int(limits["open_files"]))
    if os.geteuid() != 0 and limits.get("processes"):
        lim(resource.RLIMIT_NPROC, int(limits["processes"]))


def _close_other_fds(keep):
    """Close every inherited descriptor above 2 except `keep`: a staged child forked while another
    candidate runs must not hold that candidate's result pipe (it could read or forge it)."""
    try:
        fds = [int(n) for n in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, 4096))
    for fd in fds:
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


class Child:
    """A forked candidate process. With staged=True the child sets itself up (sandbox, limits, the
    optional `prepare` function, e.g. CUDA context creation) and then blocks until go(): the worker
    stages the next candidate while the previous one is still on the GPU. The timeout runs from go()."""

    def __init__(self, fn, scratch_dir, capture_path, timeout_s, limits, close_fds=(), prepare=None, staged=False,
                 isolate=None):
        self.timeout_s = float(timeout_s)
        self.chunks, self.deadline, self.outcome, self.done = [], None, None, False
        self.forked_at = time.monotonic()
        read_fd, write_fd = os.pipe()
        go_r, go_w = os.pipe() if staged else (None, None)
        pid = os.fork()
        if pid == 0:  # child
            code = 70
            try:
                os.setsid()
                private = random.randrange(300, 900)
                os.dup2(write_fd, private)
                go_fd = None
                if go_r is not None:
                    go_fd = private + 1
                    os.dup2(go_r, go_fd)
                _close_other_fds({private, go_fd} - {None})
                del close_fds  # covered by _close_other_fds
                os.set_inheritable(private, False)
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)
                os.close(devnull)
                cap = os.open(capture_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(cap, 1)
                os.dup2(cap, 2)
                os.close(cap)
                os.chdir(scratch_dir)
                report = _isolate(isolate, private, go_fd) if isolate is not None else None
                _set_limits(limits, timeout_s)
                signal.signal(signal.SIGPIPE, signal.SIG_DFL)
                if prepare is not None:
                    prepare()
                if go_fd is not None:
                    if os.read(go_fd, 1) != b"g":  # the worker dropped this stage
                        os._exit(0)
                    os.close(go_fd)
                result = fn()
                if report is not None and isinstance(result, dict):
                    result["isolation"] = report
                data = json.dumps(result).encode()
                view = memoryview(data)
                while view:
                    view = view[os.write(private, view):]
                os.close(private)
                code = 0
            except BaseException:  # noqa: BLE001 - the child must never return into the worker loop
                code = 71
                try:
                    import traceback
                    traceback.print_exc()  # into the capture file
                except BaseException:  # noqa: BLE001
                    pass
            finally:
                os._exit(code)
        self.pid = pid
        os.close(write_fd)
        self.read_fd = read_fd
        self.go_w = go_w
        if go_r is not None:
            os.close(go_r)
            os.set_inheritable(go_w, False)
        os.set_inheritable(read_fd, False)
        if not staged:
            self.go()

    def go(self):
        self.started_at = time.monotonic()
        self.deadline = self.started_at + self.timeout_s
        if self.go_w is not None:
            try:
                os.write(self.go_w, b"g")
            except OSError:
                pass  # the child is gone already: its outcome says how
            os.close(self.go_w)
            self.go_w = None

    def fileno(self):
        return self.read_fd

    def poll(self, wait_s=0.0):
        """Read what is there; True once the child is done (result pipe closed or timed out)."""
        if self.done:
            return True
        if self.deadline is None:
            raise RuntimeError("poll() before go()")
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.outcome, self.done = "timeout", True
            return True
        ready, _, _ = select.select([self.read_fd], [], [], max(0.0, min(left, wait_s)))
        if ready:
            chunk = os.read(self.read_fd, 1 << 16)
            if not chunk:
                self.done = True
            else:
                self.chunks.append(chunk)
        return self.done

    def cancel(self):
        self.outcome, self.done = "timeout", True
        return self.finish()

    def finish(self):
        """Kill the group, reap the child, return (outcome, payload) as run_in_child does."""
        os.close(self.read_fd)
        if self.go_w is not None:
            os.close(self.go_w)
            self.go_w = None
        status = None
        if self.outcome is None:  # the pipe closed: give the child a moment to exit on its own
            grace = time.monotonic() + 5.0
            while status is None and time.monotonic() < grace:
                done, st = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    status = st
                else:
                    time.sleep(0.002)
        try:  # the whole group: whatever the candidate left behind goes too
            os.killpg(self.pid, signal.SIGKILL)
        except OSError as e:
            if e.errno not in (errno.ESRCH, errno.EPERM):
                raise
        if status is None:
            _, status = os.waitpid(self.pid, 0)
        if self.outcome == "timeout":
            return "timeout", None
        raw = b"".join(self.chunks)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and raw:
            try:
                return "ok", json.loads(raw.decode())
            except ValueError:
                return "malformed", "the result channel held malformed data (something else wrote to it)"
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = str(sig)
            how = "killed by signal %s" % name
            if sig == signal.SIGXCPU:
                how += " (CPU time limit)"
        else:
            how = "exited with code %d before sending a result" % os.WEXITSTATUS(status)
        return "crashed", how


def run_in_child(fn, scratch_dir, capture_path, timeout_s, limits, close_fds=(), prepare=None, isolate=None):
    """fn() runs in a fresh child and returns a JSON-able object.
    Returns (outcome, payload): outcome is "ok" (payload = decoded object), "timeout", "malformed" (the
    channel held something that is not one JSON object) or "crashed" (payload = how it ended)."""
    ch = Child(fn, scratch_dir, capture_path, timeout_s, limits, close_fds, prepare=prepare, isolate=isolate)
    try:
        while not ch.poll(1.0):
            pass
    except BaseException:
        ch.outcome = ch.outcome or "timeout"
        ch.finish()
        raise
    return ch.finish()
