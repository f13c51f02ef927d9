#!/usr/bin/env python3
"""The VM lane: lookout's static binary on Debian 12's 6.1 kernel, a pure cgroup v2 host,
under qemu's emulator (tests/vm/run.sh boots it, tests/vm/init.sh is its scenario); on
x86_64, and on arm64 from the cross build (make ARCH=arm64 static), where the compat
kill comes from a 32-bit ARM program.

What 6.1 lacks and lookout must make up for: the exit tracepoint sees a task whose
memory is already gone (exe and argv come from what lookout learned at exec or seeding),
and mark_victim gives only a PID.
"""

import os
import subprocess
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import BOOT_ID, HOSTNAME, REPO, brief, check_contract, dig, parse_line  # noqa: E402

RUNTIME_EXE = "/opt/rt/busybox"
BUSYBOX = "/bin/busybox"
VM_TIMEOUT = 480


HOST_ARCH = os.uname().machine.replace("aarch64", "arm64")


def _boot(mode, arch=HOST_ARCH):
    """make static for arch, then boot a host of this cgroup mode ("v2" unified, "v1"
    legacy); returns (facts, events). facts: {name: [words]}, with "live" the live
    view's text."""
    p = subprocess.run(["make", "-C", REPO, "ARCH=" + arch, "static"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
    assert p.returncode == 0, "make ARCH=%s static failed:\n%s" % (arch, p.stdout.decode(
        "utf-8", "replace")[-3000:])
    out = tempfile.mkdtemp(prefix="lk-vm-")
    try:
        p = subprocess.run([os.path.join(REPO, "tests", "vm", "run.sh"), out, mode, arch],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=VM_TIMEOUT)
        log = p.stdout.decode("utf-8", "replace")
        sys.stdout.write("".join("      " + ln + "\n" for ln in log.splitlines() if ln.startswith("vm:")))
        assert p.returncode == 0, "tests/vm/run.sh failed:\n%s" % log[-3000:]
        facts = {}
        with open(os.path.join(out, "facts.txt")) as f:
            for line in f:
                words = line.split()
                if len(words) >= 2:
                    facts.setdefault(words[1], words[2:])
        with open(os.path.join(out, "events.jsonl"), "rb") as f:
            events = [parse_line(ln) for ln in f.read().splitlines() if ln.strip()]
        with open(os.path.join(out, "lookout.err")) as f:
            facts["stderr"] = f.read()
        with open(os.path.join(out, "live.txt"), encoding="utf-8", errors="replace") as f:
            facts["live"] = f.read()
        return facts, events
    finally:
        if os.environ.get("LOOKOUT_E2E_KEEP"):
            print("      VM output kept in %s" % out)
        else:
            shutil.rmtree(out, ignore_errors=True)


def _of(events, kind, where):
    out = []
    for e in events:
        if kind is not None and e.get("event") != kind:
            continue
        try:
            if where(e):
                out.append(e)
        except (KeyError, TypeError):
            pass
    return out


def _one(events, kind, where, what):
    found = _of(events, kind, where)
    assert len(found) == 1, "expected one %s, got %d:\n    %s" % (
        what, len(found), "\n    ".join(brief(e) for e in found[:10]))
    return found[0]


def _in(cid):
    return lambda e: dig(e, "container.id") == cid


def _check(facts, ev, mode, arch=HOST_ARCH):
    kernel = facts["kernel"]
    assert kernel[0].startswith("6.1.") and kernel[1] == {"arm64": "aarch64"}.get(arch, arch), kernel
    assert facts["mode"] == [mode], facts["mode"]
    want = {"v2": "63677270", "v1": "1021994"}[mode]  # cgroup2, tmpfs
    assert facts["cgroupfs"] == [want], "/sys/fs/cgroup is %r, not %s" % (facts["cgroupfs"], want)
    assert "lookout-failed" not in facts, "lookout did not start on %s:\n%s" % (
        kernel[0], facts["stderr"])
    assert facts["lookout-exit"] == ["0"], (facts["lookout-exit"], facts["stderr"])
    assert ev and ev[0]["event"] == "lookout_start" and ev[-1]["event"] == "lookout_stop", \
        [e["event"] for e in ev[:3]]
    # host and boot_id are the VM's: the contract check compares them with this machine's
    for e in ev:
        e["host"], e["boot_id"] = HOSTNAME, BOOT_ID
    check_contract([e for e in ev if e["event"] not in ("lookout_start", "lookout_stop")])

    # Seeded: running before lookout started, found in the v2 tree.
    sid, spid = facts["seeded"][0], int(facts["seeded"][1])
    cs = _one(ev, "container_start", _in(sid), "container_start of the seeded box")
    assert cs["host_pid"] == spid and cs["container"]["runtime"] == "docker", brief(cs)

    # A: exec and exit carry exe and argv; PID 1 killed from the host.
    aid, apid, akiller = facts["host-kill"][0], int(facts["host-kill"][1]), int(facts["host-kill"][2])
    cs = _one(ev, "container_start", _in(aid), "container_start of box A")
    sh_argv = ["/bin/sh", "-c", "/bin/true one two; (/bin/true; exit 3); exec /bin/sleep 600"]
    assert cs["argv"] == sh_argv, brief(cs)
    assert cs["ns_pid"] == 1 and cs["container"]["runtime"] == "docker", brief(cs)
    true_argv = ["/bin/true", "one", "two"]
    ex = _one(ev, "exec", lambda e: _in(aid)(e) and e["argv"] == true_argv, "exec of /bin/true")
    assert ex["exe"] == BUSYBOX, brief(ex) + " exe=%r" % ex["exe"]
    x = _one(ev, "exit", lambda e: _in(aid)(e) and e["host_pid"] == ex["host_pid"], "exit of /bin/true")
    assert x["exit_code"] == 0, brief(x)
    assert x["exe"] == BUSYBOX and x["argv"] == true_argv, \
        "exit without what exec showed: exe=%r argv=%r" % (x["exe"], x["argv"])
    # a forked subshell runs its parent's program: 6.1 shows no memory at exit
    sub = _one(ev, "exit", lambda e: _in(aid)(e) and e["exit_code"] == 3, "exit of the subshell")
    assert sub["exe"] == BUSYBOX and sub["argv"] == sh_argv, \
        "a forked child's exit without its program: exe=%r argv=%r" % (sub["exe"], sub["argv"])
    sig = _one(ev, "signal", lambda e: e["target"]["host_pid"] == apid and e["signal"] == 9,
               "SIGKILL to box A's PID 1")
    assert sig["origin"] == "host" and sig["out_of_band"] is True, brief(sig)
    assert sig["sender"]["host_pid"] == akiller, brief(sig)
    x = _one(ev, "exit", lambda e: e["host_pid"] == apid, "exit of box A's PID 1")
    assert x["exit_signal"] == 9 and x["out_of_band"] is True, brief(x)
    assert dig(x, "killed_by.host_pid") == akiller and dig(x, "killed_by.origin") == "host", brief(x)
    assert x["exe"] == BUSYBOX and x["argv"] == ["/bin/sleep", "600"], \
        "exit without what exec showed: exe=%r argv=%r" % (x["exe"], x["argv"])
    ce = _one(ev, "container_exit", _in(aid), "container_exit of box A")
    assert dig(ce, "killed_by.host_pid") == akiller and ce["out_of_band"] is True, brief(ce)
    # ... and what an operator watching the live view saw of it
    assert facts["live-exit"] == ["0"], (facts["live-exit"], facts["stderr"])
    flagged = [ln for ln in facts["live"].splitlines() if "OUT-OF-BAND SIGKILL from %d(" % akiller in ln]
    assert len(flagged) == 1 and " %d " % apid in flagged[0], "live view:\n" + facts["live"]
    ended = [ln for ln in facts["live"].splitlines()
             if "container_exit" in ln and "out_of_band_kill killed_by=%d(" % akiller in ln]
    assert len(ended) == 1, "live view:\n" + facts["live"]

    # B: the runtime stops it, in band.
    bid, bpid, bkiller = facts["runtime-stop"][0], int(facts["runtime-stop"][1]), int(facts["runtime-stop"][2])
    sigs = _of(ev, "signal", lambda e: e["target"]["host_pid"] == bpid)
    assert {e["signal"] for e in sigs} == {9, 15}, [brief(e) for e in sigs]
    for e in sigs:
        assert e["origin"] == "runtime" and e["out_of_band"] is False, brief(e)
        assert e["sender"]["exe"] == RUNTIME_EXE, brief(e)
    ce = _one(ev, "container_exit", _in(bid), "container_exit of box B")
    assert dig(ce, "killed_by.host_pid") == bkiller and dig(ce, "killed_by.origin") == "runtime", brief(ce)
    assert ce["out_of_band"] is False, brief(ce)

    # E: kill(2) through the 32-bit table (ia32's int $0x80, or an AArch32 program):
    # still the host's, out of band, method kill.
    assert facts["compat-status"] == ["0"], "compat kill failed in the VM: %r" % facts["compat-status"]
    eid, epid, ekiller = facts["compat-kill"][0], int(facts["compat-kill"][1]), int(facts["compat-kill"][2])
    sig = _one(ev, "signal", lambda e: e["target"]["host_pid"] == epid and e["signal"] == 9,
               "SIGKILL to box E's PID 1 through the compat table")
    assert sig["origin"] == "host" and sig["out_of_band"] is True, brief(sig)
    assert sig["method"] == "kill" and sig["compat"] is True, brief(sig)
    assert sig["sender"]["host_pid"] == ekiller, brief(sig)
    ce = _one(ev, "container_exit", _in(eid), "container_exit of box E")
    assert dig(ce, "killed_by.host_pid") == ekiller and ce["cause"] == "out_of_band_kill", brief(ce)

    # F: the timer interrupt's SIGALRMs are the kernel's, even when they land on dd in
    # the middle of a system call (this architecture's interrupt stacks).
    fid, fpid = facts["timer"][0], int(facts["timer"][1])
    alarms = _of(ev, "signal", lambda e: e["target"]["host_pid"] == fpid and e["signal"] == 14)
    assert len(alarms) > 100, "the timer raised only %d SIGALRMs" % len(alarms)
    on_dd = [e for e in alarms if e["sender"]["comm"] == "dd"]
    assert on_dd, "no SIGALRM landed on dd: the test did not exercise the interrupt check"
    sent = [e for e in alarms if e["sent_by_process"] or e["origin"] != "kernel"]
    assert not sent, "%d of %d SIGALRMs given to the interrupted task, e.g. %s" % (
        len(sent), len(alarms), brief(sent[0]))

    # C: the OOM killer (6.1's mark_victim gives only a PID).
    cid, cpid = facts["oom"][0], int(facts["oom"][1])
    oom = _one(ev, "oom", _in(cid), "oom in box C")
    assert oom["host_pid"] == cpid and oom["argv"] == ["/bin/hog"], brief(oom)
    x = _one(ev, "exit", lambda e: e["host_pid"] == cpid, "exit of the hog")
    assert x["exit_signal"] == 9 and x["out_of_band"] is False, brief(x)
    assert dig(x, "killed_by.origin") in (None, "kernel"), brief(x)
    assert x["cause"] == "oom", brief(x)
    assert dig(oom, "oom.scope") == "container" and cid in (dig(oom, "oom.cgroup") or ""), oom["oom"]
    _one(ev, "container_exit", _in(cid), "container_exit of box C")

    # The seeded one's end, by the runtime.
    ce = _one(ev, "container_exit", _in(sid), "container_exit of the seeded box")
    assert dig(ce, "killed_by.origin") == "runtime", brief(ce)
    assert ce["exe"] == BUSYBOX and ce["argv"] == ["/bin/sleep", "600"], \
        "a seeded process's exit without exe/argv: %r %r" % (ce["exe"], ce["argv"])

    # D: born in its cgroup (clone3 CLONE_INTO_CGROUP, as crun does): the first process
    # starts it, the second joined it (via exec), the spawner's child is the runtime's.
    if mode == "v1":
        assert "clone-into-cgroup" not in facts  # cgroup v2 only
        return
    did, dpid = facts["clone-into-cgroup"][0], int(facts["clone-into-cgroup"][1])
    cs = _one(ev, "container_start", _in(did), "container_start of box D")
    assert cs["host_pid"] == dpid and cs["argv"] == ["/bin/sleep", "600"], brief(cs)
    ex = _one(ev, "exec", lambda e: _in(did)(e) and e["argv"] == ["/bin/true", "joined"],
              "exec of the process that joined box D")
    assert ex["via"] == "exec", brief(ex) + " via=%r" % ex["via"]
    helpers = [e for e in _of(ev, None, _in(did)) if e.get("comm") == "spawn"]
    assert not helpers, [brief(e) for e in helpers]
    ce = _one(ev, "container_exit", _in(did), "container_exit of box D")
    assert dig(ce, "killed_by.origin") == "runtime", brief(ce)



def test_vm_6_1_cgroup_v2():
    """A unified host: cgroup2 at /sys/fs/cgroup."""
    _check(*_boot("v2"), "v2")


def test_vm_6_1_cgroup_v1():
    """A legacy host: a tmpfs of v1 hierarchies (memory, pids), no cgroup2 at all."""
    _check(*_boot("v1"), "v1")


def test_vm_6_1_arm64_cgroup_v2():
    """arm64 (cross-built on an x86_64 host), unified cgroups."""
    _check(*_boot("v2", "arm64"), "v2", "arm64")


# make static the first time (a cross build also makes its libmicrohttpd), then an
# emulated boot
test_vm_6_1_cgroup_v2.timeout = test_vm_6_1_cgroup_v1.timeout = 900
test_vm_6_1_arm64_cgroup_v2.timeout = 900


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
