#!/usr/bin/env python3
"""A verdict on every container death: `cause` on exit and container_exit, from
what lookout saw (never from the exit status alone), and `lookout why` reading
it back from lookout's own JSON lines."""

import json
import os
import secrets
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import (BINARY, Lookout, Scope, brief, build_segv, check_contract,  # noqa: E402
                     dig, rmdir_if_gone, run, wait_until)

HELPERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers")


def _end(lk, c):
    ce = lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id, timeout=30,
                     what="container_exit of %s" % c.name)[0]
    check_contract([ce])
    return ce


def _abort_binary(s):
    d = s.tmpdir()
    src, exe = os.path.join(d, "abort.c"), os.path.join(d, "abort")
    with open(src, "w") as f:
        f.write("#include <stdlib.h>\n#include <unistd.h>\n"
                "int main(void) { usleep(300000); abort(); }\n")
    run(["gcc", "-O2", "-static", "-o", exe, src])
    return exe


def test_every_cause():
    """exit 3, docker stop, a host kill -9, an in-container kill, an OOM, a
    segfault and abort(): each container's end says why, and so does
    `lookout why` on the same file."""
    with Scope("causes") as s, Lookout("--json") as lk:
        segv = build_segv(s.tmpdir())
        abort = _abort_binary(s)
        cs = {
            "exited": s.docker_run("sh", "-c", "sleep 0.3; exit 3"),
            "runtime_stop": s.docker_run("/bin/sleep", "600"),
            "out_of_band_kill": s.docker_run("/bin/sleep", "600"),
            # A namespace's init ignores SIGKILL from inside it: the
            # in-container kill ends one of its other processes.
            "container_kill": s.docker_run("sh", "-c", "sleep 600 & sleep 0.5; kill -9 $!; wait"),
            "oom": s.docker_run("sh", "-c", "sleep 0.5; x=0123456789abcdef; while :; do x=$x$x; done",
                                opts=["--memory", "32m", "--memory-swap", "32m"]),
            "crash": s.docker_run("/segv", opts=["-v", "%s:/segv:ro" % segv]),
            "crash (abort)": s.docker_run("/abort", opts=["-v", "%s:/abort:ro" % abort]),
        }
        for c in cs.values():
            lk.wait_for("container_start", lambda e, c=c: e["container"]["id"] == c.id, timeout=30)
        cs["runtime_stop"].stop(t=1)
        sh = s.popen(["/bin/sh", "-c", "kill -9 %d" % cs["out_of_band_kill"].pid])
        assert sh.wait(10) == 0
        ends = {want: _end(lk, c) for want, c in cs.items()}
        lk.stop()
        ck = cs["container_kill"]
        victim = lk.one("exit", lambda e: dig(e, "container.id") == ck.id and e["comm"] == "sleep"
                        and e["exit_signal"] == 9, "exit of the sleep killed inside its container")
        assert victim["cause"] == "container_kill", brief(victim)
        assert ends["container_kill"]["cause"] == "exited", brief(ends["container_kill"])
        del ends["container_kill"]
        for want, ce in ends.items():
            assert ce["cause"] == want.split(" ")[0], "%s: cause %r: %s" % (want, ce["cause"], brief(ce))
        assert ends["exited"]["exit_code"] == 3, brief(ends["exited"])
        assert dig(ends["out_of_band_kill"], "killed_by.host_pid") == sh.pid
        assert ends["oom"]["killed_by"] is None, ends["oom"]["killed_by"]
        oom = ends["oom"]["oom"]
        assert oom["scope"] == "container", oom
        assert cs["oom"].id in (oom["cgroup"] or ""), oom
        assert oom["limit_bytes"] == 32 << 20 and oom["usage_bytes"] > 30 << 20, oom
        ev = lk.one("oom", lambda e: dig(e, "container.id") == cs["oom"].id, "the oom event")
        assert ev["oom"] == oom, (ev["oom"], oom)

        # lookout why, on the file lookout wrote, for two of them.
        out = lk.dir + "/stdout.jsonl"
        c = cs["out_of_band_kill"]
        p = subprocess.run([BINARY, "why", c.name, out], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        assert p.returncode == 0, p.stderr.decode()
        text = p.stdout.decode()
        assert "out_of_band_kill" in text and str(sh.pid) in text, text
        p = subprocess.run([BINARY, "why", "--json", cs["oom"].id[:12], out],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        assert p.returncode == 0, p.stderr.decode()
        deaths = [json.loads(line) for line in p.stdout.decode().splitlines()]
        assert len(deaths) == 1 and deaths[0]["event"] == "container_exit", deaths
        assert deaths[0]["cause"] == "oom", deaths


def _cleanup_parent(parent):
    """rmdir what Docker made under every hierarchy, children first."""
    for root in ["/sys/fs/cgroup/" + d for d in os.listdir("/sys/fs/cgroup")] + ["/sys/fs/cgroup"]:
        for sub in ("docker", ""):
            try:
                os.rmdir(os.path.join(root, parent.strip("/"), sub))
            except OSError:
                pass


def test_oom_under_a_limited_cgroup_parent():
    """--cgroup-parent under a slice whose limit is lower than the container's
    own (none): the OOM kill answers to the parent's limit."""
    mem = "/sys/fs/cgroup/memory"
    if not os.path.isdir(mem):
        raise AssertionError("this test needs the cgroup v1 memory hierarchy at " + mem)
    with Scope("oomparent") as s, Lookout("--json") as lk:
        parent = "/" + s.name("slice")
        limited = os.path.join(mem, parent.strip("/"), "docker")
        os.makedirs(limited)
        s.defer(lambda: _cleanup_parent(parent))
        with open(os.path.join(limited, "memory.limit_in_bytes"), "w") as f:
            f.write(str(40 << 20))
        c = s.docker_run("sh", "-c", "sleep 0.5; x=0123456789abcdef; while :; do x=$x$x; done",
                         opts=["--cgroup-parent", parent + "/docker"])
        ce = _end(lk, c)
        lk.stop()
        assert ce["cause"] == "oom", brief(ce)
        assert ce["oom"]["scope"] == "parent", ce["oom"]
        assert ce["oom"]["cgroup"] == parent + "/docker", ce["oom"]
        assert ce["oom"]["limit_bytes"] == 40 << 20, ce["oom"]


def test_loss_names_the_containers():
    """A tiny events buffer and two busy containers: every `lost` event says
    whose records went missing, and the counts per container add up."""
    with Scope("lossplace") as s, Lookout("--json", "--events-buffer", "4K") as lk:
        d = s.tmpdir()
        storm = "while [ ! -e /x/go ]; do sleep 0.1; done; i=0; " \
                "while [ $i -lt 1500 ]; do /bin/true; i=$((i+1)); done"
        cs = [s.docker_run("sh", "-c", storm, opts=["-v", "%s:/x" % d]) for _ in range(2)]
        for c in cs:
            lk.wait_for("container_start", lambda e, c=c: e["container"]["id"] == c.id)
        # lookout stops reading while the storm runs: the 4K buffer must overflow.
        os.kill(lk.proc.pid, signal.SIGSTOP)
        try:
            open(os.path.join(d, "go"), "w").close()
            for c in cs:
                c.wait_exited(timeout=120)
        finally:
            os.kill(lk.proc.pid, signal.SIGCONT)
        for c in cs:
            _end(lk, c)
        lk.stop()
        lost = [e for e in lk.events("lost") if e["buffer"] == "events"]
        assert lost, "no records were lost: the test needs a smaller buffer or more work"
        total = sum(e["count"] for e in lost)
        per = {}
        for e in lost:
            check_contract([e])
            placed = sum(p["count"] for p in e["containers"])
            assert placed + e["unplaced"] == e["count"], brief(e)
            for p in e["containers"]:
                per[p["id"]] = per.get(p["id"], 0) + p["count"]
        ids = {c.id for c in cs}
        # Other containers on this host may lose records too; ours must be named.
        for c in cs:
            assert per.get(c.id, 0) > 0, "no loss placed on %s: %r" % (c.name, per)
        unplaced = sum(e["unplaced"] for e in lost)
        assert sum(per.values()) + unplaced == total, (per, unplaced, total)
        exits = lk.events("exit", lambda e: dig(e, "container.id") in ids and e["comm"] == "true")
        assert len(exits) + total >= 3000, "%d exits written and %d lost of 3000" % (len(exits), total)


def test_late_metadata_is_announced():
    """The runtime writes a container's state after its first process runs (a
    slow or restarting dockerd): container_start goes out without a name, then
    container_update names it, in that order, and its end carries the name.
    The host is seen through --host-root, so the state written is lookout's
    alone, never the real dockerd's."""
    mem = "/sys/fs/cgroup/memory"
    if not os.path.isdir(mem + "/docker"):
        raise AssertionError("this test needs Docker's v1 memory cgroup at " + mem + "/docker")
    with Scope("latemeta") as s:
        root = s.tmpdir()
        for sub, src in (("proc", "/proc"), ("sys/fs/cgroup", "/sys/fs/cgroup")):
            os.makedirs(os.path.join(root, sub))
            subprocess.run(["mount", "--rbind", src, os.path.join(root, sub)], check=True)
            s.defer(lambda sub=sub: subprocess.run(["umount", "-R", "-l", os.path.join(root, sub)]))
        cid = secrets.token_hex(32)
        state = os.path.join(root, "var/lib/docker/containers", cid)
        os.makedirs(state)
        cg = os.path.join(mem, "docker", cid)
        with Lookout("--json", "--host-root", root) as lk:
            os.mkdir(cg)
            s.defer(lambda: wait_until(lambda: rmdir_if_gone(cg), 10, "rmdir " + cg))
            box = s.popen(["/bin/sh", "-c", "echo $$ > %s/cgroup.procs; "
                           "exec unshare --pid --fork /bin/sleep 30" % cg])
            st = lk.wait_for("container_start", lambda e: dig(e, "container.id") == cid,
                             what="the start of the late container")[0]
            assert st["container"]["name"] is None, st["container"]
            name = s.name("late")
            with open(os.path.join(state, "config.v2.json"), "w") as f:
                json.dump({"ID": cid, "Name": "/" + name,
                           "Config": {"Image": "lookout-test/late:1"}}, f)
            up = lk.wait_for("container_update", lambda e: dig(e, "container.id") == cid,
                             timeout=15, what="container_update with the name")[0]
            assert up["container"]["name"] == name, up
            assert up["container"]["image"] == "lookout-test/late:1", up
            assert up["host_pid"] == st["host_pid"], (up, st)
            box.kill()
            subprocess.run(["pkill", "-9", "-f", "^/bin/sleep 30$"])  # the box's init
            ce = lk.wait_for("container_exit", lambda e: dig(e, "container.id") == cid,
                             timeout=15, what="the end of the late container")[0]
            lk.stop()
        assert ce["container"]["name"] == name, ce["container"]
        order = [e["event"] for e in lk.events() if dig(e, "container.id") == cid
                 and e["event"] in ("container_start", "container_update", "container_exit")]
        assert order == ["container_start", "container_update", "container_exit"], order
        # Other containers on this host have no state under this root: they
        # stay pending, and are counted so.
        stop = lk.events("lookout_stop")[0]
        others = {dig(e, "container.id") for e in lk.events("container_start")} - {cid}
        assert stop["totals"]["metadata_pending"] == len(others), (stop["totals"], others)




def test_why_reads_stdin_and_says_when_nothing_matches():
    with Scope("why") as s, Lookout("--json") as lk:
        c = s.docker_run("sh", "-c", "sleep 0.3; exit 7")
        _end(lk, c)
        lk.stop()
        with open(lk.dir + "/stdout.jsonl", "rb") as f:
            data = f.read()
        p = subprocess.run([BINARY, "why", c.name, "-"], input=data, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        assert p.returncode == 0 and "exited" in p.stdout.decode(), (p.returncode, p.stdout, p.stderr)
        p = subprocess.run([BINARY, "why", "no-such-container", "-"], input=data,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        assert p.returncode == 1 and b"no-such-container" in p.stderr, (p.returncode, p.stderr)
        p = subprocess.run([BINARY, "why", c.name, "/nonexistent/file"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        assert p.returncode != 0 and b"/nonexistent/file" in p.stderr, (p.returncode, p.stderr)


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
