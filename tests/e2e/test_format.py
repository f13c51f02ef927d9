#!/usr/bin/env python3
"""--format on the live events, lookout ps (and -q) and lookout inspect, against a
real Docker container; process_count in both ps and inspect; started in whole seconds."""

import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import BINARY, Scope, run, wait_until  # noqa: E402


def test_format_events_ps_inspect():
    with Scope("format") as s:
        out = os.path.join(s.tmpdir(), "out")
        f = open(out, "wb")
        lk = s.popen([BINARY, "--format", "{{.event}}|{{.container.name}}|{{.signal_name}}|"
                      "{{.cause}}|{{.nope}}|{{json .killed_by.origin}}"],
                     stdout=f, stderr=subprocess.PIPE)
        wait_until(lambda: open(out).read().startswith("lookout_start|"), 30, "lookout_start")
        c = s.docker_run("/bin/sleep", "600")
        ps = json.loads(run([BINARY, "ps", "--json"]))
        me = [x for x in ps if x["id"] == c.id][0]
        assert me["process_count"] == me["processes"] == 1, me
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", me["started"]), me["started"]
        ins = json.loads(run([BINARY, "inspect", "--json", c.id]))
        assert ins["process_count"] == len(ins["processes"]) == 1, ins
        assert ins["started"] == me["started"], (ins["started"], me["started"])
        assert c.id[:12] in run([BINARY, "ps", "-q"]).splitlines()
        line = [l for l in run([BINARY, "ps", "--format", "{{.name}} {{.init_pid}} {{.x}}."])
                .splitlines() if l.startswith(c.name)]
        assert line == ["%s %d ." % (c.name, c.pid)], line
        assert run([BINARY, "inspect", "--format", "{{.name}}:{{.process_count}}:"
                    "{{json .namespaces.pid.shared_with_host}}", c.name]) == c.name + ":1:false"
        # inspect takes a name as the live view cuts it, and a unique start of a name
        assert run([BINARY, "inspect", "--format", "{{.id}}", c.name[:-1] + "\u2026"]) == c.id
        assert run([BINARY, "inspect", "--format", "{{.id}}", c.name[:-1]]) == c.id
        run(["kill", "-9", str(c.pid)])
        want = "container_exit|%s||out_of_band_kill||\"host\"" % c.name
        wait_until(lambda: want in open(out).read(), 20, "the formatted container_exit")
        assert "signal|%s|SIGKILL|||" % c.name in open(out).read(), open(out).read()[-2000:]
        lk.terminate()
        lk.wait(20)
        p = subprocess.run([BINARY, "ps", "--format", "{{.a"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        assert p.returncode == 64 and b"without its }}" in p.stderr, p.stderr
        for args in (["--format", "{{.a {{.b}} }}"], ["--format", ""], ["--json", "--format", "{{.a}}"]):
            p = subprocess.run([BINARY] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            assert p.returncode == 64 and p.stdout == b"" and b"--format" in p.stderr, \
                (args, p.returncode, p.stderr)


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
