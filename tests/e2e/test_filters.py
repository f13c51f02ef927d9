#!/usr/bin/env python3
"""Filters of the live view (--container, --event, --signal, --origin): in one
mixed run, each filtered lookout keeps exactly the events of an unfiltered one
that its filter selects, no more and no fewer."""

import collections
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import Lookout, Scope, brief, dig, run  # noqa: E402

BOOKENDS = ("lookout_start", "lookout_stop", "lost")


def _own(e):
    """lookout's own events, and the SIGINT each lookout gets from the test: differ
    per instance by design."""
    return e["event"] in BOOKENDS or (e["event"] == "signal" and e["target"]["comm"] == "lookout")


def _key(e):
    """What makes an event the same event in two lookouts (times differ a little)."""
    t = e["event"]
    if t == "signal":
        return (t, e["signal"], e["sender"]["host_pid"], e["target"]["host_pid"],
                e["target"]["start_time"], e["result"])
    return (t, e["host_pid"], e["start_time"], e.get("status"))


def _container_name(e):
    c = e["target"]["container"] if e["event"] == "signal" else e["container"]
    return c["name"] if c else None


def _check(ref, lk, keep, what, ours):
    """Compares events about this test's containers only: other tests may run
    on the machine, and the lookouts did not start at the same instant."""
    def mine(e):
        return not _own(e) and _container_name(e) in ours

    want = collections.Counter(_key(e) for e in ref if mine(e) and keep(e))
    got = collections.Counter(_key(e) for e in lk.all() if mine(e))
    assert want, "the mixed run gave no event for %s: the test is not testing" % what
    missing, extra = want - got, got - want
    assert not missing and not extra, "%s: missing %s, extra %s" % (what, list(missing)[:5],
                                                                    list(extra)[:5])


def test_each_filter_keeps_exactly_its_events():
    with Scope("filters") as s:
        a_name, b_name = s.name("a"), s.name("b")
        lks = {
            "ref": Lookout("--json"),
            "container": Lookout("--json", "--container", a_name),
            "event": Lookout("--json", "--event", "signal,container_exit"),
            "signal": Lookout("--json", "--signal", "KILL,USR1"),
            "origin": Lookout("--json", "--origin", "host,runtime"),
        }
        try:
            a = s.docker_run("/bin/sleep", "600", name=a_name)
            b = s.docker_run("/bin/sh", "-c", "trap 'echo usr1' USR1; while :; do sleep 1; done",
                             name=b_name)
            a.exec("ls", "/")
            victim, _ = a.start_process("sleep", "301")
            run(["kill", "-USR1", str(b.pid)])
            run(["kill", "-9", str(victim)])
            b.stop(1)
            run(["docker", "kill", a.name])
            a.wait_exited()
            b.wait_exited()
            for name, lk in lks.items():
                lk.wait_for("container_exit", lambda e: e["container"]["id"] == a.id)
                if name != "container":  # every other filter keeps container_exit
                    lk.wait_for("container_exit", lambda e: e["container"]["id"] == b.id)
            for lk in lks.values():
                lk.stop()
            ref = lks["ref"].all()
            ours = (a_name, b_name)
            _check(ref, lks["container"], lambda e: _container_name(e) == a_name, "--container", ours)
            _check(ref, lks["event"], lambda e: e["event"] in ("signal", "container_exit"),
                   "--event", ours)
            _check(ref, lks["signal"],
                   lambda e: e["event"] != "signal" or e["signal"] in (9, 10), "--signal", ours)
            def origin_kept(e):
                if e["event"] == "signal":
                    return e["origin"] in ("host", "runtime")
                killer = e.get("killed_by")
                return killer is None or killer["origin"] in ("host", "runtime")
            _check(ref, lks["origin"], origin_kept, "--origin", ours)
            # The run had what each filter must keep and drop.
            assert any(e["event"] == "signal" and e["origin"] == "kernel" for e in ref), \
                "no kernel signal in the run: --origin dropped nothing"
            assert any(not _own(e) and _container_name(e) == b_name for e in ref), \
                "nothing from the other container"
        finally:
            for lk in lks.values():
                lk.kill()


def test_bad_filter_values_are_refused():
    for args in (["--event", "exec,nope"], ["--signal", "SIGNOPE"], ["--signal", "65"],
                 ["--origin", "elsewhere"], ["--origin", ""], ["--container", ""],
                 ["--event", "exec,,exit"]):
        p = subprocess.run([os.path.join(os.path.dirname(__file__), "..", "..", "lookout")] + args,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=20)
        assert p.returncode != 0, "lookout %s was accepted" % " ".join(args)
        assert b"invalid --" in p.stderr, (args, p.stderr[-300:])
        assert p.stdout == b"", (args, p.stdout[:200])


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
