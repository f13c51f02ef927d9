#!/usr/bin/env python3
"""The live view in a real terminal (tmux): at 80 and 120 columns no row is wider
than the window, the verdict is on screen, a long container name shows its mark,
and a resize (SIGWINCH) is followed, and not taken for tampering."""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import BINARY, Scope, require_binary, run, wait_until  # noqa: E402

MARK = "\u2026"


class Tmux:
    def __init__(self, s, width):
        self.sock = "lk-e2e-%d-%d" % (os.getpid(), width)
        self.width = width
        self.err = os.path.join(s.tmpdir(), "stderr")
        s.defer(lambda: subprocess.run(["tmux", "-L", self.sock, "kill-server"],
                                       stderr=subprocess.DEVNULL))
        run(["tmux", "-L", self.sock, "-f", "/dev/null", "new-session", "-d", "-s", "lk",
             "-x", str(width), "-y", "40", "sh -c 'exec %s 2>%s'" % (BINARY, self.err)])
        run(["tmux", "-L", self.sock, "set-option", "-g", "history-limit", "50000"])

    def screen(self):
        """Everything written, wrapped lines joined back (-J): a row the terminal
        wrapped comes back as one line wider than the window."""
        return run(["tmux", "-L", self.sock, "capture-pane", "-p", "-J", "-S", "-", "-t", "lk"])

    def resize(self, width):
        run(["tmux", "-L", self.sock, "resize-window", "-t", "lk", "-x", str(width)])
        self.width = width

    def stop(self):
        subprocess.run(["tmux", "-L", self.sock, "send-keys", "-t", "lk", "C-c"])


def shown(c):
    return c.name[:13] + MARK + "/" + c.id[:9]


def kill_and_see(tm, s, tag):
    c = s.docker_run("/bin/sleep", "600", name=s.name(tag + "-a-rather-long-container-name"))
    wait_until(lambda: shown(c) in tm.screen(), 20, "the container_start of " + c.name)
    run(["kill", "-9", str(c.pid)])
    wait_until(lambda: any("out_of_band_kill" in l for l in rows_of(tm.screen(), c, tm.width)),
               20, "the out-of-band kill of %s on screen" % c.name)
    c.wait_exited()
    return c


def rows_of(screen, c, width):
    """The lines of c's rows: with two lines per event, each one's details too."""
    lines = screen.splitlines()
    out = []
    for i, l in enumerate(lines):
        if shown(c) in l:
            out.append(l)
            if width < 100 and i + 1 < len(lines):
                out.append(lines[i + 1])
    return out


def check(screen, width, c):
    wide = [l for l in screen.splitlines() if len(l) > width]
    assert not wide, "rows wider than %d columns:\n%s" % (width, "\n".join(wide[:5]))
    rows = rows_of(screen, c, width)
    assert any(l.lstrip().startswith("OUT-OF-BAND SIGKILL") or " OUT-OF-BAND SIGKILL" in l
               for l in rows), "no OUT-OF-BAND first in %s's signal row:\n%s" % (c.name, screen)
    assert any("out_of_band_kill killed_by=" in l for l in rows), \
        "no out_of_band_kill verdict for %s:\n%s" % (c.name, "\n".join(rows))


def test_terminal_80_and_120_columns():
    require_binary()
    with Scope("liveview") as s:
        for width in (80, 120):
            tm = Tmux(s, width)
            wait_until(lambda: "watching" in tm.screen(), 30, "lookout_start on screen")
            c = kill_and_see(tm, s, "w%d" % width)
            screen = tm.screen()
            check(screen, width, c)
            if os.environ.get("LOOKOUT_E2E_KEEP"):
                print("--- %d columns\n%s" % (width, screen))
            if width == 120:
                # the window narrows: lookout follows it (SIGWINCH)
                tm.resize(80)
                time.sleep(0.3)
                c2 = kill_and_see(tm, s, "r80")
                rows = rows_of(tm.screen(), c2, 80)
                assert rows and all(len(l) <= 80 for l in rows), "\n".join(rows)
                check("\n".join(rows), 80, c2)
                # the terminal's SIGWINCH is not an attack on lookout
                tamper = [l for l in tm.screen().splitlines() if "TAMPER SIGWINCH" in l]
                assert not tamper, "a resize reported as tampering:\n" + "\n".join(tamper)
            tm.stop()
            wait_until(lambda: "records read from the kernel" in open(tm.err).read(), 20,
                       "lookout's summary")


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
