"""Run a function in a fresh forked child under OS limits, with its result sent over a private pipe.

The child: its own session and process group (killed as a whole on timeout), a scratch working
directory, fd 0 from /dev/null, fds 1 and 2 to a capture file (the worker's protocol fd is closed),
the result pipe moved to a random high fd number, and resource limits:
  RLIMIT_CPU    timeout + 5 s soft, + 10 s hard
  RLIMIT_AS     CPU only (CUDA maps a very large virtual address space)
  RLIMIT_FSIZE  caps every file the child writes, the capture file included
  RLIMIT_NOFILE open descriptors
  RLIMIT_NPROC  only when not root: the kernel ignores it for root (CAP_SYS_RESOURCE), so as root the
                static rules and the process-group kill are what stop process spawning
As root it also tries unshare(CLONE_NEWNET) so the child has no network; where that is not permitted
(containers without CAP_SYS_ADMIN) it goes on without.
"""
import errno
import json
import os
import random
import resource
import select
import signal
import time

_CLONE_NEWNET = 0x40000000


def _no_network():
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(_CLONE_NEWNET) == 0
    except Exception:  # noqa: BLE001 - best effort
        return False


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
    if limits.get("file_size_mib"):
        lim(resource.RLIMIT_FSIZE, int(limits["file_size_mib"]) * 2 ** 20)
    if limits.get("open_files"):
        lim(resource.RLIMIT_NOFILE, int(limits["open_files"]))
    if os.geteuid() != 0 and limits.get("processes"):
        lim(resource.RLIMIT_NPROC, int(limits["processes"]))


def run_in_child(fn, scratch_dir, capture_path, timeout_s, limits, close_fds=()):
    """fn(result_fd_writer) runs in the child and returns a JSON-able object.
    Returns (outcome, payload): outcome is "ok" (payload = decoded object), "timeout", or "crashed"
    (payload = how it ended)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 70
        try:
            os.setsid()
            os.close(read_fd)
            for fd in close_fds:
                os.close(fd)
            private = random.randrange(300, 900)
            os.dup2(write_fd, private)
            os.close(write_fd)
            os.set_inheritable(private, False)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.close(devnull)
            cap = os.open(capture_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(cap, 1)
            os.dup2(cap, 2)
            os.close(cap)
            os.chdir(scratch_dir)
            if os.geteuid() == 0:
                _no_network()
            _set_limits(limits, timeout_s)
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            result = fn()
            data = json.dumps(result).encode()
            view = memoryview(data)
            while view:
                view = view[os.write(private, view):]
            os.close(private)
            code = 0
        except BaseException:  # noqa: BLE001 - the child must never return into the worker loop
            code = 71
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks, deadline, outcome = [], time.monotonic() + timeout_s, None
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                outcome = "timeout"
                break
            ready, _, _ = select.select([read_fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(read_fd, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_fd)
        status = None
        if outcome is None:  # the pipe closed: give the child a moment to exit on its own
            grace = time.monotonic() + 5.0
            while status is None and time.monotonic() < grace:
                done, st = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = st
                else:
                    time.sleep(0.002)
        try:  # the whole group: whatever the candidate left behind goes too
            os.killpg(pid, signal.SIGKILL)
        except OSError as e:
            if e.errno not in (errno.ESRCH, errno.EPERM):
                raise
        if status is None:
            _, status = os.waitpid(pid, 0)
    if outcome == "timeout":
        return "timeout", None
    raw = b"".join(chunks)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and raw:
        try:
            return "ok", json.loads(raw.decode())
        except ValueError:
            return "crashed", "the result channel held malformed data"
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
