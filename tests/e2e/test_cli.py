#!/usr/bin/env python3
"""The command line: a --host-root that is not the host's / is refused (exit 64,
saying what was looked for), usage errors exit 64 (EX_USAGE) from lookout, ps and
inspect alike, -h is help, --help names the subcommands, and --version, the
lookout_start event and the installed manual page carry one version."""

import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import BINARY, REPO, Lookout, Scope  # noqa: E402

EX_USAGE = 64


def run(*args, timeout=20):
    p = subprocess.run([BINARY] + list(args), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def test_host_root_without_proc_or_runtime_state_is_refused():
    with Scope("hostroot") as s:
        empty = s.tmpdir()
        rc, out, err = run("--json", "--host-root", empty)
        assert rc == EX_USAGE, "--host-root %s: exit %d (want %d); stderr: %s" % (
            empty, rc, EX_USAGE, err)
        assert not out, "wrote to stdout: %r" % out[:300]
        for want in ("--host-root " + empty, "proc/", "var/lib/docker/", "not the host's /",
                     "--host-root /host"):
            assert want in err, "the message lacks %r: %r" % (want, err)
        rc, out, err = run("--json", "--host-root", os.path.join(empty, "nope"))
        assert rc == EX_USAGE and "No such file or directory" in err, (rc, err)
        # a file is not a root either
        f = os.path.join(empty, "file")
        open(f, "w").close()
        rc, out, err = run("--json", "--host-root", f)
        assert rc == EX_USAGE and "Not a directory" in err, (rc, err)


def test_host_root_with_proc_is_accepted():
    with Scope("hostroot-ok") as s:
        root = s.tmpdir()
        os.mkdir(os.path.join(root, "proc"))
        # lookout also decides the cgroup mode from what is mounted under the
        # root: give it the host's, as `-v /:/host` would.
        cg = os.path.join(root, "sys", "fs", "cgroup")
        os.makedirs(cg)
        subprocess.run(["mount", "--rbind", "/sys/fs/cgroup", cg], check=True)
        s.defer(lambda: subprocess.run(["umount", "-R", "-l", cg]))
        with Lookout("--json", "--host-root", root) as lk:
            lk.stop()
        with Lookout("--json", "--host-root", "/") as lk:
            lk.stop()


def test_usage_errors_exit_64_everywhere():
    for args in (["--no-such-option"], ["--signal", "NOPE"], ["ps", "--no-such-option"],
                 ["ps", "extra"], ["inspect"], ["inspect", "--no-such-option", "x"],
                 ["inspect", "a", "b"]):
        rc, out, err = run(*args)
        assert rc == EX_USAGE, "lookout %s: exit %d (want %d); stderr: %s" % (
            " ".join(args), rc, EX_USAGE, err)
        assert err.strip(), "lookout %s: no message on stderr" % " ".join(args)


def test_short_h_is_help():
    for cmd in ([], ["ps"], ["inspect"]):
        rc, out, err = run(*(cmd + ["-h"]))
        rc2, out2, _ = run(*(cmd + ["--help"]))
        assert rc == 0 and rc2 == 0, (cmd, rc, rc2, err)
        assert out == out2 and out.startswith("Usage:"), (cmd, out[:200], out2[:200])


def test_help_names_the_subcommands():
    rc, out, err = run("--help")
    assert rc == 0, err
    assert re.search(r"^\s+lookout ps\b", out, re.M), out
    assert re.search(r"^\s+lookout inspect\b", out, re.M), out


def man_version(path):
    with open(path) as f:
        for line in f:
            if line.startswith(".TH "):
                return re.findall(r'"([^"]*)"', line)[1]
    raise AssertionError("no .TH line in %s" % path)


def _libbpf_package_version():
    """The installed libbpf's version, from dpkg ("1:1.1.0-1" -> "1.1.0")."""
    v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libbpf1"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL).stdout.decode()
    return re.sub(r"^\d+:", "", v)


def test_one_version_everywhere():
    rc, out, err = run("--version")
    assert rc == 0, err
    m = re.match(r"^lookout (\S+) \(commit ([0-9a-f]{7,}(-dirty)?|unknown), libbpf (\d+\.\d+)\)\n$",
                 out)
    assert m, out
    version = m.group(1)
    head = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode().strip()
    if head and not os.environ.get("LOOKOUT_BIN"):
        assert m.group(2).split("-")[0] == head, (m.group(2), head)
    assert m.group(4) == re.sub(r"^(\d+\.\d+).*", r"\1", _libbpf_package_version()), out
    with Lookout("--json") as lk:
        lk.stop()
    start = lk.events("lookout_start")[0]
    assert start["version"] == version, (start["version"], version)
    assert man_version(os.path.join(REPO, "packaging", "lookout.8")) == "lookout " + version
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run(["make", "--no-print-directory", "-C", REPO, "install", "DESTDIR=" + d],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        assert p.returncode == 0, p.stdout.decode()
        page = os.path.join(d, "usr", "local", "share", "man", "man8", "lookout.8")
        assert man_version(page) == "lookout " + version, man_version(page)


def test_vocabulary_matches_the_contract():
    """Every name the binary can write for a fixed-value key is one this
    harness checks events against, and the other way round: a name added on
    one side only fails here."""
    from lookout import CAUSES, EVENTS, METHODS, OOM_SCOPES, ORIGINS, RESULTS
    rc, out, err = run("vocabulary")
    assert rc == 0, (rc, err)
    v = json.loads(out)
    want = {"events": EVENTS, "origins": ORIGINS, "methods": METHODS, "causes": CAUSES,
            "oom_scopes": OOM_SCOPES, "results": RESULTS}
    for key, names in want.items():
        assert set(v[key]) == set(names), "%s: binary %r, harness %r" % (key, v[key], names)
        assert len(v[key]) == len(set(v[key])), "%s repeats a name: %r" % (key, v[key])


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
