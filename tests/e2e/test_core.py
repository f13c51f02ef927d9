#!/usr/bin/env python3
"""Core events of host processes with `lookout --json --all`: exec, exit,
signal, PID namespaces, string escaping, threads, start/stop and options."""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import (BINARY, Lookout, Scope, check_contract, child_pids, dig,  # noqa: E402
                     host_pidns, parse_time, proc_start_ticks, require_binary, wait_until)

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _loginuid():
    with open("/proc/self/loginuid") as f:
        v = int(f.read())
    return None if v == 0xFFFFFFFF else v


def test_exec_and_exit():
    with Scope("exec") as s, Lookout("--json", "--all") as lk:
        t0 = time.time()
        # The first PATH entries do not exist: failed execve attempts come first
        # and must not be reported as execs.
        env = dict(os.environ, PATH="/nonexistent-lk1:/nonexistent-lk2:/usr/bin:/bin")
        p = s.popen(["sleep", "0.3"], env=env)
        ticks = proc_start_ticks(p.pid)
        assert p.wait(10) == 0
        q = s.popen(["/bin/sh", "-c", "exit 7"])
        assert q.wait(10) == 7
        t1 = time.time()
        lk.wait_for("exit", lambda e: e["host_pid"] == q.pid, what="exit of sh -c 'exit 7'")
        lk.stop()

        e = lk.one("exec", lambda e: e["host_pid"] == p.pid, "exec of sleep 0.3")
        assert e["argv"] == ["sleep", "0.3"], e["argv"]
        assert e["filename"] == "/usr/bin/sleep", e["filename"]
        assert e["exe"] == os.path.realpath("/usr/bin/sleep"), e["exe"]
        assert e["comm"] == "sleep", e["comm"]
        assert e["ppid"] == os.getpid(), (e["ppid"], os.getpid())
        assert e["ns_pid"] == p.pid and e["pidns"] == host_pidns(), e
        assert e["container"] is None, e["container"]
        assert (e["uid"], e["euid"], e["gid"]) == (os.getuid(), os.geteuid(), os.getgid()), e
        assert e["auid"] == _loginuid(), (e["auid"], _loginuid())
        assert abs(e["start_time"] / (1e9 / CLK_TCK) - ticks) <= 1.5, \
            "start_time %d ns is not /proc's start %d ticks" % (e["start_time"], ticks)
        assert t0 - 1 <= parse_time(e["time"]) <= t1 + 1, \
            "exec time %s is not between %f and %f" % (e["time"], t0, t1)

        x = lk.one("exit", lambda e: e["host_pid"] == q.pid, "exit of sh -c 'exit 7'")
        assert x["exit_code"] == 7 and x["exit_signal"] is None and x["status"] == 7, x
        assert x["killed_by"] is None and x["out_of_band"] is False, x
        assert x["core_dumped"] is False, x
        assert x["ppid"] == os.getpid(), x


def test_kill_signal_and_exit():
    with Scope("kill") as s, Lookout("--json", "--all") as lk:
        a = s.popen(["/bin/sleep", "30"])
        b = s.popen(["/bin/sh", "-c", "kill -9 %d" % a.pid])
        assert b.wait(10) == 0
        assert a.wait(10) == -9
        lk.wait_for("exit", lambda e: e["host_pid"] == a.pid, what="exit of the killed sleep")
        lk.stop()

        sig = lk.one("signal", lambda e: e["target"]["host_pid"] == a.pid and e["signal"] == 9,
                     "SIGKILL to the sleep")
        assert sig["sender"]["host_pid"] == b.pid, (sig["sender"]["host_pid"], b.pid)
        assert sig["sender"]["comm"] == "sh", sig["sender"]["comm"]
        assert sig["signal_name"] == "SIGKILL" and sig["code"] == "SI_USER", sig
        assert sig["group"] is True and sig["result"] == "delivered", sig
        anc = sig["sender"]["ancestry"]
        assert anc and anc[0]["host_pid"] == os.getpid(), \
            "ancestry should start at the sender's parent %d: %r" % (os.getpid(), anc)

        x = lk.one("exit", lambda e: e["host_pid"] == a.pid, "exit of the killed sleep")
        assert x["exit_signal"] == 9 and x["exit_code"] is None and x["status"] == 137, x
        assert dig(x, "killed_by.host_pid") == b.pid, x["killed_by"]


def test_pid_namespace_of_unshare():
    with Scope("unshare") as s, Lookout("--json", "--all") as lk:
        u = s.popen(["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", "exec sleep 1"])
        wait_until(lambda: child_pids(u.pid), 5, "unshare's child")
        child = child_pids(u.pid)[0]
        assert u.wait(10) == 0
        lk.wait_for("exec", lambda e: e["host_pid"] == child and e["argv"] == ["sleep", "1"],
                    what="exec of sleep 1 in the new PID namespace")
        lk.stop()

        e = lk.one("exec", lambda e: e["host_pid"] == child and e["argv"] == ["sleep", "1"],
                   "exec of sleep 1")
        assert e["ns_pid"] == 1, e["ns_pid"]
        assert e["pidns"] != host_pidns(), (e["pidns"], host_pidns())
        assert e["ppid"] == u.pid, (e["ppid"], u.pid)


def test_argv_escaping():
    args = [b"/bin/true", b'quote"d', b"back\\slash", b"new\nline", b"tab\tbed",
            b"esc\x1b[31mred", b"bad\xff\xfeutf8", b"ctl\x01\x7f", b"", "é€😀".encode()]
    want = [a.decode("utf-8", "replace") for a in args]
    with Scope("escape") as s, Lookout("--json", "--all") as lk:
        p = s.popen(args)
        assert p.wait(10) == 0
        lk.wait_for("exit", lambda e: e["host_pid"] == p.pid, what="exit of /bin/true")
        lk.stop()  # parses every line strictly

        raw = lk.raw()
        assert raw.endswith(b"\n")
        for n, line in enumerate(raw.split(b"\n")[:-1]):
            bad = [c for c in line if c < 0x20]
            assert not bad, "line %d holds raw control bytes %r: %r" % (n + 1, bad, line[:300])
        e = lk.one("exec", lambda e: e["host_pid"] == p.pid, "exec of /bin/true")
        assert e["argv"] == want, "argv\n  got  %r\n  want %r" % (e["argv"], want)
        assert not e.get("argv_truncated"), e


def test_threads_exit_once():
    code = ("import os, threading, time\n"
            "def work(i):\n"
            "    time.sleep(0.3)\n"
            "    if i == 2:\n"
            "        os._exit(3)\n"
            "    time.sleep(10)\n"
            "for i in range(4):\n"
            "    threading.Thread(target=work, args=(i,)).start()\n"
            "time.sleep(10)\n")
    with Scope("threads") as s, Lookout("--json", "--all") as lk:
        p = s.popen([sys.executable, "-c", code])
        wait_until(lambda: len(os.listdir("/proc/%d/task" % p.pid)) >= 5 or p.poll() is not None,
                   5, "the threads to start")
        assert p.wait(10) == 3
        lk.wait_for("exit", lambda e: e["host_pid"] == p.pid, what="exit of the threaded process")
        time.sleep(0.3)  # any per-thread exit would be right behind
        lk.stop()

        x = lk.one("exit", lambda e: e["host_pid"] == p.pid, "exit of the threaded process")
        assert x["exit_code"] == 3 and x["exit_signal"] is None and x["status"] == 3, x


def test_tty():
    with Scope("tty") as s, Lookout("--json", "--all") as lk:
        p = s.popen(["script", "-qc", "tty; exec /bin/sleep 0.31", "/dev/null"],
                    stdout=subprocess.PIPE)
        out, _ = p.communicate(timeout=10)
        dev = out.decode().strip().splitlines()[0].strip()
        assert dev.startswith("/dev/pts/"), out
        lk.wait_for("exec", lambda e: e["argv"] == ["/bin/sleep", "0.31"], what="exec of sleep 0.31")
        lk.stop()
        e = lk.one("exec", lambda e: e["argv"] == ["/bin/sleep", "0.31"], "exec of sleep 0.31")
        assert e["tty"] == dev[len("/dev/"):], (e["tty"], dev)


def test_verbose_runs():
    with Lookout("--json", "--verbose") as lk:
        lk.stop()


def test_start_first_stop_last_sigint():
    with Scope("startstop") as s, Lookout("--json", "--all") as lk:
        p = s.popen(["/bin/true"])
        p.wait(10)
        lk.wait_for("exit", lambda e: e["host_pid"] == p.pid)
        lk.stop(signal.SIGINT)
        evs = lk.all()
        assert evs[0]["event"] == "lookout_start" and evs[-1]["event"] == "lookout_stop"
        assert len(lk.events("lookout_start")) == 1 and len(lk.events("lookout_stop")) == 1
        check_contract([evs[0], evs[-1]])
        assert lk.stderr().strip(), "no summary on stderr after SIGINT"


def test_sigterm_stops_cleanly():
    with Lookout("--json", "--all") as lk:
        assert lk.stop(signal.SIGTERM) == 0
        evs = lk.all()
        assert evs[0]["event"] == "lookout_start" and evs[-1]["event"] == "lookout_stop"
        assert lk.stderr().strip(), "no summary on stderr after SIGTERM"


def test_bad_option():
    require_binary()
    p = subprocess.run([BINARY, "--json", "--no-such-option-xyz"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    assert p.returncode != 0, "a bad option exited 0"
    assert p.stderr.strip(), "a bad option printed nothing on stderr"
    assert b"lookout_start" not in p.stdout, p.stdout[:300]


def test_every_event_keeps_the_contract():
    """A busy --all run: every line parses strictly and matches EVENTS.md."""
    with Scope("contract") as s, Lookout("--json", "--all") as lk:
        p = s.popen(["/bin/sh", "-c", "for i in 1 2 3 4 5; do /bin/true; done; "
                     "sleep 30 & kill -TERM $!; wait; exit 0"])
        assert p.wait(10) == 0
        lk.wait_for("exit", lambda e: e["host_pid"] == p.pid)
        lk.stop()
        evs = lk.all()
        assert len(evs) > 10, "only %d events in a busy --all run" % len(evs)
        check_contract(evs)


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
