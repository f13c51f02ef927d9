#!/usr/bin/env python3
"""A soak: every hostile load of the reliability tests at once, for a while.

    sudo bench/soak.py [SECONDS]          (default 600)

lookout --json runs into a pipe whose reader stops reading for 10 s of every 40, while:
  - a container with CAP_SYS_ADMIN makes and removes a cgroup in a tight loop (cgflood),
  - a container on CPU 0 runs an exec/exit loop next to a 100 us interval timer,
  - a container runs an exec storm,
  - a host shell SIGKILLs a process in a victim container every second.
Every 10 s it samples lookout's CPU time and RSS; at the end it prints their slopes (a
least-squares fit over the second half, so start-up does not count) and checks the
account of lookout_stop: the records the kernel wrote were read or counted dropped.
Needs what `make test` installs (Docker, the test image, gcc). Removes what it made.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))
from lookout import BINARY, Scope, run  # noqa: E402

HELPERS = os.path.join(REPO, "tests", "e2e", "helpers")
TICK = os.sysconf("SC_CLK_TCK")


def sample(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICK
    with open("/proc/%d/status" % pid) as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return cpu, rss


def slope(points):
    """Least-squares slope of (t, v) points."""
    n = len(points)
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (v - mv) for t, v in points) / den if den else 0.0


def reader(pipe, lines, stop):
    """Reads lookout's output, stalling 10 s of every 40."""
    start = time.monotonic()
    while not stop.is_set():
        if (time.monotonic() - start) % 40 < 10:
            time.sleep(0.5)
            continue
        raw = pipe.readline()
        if not raw:
            return
        lines.append(raw)
    lines.extend(pipe.read().splitlines(True))


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    with Scope("soak") as s:
        d = s.tmpdir()
        for name in ("cgflood", "sigtools"):
            run(["gcc", "-O2", "-static", "-o", os.path.join(d, name),
                 os.path.join(HELPERS, name + ".c")])
        p = subprocess.Popen([BINARY, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL)
        s.defer(lambda: p.poll() is None and p.kill())
        assert b"lookout_start" in p.stdout.readline()
        lines, stop = [], threading.Event()
        rt = threading.Thread(target=reader, args=(p.stdout, lines, stop))
        rt.start()

        vol = ["-v", "%s:/h:ro" % d]
        flood = s.docker_run("/bin/sleep", "100000", opts=["--cap-add", "SYS_ADMIN"] + vol)
        flood.exec("sh", "-c", "mkdir -p /cg && mount -t cgroup -o memory cgroup /cg")
        s.popen(["docker", "exec", flood.name, "/h/cgflood", "/cg/docker/" + flood.id,
                 str(seconds), "/tmp/stop"], stdout=subprocess.DEVNULL)
        s.docker_run("sh", "-c", "/h/sigtools itimer 100 %d & while :; do /bin/true; done" % seconds,
                     opts=["--cpuset-cpus", "0"] + vol)
        s.docker_run("sh", "-c", "while :; do /bin/true x; done")
        victims = s.docker_run("sh", "-c", "while :; do sleep 1000 & wait; done")

        samples, kills = [], 0
        t0 = time.monotonic()
        while time.monotonic() - t0 < seconds:
            time.sleep(1)
            out = subprocess.run(["docker", "top", victims.name, "-o", "pid,comm"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
            for line in out.splitlines()[1:]:
                pid, comm = line.split()[:2]
                if comm == "sleep":
                    subprocess.run(["kill", "-9", pid])
                    kills += 1
            if int(time.monotonic() - t0) % 10 == 0:
                cpu, rss = sample(p.pid)
                samples.append((time.monotonic() - t0, cpu, rss))
        p.send_signal(signal.SIGTERM)
        stop.set()
        rt.join(60)
        err = p.stderr.read().decode()
        p.wait(30)

    stops = [json.loads(raw) for raw in lines if b'"lookout_stop"' in raw]
    lost = sum(json.loads(raw)["count"] for raw in lines if b'"event":"lost"' in raw)
    half = [x for x in samples if x[0] >= seconds / 2]
    cpu_pct = [(t, 100 * (c2 - c1) / (t2 - t)) for (t, c1, _), (t2, c2, _) in zip(samples, samples[1:])]
    print("soak: %d s, %d host kills, %d lines read" % (seconds, kills, len(lines)))
    print("  lookout CPU: %.1f%% mean in the second half, slope %+.3f points/min" % (
        sum(v for t, v in cpu_pct if t >= seconds / 2) / max(1, sum(1 for t, _ in cpu_pct if t >= seconds / 2)),
        60 * slope([(t, v) for t, v in cpu_pct if t >= seconds / 2])))
    print("  lookout RSS: %d KiB at the end, slope %+.1f KiB/min over the second half" % (
        samples[-1][2], 60 * slope([(t, r) for t, _, r in half])))
    if stops:
        t = stops[0]["totals"]
        dropped = sum(t["dropped"].values())
        print("  account: the kernel wrote %d, lookout read %d, %d dropped (lost events: %d); "
              "written %d, not written %d" % (t["emitted"], t["events"], dropped, lost,
                                              t["written"], t["not_written"]))
        # The loads still run when lookout stops: what the kernel wrote after its
        # last read stays in the rings, and is the only gap allowed.
        ok = t["emitted"] >= t["events"] and dropped == lost
        print("  account adds up: %s (%d records written after lookout's last read)" % (
            "yes" if ok else "NO", t["emitted"] - t["events"]))
    print("  " + err.strip().splitlines()[-1] if err.strip() else "")


if __name__ == "__main__":
    main()
