#!/usr/bin/env python3
"""The container image: `make docker-image` builds lookout statically into a
FROM-scratch image; run with the host's PIDs, cgroups and root, it names the
killer of another container, reading runtime state through the host's root."""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import REPO, Scope, dig, parse_line, run, wait_until  # noqa: E402

IMAGE = "lookout-e2e/lookout:test"


def _build_image():
    p = subprocess.run(["make", "-C", REPO, "docker-image", "IMAGE=" + IMAGE],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=900)
    assert p.returncode == 0, "make docker-image failed:\n%s" % p.stdout.decode(
        "utf-8", "replace")[-3000:]


def _events(name):
    out = subprocess.run(["docker", "logs", name], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60).stdout
    return [parse_line(line) for line in out.splitlines() if line.strip()]


def test_image_names_the_killer():
    _build_image()
    with Scope("image") as s:
        name = s.name("lookout")
        s.defer(lambda: subprocess.run(["docker", "rm", "-f", name], stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       timeout=60))
        run(["docker", "run", "-d", "--name", name, "--cap-drop", "ALL",
             "--cap-add", "SYS_ADMIN", "--cap-add", "SYS_PTRACE", "--cap-add", "DAC_READ_SEARCH",
             "--pid", "host", "--cgroupns", "host", "--uts", "host", "--network", "none",
             "-v", "/sys/fs/cgroup:/sys/fs/cgroup:ro", "-v", "/:/host:ro",
             IMAGE, "--json", "--host-root", "/host"])
        wait_until(lambda: any(e["event"] == "lookout_start" for e in _events(name)), 30,
                   "lookout_start from the lookout container")
        victim = s.docker_run("/bin/sleep", "600")
        init = victim.pid
        killer = s.popen(["/bin/sh", "-c", "kill -9 %d" % init])
        assert killer.wait(10) == 0
        victim.wait_exited()
        other = s.docker_run("/bin/sleep", "600")
        run(["docker", "kill", other.name])
        other.wait_exited()

        def found():
            evs = _events(name)
            host_kill = [e for e in evs if e["event"] == "signal" and e["signal"] == 9
                         and e["target"]["host_pid"] == init]
            runtime_kill = [e for e in evs if e["event"] == "signal" and e["signal"] == 9
                            and dig(e, "target.container.id") == other.id]
            return host_kill and runtime_kill and (host_kill[0], runtime_kill[0])
        wait_until(found, 30, "both SIGKILLs in the lookout container's output")
        host_kill, runtime_kill = found()
        assert host_kill["origin"] == "host" and host_kill["out_of_band"] is True, host_kill
        assert host_kill["sender"]["host_pid"] == killer.pid, host_kill["sender"]
        # Names and images come from the host's Docker state, through /host.
        assert dig(host_kill, "container.name") == victim.name, host_kill["container"]
        assert dig(host_kill, "container.image") == "lookout-test/box:latest", host_kill["container"]
        # runc is recognised by the inode of the host's binary, not the image's.
        assert runtime_kill["origin"] == "runtime", runtime_kill
        assert runtime_kill["out_of_band"] is False, runtime_kill


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
