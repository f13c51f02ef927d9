#!/usr/bin/env python3
"""Who killed the container: signal origins, out-of-band kills, and the audit
log, in the default mode (no --all)."""

import os
import shutil
import signal
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import (SI_TIMER, Lookout, Scope, brief, build_segv, check_contract, dig,  # noqa: E402
                     parse_line, proc_status, rt_sigqueueinfo_script, run, wait_process,
                     wait_until)


def _to(pid, signo=None):
    """where(): a signal event to this host pid (and this signal)."""
    return lambda e: e["target"]["host_pid"] == pid and (signo is None or e["signal"] == signo)


def test_host_kill_of_container_init():
    """The mission: someone on the host kill -9s a container's init."""
    with Scope("nginx") as s, Lookout("--json") as lk:
        c = s.docker_run("/bin/sleep", "600", name=s.name("nginx"))
        init = c.pid
        lk.wait_for("container_start", lambda e: e["container"]["id"] == c.id)
        sh = s.popen(["/bin/sh", "-c", "echo 1000 > /proc/self/loginuid; kill -9 %d" % init])
        assert sh.wait(10) == 0, "the host shell failed to set its loginuid or to kill"
        c.wait_exited()
        lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id,
                    what="container_exit after the host kill")
        lk.stop()

        sig = lk.one("signal", _to(init, 9), "SIGKILL to the container's init")
        assert sig["origin"] == "host" and sig["out_of_band"] is True, brief(sig)
        snd = sig["sender"]
        assert snd["host_pid"] == sh.pid, (snd["host_pid"], sh.pid)
        assert snd["auid"] == 1000, snd["auid"]
        assert snd["comm"] == "sh", snd["comm"]
        assert snd["container"] is None, snd["container"]
        assert isinstance(snd["ancestry"], list) and snd["ancestry"], snd["ancestry"]
        assert snd["ancestry"][0]["host_pid"] == os.getpid(), snd["ancestry"]
        assert sig["container"]["id"] == c.id and sig["container"]["name"] == c.name, sig["container"]

        ce = lk.one("container_exit", lambda e: e["container"]["id"] == c.id, "container_exit")
        assert ce["status"] == 137 and ce["exit_signal"] == 9, brief(ce)
        assert dig(ce, "killed_by.host_pid") == sh.pid, ce["killed_by"]
        assert dig(ce, "killed_by.origin") == "host", ce["killed_by"]
        assert ce["out_of_band"] is True, ce


def _runtime_only(lk, c):
    sigs = lk.events("signal", lambda e: dig(e, "target.container.id") == c.id)
    assert sigs, "no signal event to %s %s" % (c.runtime, c.name)
    check_contract(sigs)
    for e in sigs:
        assert e["origin"] == "runtime", "signal to %s is not from the runtime: %s" % (c.name, brief(e))
        assert e["out_of_band"] is False, brief(e)
    assert any(e["signal"] == 9 for e in sigs), [brief(e) for e in sigs]


def test_docker_stop_and_kill_are_runtime():
    with Scope("dstop") as s, Lookout("--json") as lk:
        a = s.docker_run("/bin/sleep", "600")
        b = s.docker_run("/bin/sleep", "600")
        a.pid, b.pid
        a.stop(t=1)
        run(["docker", "kill", b.name])
        a.wait_exited()
        b.wait_exited()
        for c in (a, b):
            lk.wait_for("container_exit", lambda e, c=c: e["container"]["id"] == c.id,
                        what="container_exit of %s" % c.name)
        lk.stop()
        _runtime_only(lk, a)
        _runtime_only(lk, b)
        # docker stop sends SIGTERM first; sleep as PID 1 has no handler.
        term = lk.events("signal", lambda e: dig(e, "target.container.id") == a.id and e["signal"] == 15)
        assert term and term[0]["result"] == "ignored", [brief(e) for e in term]
        for c in (a, b):
            ce = lk.one("container_exit", lambda e: e["container"]["id"] == c.id, "container_exit")
            assert dig(ce, "killed_by.origin") == "runtime" and ce["out_of_band"] is False, brief(ce)


def test_podman_stop_is_runtime():
    with Scope("pstop") as s, Lookout("--json") as lk:
        c = s.podman_run("/bin/sleep", "600")
        c.pid
        c.stop(t=1)
        c.wait_exited()
        lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id,
                    what="container_exit of %s" % c.name)
        lk.stop()
        _runtime_only(lk, c)


def test_kill_from_inside_the_container():
    with Scope("inside") as s, Lookout("--json") as lk:
        c = s.docker_run("/bin/sleep", "600")
        pid, nspid = c.start_process("sleep", "599")
        c.exec("kill", str(nspid))
        lk.wait_for("exit", lambda e: e["host_pid"] == pid, what="exit of the killed sleep 599")
        lk.stop()

        sig = lk.one("signal", _to(pid, 15), "SIGTERM to sleep 599")
        assert sig["origin"] == "container" and sig["out_of_band"] is False, brief(sig)
        assert dig(sig, "sender.container.id") == c.id, sig["sender"]["container"]
        assert sig["sender"]["argv"] == ["kill", str(nspid)], sig["sender"]["argv"]
        x = lk.one("exit", lambda e: e["host_pid"] == pid, "exit of sleep 599")
        assert x["exit_signal"] == 15 and x["status"] == 143, brief(x)
        assert dig(x, "killed_by.origin") == "container", x["killed_by"]
        assert dig(x, "killed_by.host_pid") == sig["sender"]["host_pid"], x["killed_by"]


def test_kill_from_another_container():
    with Scope("cross") as s, Lookout("--json") as lk:
        a = s.docker_run("/bin/sleep", "600")
        pid, nspid = a.start_process("sleep", "599")
        b = s.docker_run("sh", "-c", "kill -9 %d" % nspid, opts=["--pid=container:%s" % a.id])
        lk.wait_for("exit", lambda e: e["host_pid"] == pid, what="exit of sleep 599 in A")
        lk.stop()

        sig = lk.one("signal", _to(pid, 9), "SIGKILL from container B")
        assert sig["origin"] == "other_container" and sig["out_of_band"] is True, brief(sig)
        assert dig(sig, "sender.container.id") == b.id, sig["sender"]["container"]
        assert dig(sig, "container.id") == a.id, sig["container"]
        x = lk.one("exit", lambda e: e["host_pid"] == pid, "exit of sleep 599")
        assert dig(x, "killed_by.origin") == "other_container" and x["out_of_band"] is True, brief(x)


def test_nsenter_kill_is_host():
    with Scope("nsenter") as s, Lookout("--json") as lk:
        c = s.docker_run("/bin/sleep", "600")
        pid, nspid = c.start_process("sleep", "599")
        run(["nsenter", "-t", str(c.pid), "-p", "-m", "/bin/kill", "-9", str(nspid)])
        lk.wait_for("exit", lambda e: e["host_pid"] == pid, what="exit of sleep 599")
        lk.stop()

        sig = lk.one("signal", _to(pid, 9), "SIGKILL from nsenter")
        assert sig["origin"] == "host" and sig["out_of_band"] is True, brief(sig)
        assert sig["entered_namespaces"] is True, brief(sig)
        ex = lk.one("exec", lambda e: e["argv"] == ["/bin/kill", "-9", str(nspid)],
                    "exec of the nsentered kill")
        assert ex.get("entered_namespaces") is True, ex
        assert dig(ex, "container.id") == c.id, ex["container"]
        assert sig["sender"]["host_pid"] == ex["host_pid"], (sig["sender"]["host_pid"], ex["host_pid"])


def test_fake_runc_binary_is_host():
    with Scope("fakerunc") as s, Lookout("--json") as lk:
        c = s.docker_run("/bin/sleep", "600")
        pid, nspid = c.start_process("sleep", "599")
        fake = os.path.join(s.tmpdir(), "runc")
        shutil.copy("/bin/busybox", fake)
        # busybox picks the applet from argv[0]; the kernel names it after the file.
        k = s.popen(["kill", "-9", str(pid)], executable=fake)
        assert k.wait(10) == 0
        lk.wait_for("exit", lambda e: e["host_pid"] == pid, what="exit of sleep 599")
        lk.stop()

        sig = lk.one("signal", _to(pid, 9), "SIGKILL from a binary named runc")
        assert sig["sender"]["host_pid"] == k.pid and sig["sender"]["comm"] == "runc", sig["sender"]
        assert sig["origin"] == "host" and sig["out_of_band"] is True, brief(sig)


def test_comm_runc_is_host():
    code = ("import ctypes, os, sys\n"
            "ctypes.CDLL(None).prctl(15, b'runc', 0, 0, 0)\n"
            "os.kill(int(sys.argv[1]), 9)\n")
    with Scope("commrunc") as s, Lookout("--json") as lk:
        c = s.docker_run("/bin/sleep", "600")
        pid, nspid = c.start_process("sleep", "599")
        k = s.popen([sys.executable, "-c", code, str(pid)])
        assert k.wait(10) == 0
        lk.wait_for("exit", lambda e: e["host_pid"] == pid, what="exit of sleep 599")
        lk.stop()

        sig = lk.one("signal", _to(pid, 9), "SIGKILL from a process renamed runc")
        assert sig["sender"]["host_pid"] == k.pid and sig["sender"]["comm"] == "runc", sig["sender"]
        assert sig["origin"] == "host" and sig["out_of_band"] is True, brief(sig)


def test_forged_si_code_is_host():
    with Scope("forged") as s, Lookout("--json") as lk:
        c = s.docker_run("/bin/sleep", "600")
        pid, nspid = c.start_process("sleep", "599")
        k = s.popen([sys.executable, "-c", rt_sigqueueinfo_script(),
                     str(pid), str(int(signal.SIGUSR1)), str(SI_TIMER)])
        assert k.wait(10) == 0, "rt_sigqueueinfo failed"
        lk.wait_for("exit", lambda e: e["host_pid"] == pid, what="exit of sleep 599")
        lk.stop()

        sig = lk.one("signal", _to(pid, int(signal.SIGUSR1)), "SIGUSR1 with a forged si_code")
        assert sig["code"] == "SI_TIMER", sig["code"]
        assert sig["sender"]["host_pid"] == k.pid, sig["sender"]["host_pid"]
        assert sig["origin"] == "host" and sig["out_of_band"] is True, brief(sig)


def test_segfault_is_kernel():
    with Scope("segv") as s, Lookout("--json") as lk:
        c = s.docker_run("/bin/sleep", "600")
        exe = build_segv(s.tmpdir())
        run(["docker", "cp", exe, "%s:/segv" % c.name])
        out = run(["docker", "exec", c.name, "/segv"], check=False)
        x = lk.wait_for("exit", lambda e: e["container"]["id"] == c.id and e["comm"] == "segv",
                        what="exit of /segv")[0]
        lk.stop()

        pid = x["host_pid"]
        sig = lk.one("signal", _to(pid, 11), "SIGSEGV of the faulting process")
        assert sig["origin"] == "kernel" and sig["out_of_band"] is False, brief(sig)
        assert sig["code"].startswith("SEGV_"), "code %r should be a fault's (SEGV_MAPERR)" % sig["code"]
        x = lk.one("exit", lambda e: e["host_pid"] == pid, "exit of /segv")
        assert x["exit_signal"] == 11 and x["status"] == 139, (brief(x), out)


def test_ignored_signal_kills_nobody():
    with Scope("ignored") as s, Lookout("--json") as lk:
        c = s.docker_run("/bin/sleep", "600")
        argv = ["sh", "-c", "trap '' USR1; exec sleep 3"]
        c.exec(*argv, detach=True)
        # After the exec, the same process runs sleep 3, USR1 still ignored.
        pid, nspid = wait_process(c.pidns, ["sleep", "3"])
        wait_until(lambda: int(proc_status(pid)["SigIgn"], 16) & (1 << (signal.SIGUSR1 - 1)),
                   5, "sleep 3 to ignore SIGUSR1")
        os.kill(pid, signal.SIGUSR1)
        x = lk.wait_for("exit", lambda e: e["host_pid"] == pid, timeout=15,
                        what="normal exit of sleep 3")[0]
        lk.stop()

        sig = lk.one("signal", _to(pid, int(signal.SIGUSR1)), "SIGUSR1 to sleep 3")
        assert sig["result"] == "ignored", brief(sig)
        assert sig["sender"]["host_pid"] == os.getpid(), sig["sender"]["host_pid"]
        x = lk.one("exit", lambda e: e["host_pid"] == pid, "exit of sleep 3")
        assert x["exit_code"] == 0 and x["killed_by"] is None, brief(x)
        blamed = [e for e in lk.all() if e.get("killed_by") and
                  (e.get("host_pid") == pid or dig(e, "killed_by.host_pid") == os.getpid())]
        assert not blamed, "an ignored signal was blamed for an end: %s" % [brief(e) for e in blamed]


def test_oom_kill_is_kernel():
    with Scope("oom") as s, Lookout("--json") as lk:
        c = s.docker_run("sh", "-c", "sleep 0.5; x=0123456789abcdef; while :; do x=$x$x; done",
                         opts=["--memory", "32m", "--memory-swap", "32m"])
        st = lk.wait_for("container_start", lambda e: e["container"]["id"] == c.id,
                         what="container_start")[0]
        c.wait_exited()
        assert c.inspect("{{.State.OOMKilled}}") == "true", "the container was not OOM-killed"
        lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id,
                    what="container_exit after the OOM kill")
        lk.stop()

        victim = st["host_pid"]
        oom = lk.one("oom", lambda e: e["host_pid"] == victim, "oom of the container's init")
        assert oom["container"]["id"] == c.id, oom["container"]
        for sig in lk.events("signal", _to(victim, 9)):
            assert sig["origin"] == "kernel" and sig["out_of_band"] is False, brief(sig)
        ce = lk.one("container_exit", lambda e: e["container"]["id"] == c.id, "container_exit")
        assert ce["exit_signal"] == 9 and ce["status"] == c.exit_code() == 137, brief(ce)
        assert ce["out_of_band"] is False, brief(ce)


def test_only_kills():
    with Scope("onlykills") as s, Lookout("--json", "--only-kills") as lk:
        c = s.docker_run("/bin/sleep", "600")
        pid, nspid = c.start_process("sleep", "599")
        c.exec("true")
        os.kill(pid, signal.SIGKILL)
        lk.wait_for("exit", lambda e: e["host_pid"] == pid, what="exit of the killed sleep 599")
        c.stop(t=1)
        c.wait_exited()
        lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id,
                    what="container_exit after docker stop")
        lk.stop()

        evs = lk.all()[1:-1]
        check_contract(evs)
        for e in evs:
            assert e["event"] in ("signal", "exit", "container_exit", "oom", "lost"), \
                "--only-kills wrote a %s event: %s" % (e["event"], brief(e))
            if e["event"] == "signal":
                assert e["origin"] != "kernel", "--only-kills wrote a kernel signal: %s" % brief(e)
            if e["event"] in ("exit", "container_exit"):
                assert e["killed_by"] is not None, "--only-kills wrote an end without killed_by: %s" % brief(e)
        lk.one("signal", _to(pid, 9), "the host's SIGKILL to sleep 599")
        lk.one("exit", lambda e: e["host_pid"] == pid, "exit of sleep 599")
        lk.one("container_exit", lambda e: e["container"]["id"] == c.id, "container_exit")


def test_audit_log():
    with Scope("audit") as s:
        path = os.path.join(s.tmpdir(), "audit.jsonl")
        with Lookout("--json", "--audit-log", path, umask=0) as lk:
            a = s.docker_run("/bin/sleep", "600")
            b = s.docker_run("/bin/sleep", "600")
            pid, nspid = b.start_process("sleep", "599")
            # out of band: the host kills A's init
            os.kill(a.pid, signal.SIGKILL)
            # in band: B kills its own process, the runtime stops B
            b.exec("kill", str(nspid))
            lk.wait_for("exit", lambda e: e["host_pid"] == pid, what="exit of sleep 599 in B")
            b.stop(t=1)
            for c in (a, b):
                c.wait_exited()
                lk.wait_for("container_exit", lambda e, c=c: e["container"]["id"] == c.id,
                            what="container_exit of %s" % c.name)
            lk.stop()

            mode = stat.S_IMODE(os.stat(path).st_mode)
            assert mode == 0o600, "audit log mode is %o, want 600 (lookout ran with umask 0)" % mode
            with open(path, "rb") as f:
                raw = f.read()
            assert raw.endswith(b"\n"), raw[-200:]
            audit = [parse_line(line) for line in raw.split(b"\n")[:-1]]
            check_contract(audit)
            want = [e for e in lk.all()
                    if e["event"] in ("signal", "exit", "container_exit") and e.get("out_of_band")]
            assert any(e["event"] == "signal" and e["target"]["host_pid"] == a.pid for e in want), \
                "the host kill of A is not an out-of-band signal on stdout"

            def key(e):
                return (e["event"], e["time"], e.get("host_pid"), dig(e, "target.host_pid"),
                        e.get("signal"), dig(e, "container.id"))
            got_keys = [key(e) for e in audit]
            want_keys = [key(e) for e in want]
            assert sorted(got_keys) == sorted(want_keys), \
                "audit log is not exactly the out-of-band signal/exit/container_exit events:\n" \
                "  audit: %s\n  stdout: %s" % ([brief(e) for e in audit], [brief(e) for e in want])
            for e in audit:
                assert e["event"] in ("signal", "exit", "container_exit") and e["out_of_band"] is True, e


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
