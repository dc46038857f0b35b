"""veridata's in-sandbox supervisor: runs one command under limits and reports what happened.

Trusted code that runs inside the sandbox next to the untrusted payload, as the same unprivileged user. It reads one
JSON job from stdin, starts the command with fresh pipes (stdout, stderr, and a report channel on fd 3), enforces the
limits on the whole process tree (CPU time summed over every process, resident memory summed, output bytes, a
wall-clock backstop), kills every process the payload left behind, optionally empties the writable directories, and
prints exactly one result line `@@VERIDATA-RESULT <nonce> <json>` on its own stdout, which the payload never holds.
It makes itself non-dumpable first, so a payload of the same uid cannot read its memory or its file descriptors.
"""
import ctypes
import json
import os
import resource
import select
import signal
import stat
import sys
import time

PR_SET_DUMPABLE = 4
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
POLL_SECONDS = 0.02
KEEP_STREAM = 256 * 1024
DRAIN_AFTER_EXIT = 0.3


def set_non_dumpable():
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except Exception:
        pass


def processes_of(uid, me):
    """(pid, cpu_ticks, rss_pages) of every process of `uid` but the supervisor itself."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        if pid == me or pid == 1:
            continue
        try:
            if os.stat("/proc/" + name).st_uid != uid:
                continue
            with open("/proc/" + name + "/stat", "rb") as handle:
                text = handle.read()
        except OSError:
            continue
        fields = text[text.rfind(b")") + 2:].split()
        if len(fields) < 22 or fields[0] == b"Z":
            continue
        found.append((pid, int(fields[11]) + int(fields[12]), int(fields[21])))
    return found


def kill_all(uid, me, child, statuses):
    """SIGKILL every process of `uid` in this pid namespace but the supervisor; returns how many were alive."""
    alive = len(processes_of(uid, me))
    for _ in range(50):
        try:
            os.kill(-1, signal.SIGKILL)  # every process we may signal, except ourselves and the namespace's init
        except OSError:
            pass
        reap(child, statuses)
        if not processes_of(uid, me):
            break
        time.sleep(0.01)
    return alive


def reap(child, statuses):
    """Reaps every exited child; the command's own status is kept (a blind reap would lose its exit code)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid == child:
            statuses.append(status)


def decode(status):
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status), None
    if os.WIFSIGNALED(status):
        return None, signal.Signals(os.WTERMSIG(status)).name
    return None, None


def start(job, out_w, err_w, report_w):
    limits = job["limits"]
    env = dict(job.get("env") or {})
    command = job["command"]
    pid = os.fork()
    if pid != 0:
        return pid
    try:
        os.setsid()
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        os.dup2(report_w, 3)
        os.closerange(4, 65536)
        memory = limits["memoryBytes"]
        cpu_seconds = -(-limits["cpuMs"] // 1000) + 1
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits["diskBytes"], limits["diskBytes"]))
        # The supervisor is a process of this uid too. Only where the uid is the run's own: for a shared uid the count
        # would include unrelated processes of that user.
        if job.get("limitProcesses", True):
            resource.setrlimit(resource.RLIMIT_NPROC, (limits["processes"] + 1, limits["processes"] + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
        os.chdir(job["cwd"])
        os.execvpe(command[0], command, env)
    except BaseException as error:  # exec failed: say so on the payload's stderr
        try:
            os.write(2, ("veridata runner: cannot start %r: %s\n" % (command[0], error)).encode())
        finally:
            os._exit(127)


def clean(paths, uid):
    """Deletes what the payload created under `paths`; returns the paths that could not be removed."""
    residue = []
    for top in paths:
        try:
            names = os.listdir(top)
        except OSError:
            continue
        for name in names:
            remove_tree(os.path.join(top, name), uid, residue)
    return residue


def remove_tree(path, uid, residue):
    try:
        info = os.lstat(path)
    except OSError:
        return
    if info.st_uid != uid:
        return  # staged by the host (read-only to us) or a mount point
    if stat.S_ISDIR(info.st_mode):
        try:
            os.chmod(path, 0o700)
            for name in os.listdir(path):
                remove_tree(os.path.join(path, name), uid, residue)
            os.rmdir(path)
        except OSError:
            residue.append(path)
    else:
        try:
            os.unlink(path)
        except OSError:
            residue.append(path)


def main():
    set_non_dumpable()
    job = json.loads(sys.stdin.buffer.read())
    nonce = job["nonce"]
    limits = job["limits"]
    uid = os.getuid()
    me = os.getpid()
    started = time.monotonic()

    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    report_r, report_w = os.pipe()
    child = start(job, out_w, err_w, report_w)
    statuses = []
    for fd in (out_w, err_w, report_w):
        os.close(fd)
    streams = {out_r: bytearray(), err_r: bytearray(), report_r: bytearray()}
    kept_limit = {out_r: KEEP_STREAM, err_r: KEEP_STREAM, report_r: limits["outputBytes"]}
    open_fds = set(streams)
    total_output = 0
    truncated = False
    stop = None
    exit_code = None
    exit_signal = None
    exited_at = None
    cpu_dead = 0
    cpu_live = {}
    peak_pages = 0
    cpu_limit_ticks = limits["cpuMs"] * CLK_TCK / 1000.0
    memory_pages = limits["memoryBytes"] / PAGE
    wall_seconds = limits["wallMs"] / 1000.0
    last_poll = 0.0

    while True:
        now = time.monotonic()
        if open_fds:
            readable, _, _ = select.select(list(open_fds), [], [], POLL_SECONDS)
            for fd in readable:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    open_fds.discard(fd)
                    continue
                total_output += len(chunk)
                buffer = streams[fd]
                room = kept_limit[fd] - len(buffer)
                if room > 0:
                    buffer += chunk[:room]
                if len(chunk) > max(room, 0):
                    truncated = True
        else:
            time.sleep(POLL_SECONDS)
        reap(child, statuses)
        if exited_at is None and statuses:
            exited_at = time.monotonic()
            exit_code, exit_signal = decode(statuses[0])
        if now - last_poll >= POLL_SECONDS:
            last_poll = now
            seen = {}
            pages = 0
            for pid, ticks, rss in processes_of(uid, me):
                seen[pid] = ticks
                pages += rss
            for pid, ticks in cpu_live.items():
                if pid not in seen:
                    cpu_dead += ticks
            cpu_live = seen
            peak_pages = max(peak_pages, pages)
            if stop is None:
                if cpu_dead + sum(seen.values()) > cpu_limit_ticks:
                    stop = "cpu-limit"
                elif pages > memory_pages:
                    stop = "memory-limit"
        if stop is None:
            if total_output > limits["outputBytes"]:
                stop = "output-limit"
            elif now - started > wall_seconds:
                stop = "wall-limit"
        if stop is not None:
            break
        if exited_at is not None and (not open_fds or time.monotonic() - exited_at > DRAIN_AFTER_EXIT):
            break

    leftovers = kill_all(uid, me, child, statuses) - (1 if exited_at is None else 0)
    if exited_at is None:
        try:
            _, status = os.waitpid(child, 0)
            statuses.append(status)
        except ChildProcessError:
            pass
        if statuses:
            _, exit_signal = decode(statuses[0])
    for fd in list(open_fds):
        try:
            while True:
                readable, _, _ = select.select([fd], [], [], 0)
                if not readable:
                    break
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                room = kept_limit[fd] - len(streams[fd])
                if room > 0:
                    streams[fd] += chunk[:room]
                if len(chunk) > max(room, 0):
                    truncated = True
        except OSError:
            pass
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_ms = max((cpu_dead + sum(cpu_live.values())) * 1000.0 / CLK_TCK, (usage.ru_utime + usage.ru_stime) * 1000.0)
    if stop is None:
        stop = "exited"
        # A process the kernel killed at its CPU rlimit, or the OOM killer at the memory limit.
        if exit_signal in ("SIGXCPU",) or (exit_signal == "SIGKILL" and cpu_ms >= limits["cpuMs"]):
            stop = "cpu-limit"
        elif exit_signal == "SIGKILL" and max(peak_pages * PAGE, usage.ru_maxrss * 1024) >= limits["memoryBytes"] * 0.9:
            stop = "memory-limit"
    residue = clean(job.get("clean") or [], uid)
    result = {
        "stop": stop,
        "exitCode": exit_code if stop == "exited" else None,
        "signal": exit_signal,
        "stdout": streams[out_r].decode("utf-8", "replace"),
        "stderr": streams[err_r].decode("utf-8", "replace"),
        "report": streams[report_r].decode("utf-8", "replace"),
        "truncated": truncated,
        "outputBytes": total_output,
        "wallMs": round((time.monotonic() - started) * 1000.0, 1),
        "cpuMs": round(cpu_ms, 1),
        "peakMemoryBytes": max(peak_pages * PAGE, usage.ru_maxrss * 1024),
        "leftoverProcesses": leftovers,
        "residue": residue[:20],
    }
    sys.stdout.write("\n@@VERIDATA-RESULT " + nonce + " " + json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
