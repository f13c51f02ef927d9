#!/usr/bin/env python3
"""Filters of the live view (--container, --event, --signal, --origin, --pid, --image,
--pod, --namespace, --label, --out-of-band): in one
mixed run, each filtered lookout keeps exactly the events of an unfiltered one
that its filter selects, no more and no fewer."""

import collections
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import BINARY, Lookout, Scope, brief, dig, run  # noqa: E402

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


def test_pid_glob_image_pod_namespace_out_of_band():
    """--pid, a --container glob, --image, --pod, --namespace and --out-of-band, each
    against an unfiltered lookout in one mixed run of three real Docker containers:
    one of another image (a tag of the test image) and one that carries the labels
    Kubernetes puts on its containers (pod, namespace)."""
    with Scope("filters2") as s:
        a_name, b_name, c_name = s.name("a"), s.name("b"), s.name("c")
        k8s_name, pod, ns = "app-" + c_name, "pod-" + c_name, "ns-" + c_name
        other = "lookout-test/other-%s:latest" % c_name[-6:]
        run(["docker", "tag", "lookout-test/box:latest", other])
        s.defer(lambda: subprocess.run(["docker", "rmi", other], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL))
        a = s.docker_run("/bin/sleep", "600", name=a_name)
        victim, _ = a.start_process("sleep", "301")
        lks = {
            "ref": Lookout("--json"),
            "pid": Lookout("--json", "--pid", str(victim)),
            "glob": Lookout("--json", "--container", a_name[:-3] + "*"),
            "image": Lookout("--json", "--image", "lookout-test/other-*"),
            "pod": Lookout("--json", "--pod", "pod-lk-filters2-c-*"),
            "namespace": Lookout("--json", "--namespace", ns),
            "oob": Lookout("--json", "--out-of-band"),
        }
        try:
            b = s._run_container("docker", ["--network", "none"], other,
                                 ["/bin/sh", "-c", "trap 'echo usr1' USR1; while :; do sleep 1; done"],
                                 b_name, [])
            c = s.docker_run("/bin/sleep", "600", name=c_name,
                             opts=["--label", "io.kubernetes.pod.name=" + pod,
                                   "--label", "io.kubernetes.pod.namespace=" + ns,
                                   "--label", "io.kubernetes.container.name=" + k8s_name])
            a.exec("ls", "/")
            run(["kill", "-USR1", str(b.pid)])
            run(["kill", "-9", str(victim)])
            c.exec("ls", "/")
            b.stop(1)
            run(["docker", "kill", a.name])
            run(["kill", "-9", str(c.pid)])
            for x in (a, b, c):
                x.wait_exited()
            for x in (a, b, c):
                lks["ref"].wait_for("container_exit", lambda e, x=x: e["container"]["id"] == x.id)
            lks["oob"].wait_for("container_exit", lambda e: e["container"]["id"] == c.id)
            time.sleep(1.5)  # the others read the same rings: give them a round or more
            for lk in lks.values():
                lk.stop()
            ref = lks["ref"].all()
            ours = (a_name, b_name, k8s_name)

            def cont(e):
                return (e["target"]["container"] if e["event"] == "signal" else e["container"]) or {}

            def pid_kept(e):
                if e["event"] == "signal":
                    return victim in (e["sender"]["host_pid"], e["target"]["host_pid"])
                return e["host_pid"] == victim or dig(e, "killed_by.host_pid") == victim
            _check(ref, lks["pid"], pid_kept, "--pid", ours)
            _check(ref, lks["glob"], lambda e: _container_name(e) == a_name, "--container glob",
                   ours)
            _check(ref, lks["image"], lambda e: cont(e).get("image") == other, "--image", ours)
            _check(ref, lks["pod"], lambda e: cont(e).get("pod") == pod, "--pod", ours)
            _check(ref, lks["namespace"], lambda e: cont(e).get("namespace") == ns,
                   "--namespace", ours)
            _check(ref, lks["oob"], lambda e: e.get("out_of_band") is True or
                   e.get("tamper") is True, "--out-of-band", ours)
            # the run had what each filter must drop, and the kills --out-of-band keeps
            assert any(e["event"] == "container_exit" and e["out_of_band"] and
                       _container_name(e) == k8s_name for e in ref), "no out-of-band end of c"
            assert any(e["event"] == "exit" and e["host_pid"] == victim and
                       e["out_of_band"] for e in ref), "no out-of-band exit of the victim"
            for lk in (lks["oob"], lks["pod"]):
                assert any(e["event"] == "lookout_start" for e in lk.all()), "no bookend"
        finally:
            for lk in lks.values():
                lk.kill()


def test_label():
    """--label KEY and KEY=VALUE on real Docker containers made with docker run --label,
    against an unfiltered lookout: KEY=VALUE keeps exactly one container's events, KEY
    (with any value, "" too) two, and two --label only the container that has both. Then
    ps --json and inspect show the labels, a hostile one (terminal escapes, a newline)
    escaped and one over the bounds left out and said to be."""
    with Scope("labels") as s:
        a_name, b_name, c_name = s.name("a"), s.name("b"), s.name("c")
        tag = a_name[-6:]
        team, sel = "lk-team-" + tag, "lk-sel-" + tag
        evil = "\x1b]0;pwned\x07\x1b[2J\nfake"
        lks = {
            "ref": Lookout("--json"),
            "kv": Lookout("--json", "--label", "%s=a" % sel),
            "key": Lookout("--json", "--label", team),
            "all": Lookout("--json", "--label", team, "--label", "%s=b" % sel),
        }
        try:
            a = s.docker_run("/bin/sleep", "600", name=a_name,
                             opts=["--label", "%s=a" % sel, "--label", team + "=pay"])
            b = s.docker_run("/bin/sleep", "600", name=b_name,
                             opts=["--label", "%s=b" % sel, "--label", team + "="])
            c = s.docker_run("/bin/sleep", "600", name=c_name,
                             opts=["--label", "%s=ab" % sel, "--label", "lk-evil=" + evil,
                                   "--label", "lk-huge=" + "h" * 2000])
            for x in (a, b, c):
                x.exec("ls", "/")

            # ps and inspect, while they run
            ps = {o["name"]: o for o in json.loads(run([BINARY, "ps", "--json"]))}
            assert ps[a_name]["labels"].get(sel) == "a", ps[a_name]
            assert ps[a_name]["labels"].get(team) == "pay", ps[a_name]
            assert ps[a_name]["labels"].get("lookout-e2e") == "1", ps[a_name]
            assert ps[a_name]["labels_truncated"] is False, ps[a_name]
            assert ps[b_name]["labels"].get(team) == "", ps[b_name]
            ins = json.loads(run([BINARY, "inspect", "--json", c_name]))
            assert ins["labels"].get("lk-evil") == evil, ins["labels"]
            assert "lk-huge" not in ins["labels"] and ins["labels_truncated"] is True, ins
            text = run([BINARY, "inspect", c_name])
            assert "\x1b" not in text and "\x07" not in text, repr(text)
            assert "lk-evil=\\x1b]0;pwned\\x07\\x1b[2J\\x0afake" in text, text
            assert "(some not kept" in text, text

            for x in (a, b, c):
                run(["docker", "kill", x.name])
            for x in (a, b, c):
                x.wait_exited()
                lks["ref"].wait_for("container_exit", lambda e, x=x: e["container"]["id"] == x.id)
            lks["kv"].wait_for("container_exit", lambda e: e["container"]["id"] == a.id)
            lks["key"].wait_for("container_exit", lambda e: e["container"]["id"] == b.id)
            lks["all"].wait_for("container_exit", lambda e: e["container"]["id"] == b.id)
            time.sleep(1.5)  # the others read the same rings: give them a round or more
            for lk in lks.values():
                lk.stop()
            ref = lks["ref"].all()
            ours = (a_name, b_name, c_name)
            _check(ref, lks["kv"], lambda e: _container_name(e) == a_name, "--label K=V", ours)
            _check(ref, lks["key"], lambda e: _container_name(e) in (a_name, b_name),
                   "--label K", ours)
            _check(ref, lks["all"], lambda e: _container_name(e) == b_name,
                   "--label K --label K=V", ours)
            assert any(not _own(e) and _container_name(e) == c_name for e in ref), \
                "nothing from the container no filter keeps"
        finally:
            for lk in lks.values():
                lk.kill()


def test_bad_filter_values_are_refused():
    for args in (["--event", "exec,nope"], ["--signal", "SIGNOPE"], ["--signal", "65"],
                 ["--origin", "elsewhere"], ["--origin", ""], ["--container", ""],
                 ["--event", "exec,,exit"], ["--pid", "0"], ["--pid", "1,x"],
                 ["--image", ""], ["--pod", ""], ["--namespace", ""], ["--label", ""],
                 ["--label", "=x"], ["--label", "a\x1bb"], ["--label", "k=" + "v" * 1024]):
        p = subprocess.run([os.path.join(os.path.dirname(__file__), "..", "..", "lookout")] + args,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=20)
        assert p.returncode != 0, "lookout %s was accepted" % " ".join(args)
        assert b"invalid --" in p.stderr, (args, p.stderr[-300:])
        assert p.stdout == b"", (args, p.stdout[:200])


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
