#!/usr/bin/env python3
"""Attribution an attacker cannot step around: every way a process can make a
signal for a container process is named (compat kill, cgroup.kill, ptrace,
F_SETOWN), a re-raise never masks the outside killer, a container never passes
for the runtime, runtime executables are known on btrfs, and out of band is
about containers only."""

import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import (Lookout, Scope, Skip, brief, check_contract, dig, rmdir_if_gone, run,  # noqa: E402
                     wait_until)

HELPERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers")
V2_ROOT = "/sys/fs/cgroup/unified"


def _sigtools(s):
    """helpers/sigtools.c, static, so it also runs in the busybox image."""
    d = s.tmpdir()
    exe = os.path.join(d, "sigtools")
    run(["gcc", "-O2", "-static", "-Wall", "-o", exe, os.path.join(HELPERS, "sigtools.c")])
    return exe


def _to(pid, signo):
    return lambda e: e["target"]["host_pid"] == pid and e["signal"] == signo


def _assert_host_kill(lk, c, pid, sender_pid, method, signo=9, compat=False):
    """The signal to `pid` came from host process sender_pid, by `method`,
    out of band, and the container's end names that sender."""
    # Its end comes after the signal: wait for it, then look at both.
    lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id,
                what="container_exit of %s" % c.name)
    sig = lk.one("signal", lambda e: _to(pid, signo)(e) and e["sent_by_process"],
                 "%s to %d" % (method, pid))
    check_contract([sig])
    assert sig["sender"]["host_pid"] == sender_pid, (sig["sender"]["host_pid"], sender_pid)
    assert sig["origin"] == "host" and sig["out_of_band"] is True, brief(sig)
    assert sig["sent_by_process"] is True, brief(sig)
    assert sig["method"] == method, (sig["method"], method)
    assert sig["compat"] is compat, sig["compat"]
    ce = lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id,
                     what="container_exit of %s" % c.name)[0]
    assert ce["exit_signal"] == signo, brief(ce)
    assert dig(ce, "killed_by.host_pid") == sender_pid, ce["killed_by"]
    assert dig(ce, "killed_by.origin") == "host" and ce["out_of_band"] is True, brief(ce)


def test_compat_kill_is_host():
    """kill(2) through the ia32 table (int $0x80 from a 64-bit process)."""
    with Scope("compat") as s, Lookout("--json") as lk:
        tool = _sigtools(s)
        probe = subprocess.run([tool, "compat-kill", str(os.getpid()), "0"])
        if probe.returncode == -11:
            # int $0x80 faults: the kernel runs without ia32 emulation (built
            # without it, or ia32_emulation=0), so no process can use it.
            raise Skip("this kernel refuses 32-bit system calls (int $0x80 faults)")
        assert probe.returncode == 0, "compat kill(self, 0) failed: %d" % probe.returncode
        c = s.docker_run("/bin/sleep", "600")
        lk.wait_for("container_start", lambda e: e["container"]["id"] == c.id)
        p = s.popen([tool, "compat-kill", str(c.pid), "9"])
        assert p.wait(10) == 0, "compat kill failed"
        _assert_host_kill(lk, c, c.pid, p.pid, "kill", compat=True)
        lk.stop()


def test_a_timer_interrupt_is_the_kernels():
    """An interval timer's SIGALRM is raised in the timer interrupt, on whatever task the
    CPU was running. Here that is mostly dd, on the same CPU and nearly always inside
    read(2) or write(2): the sender rule's first clause (never in an interrupt) must
    still say kernel, never a process that sent it by a system call."""
    with Scope("timer") as s, Lookout("--json") as lk:
        tool = _sigtools(s)
        script = ("dd if=/dev/zero of=/dev/null bs=64k 2>/dev/null & "
                  "/sigtools itimer 1000 3; kill $!")
        c = s.docker_run("/bin/sh", "-c", script,
                         opts=["--cpuset-cpus", "0", "-v", "%s:/sigtools:ro" % tool])
        lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id, timeout=60,
                    what="the timer container's end")
        lk.stop()
        alarms = lk.events("signal", lambda e: dig(e, "container.id") == c.id and e["signal"] == 14)
        assert len(alarms) > 500, "the timer raised only %d SIGALRMs" % len(alarms)
        on_dd = [e for e in alarms if e["sender"]["comm"] == "dd"]
        assert len(on_dd) > 50, "the interrupt landed on dd only %d times of %d: the test " \
            "did not put the timer next to a system call" % (len(on_dd), len(alarms))
        sent = [e for e in alarms if e["sent_by_process"] or e["origin"] != "kernel"]
        assert not sent, "%d of %d SIGALRMs given to the interrupted task, e.g. %s" % (
            len(sent), len(alarms), brief(sent[0]))


def test_cgroup_kill_is_host():
    """A host process writes 1 to a cgroup v2 cgroup.kill holding the container's
    init: the kernel sends SIGKILL from inside that write."""
    with Scope("cgkill") as s, Lookout("--json") as lk:
        c = s.docker_run("/bin/sleep", "600")
        lk.wait_for("container_start", lambda e: e["container"]["id"] == c.id)
        cg = os.path.join(V2_ROOT, s.name("cg"))
        os.mkdir(cg)
        s.defer(lambda: wait_until(lambda: rmdir_if_gone(cg), 10, "rmdir " + cg))
        with open(os.path.join(cg, "cgroup.procs"), "w") as f:
            f.write(str(c.pid))
        p = s.popen(["/bin/sh", "-c", "echo 1 > %s/cgroup.kill" % cg])
        assert p.wait(10) == 0, "writing cgroup.kill failed"
        _assert_host_kill(lk, c, c.pid, p.pid, "cgroup.kill")
        lk.stop()




def test_ptrace_kill_is_host():
    """PTRACE_ATTACH's SIGSTOP and PTRACE_KILL's SIGKILL, from a host tracer."""
    with Scope("ptrace") as s, Lookout("--json") as lk:
        tool = _sigtools(s)
        c = s.docker_run("/bin/sleep", "600")
        lk.wait_for("container_start", lambda e: e["container"]["id"] == c.id)
        p = s.popen([tool, "ptrace-kill", str(c.pid)])
        assert p.wait(10) == 0, "ptrace kill failed"
        _assert_host_kill(lk, c, c.pid, p.pid, "ptrace")
        stop = lk.one("signal", _to(c.pid, 19), "PTRACE_ATTACH's SIGSTOP")
        assert stop["method"] == "ptrace" and stop["sender"]["host_pid"] == p.pid, brief(stop)
        assert stop["origin"] == "host", brief(stop)
        lk.stop()


def test_fown_kill_is_host():
    """F_SETOWN + F_SETSIG(SIGKILL) on a pipe: the kernel signals the owner from
    inside the host process's write."""
    with Scope("fown") as s, Lookout("--json") as lk:
        tool = _sigtools(s)
        c = s.docker_run("/bin/sleep", "600")
        lk.wait_for("container_start", lambda e: e["container"]["id"] == c.id)
        # Not its init: an init ignores a SIGKILL whose siginfo is not from a
        # process (the F_SETSIG one carries POLL_IN), whoever raised it.
        pid, _ = c.start_process("/bin/sleep", "601")
        p = s.popen([tool, "fown-kill", str(pid), "9"])
        assert p.wait(10) == 0, "fown kill failed"
        sig = lk.wait_for("signal", lambda e: _to(pid, 9)(e) and e["sent_by_process"],
                          what="the F_SETSIG SIGKILL")[0]
        assert sig["method"] == "fown" and sig["sender"]["host_pid"] == p.pid, brief(sig)
        assert sig["origin"] == "host" and sig["out_of_band"] is True, brief(sig)
        ex = lk.wait_for("exit", lambda e: e["host_pid"] == pid, what="exit of %d" % pid)[0]
        assert dig(ex, "killed_by.host_pid") == p.pid and ex["out_of_band"] is True, brief(ex)
        lk.stop()


def _assert_reraise_names_host(lk, c, pid, killer):
    ex = lk.wait_for("exit", lambda e: e["host_pid"] == pid, what="exit of %d" % pid)[0]
    check_contract([ex])
    assert ex["exit_signal"] == 15, brief(ex)
    assert dig(ex, "killed_by.host_pid") == killer, \
        "the re-raise masked the host killer: killed_by %r" % ex["killed_by"]
    assert dig(ex, "killed_by.origin") == "host" and ex["out_of_band"] is True, brief(ex)
    assert ex["reraised"] is True, brief(ex)
    own = lk.events("signal", lambda e: _to(pid, 15)(e) and e["sender"]["host_pid"] == pid)
    assert own and own[0]["origin"] == "container", [brief(e) for e in own]


def test_reraise_in_c_names_the_host_killer():
    """A handler resets SIGTERM to the default and raises it again (glibc's idiom)."""
    with Scope("reraise") as s, Lookout("--json") as lk:
        tool = _sigtools(s)
        c = s.docker_run("/bin/sleep", "600", opts=["-v", "%s:/sigtools:ro" % tool])
        lk.wait_for("container_start", lambda e: e["container"]["id"] == c.id)
        pid, _ = c.start_process("/sigtools", "reraise")
        time.sleep(0.3)  # its handler is installed before it prints; give it the moment
        sh = s.popen(["/bin/sh", "-c", "kill -TERM %d" % pid])
        assert sh.wait(10) == 0
        _assert_reraise_names_host(lk, c, pid, sh.pid)
        lk.stop()


GO_PROGRAM = """package main

import "time"

// No signal handling of its own: Go's runtime catches SIGTERM, resets it to
// the default and raises it again, so the process dies of it.
func main() {
	for {
		time.Sleep(time.Hour)
	}
}
"""


def _go_binary(s):
    if not shutil.which("go"):
        raise AssertionError("go is not installed (golang-go; scripts/deps.sh installs it)")
    d = s.tmpdir()
    with open(os.path.join(d, "main.go"), "w") as f:
        f.write(GO_PROGRAM)
    env = dict(os.environ, CGO_ENABLED="0", GOCACHE=os.path.join(d, "cache"),
               GOPATH=os.path.join(d, "gopath"), GO111MODULE="off", GOFLAGS="")
    run(["go", "build", "-o", os.path.join(d, "gosleep"), os.path.join(d, "main.go")],
        timeout=300, env=env, cwd=d)
    return os.path.join(d, "gosleep")


def test_reraise_in_go_names_the_host_killer():
    """A real Go program, a non-init process in a container, SIGTERMed from the host."""
    with Scope("goreraise") as s, Lookout("--json") as lk:
        gosleep = _go_binary(s)
        c = s.docker_run("/bin/sleep", "600", opts=["-v", "%s:/gosleep:ro" % gosleep])
        lk.wait_for("container_start", lambda e: e["container"]["id"] == c.id)
        pid, _ = c.start_process("/gosleep")
        time.sleep(0.5)  # the runtime installs its handlers at start
        sh = s.popen(["/bin/sh", "-c", "kill -TERM %d" % pid])
        assert sh.wait(10) == 0
        _assert_reraise_names_host(lk, c, pid, sh.pid)
        lk.stop()


def test_memfd_lookalike_is_not_runtime():
    """A --pid=host container's init re-executes itself from a memfd, as runc
    init does, and SIGKILLs another container's process: other_container, out
    of band. Its exec is written, with the memfd's name."""
    with Scope("memfd") as s, Lookout("--json") as lk:
        tool = _sigtools(s)
        d = s.tmpdir()
        victim = s.docker_run("/bin/sleep", "600")
        lk.wait_for("container_start", lambda e: e["container"]["id"] == victim.id)
        killer = s.docker_run("/sigtools", "memfd-killer", "/x",
                              opts=["--pid=host", "-v", "%s:/sigtools:ro" % tool,
                                    "-v", "%s:/x" % d])
        ex = lk.wait_for("exec", lambda e: dig(e, "container.id") == killer.id
                         and "memfd:lookalike" in (e.get("exe") or ""),
                         what="the memfd re-exec of %s" % killer.name)[0]
        assert ex["exe"] == "/memfd:lookalike (deleted)", ex["exe"]
        with open(os.path.join(d, "target"), "w") as f:
            f.write(str(victim.pid))
        wait_until(lambda: os.path.exists(os.path.join(d, "done")), 10, "the look-alike's kill")
        ce = lk.wait_for("container_exit", lambda e: e["container"]["id"] == victim.id,
                         what="container_exit of the victim")[0]
        sig = lk.one("signal", _to(victim.pid, 9), "SIGKILL from the look-alike")
        assert sig["origin"] == "other_container" and sig["out_of_band"] is True, brief(sig)
        assert dig(sig, "sender.container.id") == killer.id, brief(sig)
        assert dig(ce, "killed_by.origin") == "other_container" and ce["out_of_band"], brief(ce)
        lk.stop()


def _btrfs(s):
    if not shutil.which("mkfs.btrfs"):
        raise AssertionError("mkfs.btrfs is missing (btrfs-progs; scripts/deps.sh installs it)")
    d = s.tmpdir()
    img, mnt = os.path.join(d, "fs.img"), os.path.join(d, "mnt")
    os.mkdir(mnt)
    with open(img, "wb") as f:
        f.truncate(160 << 20)
    run(["mkfs.btrfs", "-q", img])
    run(["mount", "-o", "loop", img, mnt])
    s.defer(lambda: subprocess.run(["umount", "-l", mnt], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return mnt


def test_runtime_exe_on_btrfs_subvolume():
    """A --runtime-exe in a btrfs subvolume is the runtime; a copy in another
    subvolume, with the very same inode number, is not."""
    with Scope("btrfs") as s:
        mnt = _btrfs(s)
        subs = [os.path.join(mnt, n) for n in ("rt", "other")]
        kills = []
        for sub in subs:
            run(["btrfs", "subvolume", "create", sub])
            # The first file of every subvolume gets the same inode number.
            kills.append(os.path.join(sub, "kill"))
            shutil.copy("/bin/kill", kills[-1])
        st = [os.stat(k) for k in kills]
        assert st[0].st_ino == st[1].st_ino and st[0].st_dev != st[1].st_dev, \
            "the two copies do not share an inode number: %r" % ([(x.st_dev, x.st_ino) for x in st],)
        with Lookout("--json", "--runtime-exe", kills[0]) as lk:
            c1 = s.docker_run("/bin/sleep", "600")
            c2 = s.docker_run("/bin/sleep", "600")
            for c in (c1, c2):
                lk.wait_for("container_start", lambda e, c=c: e["container"]["id"] == c.id)
            run([kills[0], "-9", str(c1.pid)])
            run([kills[1], "-9", str(c2.pid)])
            s1 = lk.wait_for("signal", _to(c1.pid, 9), what="SIGKILL from the runtime's kill")[0]
            s2 = lk.wait_for("signal", _to(c2.pid, 9), what="SIGKILL from the copy")[0]
            lk.stop()
        assert s1["origin"] == "runtime" and s1["out_of_band"] is False, brief(s1)
        assert s2["origin"] == "host" and s2["out_of_band"] is True, brief(s2)


def _runtime_exe_is_known(s, kill_path, other_kill):
    """--runtime-exe kill_path: its SIGKILL is the runtime's; other_kill's is the host's."""
    with Lookout("--json", "--runtime-exe", kill_path) as lk:
        c1 = s.docker_run("/bin/sleep", "600")
        c2 = s.docker_run("/bin/sleep", "600")
        for c in (c1, c2):
            lk.wait_for("container_start", lambda e, c=c: e["container"]["id"] == c.id)
        run([kill_path, "-9", str(c1.pid)])
        run([other_kill, "-9", str(c2.pid)])
        s1 = lk.wait_for("signal", _to(c1.pid, 9), what="SIGKILL from the runtime's kill")[0]
        s2 = lk.wait_for("signal", _to(c2.pid, 9), what="SIGKILL from the other kill")[0]
        lk.stop()
    assert s1["origin"] == "runtime" and s1["out_of_band"] is False, brief(s1)
    assert s2["origin"] == "host" and s2["out_of_band"] is True, brief(s2)


def test_runtime_exe_on_overlayfs():
    """An executable on overlayfs, whose stat() reports another inode number
    than the kernel's inode holds (and a device of its own)."""
    with Scope("ovl") as s:
        d = s.tmpdir()
        dirs = {n: os.path.join(d, n) for n in ("lower", "upper", "work", "merged")}
        for p in dirs.values():
            os.mkdir(p)
        # The lower layer on a filesystem of its own, as image layers often
        # are: stat() then shows a device overlayfs made up for that layer.
        run(["mount", "-t", "tmpfs", "-o", "size=16m", "lower", dirs["lower"]])
        s.defer(lambda: subprocess.run(["umount", "-l", dirs["lower"]], stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        shutil.copy("/bin/kill", os.path.join(dirs["lower"], "kill"))
        run(["mount", "-t", "overlay", "overlay", "-o", "lowerdir=%(lower)s,upperdir=%(upper)s,"
             "workdir=%(work)s" % dirs, dirs["merged"]])
        s.defer(lambda: subprocess.run(["umount", "-l", dirs["merged"]], stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _runtime_exe_is_known(s, os.path.join(dirs["merged"], "kill"), "/bin/kill")


def test_host_to_host_is_not_out_of_band():
    """With --all, a host shell killing a host sleep: audited, never out of band."""
    with Scope("h2h") as s, Lookout("--json", "--all") as lk:
        victim = s.popen(["/bin/sleep", "600"])
        sh = s.popen(["/bin/sh", "-c", "sleep 0.3; kill -9 %d" % victim.pid])
        assert sh.wait(10) == 0
        sig = lk.wait_for("signal", _to(victim.pid, 9), what="SIGKILL to the host sleep")[0]
        ex = lk.wait_for("exit", lambda e: e["host_pid"] == victim.pid, what="its exit")[0]
        lk.stop()
        assert sig["origin"] == "host" and sig["out_of_band"] is False, brief(sig)
        assert sig["tamper"] is False, brief(sig)
        assert dig(ex, "killed_by.host_pid") == sh.pid and ex["out_of_band"] is False, brief(ex)


def test_signal_to_lookout_is_tamper():
    """A signal to lookout itself is reported as tampering, not as an
    out-of-band kill."""
    with Scope("tamper") as s, Lookout("--json") as lk:
        sh = s.popen(["/bin/sh", "-c", "kill -WINCH %d" % lk.proc.pid])
        assert sh.wait(10) == 0
        sig = lk.wait_for("signal", lambda e: e["target"]["host_pid"] == lk.proc.pid
                          and e["signal"] == 28, what="SIGWINCH to lookout")[0]
        lk.stop()
        assert sig["tamper"] is True and sig["out_of_band"] is False, brief(sig)
        assert sig["origin"] == "host" and sig["sender"]["host_pid"] == sh.pid, brief(sig)


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
