#!/usr/bin/env python3
"""Container identity in the default mode (no --all): Docker, podman, a
container sharing the host's PID namespace, an unshare sandbox, the host
processes the default mode must leave out, and one container model: the init
lookout names at start is the one `lookout ps` and `inspect` name."""

import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import (BINARY, Lookout, Scope, check_contract, child_pids, dig, host_pidns,  # noqa: E402
                     proc_status, run, wait_until)


def _start_exec_exit(s, lk, c, image):
    """The shared body of the Docker and podman tests, lookout already running."""
    st = lk.wait_for("container_start", lambda e: e["container"]["id"] == c.id,
                     what="container_start of %s" % c.name)[0]
    c.exec("ls", "/")
    lk.wait_for("exec", lambda e: dig(e, "container.id") == c.id and e["argv"][0] == "ls",
                what="exec of ls in %s" % c.name)
    init_pid = c.pid
    c.stop(t=1)
    c.wait_exited()
    code = c.exit_code()
    lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id,
                what="container_exit of %s" % c.name)
    lk.stop()

    st = lk.one("container_start", lambda e: e["container"]["id"] == c.id, "container_start")
    assert st["container"]["name"] == c.name, st["container"]
    assert st["container"]["runtime"] == c.runtime, st["container"]
    assert st["container"]["image"] == image, (st["container"]["image"], image)
    assert st["host_pid"] == init_pid, (st["host_pid"], init_pid)
    assert st["ns_pid"] == 1, st["ns_pid"]

    ex = lk.one("exec", lambda e: dig(e, "container.id") == c.id and e["argv"] == ["ls", "/"],
                "exec of ls / in the container")
    assert ex["container"]["name"] == c.name, ex["container"]
    assert ex.get("via") == "exec", "exec via %s exec should carry via \"exec\": %r" % (
        c.runtime, ex.get("via"))

    ce = lk.one("container_exit", lambda e: e["container"]["id"] == c.id, "container_exit")
    assert ce["container"]["name"] == c.name, ce["container"]
    assert ce["status"] == code, "container_exit status %r, %s says %d" % (ce["status"], c.runtime, code)


def test_docker_start_exec_exit():
    with Scope("docker") as s, Lookout("--json") as lk:
        c = s.docker_run("/bin/sleep", "600")
        _start_exec_exit(s, lk, c, "lookout-test/box:latest")


def test_podman_start_exec_exit():
    with Scope("podman") as s, Lookout("--json") as lk:
        c = s.podman_run("/bin/sleep", "600")
        image = c.inspect("{{.ImageName}}")
        _start_exec_exit(s, lk, c, image)


def test_container_started_before_lookout():
    with Scope("before") as s:
        c = s.docker_run("/bin/sleep", "600")
        c.pid  # running before lookout starts
        with Lookout("--json") as lk:
            c.exec("true")
            lk.wait_for("exec", lambda e: dig(e, "container.id") == c.id and e["argv"] == ["true"],
                        what="exec of true in the older container")
            lk.stop()
            mine = [e for e in lk.all() if dig(e, "container.id") == c.id]
            first = mine[0]
            assert first["container"]["name"] == c.name, \
                "first event of the older container does not name it: %s" % first
            for e in mine:
                assert e["container"]["name"] == c.name, e
                assert e["container"]["runtime"] == "docker", e["container"]
                assert e["container"]["image"] == "lookout-test/box:latest", e["container"]
            ex = lk.one("exec", lambda e: dig(e, "container.id") == c.id and e["argv"] == ["true"],
                        "exec of true")
            assert ex.get("via") == "exec", ex.get("via")


def test_docker_host_pid_namespace():
    with Scope("pidhost") as s, Lookout("--json") as lk:
        c = s.docker_run("/bin/sleep", "600", opts=["--pid=host"])
        init_pid = c.pid
        lk.wait_for("container_start", lambda e: e["container"]["id"] == c.id,
                    what="container_start of the --pid=host container")
        c.stop(t=1)
        c.wait_exited()
        code = c.exit_code()
        lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id,
                    what="container_exit of the --pid=host container")
        lk.stop()

        st = lk.one("container_start", lambda e: e["container"]["id"] == c.id, "container_start")
        assert st["container"]["name"] == c.name and st["container"]["runtime"] == "docker", st
        assert st["host_pid"] == init_pid and st["ns_pid"] == init_pid, st
        assert st["pidns"] == host_pidns(), st["pidns"]
        ce = lk.one("container_exit", lambda e: e["container"]["id"] == c.id, "container_exit")
        assert ce["container"]["name"] == c.name, ce
        assert ce["status"] == code, (ce["status"], code)


def test_unshare_sandbox():
    with Scope("sandbox") as s, Lookout("--json") as lk:
        u = s.popen(["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", "sleep 0.5; true"])
        wait_until(lambda: child_pids(u.pid), 5, "unshare's child")
        child = child_pids(u.pid)[0]
        ns = os.stat("/proc/%d/ns/pid" % child).st_ino
        assert u.wait(10) == 0
        sid = "pidns:%d" % ns
        lk.wait_for("exec", lambda e: e["container"]["id"] == sid and e["argv"] == ["sleep", "0.5"],
                    what="exec of sleep 0.5 in sandbox %s" % sid)
        lk.wait_for("container_exit", lambda e: e["container"]["id"] == sid,
                    what="container_exit of the sandbox (its init ended)")
        lk.stop()

        mine = [e for e in lk.all() if dig(e, "container.id") == sid]
        assert mine
        for e in mine:
            assert e["container"]["runtime"] == "sandbox", e["container"]
        sl = lk.one("exec", lambda e: e["container"]["id"] == sid and e["argv"] == ["sleep", "0.5"],
                    "exec of sleep 0.5")
        assert sl["pidns"] == ns and sl["ns_pid"] == 2 and sl["ppid"] == child, sl
        sh = lk.one("exec", lambda e: e["host_pid"] == child, "exec of sh in the sandbox")
        assert sh["ns_pid"] == 1 and sh["container"]["id"] == sid, sh
        ce = lk.one("container_exit", lambda e: e["container"]["id"] == sid, "container_exit")
        assert ce["status"] == 0 and ce["killed_by"] is None, ce


def test_default_mode_leaves_out_host_processes():
    with Scope("storm") as s, Lookout("--json") as lk:
        c = s.docker_run("/bin/sleep", "600")
        lk.wait_for("container_start", lambda e: e["container"]["id"] == c.id)
        storm = s.popen(["/bin/sh", "-c", "for i in $(seq 200); do /bin/true; done"])
        assert storm.wait(60) == 0
        # A container event after the storm shows lookout was watching all along.
        c.exec("true")
        lk.wait_for("exec", lambda e: dig(e, "container.id") == c.id and e["argv"] == ["true"],
                    what="exec of true in the container after the storm")
        time.sleep(0.3)
        lk.stop()

        host = lk.events(where=lambda e: e["event"] in ("exec", "exit") and e["container"] is None)
        assert not host, "default mode wrote %d exec/exit events of host processes, e.g. %s" % (
            len(host), host[0])


def _sandbox_init(pid):
    """PID 1 of the namespace `unshare -p -f` made under pid: pid's grandchild."""
    def found():
        kids = child_pids(pid)
        return kids and child_pids(kids[0])
    wait_until(found, 10, "the sandbox under %d" % pid)
    inner = child_pids(child_pids(pid)[0])[0]
    assert proc_status(inner)["NSpid"].split()[-1] == "1", proc_status(inner)["NSpid"]
    return inner


def test_seeding_and_ps_agree_on_the_init():
    """Three containers running before lookout starts, each with a PID-namespace sandbox
    inside (`unshare -p -f sleep 600`): one with its own namespace, one --pid=host, one in
    the first one's namespace (--pid=container:). For the last two the oldest process that
    is PID 1 of a namespace is the sandbox's, not theirs. The container_start lookout
    writes at start, `lookout ps` and `lookout inspect` must all name Docker's State.Pid;
    the sandbox's end is not the container's, its own end comes with its last process."""
    cmd = ("sh", "-c", "unshare -p -f sleep 600 & exec sleep 601")
    opts = ["--cap-add", "SYS_ADMIN"]
    with Scope("model") as s:
        own = s.docker_run(*cmd, opts=opts)
        hostpid = s.docker_run(*cmd, opts=opts + ["--pid=host"])
        shared = s.docker_run(*cmd, opts=opts + ["--pid=container:" + own.name])
        ctrs = (own, hostpid, shared)
        sandbox = {c.id: _sandbox_init(c.pid) for c in ctrs}

        with Lookout("--json") as lk:
            for c in ctrs:
                lk.wait_for("container_start",
                            lambda e: e["container"]["id"] == c.id and e["existing"],
                            what="container_start (existing) of %s" % c.name)
            ps = {o["id"]: o for o in json.loads(run([BINARY, "ps", "--json"]))}
            for c in ctrs:
                st = lk.events("container_start", lambda e: e["container"]["id"] == c.id)
                assert len(st) == 1, st
                ins = json.loads(run([BINARY, "inspect", "--json", c.id]))
                seen = {"container_start": st[0]["host_pid"], "ps": ps[c.id]["init_pid"],
                        "inspect": ins["init_pid"]}
                assert set(seen.values()) == {c.pid}, \
                    "%s: the init is %s; Docker's State.Pid %d, the sandbox's PID 1 %d" % (
                        c.name, seen, c.pid, sandbox[c.id])
                assert ps[c.id]["pidns"] == st[0]["pidns"], (ps[c.id]["pidns"], st[0]["pidns"])

            # The sandboxes of the two without a namespace of their own end first.
            for c in (hostpid, shared):
                os.kill(sandbox[c.id], signal.SIGKILL)
                lk.wait_for("exit", lambda e: e["host_pid"] == sandbox[c.id],
                            what="exit of the sandbox in %s" % c.name)
            time.sleep(0.3)
            for c in (hostpid, shared):
                assert c.inspect("{{.State.Status}}") == "running", c.name
                early = lk.events("container_exit", lambda e: e["container"]["id"] == c.id)
                assert not early, "%s ended with its sandbox: %s" % (c.name, early)
                c.stop(t=1)
                c.wait_exited()
                lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id,
                            what="container_exit of %s" % c.name)
            lk.stop()
            for c in (hostpid, shared):
                ce = lk.one("container_exit", lambda e: e["container"]["id"] == c.id,
                            "container_exit of %s" % c.name)
                assert ce["host_pid"] == c.pid, (ce["host_pid"], c.pid)


def test_all_mode_starts_and_ends_with_the_init():
    """With --all the runtime's helper (runc init) is written too, but the container
    starts with its init (Docker's State.Pid, PID 1 of its namespace), as without
    --all and as ps has it, and ends with that init: a child the namespace's end
    kills after it does not give the container its status."""
    with Scope("allinit") as s, Lookout("--json", "--all") as lk:
        c = s.docker_run("sh", "-c", "sleep 100 & sleep 0.5; exit 3")
        init_pid = c.pid
        c.wait_exited()
        code = c.exit_code()
        lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id,
                    what="container_exit of %s" % c.name)
        time.sleep(0.3)
        lk.stop()
        st = lk.one("container_start", lambda e: e["container"]["id"] == c.id, "container_start")
        assert st["host_pid"] == init_pid and st["ns_pid"] == 1, (st["host_pid"], init_pid)
        ce = lk.one("container_exit", lambda e: e["container"]["id"] == c.id, "container_exit")
        assert ce["host_pid"] == init_pid and ce["status"] == code == 3, (ce, code)


def test_container_events_keep_the_contract():
    """Every event about a container's life, in the default mode, matches EVENTS.md."""
    with Scope("ccontract") as s, Lookout("--json") as lk:
        c = s.docker_run("/bin/sleep", "600")
        pid, nspid = c.start_process("sleep", "599")
        c.exec("sh", "-c", "ls / >/dev/null; kill %d" % nspid)
        os.kill(c.pid, 9)
        c.wait_exited()
        lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id,
                    what="container_exit of %s" % c.name)
        lk.stop()
        mine = [e for e in lk.all()
                if c.id in (dig(e, "container.id"), dig(e, "sender.container.id"))]
        kinds = sorted(set(e["event"] for e in mine))
        assert kinds == ["container_exit", "container_start", "exec", "exit", "signal"], kinds
        check_contract(mine)
        check_contract([lk.all()[0], lk.all()[-1]])


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
