#!/usr/bin/env python3
"""What an operator runs lookout with: /metrics' build info and process metrics (checked
against --version and /proc), the shipped Prometheus alert rules (promtool check rules and
promtool test rules on made-up series), and the bash completion make install puts in place."""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import BINARY, REPO, Lookout, run  # noqa: E402

RULES = os.path.join(REPO, "packaging", "prometheus")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sample(text, name):
    m = re.search(r"^%s(\{[^}]*\})? (\S+)$" % re.escape(name), text, re.M)
    assert m, "no %s in /metrics" % name
    return m.group(1), float(m.group(2))


def test_build_info_and_process_metrics():
    port = _free_port()
    version = run([BINARY, "--version"])
    m = re.match(r"^lookout (\S+) \(commit (\S+), libbpf (\S+)\)$", version)
    assert m, version
    with Lookout("--json", "--metrics", "127.0.0.1:%d" % port) as lk:
        text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) \
            .read().decode()
        pid = lk.proc.pid
        fds = len(os.listdir("/proc/%d/fd" % pid))
        rss = int(open("/proc/%d/statm" % pid).read().split()[1]) * os.sysconf("SC_PAGESIZE")
        lk.stop()
    labels, v = _sample(text, "lookout_build_info")
    assert v == 1 and labels == '{version="%s",commit="%s",libbpf="%s"}' % m.groups(), labels
    _, cpu = _sample(text, "process_cpu_seconds_total")
    _, mem = _sample(text, "process_resident_memory_bytes")
    _, nfd = _sample(text, "process_open_fds")
    _, start = _sample(text, "process_start_time_seconds")
    assert 0 < cpu < 600, cpu
    assert 0.5 * rss < mem < 2 * rss, (mem, rss)
    assert abs(nfd - fds) <= 3, (nfd, fds)
    assert abs(start - time.time()) < 120, (start, time.time())
    p = subprocess.run(["promtool", "check", "metrics"], input=text.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert p.returncode == 0, p.stdout.decode()


def test_alert_rules():
    for args in (["check", "rules", "lookout-rules.yml"],
                 ["test", "rules", "lookout-rules.test.yml"]):
        p = subprocess.run(["promtool"] + args, cwd=RULES, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        assert p.returncode == 0, "promtool %s:\n%s" % (" ".join(args), p.stdout.decode())
    # the tests can fail: a rule that no longer fires on the stalled reader is caught
    with tempfile.TemporaryDirectory() as d:
        rules = open(os.path.join(RULES, "lookout-rules.yml")).read()
        broken = rules.replace("increase(lookout_events_total[10m])) == 0",
                               "increase(lookout_events_total[10m])) < 0")
        assert broken != rules
        open(os.path.join(d, "lookout-rules.yml"), "w").write(broken)
        open(os.path.join(d, "lookout-rules.test.yml"), "w").write(
            open(os.path.join(RULES, "lookout-rules.test.yml")).read())
        p = subprocess.run(["promtool", "test", "rules", "lookout-rules.test.yml"], cwd=d,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert p.returncode != 0 and b"LookoutReaderStalled" in p.stdout, p.stdout.decode()


def test_bash_completion_installed():
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run(["make", "--no-print-directory", "-C", REPO, "install", "DESTDIR=" + d],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        assert p.returncode == 0, p.stdout.decode()
        comp = os.path.join(d, "usr", "local", "share", "bash-completion", "completions",
                            "lookout")
        script = ('source %s; t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _lookout; '
                  'echo "${COMPREPLY[*]}"; }; complete -p lookout; t lookout --out; '
                  't lookout --event exec,container_; t lookout ps --q; t lookout ""' % comp)
        out = run(["bash", "--norc", "-c", script]).splitlines()
        assert out == ["complete -F _lookout lookout", "--out-of-band",
                       "exec,container_start exec,container_exit", "--quiet",
                       "ps inspect why"], out
        # every option lookout --help names is offered
        offered = set(run(["bash", "--norc", "-c", "source %s; COMP_WORDS=(lookout --); "
                           "COMP_CWORD=1; _lookout; echo ${COMPREPLY[*]}" % comp]).split())
        helped = set(re.findall(r"--[a-z][a-z-]+", run([BINARY, "--help"])))
        assert helped <= offered, "not completed: %s" % sorted(helped - offered)


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
