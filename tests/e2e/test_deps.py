#!/usr/bin/env python3
"""`make deps` installs what builds and runs lookout, nothing the tests need;
`make test` (scripts/deps.sh --test) adds the test servers, but never replaces a
Docker, containerd or runc installed from another source.

A fresh machine is played by a PATH holding only bash, id and a dpkg-query that
knows no package, plus, per case, stand-in docker/dockerd/runc/containerd
commands; --dry-run prints what would be installed, so nothing is.
"""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import REPO  # noqa: E402

DEPS = os.path.join(REPO, "scripts", "deps.sh")
SERVERS = {"docker.io", "containerd", "runc", "podman", "rsyslog", "prometheus"}
BUILD = {"clang", "libbpf-dev", "bpftool", "libelf-dev", "libcap-dev", "libmicrohttpd-dev"}


def fresh_path(*present):
    """A PATH dir for a machine with no Debian package installed, and the
    named commands present (from another source)."""
    d = tempfile.mkdtemp(prefix="lk-deps-")
    for tool in ("bash", "id"):
        os.symlink(shutil.which(tool), os.path.join(d, tool))
    for name, body in [("dpkg-query", "exit 1")] + [(c, "exit 0") for c in present]:
        with open(os.path.join(d, name), "w") as f:
            f.write("#!/bin/sh\n%s\n" % body)
        os.chmod(os.path.join(d, name), 0o755)
    return d


def dry_run(*args, present=(), real=False):
    """scripts/deps.sh ARGS --dry-run; returns (wanted, would install, output)."""
    env = dict(os.environ)
    d = None
    if not real:
        d = fresh_path(*present)
        env["PATH"] = d
    try:
        p = subprocess.run([DEPS] + list(args) + ["--dry-run"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
    finally:
        if d:
            shutil.rmtree(d)
    out = p.stdout.decode()
    assert p.returncode == 0, "deps.sh %s --dry-run exited %d:\n%s" % (" ".join(args),
                                                                       p.returncode, out)
    return parse(out)


def parse(out):
    wants = [ln for ln in out.splitlines() if " wants: " in ln]
    would = [ln for ln in out.splitlines() if ln.startswith("deps: would install: ")]
    assert len(wants) == 1 and len(would) == 1, "no dry-run listing in:\n%s" % out
    return set(wants[0].split(": ", 2)[2].split()), set(would[0].split(": ", 2)[2].split()), out


def test_make_deps_lists_no_test_servers():
    wants, would, out = dry_run(present=())
    assert BUILD <= wants, "build packages missing from %s" % sorted(wants)
    assert not wants & SERVERS, "make deps would install test servers: %s" % sorted(wants & SERVERS)
    assert would == wants, "a fresh machine misses everything: %s vs %s" % (would, wants)
    # and through make, on this machine as it is
    p = subprocess.run(["make", "--no-print-directory", "-C", REPO, "deps", "DEPS_FLAGS=--dry-run"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    assert p.returncode == 0, p.stdout.decode()
    wants, _, _ = parse(p.stdout.decode())
    assert not wants & SERVERS, "make deps lists %s" % sorted(wants & SERVERS)


def test_test_deps_installs_servers_on_a_fresh_machine():
    wants, would, out = dry_run("--test")
    assert SERVERS <= wants, "--test lacks %s:\n%s" % (sorted(SERVERS - wants), out)
    assert BUILD <= wants, out


def test_test_deps_keeps_a_docker_from_elsewhere():
    for present in (["docker"], ["dockerd"], ["docker", "dockerd", "containerd", "runc"]):
        wants, would, out = dry_run("--test", present=present)
        assert "docker.io" not in wants and "docker.io" not in would, \
            "docker.io would replace a present %s:\n%s" % (present, out)
        for c in ("containerd", "runc"):
            if c in present:
                assert c not in wants, "%s would replace a present one:\n%s" % (c, out)
        assert "already provided by" in out, out
        assert {"podman", "rsyslog", "prometheus"} <= wants, out


def test_bad_argument_is_refused():
    p = subprocess.run([DEPS, "--nope"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=30)
    assert p.returncode == 64, (p.returncode, p.stdout)
    assert b"unknown argument" in p.stdout, p.stdout


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
