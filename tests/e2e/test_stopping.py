#!/usr/bin/env python3
"""How lookout ends when its outputs stop taking what it writes.

A live output whose reader went away (`lookout --json | head -1`, a pager quit,
a reader killed) ends lookout at once: exit 74, `lookout_stop` with reason
`output_closed` to the audit log and syslog, and no feedback loop through the
SIGPIPE the kernel raises at lookout for its own write. A stop (SIGTERM) while a
reader takes nothing gives the outputs 2 s, then lookout exits and says how many
records it did not write.

Events come from PID-namespace sandboxes (unshare), which lookout reports as
containers: no Docker needed.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import BINARY, Scope, dig, parse_line, require_binary, wait_until  # noqa: E402
from test_outputs import Rsyslog, free_port  # noqa: E402

EX_IOERR = 74
BURST = "i=0; while [ $i -lt %d ]; do /bin/true; i=$((i+1)); done"


def start(scope, args, stdout):
    """lookout with args, stdout to the given fd, stderr to a file."""
    require_binary()
    err = os.path.join(scope.tmpdir(), "stderr.txt")
    with open(err, "wb") as ef:
        p = subprocess.Popen([BINARY] + args, stdin=subprocess.DEVNULL, stdout=stdout,
                             stderr=ef, start_new_session=True)

    def reap():
        if p.returncode is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(10)
    scope.defer(reap)
    p.err_path = err
    return p


def alive(p):
    """Whether lookout still runs, without reaping it (wait_exit wants its
    CPU time, which only the reaping wait4 gives)."""
    return os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None


def stderr_of(p):
    with open(p.err_path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def wait_exit(p, timeout, what):
    """Waits for lookout's exit (reaping it with its CPU time). Returns
    (status, seconds waited, CPU seconds lookout used)."""
    t0 = time.monotonic()
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            p.returncode = os.waitstatus_to_exitcode(status)
            return p.returncode, time.monotonic() - t0, ru.ru_utime + ru.ru_stime
        if time.monotonic() - t0 > timeout:
            with open("/proc/%d/stat" % p.pid) as f:
                st = f.read().rsplit(")", 1)[1].split()
            cpu = (int(st[11]) + int(st[12])) / os.sysconf("SC_CLK_TCK")
            os.killpg(p.pid, signal.SIGKILL)
            raise AssertionError("lookout still running %.0fs after %s (%.1f s of CPU so far); "
                                 "stderr:\n%s" % (timeout, what, cpu, stderr_of(p)[-1500:]))
        time.sleep(0.05)


def bursts(scope, n=200):
    """A sandbox that execs /bin/true n times: a stream of container events."""
    return scope.popen(["unshare", "--pid", "--fork", "--mount-proc", "/bin/sh", "-c", BURST % n],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def keep_events_coming(scope, p, seconds):
    """Sandboxes one after another until lookout exits or time is up."""
    deadline = time.monotonic() + seconds
    while alive(p) and time.monotonic() < deadline:
        bursts(scope, 20).wait(10)


def read_json_lines(path):
    with open(path, "rb") as f:
        return [parse_line(raw) for raw in f.read().split(b"\n")[:-1]]


def check_closed_stop(p, status, waited, cpu, audit, what):
    assert status == EX_IOERR, "%s: lookout exited %s (want %d, output closed); stderr:\n%s" % (
        what, status, EX_IOERR, stderr_of(p)[-1500:])
    assert cpu < 3.0, "%s: lookout used %.1f s of CPU in %.1f s: it spun" % (what, cpu, waited)
    err = stderr_of(p)
    m = re.search(r"(\d+) not written: the output's reader went away", err)
    assert m and int(m.group(1)) >= 1, "%s: no count of records not written: %r" % (what, err)
    stops = [e for e in read_json_lines(audit) if e["event"] == "lookout_stop"]
    assert len(stops) == 1, "%s: the audit log has %d lookout_stop (want 1)" % (what, len(stops))
    assert stops[0]["reason"] == "output_closed", stops[0]
    assert stops[0]["totals"]["not_written"] >= 0, stops[0]["totals"]


def own_sigpipes(events, pid):
    return [e for e in events if e.get("event") == "signal" and e.get("signal_name") == "SIGPIPE"
            and dig(e, "target.host_pid") == pid]


def head_1(scope, args):
    """`lookout ARGS | head -1`, with events coming; returns lookout's Popen
    and (status, waited, cpu)."""
    r, w = os.pipe()
    p = start(scope, args, w)
    os.close(w)
    head = scope.popen(["head", "-1"], stdin=r, stdout=subprocess.PIPE)
    os.close(r)
    first = head.stdout.read()
    head.wait(20)
    assert first, "head -1 got nothing: lookout wrote no first line; stderr:\n%s" % stderr_of(p)
    keep_events_coming(scope, p, 5)
    return p, wait_exit(p, 5, "head -1 exited")


def test_head_1_ends_json_and_syslog_gets_lookout_stop():
    with Scope("head-json") as s:
        rs = Rsyslog(s).start()
        audit = os.path.join(s.tmpdir(), "audit.json")
        p, (status, waited, cpu) = head_1(s, ["--json", "--audit-log", audit, "--syslog",
                                              "udp://127.0.0.1:%d" % rs.port])
        check_closed_stop(p, status, waited, cpu, audit, "--json | head -1")
        msgs = rs.wait_for(lambda m: m["msgid"] == "lookout_stop", 10, "lookout_stop")
        stop = json.loads([m for m in msgs if m["msgid"] == "lookout_stop"][-1]["msg"])
        assert stop["reason"] == "output_closed", stop
        pipes = own_sigpipes([json.loads(m["msg"]) for m in msgs], p.pid)
        assert not pipes, "syslog got %d SIGPIPE events lookout raised at itself" % len(pipes)


def test_head_1_ends_live_view_with_metrics():
    with Scope("head-text") as s:
        audit = os.path.join(s.tmpdir(), "audit.json")
        p, (status, waited, cpu) = head_1(s, ["--audit-log", audit, "--metrics",
                                              "127.0.0.1:%d" % free_port()])
        check_closed_stop(p, status, waited, cpu, audit, "live view | head -1")


def killed_reader(scope, args, sock=False):
    """lookout ARGS read by cat, which is SIGKILLed while events stream. With
    sock, through a socket pair, which (unlike a pipe) does not flag its
    closed peer as an error to poll: lookout learns it from a failed write."""
    if sock:
        a, b = socket.socketpair()
        r, w = os.dup(a.fileno()), os.dup(b.fileno())
        a.close()
        b.close()
    else:
        r, w = os.pipe()
    p = start(scope, args, w)
    os.close(w)
    reader = scope.popen(["cat"], stdin=r, stdout=subprocess.DEVNULL)
    os.close(r)
    time.sleep(1.0)
    assert alive(p), "lookout ended early: %s" % stderr_of(p)
    bursts(scope, 100).wait(20)
    reader.kill()
    reader.wait(10)
    keep_events_coming(scope, p, 5)
    return p, wait_exit(p, 5, "its reader was killed")


def test_killed_reader_ends_json_with_metrics():
    with Scope("kill-json") as s:
        audit = os.path.join(s.tmpdir(), "audit.json")
        p, (status, waited, cpu) = killed_reader(s, ["--json", "--audit-log", audit, "--metrics",
                                                     "127.0.0.1:%d" % free_port()])
        check_closed_stop(p, status, waited, cpu, audit, "--json, reader killed")


def test_killed_reader_ends_live_view_with_syslog():
    with Scope("kill-text") as s:
        rs = Rsyslog(s).start()
        audit = os.path.join(s.tmpdir(), "audit.json")
        p, (status, waited, cpu) = killed_reader(s, ["--audit-log", audit, "--syslog",
                                                     "tcp://127.0.0.1:%d" % rs.port])
        check_closed_stop(p, status, waited, cpu, audit, "live view, reader killed")
        msgs = rs.wait_for(lambda m: m["msgid"] == "lookout_stop", 10, "lookout_stop")
        stop = json.loads([m for m in msgs if m["msgid"] == "lookout_stop"][-1]["msg"])
        assert stop["reason"] == "output_closed", stop
        assert not own_sigpipes([json.loads(m["msg"]) for m in msgs], p.pid)


def test_killed_socket_reader_ends_json_without_sigpipe_events():
    with Scope("kill-sock") as s:
        rs = Rsyslog(s).start()
        audit = os.path.join(s.tmpdir(), "audit.json")
        p, (status, waited, cpu) = killed_reader(s, ["--json", "--audit-log", audit, "--syslog",
                                                     "udp://127.0.0.1:%d" % rs.port], sock=True)
        check_closed_stop(p, status, waited, cpu, audit, "--json into a socket, reader killed")
        msgs = rs.wait_for(lambda m: m["msgid"] == "lookout_stop", 10, "lookout_stop")
        assert not own_sigpipes([json.loads(m["msg"]) for m in msgs], p.pid)


# ---------------------------------------------------------------------------
# A stop while an output takes nothing

STALL_LIMIT = 3.0   # seconds from SIGTERM to gone: 2 s of flushing, then exit


def stalled_stop(scope, args, stdout=None):
    """lookout ARGS whose stdout reader (a process holding the pipe, asleep)
    reads nothing; a burst of container events fills the pipe, then SIGTERM.
    Returns (lookout, seconds from SIGTERM to its exit)."""
    if stdout is None:
        r, w = os.pipe()
        holder = scope.popen([sys.executable, "-c", "import time; time.sleep(120)"], stdin=r)
        os.close(r)
    else:
        w = stdout
    p = start(scope, args, w)
    os.close(w)
    time.sleep(1.0)
    assert alive(p), "lookout ended early: %s" % stderr_of(p)
    b = bursts(scope, 1500)
    time.sleep(1.0)    # the pipe (64 KiB) is full long before this
    p.send_signal(signal.SIGTERM)
    t0 = time.monotonic()
    status, waited, cpu = wait_exit(p, 10, "SIGTERM")
    waited = time.monotonic() - t0
    b.wait(60)
    if stdout is None:
        holder.kill()
    assert status == 0, "lookout exited %s after SIGTERM; stderr:\n%s" % (status, stderr_of(p))
    assert waited <= STALL_LIMIT, "lookout took %.1f s to end after SIGTERM (limit %.0f s)" % (
        waited, STALL_LIMIT)
    return p, waited


def check_not_written(p):
    err = stderr_of(p)
    m = re.search(r"(\d+) not written: the output's reader took nothing", err)
    assert m and int(m.group(1)) > 0, "the summary does not say what was not written: %r" % err


def test_sigterm_with_stalled_reader_json():
    with Scope("stall-json") as s:
        audit = os.path.join(s.tmpdir(), "audit.json")
        p, waited = stalled_stop(s, ["--json", "--audit-log", audit])
        check_not_written(p)
        stops = [e for e in read_json_lines(audit) if e["event"] == "lookout_stop"]
        assert stops and stops[-1]["reason"] == "SIGTERM", stops


def test_sigterm_with_stalled_reader_live_view():
    with Scope("stall-text") as s:
        p, waited = stalled_stop(s, [])
        check_not_written(p)


class StalledTcp:
    """A TCP server that accepts and never reads (a stuck syslog receiver or a
    metrics client that never reads is the same to the peer)."""

    def __init__(self, scope):
        self.srv = socket.socket()
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(8)
        self.port = self.srv.getsockname()[1]
        self.conns = []
        scope.defer(self.close)

    def close(self):
        for c in self.conns:
            c.close()
        self.srv.close()


def test_sigterm_with_stalled_syslog_receiver_and_metrics_client():
    with Scope("stall-net") as s:
        rcv = StalledTcp(s)
        # a receive buffer as small as Linux allows, so the queue backs up
        rcv.srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
        mport = free_port()
        out = open(os.path.join(s.tmpdir(), "out.jsonl"), "wb")
        client = [None]

        def connect_client():
            c = socket.create_connection(("127.0.0.1", mport), timeout=1)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
            c.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")   # never finished, never read
            client[0] = c
            s.defer(c.close)
            return True

        def later():
            wait_until(lambda: _try(connect_client), 10, "the metrics port")
        stalled_stop_net(s, ["--json", "--syslog", "tcp://127.0.0.1:%d" % rcv.port,
                             "--metrics", "127.0.0.1:%d" % mport], os.dup(out.fileno()), later)
        out.close()


def _try(fn):
    try:
        return fn()
    except OSError:
        return False


def stalled_stop_net(scope, args, stdout, before_burst):
    p = start(scope, args, stdout)
    os.close(stdout)
    time.sleep(1.0)
    assert alive(p), "lookout ended early: %s" % stderr_of(p)
    before_burst()
    b = bursts(scope, 1500)
    b.wait(60)
    p.send_signal(signal.SIGTERM)
    t0 = time.monotonic()
    status, _, _ = wait_exit(p, 10, "SIGTERM")
    waited = time.monotonic() - t0
    assert status == 0, "lookout exited %s after SIGTERM; stderr:\n%s" % (status, stderr_of(p))
    assert waited <= STALL_LIMIT, "lookout took %.1f s to end after SIGTERM (limit %.0f s)" % (
        waited, STALL_LIMIT)


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
