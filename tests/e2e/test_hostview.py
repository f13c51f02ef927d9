#!/usr/bin/env python3
"""The host's view of a container, without BPF: `lookout ps [--json]` and
`lookout inspect NAME|ID [--json]` against real Docker and podman containers,
unshare sandboxes, a process that nsenter'd a container, hostile names, and the
errors (unknown name, ambiguous prefix, usage)."""

import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import (BINARY, Scope, _no_duplicates, _reject_constant, child_pids,  # noqa: E402
                     host_pidns, proc_status, require_binary, wait_until)

PS_KEYS = {"id": str, "name": (str, type(None)), "image": (str, type(None)), "runtime": str,
           "init_pid": int, "processes": int, "started": str, "root": str, "pidns": int,
           "mntns": int, "cgroup": str, "process_count": int}
STARTED_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
CONTROL_RE = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]")


# ---------------------------------------------------------------------------
# Running lookout's snapshot commands

def lookout(*args, timeout=60):
    """Runs ./lookout ARGS; returns (exit status, stdout bytes, stderr text)."""
    require_binary()
    try:
        p = subprocess.run([BINARY] + list(args), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError("lookout %s did not finish within %ss" % (" ".join(args), timeout))
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def strict_json(raw, what):
    """Valid UTF-8, standard JSON, no duplicate keys, no raw control characters."""
    try:
        return json.loads(raw.decode("utf-8", errors="strict"), strict=True,
                          object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as e:
        raise AssertionError("%s is not strict JSON (%s): %r" % (what, e, raw[:600]))


def ps_json():
    rc, out, err = lookout("ps", "--json")
    assert rc == 0, "lookout ps --json exited %d: %s" % (rc, err)
    arr = strict_json(out, "lookout ps --json")
    assert isinstance(arr, list), "lookout ps --json is not an array: %r" % out[:300]
    for o in arr:
        for k, t in PS_KEYS.items():
            assert k in o, "lookout ps --json: object lacks %r: %s" % (k, o)
            assert isinstance(o[k], t) and not isinstance(o[k], bool), \
                "lookout ps --json: %r is %r in %s" % (k, o[k], o)
    return arr


def ps_entry(c_id, arr=None):
    arr = ps_json() if arr is None else arr
    mine = [o for o in arr if o["id"] == c_id]
    assert len(mine) == 1, "lookout ps --json lists %s %d times; ids: %s" % (
        c_id, len(mine), [o["id"][:12] for o in arr])
    return mine[0]


def inspect_json(query):
    rc, out, err = lookout("inspect", "--json", query)
    assert rc == 0, "lookout inspect --json %s exited %d: %s" % (query, rc, err)
    obj = strict_json(out, "lookout inspect --json")
    assert isinstance(obj, dict), obj
    return obj


def parse_started(s):
    assert STARTED_RE.match(s), "started %r is not RFC 3339 UTC" % s
    base = datetime.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")
    frac = s[19:-1]
    return base.replace(tzinfo=datetime.timezone.utc).timestamp() + (float(frac) if frac else 0)


def ns_inode(pid, name):
    return os.stat("/proc/%d/ns/%s" % (pid, name)).st_ino


def root_listing(c):
    """What `docker exec NAME ls /` prints, as a set (ls hides dot files)."""
    return set(c.exec("ls", "/").split())


def host_listing(root):
    return set(n for n in os.listdir(root) if not n.startswith("."))


def proc_ppid(pid):
    return int(proc_status(pid)["PPid"])


def kill_later(s, pid):
    """At the end of the test, SIGKILL pid: a sandbox's init or an nsenter'd process outlives
    the unshare or nsenter that made it (and would hold the test's stdout open)."""
    def kill():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    s.defer(kill)


def spawn_child(s, argv):
    """Runs an unshare/nsenter command line that forks; returns the child, killed at the end."""
    p = s.popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: child_pids(p.pid), 10, "the child of %s" % argv[0])
    child = child_pids(p.pid)[0]
    kill_later(s, child)
    return child


# ---------------------------------------------------------------------------
# lookout ps

def _check_ps_entry(o, c, image):
    assert o["runtime"] == c.runtime, o
    assert o["name"] == c.name, o
    assert o["image"] == image, (o["image"], image)
    assert o["init_pid"] == c.pid, "init_pid %d, %s inspect says %d" % (o["init_pid"], c.cli, c.pid)
    assert o["processes"] >= 1, o
    assert o["root"] == "/proc/%d/root" % c.pid, o
    assert o["pidns"] == ns_inode(c.pid, "pid"), o
    assert o["mntns"] == ns_inode(c.pid, "mnt"), o
    assert o["pidns"] != host_pidns(), o
    assert c.id in o["cgroup"], o
    listed = host_listing(o["root"])
    inside = root_listing(c)
    assert listed == inside, "os.listdir(%s) %s != `%s exec ls /` %s" % (
        o["root"], sorted(listed), c.cli, sorted(inside))
    assert abs(parse_started(o["started"]) - time.time()) < 600, o["started"]


def test_ps_json_lists_docker_and_podman():
    with Scope("ps") as s:
        d = s.docker_run("/bin/sleep", "600")
        p = s.podman_run("/bin/sleep", "600")
        arr = ps_json()
        od, op = ps_entry(d.id, arr), ps_entry(p.id, arr)
        _check_ps_entry(od, d, "lookout-test/box:latest")
        _check_ps_entry(op, p, p.inspect("{{.ImageName}}"))
        # started is the init's start: close to what Docker recorded
        docker_started = parse_started(re.sub(r"(\.\d{6})\d*Z$", r"\1Z",
                                              d.inspect("{{.State.StartedAt}}")))
        assert abs(parse_started(od["started"]) - docker_started) < 5, (
            od["started"], d.inspect("{{.State.StartedAt}}"))
        assert od["processes"] == 1 and op["processes"] == 1, (od, op)
        # a process started with exec counts
        d.start_process("sleep", "301")
        assert ps_entry(d.id)["processes"] == 2


def test_ps_live_view():
    with Scope("pslive") as s:
        c = s.docker_run("/bin/sleep", "600")
        rc, out, err = lookout("ps")
        assert rc == 0, "lookout ps exited %d: %s" % (rc, err)
        text = out.decode("utf-8", errors="strict")
        assert not CONTROL_RE.search(out), "raw control bytes in the live view: %r" % out[:400]
        lines = text.splitlines()
        head = lines[0].split()
        assert head == ["RUNTIME", "ID", "NAME", "IMAGE", "PID", "PROCS", "UPTIME", "ROOT"], lines[0]
        rows = [l for l in lines[1:] if c.name in l.split()]
        assert len(rows) == 1, "no single row for %s in:\n%s" % (c.name, text)
        row = rows[0]
        assert row.split() == ["docker", c.id[:12], c.name, "lookout-test/box:latest", str(c.pid),
                               "1", row.split()[6], "/proc/%d/root" % c.pid], row
        # aligned: every row's ROOT and NAME start where the header's do
        for col in ("NAME", "ROOT"):
            at = lines[0].index(col)
            for l in lines[1:]:
                assert l[at - 1] == " " and l[at] != " ", "column %s not aligned:\n%s" % (col, text)


def test_ps_sandbox_and_host_pid_container():
    with Scope("pssandbox") as s:
        child = spawn_child(s, ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc",
                                "sleep", "120"])
        ns = ns_inode(child, "pid")
        h = s.docker_run("/bin/sleep", "600", opts=["--pid=host"])
        arr = ps_json()
        sb = ps_entry("pidns:%d" % ns, arr)
        assert sb["runtime"] == "sandbox" and sb["init_pid"] == child, sb
        assert sb["name"] is None and sb["image"] is None, sb
        assert sb["root"] == "/proc/%d/root" % child, sb
        # --pid=host: no namespace of its own; its oldest process is the init
        oh = ps_entry(h.id, arr)
        assert oh["init_pid"] == h.pid and oh["pidns"] == host_pidns(), oh
        assert oh["name"] == h.name, oh


# ---------------------------------------------------------------------------
# lookout inspect

def test_inspect_docker_process_tree():
    with Scope("inspect") as s:
        c = s.docker_run("/bin/sleep", "600")
        spid, snspid = c.start_process("sleep", "300")
        shpid, _ = c.start_process("sh", "-c", "sleep 302; true")
        wait_until(lambda: child_pids(shpid), 10, "the sleep of sh -c in the container")
        kid = child_pids(shpid)[0]
        # nsenter from the host: in the container's namespaces, not its cgroup
        entered = spawn_child(s, ["nsenter", "-t", str(c.pid), "-p", "-m", "sleep", "303"])

        o = inspect_json(c.name)
        assert o["id"] == c.id and o["name"] == c.name and o["runtime"] == "docker", o
        assert o["image"] == "lookout-test/box:latest", o
        assert o["init_pid"] == c.pid, o
        assert o["root"] == "/proc/%d/root" % c.pid, o
        assert o["enter"] == "nsenter -t %d -a" % c.pid, o
        assert c.id in o["cgroup"], o
        procs = {p["host_pid"]: p for p in o["processes"]}
        for pid in (c.pid, spid, shpid, kid, entered):
            assert pid in procs, "process %d missing from inspect: %s" % (pid, sorted(procs))
        for pid, p in procs.items():
            for k in ("host_pid", "ns_pid", "ppid", "uid"):
                assert isinstance(p[k], int), p
            assert isinstance(p["comm"], str) and isinstance(p["argv"], list), p
        init = procs[c.pid]
        assert init["ns_pid"] == 1 and init["argv"] == ["/bin/sleep", "600"], init
        # a `docker exec` process's parent is what /proc says (the shim side), not the init
        sp = procs[spid]
        assert sp["ns_pid"] == snspid and sp["argv"] == ["sleep", "300"], sp
        assert sp["ppid"] == proc_ppid(spid), (sp, proc_ppid(spid))
        assert sp["uid"] == 0 and sp["comm"] == "sleep", sp
        # parent before child, one level deeper
        order = [p["host_pid"] for p in o["processes"]]
        assert order.index(shpid) < order.index(kid), order
        assert procs[kid]["ppid"] == shpid and procs[kid]["depth"] == procs[shpid]["depth"] + 1, \
            (procs[shpid], procs[kid])
        assert procs[entered]["entered_namespaces"] is True, procs[entered]
        assert sp["entered_namespaces"] is False, sp
        ns = o["namespaces"]
        for name in ("pid", "mnt", "net", "uts", "ipc", "user", "cgroup"):
            assert ns[name]["inode"] == ns_inode(c.pid, name), (name, ns[name])
            assert ns[name]["shared_with_host"] == (ns_inode(c.pid, name) == ns_inode(os.getpid(), name)), \
                (name, ns[name])
        assert ns["pid"]["shared_with_host"] is False and ns["mnt"]["shared_with_host"] is False, ns

        # the same by id prefix, and the live view
        assert inspect_json(c.id[:10])["id"] == c.id
        rc, out, err = lookout("inspect", c.name)
        assert rc == 0, err
        text = out.decode("utf-8", errors="strict")
        for want in ("nsenter -t %d -a" % c.pid, "ls /proc/%d/root/" % c.pid,
                     "cat /proc/%d/cgroup" % c.pid, "sleep 300", "\\_ sleep 302", c.id,
                     "(entered from the host)"):
            assert want in text, "%r not in lookout inspect's output:\n%s" % (want, text)
        line = [l for l in text.splitlines() if "sleep 300" in l][0]
        assert line.split()[:4] == [str(spid), str(snspid), str(proc_ppid(spid)), "0"], line


def test_inspect_podman():
    with Scope("inspectp") as s:
        c = s.podman_run("/bin/sleep", "600")
        o = inspect_json(c.name)
        assert o["runtime"] == "podman" and o["id"] == c.id and o["init_pid"] == c.pid, o
        assert o["image"] == c.inspect("{{.ImageName}}"), o
        assert host_listing(o["root"]) == root_listing(c)
        assert [p["host_pid"] for p in o["processes"]] == [c.pid], o["processes"]


def test_inspect_errors():
    with Scope("inspecterr") as s:
        missing = "lk-no-such-container-%d" % os.getpid()
        rc, out, err = lookout("inspect", missing)
        assert rc == 1 and out == b"", (rc, out, err)
        assert err == "lookout inspect: no container named or with id prefix '%s': see `lookout ps`\n" \
            % missing, err

        # ambiguous: start containers until two of ours share an id prefix (pigeonhole: at
        # most 17 for one hex digit)
        mine = []
        prefix = None
        while prefix is None:
            assert len(mine) < 17, "no two of %d containers share a first hex digit?" % len(mine)
            mine.append(s.docker_run("/bin/sleep", "600"))
            for a in mine[:-1]:
                b = mine[-1]
                if a.id[0] == b.id[0]:
                    n = 0
                    while a.id[n] == b.id[n]:
                        n += 1
                    prefix, pair = a.id[:n], (a, b)
                    break
        rc, out, err = lookout("inspect", prefix)
        assert rc == 1 and out == b"", (rc, out, err)
        assert err.count("\n") == 1, "not one line: %r" % err
        assert err.startswith("lookout inspect: '%s' matches " % prefix), err
        for c in pair:
            assert c.id[:12] in err and c.name in err, (c.id, c.name, err)
        # the exact name still finds one of them
        assert inspect_json(pair[0].name)["id"] == pair[0].id

        # usage errors: exit 64 (EX_USAGE), as for lookout itself
        rc, out, err = lookout("inspect")
        assert rc == 64 and "Usage:" in err and out == b"", (rc, err)
        rc, out, err = lookout("inspect", "--no-such-option", "x")
        assert rc == 64 and out == b"", (rc, err)
        rc, out, err = lookout("inspect", "a", "b")
        assert rc == 64 and out == b"", (rc, err)
        rc, out, err = lookout("ps", "--no-such-option")
        assert rc == 64 and out == b"", (rc, err)
        rc, out, err = lookout("ps", "--help")
        assert rc == 0 and b"EXAMPLES" in out, (rc, out)


HOSTILE = ("import ctypes, os, sys, time\n"
           "libc = ctypes.CDLL(None)\n"
           "libc.prctl(15, ctypes.c_char_p(b'\\x1b[31m)\\n(\\x07'), 0, 0, 0)\n"
           "time.sleep(120)\n")
HOSTILE_ARG = "\x1b]0;pwned\x07\nline2"


def test_hostile_names():
    """A sandbox whose process sets its comm and argv to terminal escapes and newlines:
    the live views stay on their lines with no control byte, the JSON keeps the bytes."""
    with Scope("hostile") as s:
        child = spawn_child(s, ["unshare", "--pid", "--fork", "--kill-child", sys.executable,
                                "-c", HOSTILE, HOSTILE_ARG])
        wait_until(lambda: open("/proc/%d/comm" % child, "rb").read().startswith(b"\x1b"), 10,
                   "the hostile comm")
        sid = "pidns:%d" % ns_inode(child, "pid")
        ps_entry(sid)
        rc, out, err = lookout("ps")
        assert rc == 0 and not CONTROL_RE.search(out), out
        rc, out, err = lookout("inspect", sid)
        assert rc == 0, err
        assert not CONTROL_RE.search(out), "raw control bytes in lookout inspect: %r" % out
        assert b"\\x1b[31m)\\x0a(\\x07" in out, out
        assert b"\\x1b]0;pwned\\x07\\x0aline2" in out, out
        o = inspect_json(sid)
        p = [p for p in o["processes"] if p["host_pid"] == child][0]
        assert p["comm"] == "\x1b[31m)\n(\x07", p
        assert p["argv"][-1] == HOSTILE_ARG, p
        assert p["ns_pid"] == 1, p
        # an unknown name is echoed escaped, on one line
        rc, out, err = lookout("inspect", "x\x1b[2Jy\nz")
        assert rc == 1 and "\x1b" not in err and err.count("\n") == 1, repr(err)
        assert "x\\x1b[2Jy\\x0az" in err, repr(err)


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
