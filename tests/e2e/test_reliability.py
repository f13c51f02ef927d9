#!/usr/bin/env python3
"""Nothing is lost silently: a container churning cgroups cannot blind lookout
to the containers that start after it nor crowd out a host's kills, and a
process that forks while lookout starts is classified like any other (no
phantom sandbox)."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import (Lookout, Scope, brief, check_contract, pids_in_pidns, run,  # noqa: E402
                     wait_until)

HELPERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers")


def _build(scope, name, static=False):
    d = scope.tmpdir()
    exe = os.path.join(d, name)
    run(["gcc", "-O2", "-Wall"] + (["-static"] if static else []) +
        ["-o", exe, os.path.join(HELPERS, name + ".c")])
    return d, exe


def _stop_totals(lk):
    stop = lk.events("lookout_stop")
    assert len(stop) == 1, "expected one lookout_stop, got %d" % len(stop)
    check_contract(stop)
    return stop[0]["totals"]


# ---------------------------------------------------------------------------
# A cgroup flood

FLOOD_PAIRS = 30000
FLOOD_MAX_SECONDS = 60
KILLS = 20


def _kernel_cgroups(pid):
    """Entries in the `cgroups` map of the lookout with this pid."""
    for fd in os.listdir("/proc/%d/fdinfo" % pid):
        try:
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                m = re.search(r"^map_id:\s+(\d+)$", f.read(), re.M)
        except OSError:
            continue
        if not m:
            continue
        info = json.loads(run(["bpftool", "map", "show", "id", m.group(1), "--json"]))
        if info.get("name") == "cgroups":
            dump = run(["bpftool", "map", "dump", "id", m.group(1), "--json"], timeout=60)
            return len(json.loads(dump or "[]"))
    raise AssertionError("lookout %d holds no `cgroups` map" % pid)


def _flood_container(s, hdir):
    c = s.docker_run("/bin/sleep", "600", opts=["--cap-add", "SYS_ADMIN", "-v", "%s:/h:ro" % hdir])
    c.exec("sh", "-c", "mkdir -p /cg && mount -t cgroup -o memory cgroup /cg")
    return c


def test_cgroup_flood_blinds_nothing():
    """A container with CAP_SYS_ADMIN mounts its memory cgroup and makes and
    removes a sub-cgroup in a tight loop (the old code let every removed one
    come back into the kernel's 16,384-entry cgroups map until it was full,
    and carried the records on the alerts ring). Meanwhile a host shell
    SIGKILLs 20 sleeps in another container through a 4 KiB alerts buffer,
    and three containers start: every kill is reported, and every new
    container is named (runtime docker, its real name), never a sandbox."""
    with Scope("cgflood") as s, Lookout("--json", "--alerts-buffer", "4K") as lk:
        hdir, _ = _build(s, "cgflood", static=True)
        # Its init outlives the sleeps: a PID namespace inode is reused once it ends.
        victims = s.docker_run("/bin/sh", "-c", "for i in $(seq %d); do sleep $((1000 + i)) & "
                               "done; exec sleep 600" % KILLS)

        def sleeping():
            return sorted(pid for pid, _, argv in pids_in_pidns(victims.pidns)
                          if argv[:1] == ["sleep"] and argv[1:2] != ["600"])
        wait_until(lambda: len(sleeping()) == KILLS, 20, "the %d sleeps to start" % KILLS)
        sleeps = sleeping()

        flood = _flood_container(s, hdir)
        out_path = os.path.join(s.tmpdir(), "pairs")
        out = open(out_path, "w")
        fl = s.popen(["docker", "exec", flood.name, "/h/cgflood", "/cg/docker/" + flood.id,
                      str(FLOOD_MAX_SECONDS), "/tmp/stop"], stdout=out, stderr=subprocess.STDOUT)
        out.close()
        t0 = time.monotonic()

        def pairs():
            text = open(out_path).read().split()
            return int(text[-1]) if text and text[-1].isdigit() else 0
        # The old code's map is full after 16,384 pairs; go well past that.
        wait_until(lambda: pairs() >= FLOOD_PAIRS or fl.poll() is not None, FLOOD_MAX_SECONDS,
                   "%d mkdir/rmdir pairs" % FLOOD_PAIRS)
        for pid in sleeps:                # the host kills, while the flood goes on
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.1)
        news = [s.docker_run("/bin/sleep", "600") for _ in range(3)]
        flood.exec("touch", "/tmp/stop")
        assert fl.wait(60) == 0, "cgflood failed: %s" % open(out_path).read()
        flood_s = time.monotonic() - t0
        done = pairs()
        for c in news:
            lk.wait_for("container_start", lambda e, c=c: e["host_pid"] == c.pid,
                        timeout=20, what="container_start of %s" % c.name)
        lk.wait_for("signal", lambda e: e["target"]["host_pid"] in sleeps and e["signal"] == 9,
                    count=KILLS, timeout=20, what="the host's %d SIGKILLs" % KILLS)
        # The removed cgroups are gone from the kernel's map too (the old code left
        # it full: 16,384 entries). What stays is the live containers' cgroups.
        left = _kernel_cgroups(lk.proc.pid)
        lk.stop(timeout=60)

        totals = _stop_totals(lk)
        print("      %d mkdir/rmdir pairs in %.1fs; %d entries left in the cgroups map; "
              "totals %s" % (done, flood_s, left, totals), flush=True)
        assert left < 2000, "%d entries left in the kernel's cgroups map" % left
        assert done >= FLOOD_PAIRS, "the flood made only %d cgroups in %ds" % (done, FLOOD_MAX_SECONDS)
        for c in news:
            starts = lk.events("container_start", lambda e, c=c: e["host_pid"] == c.pid)
            check_contract(starts)
            ctr = starts[0]["container"]
            assert ctr["runtime"] == "docker" and ctr["name"] == c.name, \
                "container %s came out as %s" % (c.name, ctr)
        for c in news:
            wrong = lk.events(None, lambda e, c=c: e["host_pid"] == c.pid and
                              e["container"]["runtime"] == "sandbox")
            assert not wrong, "a process of %s was taken for a sandbox: %s" % (
                c.name, brief(wrong[0]))
        kills = lk.events("signal", lambda e: e["target"]["host_pid"] in sleeps and
                          e["signal"] == 9 and e["origin"] == "host")
        assert sorted(e["target"]["host_pid"] for e in kills) == sleeps, \
            "host kills missing: %s" % sorted(set(sleeps) - {e["target"]["host_pid"] for e in kills})
        assert totals["cgroups_full"] == 0, "the cgroups map filled: %s" % totals
        # Every record the kernel wrote was read, or is counted as dropped.
        assert totals["emitted"] >= totals["events"], totals
        assert totals["bad_records"] == 0, totals


def test_lost_cgroup_records_are_recovered():
    """The same flood through a 4 KiB cgroup ring: records are dropped (and
    said so in `lost` events), yet containers started meanwhile are named,
    their cgroups settled by id when their mkdir record was among the lost."""
    with Scope("cglost") as s, Lookout("--json", "--cgroups-buffer", "4K") as lk:
        hdir, _ = _build(s, "cgflood", static=True)
        flood = _flood_container(s, hdir)
        fl = s.popen(["docker", "exec", flood.name, "/h/cgflood", "/cg/docker/" + flood.id, "8"],
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        time.sleep(2)
        news = [s.docker_run("/bin/sleep", "600") for _ in range(3)]
        out = fl.communicate(timeout=60)[0].decode()
        assert fl.returncode == 0, "cgflood failed: %s" % out
        for c in news:
            lk.wait_for("container_start", lambda e, c=c: e["host_pid"] == c.pid,
                        timeout=20, what="container_start of %s" % c.name)
        lk.stop(timeout=60)
        totals = _stop_totals(lk)
        print("      %s pairs; totals %s" % (out.split()[-1], totals), flush=True)
        assert totals["dropped"]["cgroups"] > 0, "no cgroup record was dropped: %s" % totals
        lost = lk.events("lost", lambda e: e["buffer"] == "cgroups")
        check_contract(lost)
        assert sum(e["count"] for e in lost) == totals["dropped"]["cgroups"], \
            "lost events do not add up to lookout_stop's total: %s" % totals
        for c in news:
            start = lk.events("container_start", lambda e, c=c: e["host_pid"] == c.pid)[0]
            assert start["container"]["runtime"] == "docker" and \
                start["container"]["name"] == c.name, \
                "container %s came out as %s" % (c.name, start["container"])


def test_full_cgroups_map_is_reported():
    """With room for 16 cgroups and more container cgroups than that, the
    kernel counts every cgroup it could not record, lookout warns once on
    stderr and reports the count in lookout_stop and /metrics."""
    port = 20000 + os.getpid() % 20000
    with Scope("cgfull") as s, Lookout("--json", "--cgroups-max", "16",
                                       "--metrics", "127.0.0.1:%d" % port) as lk:
        c = s.docker_run("/bin/sleep", "600")
        base = "/sys/fs/cgroup/memory/docker/%s" % c.id
        subs = ["%s/lk-full-%d" % (base, i) for i in range(40)]

        def rmdirs():
            for d in subs:
                if os.path.isdir(d):
                    os.rmdir(d)
        s.defer(rmdirs)
        for d in subs:
            os.mkdir(d)
        late = s.docker_run("/bin/sleep", "600")
        lk.wait_for("container_start", lambda e: e["host_pid"] == late.pid, timeout=20,
                    what="container_start of %s" % late.name)
        time.sleep(1.5)   # the counters are read once a second
        metrics = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10).read()
        lk.stop()
        totals = _stop_totals(lk)
        assert totals["cgroups_full"] > 0, "a full map was not counted: %s" % totals
        m = [line for line in metrics.decode().splitlines()
             if line.startswith("lookout_cgroups_full_total ")]
        assert m and int(m[0].split()[1]) > 0, "no lookout_cgroups_full_total in /metrics"
        err = lk.stderr()
        assert err.count("the cgroups map is full") == 1, "want one warning, stderr:\n" + err
        assert "cgroups made while the cgroups map was full" in err, err


# ---------------------------------------------------------------------------
# The start-up window

def test_no_phantom_sandbox_at_startup():
    """A container process forks and execs in a tight loop while lookout
    starts (the old code attached its hooks before it knew the container's
    cgroup, and a process met in between became a `pidns:` sandbox that never
    ended). Every event of that container carries its docker name, over
    several starts."""
    with Scope("startup") as s:
        c = s.docker_run("/bin/sh", "-c", "while :; do /bin/true; done")
        time.sleep(0.5)
        for attempt in range(4):
            with Lookout("--json") as lk:
                time.sleep(0.5)
                lk.stop()
                evs = lk.all()
                sandboxes = [e for e in evs if e.get("event") in ("exec", "exit",
                                                                   "container_start")
                             and (e.get("container") or {}).get("runtime") == "sandbox"
                             and e.get("pidns") == c.pidns]
                assert not sandboxes, "start %d: %d events of %s as a sandbox, first: %s" % (
                    attempt + 1, len(sandboxes), c.name, brief(sandboxes[0]))
                mine = [e for e in evs if e.get("event") == "exec" and e.get("pidns") == c.pidns]
                assert mine, "start %d: no exec of %s seen at all" % (attempt + 1, c.name)
                assert all(e["container"]["name"] == c.name for e in mine), \
                    [brief(e) for e in mine if e["container"]["name"] != c.name][:3]
                check_contract(mine[:50])


# ---------------------------------------------------------------------------
# A stalled reader

STALL_ROUNDS = 4000


def test_stalled_reader_places_every_event():
    """The reader of --json stops reading during an exec/exit storm in a
    container, then reads again. Every exit of the storm is written inside its
    container or counted lost for it, and the container's end comes after all
    of its own events, whichever ring they travelled."""
    from lookout import BINARY, dig, parse_line
    with Scope("stall") as s:
        p = subprocess.Popen([BINARY, "--json", "--all"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        s.defer(lambda: p.poll() is None and p.kill())
        first = p.stdout.readline()
        assert b"lookout_start" in first, first
        d = s.tmpdir()
        c = s.docker_run("sh", "-c", "while [ ! -e /x/go ]; do sleep 0.1; done; i=0; "
                         "while [ $i -lt %d ]; do /bin/true; i=$((i+1)); done" % STALL_ROUNDS,
                         opts=["-v", "%s:/x" % d])
        time.sleep(1)
        # The reader pauses (reads nothing) until the storm and the container
        # are over: its end then waits in the alerts ring behind a backlog of
        # its own older events in the events ring.
        open(os.path.join(d, "go"), "w").close()
        c.wait_exited(timeout=120)
        time.sleep(1)
        t0 = time.monotonic()
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            raw = p.stdout.readline()
            if not raw:
                break
            e = parse_line(raw.rstrip(b"\n"))
            lines.append(e)
            if e["event"] == "container_exit" and dig(e, "container.id") == c.id:
                # Everything older than its end came before it. The stop
                # reports what the kernel dropped meanwhile.
                p.send_signal(signal.SIGINT)
                break
        # Through the same buffered reader: it may hold the next line's start.
        rest = p.stdout.read()
        err = p.stderr.read()
        p.wait(30)
        for raw in rest.splitlines():
            lines.append(parse_line(raw))
        assert p.returncode == 0, err.decode()
        check_contract([e for e in lines if dig(e, "container.id") == c.id])
        mine = [i for i, e in enumerate(lines) if dig(e, "container.id") == c.id]
        end = [i for i in mine if lines[i]["event"] == "container_exit"]
        assert len(end) == 1, "container_exit of the storm container: %d" % len(end)
        after = [brief(lines[i]) for i in mine if i > end[0]]
        assert not after, "events of the container after its end: %s" % after[:5]
        nowhere = [e for e in lines if e["event"] == "exit" and e.get("comm") == "true"
                   and e.get("container") is None]
        assert not nowhere, "%d storm exits written with container null" % len(nowhere)
        exits = sum(1 for i in mine if lines[i]["event"] == "exit" and lines[i]["comm"] == "true")
        lost = sum(pl["count"] for e in lines if e["event"] == "lost"
                   for pl in e.get("containers", []) if pl["id"] == c.id)
        assert exits + lost >= STALL_ROUNDS, \
            "%d exits written and %d counted lost of %d; lost events: %s" % (
                exits, lost, STALL_ROUNDS, [e for e in lines if e["event"] == "lost"])


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
