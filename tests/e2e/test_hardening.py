#!/usr/bin/env python3
"""lookout keeps telling the truth under load, faults and bad input: a flood
cannot hide a kill and its gaps are visible, a reused PID is never taken for
the process that had it before, a kill -9 of lookout leaves nothing behind and
a restart names what it missed, two copies agree, a Docker daemon outage does
not stop the tracing, broken runtime state never yields a wrong name, and every
startup error is one clear line."""

import collections
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import (BINARY, DOCKER_IMAGE, LABEL, Lookout, Scope, brief, check_contract,  # noqa: E402
                     dig, ensure_runtimes, parse_time, pids_in_pidns, proc_start_ticks,
                     require_binary, run, wait_until)

HELPERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def _to(pid, signo=None):
    """where(): a signal event to this host pid (and this signal)."""
    return lambda e: e["target"]["host_pid"] == pid and (signo is None or e["signal"] == signo)


def _bookends(lk):
    evs = lk.all()
    assert evs and evs[0]["event"] == "lookout_start", \
        "first line is not lookout_start: %s" % (brief(evs[0]) if evs else "no output")
    assert evs[-1]["event"] == "lookout_stop", "last line is not lookout_stop: %s" % brief(evs[-1])
    assert len(lk.events("lookout_start")) == 1 and len(lk.events("lookout_stop")) == 1, \
        "lookout_start/lookout_stop must appear exactly once"
    check_contract([evs[0], evs[-1]])
    return evs[0], evs[-1]


# ---------------------------------------------------------------------------
# 1, 2. A flood cannot hide a kill; gaps are visible

ALERT_DELAY_MAX = 5
_UNTIL_STOP = "while [ ! -e /tmp/stop ]; do %s; done"
_KILL_CHILD = "sleep 9 & kill -9 $!; wait $!"  # reaped at once: no zombies pile up
# Four exec storms, four storms of SIGKILLs to its own children and a storm of
# SIGUSR1 to itself, until /tmp/stop appears (`[` is a builtin: no exec).
FLOOD = ("trap : USR1; "
         "for i in 1 2 3 4; do (" + _UNTIL_STOP % "/bin/true" + ") & done; "
         "for i in 1 2 3 4; do (" + _UNTIL_STOP % _KILL_CHILD + ") 2>/dev/null & done; "
         + _UNTIL_STOP % "kill -USR1 $$" + "; wait")
# Only the container's own kills: eight storms of SIGKILLs to its own children.
KILL_STORM = ("for i in 1 2 3 4 5 6 7 8; do (" + _UNTIL_STOP % _KILL_CHILD + ") 2>/dev/null & done; "
              "wait")


def _flood(tag, args, script, must_drop_events, build_up=2.0, seconds=6.0):
    """A container floods with script while a host shell SIGKILLs a process in
    another container and one in the flooding container."""
    with Scope(tag) as s, Lookout("--json", *args) as lk:
        other = s.docker_run("/bin/sleep", "600")
        flood = s.docker_run("/bin/sleep", "600")
        # PIDs churn fast in a flood: a victim is its PID and its start (from /proc,
        # in clock ticks; lookout's exec event may itself be lost to other floods).
        victims = []
        for c, argv in ((other, ["sleep", "598"]), (flood, ["sleep", "597"])):
            pid, _ = c.start_process(*argv)
            victims.append((pid, proc_start_ticks(pid) * 1e9 / CLK_TCK, c))
        (a_pid, _, _), (f_pid, _, _) = victims

        def same(p, pid, start):
            return p["host_pid"] == pid and abs(p["start_time"] - start) <= 2e9 / CLK_TCK
        stop_file = "/proc/%d/root/tmp/stop" % flood.pid

        def end_flood():
            if os.path.isdir(os.path.dirname(stop_file)):
                open(stop_file, "w").close()
        s.defer(end_flood)
        flood.exec("sh", "-c", script, detach=True)
        t_flood = time.monotonic()
        if must_drop_events:
            # The flood overflows the small buffer: lookout says so.
            lk.wait_for("lost", lambda e: e["buffer"] == "events", timeout=20,
                        what="a lost event for the events buffer during the flood")
        else:
            time.sleep(build_up)  # let the flood build up
        killer = s.popen(["/bin/sh", "-c", "kill -9 %d %d" % (a_pid, f_pid)])
        assert killer.wait(10) == 0, "the host shell failed to kill"
        t_kill = time.monotonic()
        try:
            lk.wait_for("exit", lambda e: any(same(e, pid, st) for pid, st, c in victims),
                        count=2, timeout=12)
            latency = time.monotonic() - t_kill
        except AssertionError:
            latency = None  # told below, with the drops
        time.sleep(max(0.0, seconds - (time.monotonic() - t_flood)))
        end_flood()
        flood_s = time.monotonic() - t_flood
        wait_until(lambda: len(pids_in_pidns(flood.pidns)) <= 2, 30, "the flood to end")
        lk.stop(timeout=60)

        start, stop = _bookends(lk)
        lost = lk.events("lost")
        check_contract(lost)
        totals = stop["totals"]
        dropped = totals["dropped"]
        seen = totals["events"] + dropped["events"] + dropped["alerts"]
        run_s = parse_time(stop["time"]) - parse_time(start["time"])
        summary = ("%d records in %.1fs of lookout (%.0f/s; the flood itself %.1fs), %d dropped "
                   "from events, %d from alerts, %d written; the killed sleeps' exits came %s "
                   "after the kill" % (seen, run_s, seen / run_s, flood_s, dropped["events"],
                                       dropped["alerts"], totals["written"],
                                       "never" if latency is None else "%.1fs" % latency))
        print("      flood (%s): %s" % (" ".join(args) or "default buffers", summary), flush=True)

        # Gaps are visible: every drop is in a lost event, with its count, since and buffer.
        per_buffer = collections.Counter()
        for e in lost:
            assert e["buffer"] in ("events", "alerts", "cgroups"), e
            assert isinstance(e["count"], int) and e["count"] > 0, e
            assert isinstance(e["since"], str) and parse_time(e["since"]) <= parse_time(e["time"]), e
            per_buffer[e["buffer"]] += e["count"]
        if must_drop_events:
            assert dropped["events"] > 0, "the flood did not overflow the events buffer: %s" % totals
        for buf in ("events", "alerts"):
            assert per_buffer[buf] == dropped[buf], \
                "lost events count %d dropped from %s, lookout_stop says %d" % (
                    per_buffer[buf], buf, dropped[buf])

        # The kills that crossed a container boundary are all there.
        for pid, st, c in victims:
            what = "the host's SIGKILL to sleep %d in %s (%s)" % (pid, c.name, summary)
            sig = lk.one("signal", lambda e, pid=pid, st=st: same(e["target"], pid, st) and
                         e["signal"] == 9, what)
            assert sig["origin"] == "host" and sig["out_of_band"] is True, brief(sig)
            assert sig["sender"]["host_pid"] == killer.pid, (sig["sender"]["host_pid"], killer.pid)
            assert dig(sig, "container.id") == c.id, sig["container"]
            x = lk.one("exit", lambda e, pid=pid, st=st: same(e, pid, st), "exit after " + what)
            assert x["exit_signal"] == 9 and x["status"] == 137, brief(x)
            assert dig(x, "killed_by.host_pid") == killer.pid, x["killed_by"]
            assert dig(x, "killed_by.origin") == "host" and x["out_of_band"] is True, brief(x)
            assert dig(x, "container.id") == c.id, x["container"]

        # A container's own activity, its own kills included, must not reach the
        # alerts buffer's limit: that is what keeps crossing kills safe.
        assert dropped["alerts"] == 0, \
            "one container's own activity overflowed the alerts buffer (%d dropped): a " \
            "crossing kill in that window would be lost" % dropped["alerts"]
        # Alerts wake the reader at once: a flood may delay them a little, not for long.
        assert latency <= ALERT_DELAY_MAX, \
            "the crossing kills were reported %.1fs after they happened (want within %ds): " \
            "the flood held the alerts back" % (latency, ALERT_DELAY_MAX)


def test_flood_cannot_hide_a_kill():
    """A small events buffer: ordinary events are dropped, and lookout says so."""
    _flood("flood", ["--events-buffer", "64K"], FLOOD, must_drop_events=True)


def test_kill_storm_cannot_hide_a_kill():
    """A container SIGKILLing its own children, against the default buffers."""
    # Default buffers; only the kills from outside are written (as a security team
    # would run it), so the test reads kilobytes, while lookout still reads and
    # judges every record of the storm.
    _flood("killstorm", ["--only-kills", "--origin", "host,other_container,runtime"],
           KILL_STORM, must_drop_events=False, build_up=4.0, seconds=10.0)


# ---------------------------------------------------------------------------
# 3. PID reuse

def _procs(e):
    """Every process object of an event (top level, sender, target, killer)."""
    out = [e] if e["event"] in ("exec", "exit", "container_start", "container_exit", "oom") else []
    return out + [p for p in (e.get("sender"), e.get("target"), e.get("killed_by"))
                  if isinstance(p, dict) and "host_pid" in p]


def test_pid_reuse_is_a_different_process():
    """helpers/pidreuse.c runs three programs under one host PID: A in sandbox
    A (SIGKILLed by the host), B on the host, C in sandbox C."""
    with Scope("pidreuse") as s, Lookout("--json", "--all") as lk:
        exe = os.path.join(s.tmpdir(), "pidreuse")
        run(["gcc", "-O2", "-Wall", "-o", exe, os.path.join(HELPERS, "pidreuse.c")])
        helper = s.popen([exe], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = helper.communicate(timeout=60)
        assert helper.returncode == 0, "pidreuse failed: %s" % err.decode("utf-8", "replace")
        m = re.match(r"^pid (\d+) ns_a (\d+) ns_c (\d+) status_a (\d+) status_b (\d+) "
                     r"status_c (\d+) tries (\d+)$", out.decode().strip())
        assert m, "pidreuse printed %r" % out
        pid, ns_a, ns_c, st_a, st_b, st_c, tries = (int(x) for x in m.groups())
        assert (st_a, st_b, st_c) == (9, 7 << 8, 1 << 8), "wait statuses %r" % ((st_a, st_b, st_c),)

        def ours(e):  # other processes on the machine may get the PID too
            return e["host_pid"] == pid and e["ppid"] == helper.pid
        lk.wait_for("exit", ours, count=3, what="three exits of host PID %d" % pid)
        lk.wait_for("container_exit", ours, count=2,
                    what="two container_exits (sandboxes A and C) of host PID %d" % pid)
        lk.stop()

        want = [  # (argv, comm, container id, status, killed)
            (["/bin/sleep", "30"], "sleep", "pidns:%d" % ns_a, 137, True),
            (["/bin/sh", "-c", "exit 7"], "sh", None, 7, False),
            (["/bin/false"], "false", "pidns:%d" % ns_c, 1, False),
        ]
        execs = lk.events("exec", ours)
        assert [e["argv"] for e in execs] == [w[0] for w in want], \
            "execs of host PID %d (reused after %d tries): %s" % (pid, tries,
                                                                 [brief(e) for e in execs])
        starts = [e["start_time"] for e in execs]
        assert len(set(starts)) == 3 and starts == sorted(starts), \
            "the three processes of PID %d should have three rising start times: %r" % (pid, starts)
        mine = [e for e in lk.all()
                if any(p["host_pid"] == pid and p["start_time"] in starts for p in _procs(e))]
        check_contract(mine)

        for ex, (argv, comm, cid, status, killed) in zip(execs, want):
            st = ex["start_time"]
            assert ex["comm"] == comm and dig(ex, "container.id") == cid, brief(ex)
            x = lk.one("exit", lambda e, st=st: e["host_pid"] == pid and e["start_time"] == st,
                       "exit of %r (PID %d, start %d)" % (argv, pid, st))
            assert x["comm"] == comm and x["argv"] == argv, \
                "exit of %r carries comm %r argv %r" % (argv, x["comm"], x["argv"])
            assert x["status"] == status, brief(x)
            assert dig(x, "container.id") == cid, \
                "exit of %r is in container %r, its exec in %r" % (argv, x["container"], cid)
            if killed:
                assert x["exit_signal"] == 9 and dig(x, "killed_by.origin") == "host", brief(x)
                assert dig(x, "killed_by.host_pid") == helper.pid, x["killed_by"]
            else:
                assert x["killed_by"] is None and x["out_of_band"] is False, \
                    "%r exited by itself, but carries the kill of an earlier PID %d: %s" \
                    % (argv, pid, brief(x))
            # Every event about this process (its exec, exit, container_start/exit,
            # signals it sent or got) carries its own container, never the earlier one's.
            for e in mine:
                for p in _procs(e):
                    if p["host_pid"] == pid and p["start_time"] == st:
                        c = p["container"]
                        assert (c["id"] if c else None) == cid, \
                            "%s: %r (start %d) in container %r, want %r: %s" % (
                                e["event"], argv, st, c, cid, brief(e))
        # Whoever else got the PID later is not in our sandboxes either.
        for e in lk.all():
            for p in _procs(e):
                if p["host_pid"] == pid and p["start_time"] not in starts:
                    assert dig(p, "container.id") not in (want[0][2], want[2][2]), \
                        "another process with PID %d carries our sandbox: %s" % (pid, brief(e))
        sig = lk.one("signal", lambda e: e["target"]["host_pid"] == pid and e["signal"] == 9 and
                     e["target"]["start_time"] in starts, "SIGKILL to the first process of PID %d" % pid)
        assert sig["target"]["start_time"] == starts[0] and sig["sender"]["host_pid"] == helper.pid, \
            brief(sig)
        ce = lk.events("container_exit", lambda e: e["host_pid"] == pid and e["start_time"] in starts)
        assert [dig(e, "container.id") for e in ce] == [want[0][2], want[2][2]], \
            [brief(e) for e in ce]
        assert dig(ce[0], "killed_by.origin") == "host" and ce[1]["killed_by"] is None, \
            [brief(e) for e in ce]
        cs = lk.events("container_start", lambda e: e["host_pid"] == pid and e["start_time"] in starts)
        assert [(e["start_time"], dig(e, "container.id")) for e in cs] == \
            [(starts[0], want[0][2]), (starts[2], want[2][2])], [brief(e) for e in cs]


# ---------------------------------------------------------------------------
# 4. Restart after kill -9, nothing left behind, two copies at once

def _bpf_fd_ids(pid):
    """(prog ids, map ids) of the BPF objects a process holds open."""
    progs, maps = set(), set()
    d = "/proc/%d/fdinfo" % pid
    for fd in os.listdir(d):
        try:
            with open(os.path.join(d, fd)) as f:
                text = f.read()
        except OSError:
            continue
        progs.update(int(x) for x in re.findall(r"^prog_id:\s+(\d+)$", text, re.M))
        maps.update(int(x) for x in re.findall(r"^map_id:\s+(\d+)$", text, re.M))
    return progs, maps


def _bpftool_ids(kind):
    out = run(["bpftool", kind, "show", "--json"], timeout=30)
    return {o["id"]: o.get("name", "") for o in json.loads(out or "[]")}


def _lookout_progs():
    return {i: n for i, n in _bpftool_ids("prog").items()
            if n.startswith(("handle_", "seed_tasks", "key_open_files"))}


def _bpffs():
    if not os.path.ismount("/sys/fs/bpf"):
        return None
    out = set()
    for root, dirs, files in os.walk("/sys/fs/bpf"):
        out.update(os.path.join(root, n) for n in dirs + files)
    return out


def test_restart_after_kill9_and_two_copies():
    with Scope("restart") as s:
        pinned_before = _bpffs()
        progs_before = _lookout_progs()
        busy = s.docker_run("sh", "-c", "while :; do /bin/true tick; sleep 0.1; done")
        with Lookout("--json") as l1:
            l1.wait_for("exec", lambda e: dig(e, "container.id") == busy.id and
                        e["argv"] == ["/bin/true", "tick"], count=3,
                        what="a stream of execs in %s" % busy.name)
            progs, maps = _bpf_fd_ids(l1.proc.pid)
            assert progs and maps, "lookout holds no BPF programs or maps: %r %r" % (progs, maps)
            live = _lookout_progs()
            assert progs <= set(live), "lookout's programs %r are not in bpftool's list %r" % (
                progs, live)
            os.kill(l1.proc.pid, signal.SIGKILL)
            l1.proc.wait(10)
            assert l1.proc.returncode == -signal.SIGKILL, l1.proc.returncode
            assert not l1.events("lookout_stop"), "a SIGKILLed lookout wrote lookout_stop"

        # The kernel frees a dead process's programs, links and maps by itself.
        wait_until(lambda: not progs & set(_bpftool_ids("prog")), 15,
                   "the SIGKILLed lookout's programs %s to be freed" % sorted(progs))
        wait_until(lambda: not maps & set(_bpftool_ids("map")), 15,
                   "the SIGKILLed lookout's maps %s to be freed" % sorted(maps))
        after = _lookout_progs()
        print("      lookout-named programs: %d before, %d after the kill -9 (other lookouts "
              "on the machine count too)" % (len(progs_before), len(after)), flush=True)
        if pinned_before is not None:
            new = _bpffs() - pinned_before
            assert not new, "new objects under /sys/fs/bpf after lookout: %s" % sorted(new)

        missed = s.docker_run("/bin/sleep", "600")  # started while no lookout runs
        init = missed.pid
        with Lookout("--json") as l2, Lookout("--json") as l3:
            copies = (l2, l3)
            for lk in copies:
                lk.wait_for("container_start", lambda e: e["container"]["id"] == missed.id,
                            what="container_start of %s, started while lookout was down"
                            % missed.name)
            sh = s.popen(["/bin/sh", "-c", "kill -9 %d" % init])
            assert sh.wait(10) == 0
            missed.wait_exited()
            for lk in copies:
                lk.wait_for("container_exit", lambda e: e["container"]["id"] == missed.id,
                            what="container_exit of %s after the host kill" % missed.name)
            held = [_bpf_fd_ids(lk.proc.pid) for lk in copies]
            for lk in copies:
                lk.stop()

            seen = []
            for lk in copies:
                _bookends(lk)
                st = lk.one("container_start", lambda e: e["container"]["id"] == missed.id,
                            "container_start of %s" % missed.name)
                assert st.get("existing") is True, "container_start lacks existing: true: %s" % st
                assert st["container"]["name"] == missed.name and st["host_pid"] == init, brief(st)
                old = lk.one("container_start", lambda e: e["container"]["id"] == busy.id,
                             "container_start of %s (running all along)" % busy.name)
                assert old.get("existing") is True and old["container"]["name"] == busy.name, old
                sig = lk.one("signal", _to(init, 9), "the host's SIGKILL to %s's init" % missed.name)
                assert sig["origin"] == "host" and sig["out_of_band"] is True, brief(sig)
                assert sig["sender"]["host_pid"] == sh.pid, sig["sender"]
                assert sig["container"]["name"] == missed.name, sig["container"]
                ce = lk.one("container_exit", lambda e: e["container"]["id"] == missed.id,
                            "container_exit of %s" % missed.name)
                assert ce["container"]["name"] == missed.name and ce["status"] == 137, brief(ce)
                assert dig(ce, "killed_by.host_pid") == sh.pid, ce["killed_by"]
                assert dig(ce, "killed_by.origin") == "host" and ce["out_of_band"] is True, brief(ce)
                seen.append((sig["sender"]["host_pid"], sig["sender"]["start_time"],
                             sig["target"]["host_pid"], sig["target"]["start_time"],
                             sig["signal"], sig["result"], ce["status"]))
            assert seen[0] == seen[1], "the two copies disagree about the kill: %r" % seen
            assert not held[0][0] & held[1][0], "the two copies share programs: %r" % held

        for p, m in held:  # stopped cleanly: freed as well
            wait_until(lambda: not p & set(_bpftool_ids("prog")), 15, "programs %s freed" % sorted(p))
        if pinned_before is not None:
            new = _bpffs() - pinned_before
            assert not new, "new objects under /sys/fs/bpf after lookout: %s" % sorted(new)


# ---------------------------------------------------------------------------
# 5. Runtime faults

class PrivateDockerd:
    """A Docker daemon of this test alone (its own data root, exec root, socket
    and containerd), so that killing it hurts no one else's containers."""

    def __init__(self, scope):
        tag = secrets.token_hex(3)
        self.root = "/var/lib/lk-e2e-dockerd-%s" % tag
        self.exec_root = "/run/lk-e2e-%s" % tag
        self.sock = "unix://%s/docker.sock" % self.exec_root
        self.log = os.path.join(scope.tmpdir(), "dockerd.log")
        self.proc = None
        scope.defer(self.cleanup)

    def docker(self, *args, timeout=60, check=True):
        return run(["docker", "-H", self.sock] + list(args), timeout=timeout, check=check)

    def start(self, timeout=60):
        os.makedirs(self.root, exist_ok=True)
        os.makedirs(self.exec_root, exist_ok=True)
        pidfile = os.path.join(self.exec_root, "dockerd.pid")
        if os.path.exists(pidfile):  # left by the SIGKILLed daemon: it would refuse to start
            os.unlink(pidfile)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                ["dockerd", "--data-root", self.root, "--exec-root", self.exec_root,
                 "--pidfile", pidfile, "-H", self.sock, "--bridge", "none",
                 "--iptables=false", "--ip6tables=false", "--ip-masq=false"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + timeout
        while subprocess.run(["docker", "-H", self.sock, "info"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                with open(self.log, "rb") as f:
                    tail = f.read()[-1500:].decode("utf-8", "replace")
                raise AssertionError("private dockerd did not come up (exit %s):\n%s"
                                     % (self.proc.poll(), tail))
            time.sleep(0.1)

    def kill9(self):
        """SIGKILLs dockerd; returns once the containerd it ran has gone too
        (it ends by itself a moment later; a new dockerd finding it still
        there would wait for it in vain)."""
        try:
            with open(os.path.join(self.exec_root, "containerd", "containerd.pid")) as f:
                containerd = int(f.read().strip())
        except (OSError, ValueError):
            containerd = None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        if containerd:
            wait_until(lambda: not os.path.exists("/proc/%d" % containerd), 30,
                       "the dead dockerd's containerd %d to end" % containerd)
        return containerd

    def _ours(self):
        """Processes of this daemon's instance: containerd and the shims name our exec root."""
        out = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open("/proc/%s/cmdline" % d, "rb") as f:
                        if self.exec_root.encode() in f.read():
                            out.append(int(d))
                except OSError:
                    pass
        return out

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            ids = self.docker("ps", "-aq", check=False).split()
            if ids:
                self.docker("rm", "-f", *ids, check=False)
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        for pid in self._ours():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        with open("/proc/self/mounts") as f:
            mounts = [line.split()[1] for line in f]
        for mp in sorted(mounts, key=len, reverse=True):
            mp = mp.replace("\\040", " ")
            # dockerd bind-mounts its data root onto itself; a SIGKILLed one leaves it
            if any(mp == r or mp.startswith(r + "/") for r in (self.root, self.exec_root)):
                subprocess.run(["umount", "-l", mp], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.exec_root, ignore_errors=True)


def _poke(pid, nonce):
    """The container's loop runs /bin/true NONCE once it sees /tmp/go."""
    path = "/proc/%d/root/tmp/go" % pid
    with open(path + ".new", "w") as f:
        f.write(nonce + "\n")
    os.rename(path + ".new", path)


POKE_LOOP = ("while :; do if [ -e /tmp/go ]; then read n </tmp/go; rm -f /tmp/go; "
             "/bin/true \"$n\"; fi; sleep 0.1; done")


def test_dockerd_killed_and_restarted():
    ensure_runtimes()
    with Scope("dockerd") as s, Lookout("--json") as lk:
        pd = PrivateDockerd(s)
        pd.start()
        img = os.path.join(s.tmpdir(), "img.tar")
        run(["docker", "save", "-o", img, DOCKER_IMAGE])
        pd.docker("load", "-i", img)
        name = s.name("d")
        cid = pd.docker("run", "-d", "--name", name, "--label", LABEL, "--network", "none",
                        "--stop-timeout", "1", DOCKER_IMAGE, "sh", "-c", POKE_LOOP)
        init = int(pd.docker("inspect", "-f", "{{.State.Pid}}", name))

        def marker(nonce, what):
            _poke(init, nonce)
            return lk.wait_for("exec", lambda e: e["argv"] == ["/bin/true", nonce], timeout=15,
                               what=what)[0]

        before = marker("lk-before-" + secrets.token_hex(4), "the exec before the outage")
        containerd = pd.kill9()
        os.kill(init, 0)  # the container lives on: its shim does not need dockerd
        during = marker("lk-during-" + secrets.token_hex(4), "an exec while dockerd is down")
        pd.start()
        # Without live-restore the daemon stops what was running when it died.
        lk.wait_for("container_exit", lambda e: e["container"]["id"] == cid, timeout=30,
                    what="container_exit of %s when dockerd came back" % name)
        state = pd.docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", name)
        cid2 = pd.docker("run", "-d", "--label", LABEL, "--network", "none", DOCKER_IMAGE,
                         "/bin/sleep", "600")
        lk.wait_for("container_start", lambda e: e["container"]["id"] == cid2, timeout=15,
                    what="container_start of a container of the restarted dockerd")
        lk.stop()

        for e in (before, during):
            assert e["container"]["id"] == cid and e["container"]["runtime"] == "docker", brief(e)
        mine = [e for e in lk.all() if dig(e, "container.id") == cid]
        check_contract(mine)
        for e in mine:  # the name is Docker's or unknown (a non-default data root), never another
            assert e["container"]["name"] in (None, name), e["container"]
        ce = lk.one("container_exit", lambda e: e["container"]["id"] == cid, "container_exit")
        print("      dockerd SIGKILLed: its containerd %s ended by itself, the container lived on "
              "(exec seen during the outage); restarted dockerd left it %r; lookout: %s"
              % (containerd, state, brief(ce)), flush=True)
        assert dig(ce, "killed_by.origin") == "runtime" and ce["out_of_band"] is False, \
            "the restarted daemon's stop is not the runtime's: %s" % brief(ce)


STATE_DIR = "/var/lib/docker/containers"


def test_broken_runtime_state_never_names_wrongly():
    """Our own containers only: their config.v2.json moved away, truncated,
    garbage, or another container's; restored before the containers go."""
    with Scope("state") as s:
        cs = {k: s.docker_run("sh", "-c", "while :; do /bin/true tick; sleep 0.2; done")
              for k in ("ref", "missing", "truncated", "garbage", "foreign", "symlink")}
        for c in cs.values():
            c.pid
        cfg = {k: os.path.join(STATE_DIR, c.id, "config.v2.json") for k, c in cs.items()}
        saved = {}

        def restore():
            for k, bak in saved.items():
                if os.path.exists(bak):
                    os.replace(bak, cfg[k])
            saved.clear()

        s.defer(restore)
        for k in cs:
            if k == "ref":
                continue
            with open(cfg[k], "rb") as f:
                orig = f.read()
            bak = cfg[k] + ".lk-e2e-saved"
            os.rename(cfg[k], bak)
            saved[k] = bak
            if k == "truncated":
                data = orig[:len(orig) // 2]
            elif k == "garbage":
                data = b"\x00\xff{{not json\n" * 8
            elif k == "foreign":
                with open(cfg["ref"], "rb") as f:
                    data = f.read()
            if k == "symlink":
                os.symlink(cfg["ref"], cfg[k])
            elif k != "missing":
                with open(cfg[k], "wb") as f:
                    f.write(data)

        with Lookout("--json") as lk:
            for k, c in cs.items():
                lk.wait_for("exec", lambda e, c=c: dig(e, "container.id") == c.id, timeout=15,
                            what="an exec in the %s container %s" % (k, c.name))
            broken = [e for e in lk.all() if e["event"] == "exec"]
            restore()
            # lookout asks again for a while: the names come once the state is back.
            for k, c in cs.items():
                lk.wait_for("exec", lambda e, c=c: dig(e, "container.id") == c.id and
                            e["container"]["name"] == c.name, timeout=15,
                            what="the name of the %s container once its state is back" % k)
            lk.stop()

            by_id = {c.id: c for c in cs.values()}
            wheres = ("container", "target.container", "sender.container", "killed_by.container")
            evs = [e for e in lk.all() if any(dig(e, w + ".id") in by_id for w in wheres)]
            check_contract(evs)
            for e in evs:
                for where in wheres:
                    ct = dig(e, where)
                    if not ct or ct["id"] not in by_id:
                        continue
                    c = by_id[ct["id"]]
                    assert ct["name"] in (None, c.name), \
                        "%s of container %s is named %r: %s" % (e["event"], c.name, ct["name"],
                                                                 brief(e))
                    assert ct["image"] in (None, DOCKER_IMAGE), ct
                    assert ct["runtime"] == "docker", ct
            # While its state was broken, a container had no name, or its own (had
            # dockerd rewritten the file), never the one a foreign or symlinked file holds.
            for k, c in cs.items():
                names = {e["container"]["name"] for e in broken if e["container"]["id"] == c.id}
                assert names <= {None, c.name}, (k, names)
                if k == "ref":
                    assert names == {c.name}, "the intact container was not named: %r" % names


# ---------------------------------------------------------------------------
# 6. Clear errors

def _refused(cmd, want_rc=None, mentions=(), timeout=30):
    """Runs cmd (a lookout that must refuse to start) and returns its one line."""
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError("%s did not refuse within %ds" % (" ".join(cmd), timeout))
    what = " ".join(cmd)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode > 0, "%s exited %d (want a non-zero exit, not a signal); stderr: %r" % (
        what, p.returncode, err)
    if want_rc is not None:
        assert p.returncode == want_rc, "%s exited %d, want %d; stderr: %r" % (
            what, p.returncode, want_rc, err)
    assert p.stdout == b"", "%s wrote to stdout: %r" % (what, p.stdout[:300])
    assert err.endswith("\n"), "%s: stderr does not end in a newline: %r" % (what, err)
    # argp's own hint after a bad value is not a second error
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("Try `")]
    assert len(lines) == 1, "%s: want one error line, got:\n%s" % (what, err)
    line = lines[0]
    assert line.startswith("lookout: "), "%s: %r" % (what, line)
    for bad in ("Sanitizer", "Segmentation", "Aborted", "libbpf:"):
        assert bad not in err, "%s: %r" % (what, err)
    for m in mentions:
        assert m.lower() in line.lower(), "%s: the error %r does not mention %r" % (what, line, m)
    return line, time.monotonic() - t0


# A kernel's BTF as lookout reads it at start (tracepoint typedefs, the helper ids), made
# by clang from C: enough for the start-up checks, with the helpers of an older kernel.
_OLD_KERNEL_BTF = r"""
enum bpf_func_id {
	BPF_FUNC_unspec, BPF_FUNC_ringbuf_output = 130,
%s
};
typedef void (*btf_trace_sched_process_exec)(void *, void *, int, void *);
typedef void (*btf_trace_sched_process_fork)(void *, void *, void *);
typedef void (*btf_trace_sched_process_exit)(void *, void *);
typedef void (*btf_trace_signal_generate)(void *, int, void *, void *, int, int);
enum bpf_func_id lk_ids;
btf_trace_sched_process_exec lk_exec;
btf_trace_sched_process_fork lk_fork;
btf_trace_sched_process_exit lk_exit;
btf_trace_signal_generate lk_signal;
"""


def test_an_older_kernels_missing_helper_is_named():
    """lookout asks the kernel's BTF which BPF helpers it has (a backport counts), and on
    one without what the programs call says which helper, and which Linux has it, in one
    line before loading anything: 5.10 (no task storage, no bpf_get_current_task_btf) and
    5.14 (no bpf_task_pt_regs)."""
    require_binary()
    kernels = {
        "5.10": ("", "bpf_get_current_task_btf", "5.11"),
        "5.14": ("BPF_FUNC_task_storage_get = 156, BPF_FUNC_get_current_task_btf = 158,",
                 "bpf_task_pt_regs", "5.15"),
    }
    with Scope("oldbtf") as s:
        d = s.tmpdir()
        for version, (ids, helper, since) in kernels.items():
            src = os.path.join(d, "btf-%s.c" % version)
            obj = os.path.join(d, "btf-%s.o" % version)
            with open(src, "w") as f:
                f.write(_OLD_KERNEL_BTF % ids)
            run(["clang", "-g", "-O2", "-target", "bpf", "-c", src, "-o", obj])
            line, _ = _refused([BINARY, "--json", "--btf", obj],
                               mentions=(helper, "Linux " + since, "5.15", "backported"))
            print("      %s: %s" % (version, line), flush=True)


def test_clear_errors():
    require_binary()
    lines = []
    with Scope("errors") as s:
        d = s.tmpdir()
        os.chmod(d, 0o755)
        lines.append(_refused(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                               BINARY, "--json"], mentions=("root",)))
        lines.append(_refused([BINARY, "--json", "--btf", "/nonexistent-lk-btf"],
                              mentions=("/nonexistent-lk-btf", "btf")))
        lines.append(_refused([BINARY, "--json", "--btf", "/etc/hostname"],
                              mentions=("/etc/hostname", "btf")))
        empty = os.path.join(d, "empty")
        open(empty, "w").close()
        lines.append(_refused(["unshare", "-m", "sh", "-c",
                               "mount --bind %s /sys/kernel/btf/vmlinux && exec %s --json"
                               % (empty, BINARY)], mentions=("/sys/kernel/btf/vmlinux", "btf")))
        lines.append(_refused(["unshare", "-m", "sh", "-c",
                               "mount -t tmpfs none /sys/kernel/btf && exec %s --json" % BINARY],
                              mentions=("btf", "CONFIG_DEBUG_INFO_BTF")))
        lines.append(_refused([BINARY, "--json", "--events-buffer", "3M"], want_rc=64,
                              mentions=("3M", "power of two")))
        lines.append(_refused([BINARY, "--json", "--alerts-buffer", "0"], want_rc=64,
                              mentions=("'0'",)))
        lines.append(_refused([BINARY, "--json", "--cgroups-max", "8"], want_rc=64,
                              mentions=("'8'", "--cgroups-max")))
        lines.append(_refused([BINARY, "--json", "--signal", "NOPE"], want_rc=64,
                              mentions=("NOPE",)))
        missing = os.path.join(d, "no-such-dir", "audit.json")
        lines.append(_refused([BINARY, "--json", "--audit-log", missing], mentions=(missing,)))
        # A symlink as the audit log: refused, never followed, to a file or to nothing.
        victim = os.path.join(d, "victim")
        with open(victim, "w") as f:
            f.write("precious\n")
        for target in (victim, os.path.join(d, "would-be-created")):
            link = os.path.join(d, "audit-link-%s" % os.path.basename(target))
            os.symlink(target, link)
            lines.append(_refused([BINARY, "--json", "--audit-log", link],
                                  mentions=(link, "symlink")))
        with open(victim) as f:
            assert f.read() == "precious\n", "lookout wrote through the audit-log symlink"
        assert not os.path.lexists(os.path.join(d, "would-be-created")), \
            "lookout created the audit-log symlink's target"
    for line, dt in lines:
        print("      %4.1fs %s" % (dt, line), flush=True)


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
