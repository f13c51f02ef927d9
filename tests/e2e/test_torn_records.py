#!/usr/bin/env python3
"""Records that cannot be torn: a timer signal the kernel raises in a hard
interrupt runs lookout's signal program on top of an exec or exit program on
the same CPU. Each has its own scratch space, so every exit of an exec/exit
storm next to a fast interval timer is written (or counted lost)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import Lookout, Scope, dig, run, wait_until  # noqa: E402

HELPERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers")
ROUNDS = 3000


def test_timer_storm_on_one_cpu_tears_nothing():
    with Scope("torn") as s, Lookout("--json") as lk:
        d = s.tmpdir()
        tool = os.path.join(d, "sigtools")
        run(["gcc", "-O2", "-static", "-Wall", "-o", tool, os.path.join(HELPERS, "sigtools.c")])
        script = ("/sigtools itimer 100 600 & i=0; while [ $i -lt %d ]; do /bin/true; "
                  "i=$((i+1)); done; touch /x/done; kill $!; wait" % ROUNDS)
        c = s.docker_run("/bin/sh", "-c", script,
                         opts=["--cpuset-cpus", "0", "-v", "%s:/sigtools:ro" % tool,
                               "-v", "%s:/x" % d])
        wait_until(lambda: os.path.exists(os.path.join(d, "done")), 120, "the exec/exit storm")
        lk.wait_for("container_exit", lambda e: e["container"]["id"] == c.id, timeout=30,
                    what="the storm container's end")
        lk.stop()
        exits = lk.events("exit", lambda e: dig(e, "container.id") == c.id and e["comm"] == "true")
        lost = sum(e["count"] for e in lk.events("lost"))
        alarms = lk.events("signal", lambda e: dig(e, "container.id") == c.id and e["signal"] == 14)
        assert len(alarms) > 1000, "the timer raised only %d SIGALRMs" % len(alarms)
        assert len(exits) + lost >= ROUNDS, \
            "%d of %d exits written and %d records counted lost: the rest vanished" \
            % (len(exits), ROUNDS, lost)
        assert lost == 0 or len(exits) + lost >= ROUNDS, lost


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
