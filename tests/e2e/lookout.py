"""Harness for lookout's end-to-end tests (python3 standard library only).

Owns: running ./lookout in the background into a temp file, strict parsing of
its JSON lines, checking events against shared/EVENTS.md, bounded waiting for
events, Docker/podman helpers that clean up after themselves, and the tiny test
runner every tests/e2e/test_*.py file calls from its __main__.
"""

import datetime
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("LOOKOUT_BIN", os.path.join(REPO, "lookout"))
DOCKER_IMAGE = "lookout-test/box:latest"
PODMAN_IMAGE = "localhost/lookout-test/box:latest"
LABEL = "lookout-e2e=1"  # every container the tests make carries it
PODMAN_OPTS = ["--runtime", "runc", "--network", "none",
               "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768"]
DOCKER_OPTS = ["--network", "none"]

START_TIMEOUT = 20.0   # lookout_start must come within this
EVENT_TIMEOUT = 10.0   # default bound for an expected event
TEST_TIMEOUT = int(os.environ.get("LOOKOUT_E2E_TEST_TIMEOUT", "150"))


class Skip(Exception):
    """The machine cannot run this test (a kernel feature it refuses); the
    reason is printed and the test counts as skipped, never as passed."""


class NotBuilt(AssertionError):
    pass


def require_binary():
    if not (os.path.isfile(BINARY) and os.access(BINARY, os.X_OK)):
        raise NotBuilt("./lookout not built (expected an executable at %s; run `make`)" % BINARY)


# ---------------------------------------------------------------------------
# Strict JSON

def _reject_constant(name):
    raise ValueError("non-standard JSON constant %s" % name)


def _no_duplicates(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise ValueError("duplicate key %r" % k)
        obj[k] = v
    return obj


def parse_line(raw):
    """Parses one output line (bytes, without its newline), strictly: valid
    UTF-8, standard JSON only, no duplicate keys, one object, no raw control
    characters in strings (json's strict mode)."""
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        raise AssertionError("output line is not valid UTF-8 (%s): %r" % (e, raw[:300]))
    try:
        obj = json.loads(text, parse_constant=_reject_constant,
                         object_pairs_hook=_no_duplicates, strict=True)
    except ValueError as e:
        raise AssertionError("output line is not strict JSON (%s): %r" % (e, raw[:300]))
    if not isinstance(obj, dict):
        raise AssertionError("output line is not a JSON object: %r" % raw[:300])
    return obj


def dig(obj, path, default=None):
    """dig(e, "target.container.name"): nested lookup, default when absent."""
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return default
        cur = cur[part]
    return cur


def brief(e):
    """A one-line summary of an event for failure messages."""
    ev = e.get("event")
    if ev == "signal":
        return "signal %s %s->%s(%s) origin=%s code=%s result=%s oob=%s ctr=%s" % (
            e.get("signal_name"), dig(e, "sender.host_pid"), dig(e, "target.host_pid"),
            dig(e, "target.comm"), e.get("origin"), e.get("code"), e.get("result"),
            e.get("out_of_band"), dig(e, "container.name") or dig(e, "container.id"))
    ctr = dig(e, "container.name") or dig(e, "container.id")
    if ev in ("exit", "container_exit"):
        return "%s pid=%s comm=%s code=%s sig=%s status=%s killed_by=%s ctr=%s" % (
            ev, e.get("host_pid"), e.get("comm"), e.get("exit_code"), e.get("exit_signal"),
            e.get("status"), dig(e, "killed_by.host_pid"), ctr)
    if ev in ("exec", "container_start"):
        return "%s pid=%s ns_pid=%s ppid=%s argv=%r ctr=%s" % (
            ev, e.get("host_pid"), e.get("ns_pid"), e.get("ppid"), e.get("argv"), ctr)
    return json.dumps(e)[:200]


# ---------------------------------------------------------------------------
# The contract (shared/EVENTS.md)

EVENTS = {"exec", "exit", "signal", "container_start", "container_exit", "oom",
          "lookout_start", "lookout_stop", "lost", "container_update"}
OOM_SCOPES = {"global", "container", "pod", "parent"}
RUNTIMES = {"docker", "podman", "containerd", "cri-o", "lxc", "systemd-nspawn", "sandbox"}
ORIGINS = {"runtime", "container", "other_container", "host", "kernel"}
CAUSES = {"exited", "runtime_stop", "out_of_band_kill", "container_kill", "oom", "crash",
          "kernel", "unknown", "killed"}
METHODS = {"kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_send_signal",
           "cgroup.kill", "ptrace", "fown", "io_uring", "syscall"}
RESULTS = {"delivered", "ignored", "already_pending", "overflow", "lost_info"}
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$")


def _host_facts():
    with open("/proc/sys/kernel/random/boot_id") as f:
        boot_id = f.read().strip()
    return os.uname().nodename, boot_id


HOSTNAME, BOOT_ID = _host_facts()


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def parse_time(s):
    """RFC 3339 with nanoseconds, UTC -> float seconds since the epoch."""
    base = datetime.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")
    base = base.replace(tzinfo=datetime.timezone.utc)
    return base.timestamp() + int(s[20:29]) / 1e9


class _Checker:
    def __init__(self, event):
        self.event = event
        self.errors = []

    def err(self, where, msg):
        self.errors.append("%s: %s" % (where, msg))

    def key(self, obj, where, k, kind, required=True):
        if not isinstance(obj, dict):
            self.err(where, "not an object")
            return None
        if k not in obj:
            if required:
                self.err(where, "missing key %r" % k)
            return None
        v = obj[k]
        ok = {
            "int": _is_int(v),
            "int?": v is None or _is_int(v),
            "str": isinstance(v, str),
            "str?": v is None or isinstance(v, str),
            "bool": isinstance(v, bool),
            "list": isinstance(v, list),
            "obj": isinstance(v, dict),
            "obj?": v is None or isinstance(v, dict),
        }[kind]
        if not ok:
            self.err(where, "key %r should be %s, is %r" % (k, kind, v))
        return v

    def container(self, c, where):
        if c is None:
            return
        self.key(c, where, "id", "str")
        name = self.key(c, where, "name", "str?")
        if isinstance(name, str) and name.startswith("/"):
            self.err(where, "container name keeps its leading '/': %r" % name)
        self.key(c, where, "image", "str?")
        rt = self.key(c, where, "runtime", "str")
        if isinstance(rt, str) and rt not in RUNTIMES:
            self.err(where, "unknown runtime %r" % rt)
        if rt == "sandbox" and isinstance(c.get("id"), str) \
                and not re.match(r"^pidns:\d+$", c["id"]):
            self.err(where, "sandbox id should be pidns:<inode>, is %r" % c["id"])
        for k in ("pod", "namespace"):
            self.key(c, where, k, "str", required=False)

    def process(self, p, where):
        if not isinstance(p, dict):
            self.err(where, "process is not an object: %r" % (p,))
            return
        for k in ("host_pid", "ns_pid", "ppid", "start_time", "uid", "euid", "gid"):
            self.key(p, where, k, "int")
        for k in ("host_pid", "pidns", "mntns"):
            v = self.key(p, where, k, "int")
            if _is_int(v) and v <= 0:
                self.err(where, "%s %d is not a real %s" % (
                    k, v, "PID" if k == "host_pid" else "namespace inode"))
        self.key(p, where, "comm", "str")
        self.key(p, where, "exe", "str?")
        argv = self.key(p, where, "argv", "list")
        if isinstance(argv, list) and not all(isinstance(a, str) for a in argv):
            self.err(where, "argv holds a non-string: %r" % argv)
        self.key(p, where, "argv_truncated", "bool", required=False)
        for k in ("auid", "session"):
            self.key(p, where, k, "int?")
        self.key(p, where, "tty", "str?")
        c = self.key(p, where, "container", "obj?")
        self.container(c, where + ".container")

    def ending(self, e, where):
        code = self.key(e, where, "exit_code", "int?")
        sig = self.key(e, where, "exit_signal", "int?")
        self.key(e, where, "core_dumped", "bool")
        status = self.key(e, where, "status", "int")
        kb = self.key(e, where, "killed_by", "obj?")
        rr = self.key(e, where, "reraised", "bool")
        cause = self.key(e, where, "cause", "str")
        if isinstance(cause, str) and cause not in CAUSES:
            self.err(where, "unknown cause %r" % cause)
        if cause == "exited" and sig is not None:
            self.err(where, "cause exited with exit_signal %r" % sig)
        self.key(e, where, "out_of_band", "bool")
        if rr is True and kb is None:
            self.err(where, "reraised without killed_by")
        if (code is None) == (sig is None):
            self.err(where, "exactly one of exit_code and exit_signal must be set "
                     "(exit_code=%r exit_signal=%r)" % (code, sig))
        elif _is_int(status):
            want = code if code is not None else 128 + sig
            if _is_int(want) and status != want:
                self.err(where, "status %r is not exit_code or 128 + exit_signal (%r)"
                         % (status, want))
        if isinstance(kb, dict):
            self.process(kb, where + ".killed_by")
            o = self.key(kb, where + ".killed_by", "origin", "str")
            if isinstance(o, str) and o not in ORIGINS:
                self.err(where, "killed_by has unknown origin %r" % o)

    def check(self):
        e = self.event
        w = e.get("event", "?")
        if e.get("schema") != 1 or not _is_int(e.get("schema")):
            self.err(w, "schema should be the int 1, is %r" % e.get("schema"))
        t = self.key(e, w, "time", "str")
        if isinstance(t, str):
            if not TIME_RE.match(t):
                self.err(w, "time %r is not RFC 3339 UTC with 9 fraction digits" % t)
            else:
                try:
                    parse_time(t)
                except ValueError as ex:
                    self.err(w, "time %r does not parse: %s" % (t, ex))
        if self.key(e, w, "host", "str") not in (None, HOSTNAME):
            self.err(w, "host %r is not this machine's %r" % (e.get("host"), HOSTNAME))
        if self.key(e, w, "boot_id", "str") not in (None, BOOT_ID):
            self.err(w, "boot_id %r is not %r" % (e.get("boot_id"), BOOT_ID))
        ev = self.key(e, w, "event", "str")
        if ev not in EVENTS:
            self.err(w, "unknown event %r" % ev)
        if ev in ("exec", "exit", "container_start", "oom"):
            self.process(e, w)
        if ev == "exec":
            self.key(e, w, "filename", "str")
            self.key(e, w, "entered_namespaces", "bool", required=False)
            if e.get("via") not in (None, "exec"):
                self.err(w, "via should be \"exec\" (or absent/null), is %r" % e.get("via"))
        if ev in ("exit", "container_exit"):
            self.ending(e, w)
        if ev == "container_exit":
            c = self.key(e, w, "container", "obj")
            self.container(c, w + ".container")
        if ev == "signal":
            for k in ("signal",):
                self.key(e, w, k, "int")
            self.key(e, w, "signal_name", "str")
            self.key(e, w, "code", "str")
            self.key(e, w, "group", "bool")
            self.key(e, w, "entered_namespaces", "bool")
            r = self.key(e, w, "result", "str")
            if isinstance(r, str) and r not in RESULTS:
                self.err(w, "unknown result %r" % r)
            o = self.key(e, w, "origin", "str")
            if isinstance(o, str) and o not in ORIGINS:
                self.err(w, "unknown origin %r" % o)
            oob = self.key(e, w, "out_of_band", "bool")
            m = self.key(e, w, "method", "str?")
            byp = self.key(e, w, "sent_by_process", "bool")
            if m is not None and m not in METHODS:
                self.err(w, "unknown method %r" % m)
            if isinstance(byp, bool) and byp != (m is not None):
                self.err(w, "method %r does not match sent_by_process %r" % (m, byp))
            self.key(e, w, "compat", "bool")
            tamper = self.key(e, w, "tamper", "bool")
            if tamper is True and oob is True:
                self.err(w, "a signal to lookout itself is tamper, not out of band")
            self.process(e.get("sender"), w + ".sender")
            self.process(e.get("target"), w + ".target")
            anc = self.key(e.get("sender") or {}, w + ".sender", "ancestry", "list")
            for i, a in enumerate(anc or []):
                aw = "%s.sender.ancestry[%d]" % (w, i)
                self.key(a, aw, "host_pid", "int")
                self.key(a, aw, "comm", "str")
                self.key(a, aw, "exe", "str?")
            c = self.key(e, w, "container", "obj?")
            self.container(c, w + ".container")
            tc = dig(e, "target.container")
            if isinstance(c, dict) and isinstance(tc, dict) and c.get("id") != tc.get("id"):
                self.err(w, "container %r is not the target's %r" % (c.get("id"), tc.get("id")))
            if (c is None) != (tc is None):
                self.err(w, "container and target.container disagree")
            if tc is not None and isinstance(o, str) and isinstance(oob, bool):
                if oob != (o in ("host", "other_container")):
                    self.err(w, "out_of_band %r does not match origin %r" % (oob, o))
        if ev == "lost":
            self.key(e, w, "count", "int")
        return self.errors


def contract_errors(e):
    return _Checker(e).check()


def check_contract(events):
    """Raises AssertionError naming every way these events break EVENTS.md."""
    problems = []
    for e in events:
        errs = contract_errors(e)
        if errs:
            problems.append("%s\n    in %s" % ("\n    ".join(errs), json.dumps(e)[:600]))
    if problems:
        raise AssertionError("events break the contract (EVENTS.md):\n  " +
                             "\n  ".join(problems[:10]) +
                             ("\n  ... and %d more" % (len(problems) - 10) if len(problems) > 10 else ""))


# ---------------------------------------------------------------------------
# Running lookout

_LIVE = []  # Lookout instances of the running test, for diagnostics and cleanup
_START_TIMEOUTS = [0]  # lookout_start timeouts so far in this process


class Lookout:
    """lookout running in the background, writing into a temp file.

        with Lookout("--json", "--all") as lk:
            ... act ...
            lk.wait_for("exit", lambda e: e["host_pid"] == pid)
            lk.stop()
            evs = lk.events("exec", lambda e: ...)
    """

    def __init__(self, *args, start=True, umask=None, wrap=()):
        self.args = list(args)
        self.wrap = list(wrap)  # runs [*wrap, BINARY, *args], e.g. nsenter into a namespace
        self.dir = tempfile.mkdtemp(prefix="lk-e2e-")
        self.out_path = os.path.join(self.dir, "stdout.jsonl")
        self.err_path = os.path.join(self.dir, "stderr.txt")
        self.proc = None
        self.returncode = None
        self._events = []
        self._offset = 0
        self._partial = b""
        self._umask = umask
        _LIVE.append(self)
        if start:
            self.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False

    def start(self, timeout=START_TIMEOUT):
        require_binary()
        if _START_TIMEOUTS[0] >= 2:
            # Twice no lookout_start in time: fail fast rather than wait in every test.
            raise AssertionError("lookout gave no lookout_start within %.0fs in two earlier "
                                 "tests of this file; not trying again" % timeout)
        out = open(self.out_path, "wb")
        err = open(self.err_path, "wb")
        kw = {}
        if self._umask is not None:
            kw["umask"] = self._umask
        try:
            self.proc = subprocess.Popen(self.wrap + [BINARY] + self.args, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=err, start_new_session=True, **kw)
        finally:
            out.close()
            err.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._read()
            if self._events:
                first = self._events[0]
                if first.get("event") != "lookout_start":
                    raise AssertionError("first line is not lookout_start: %s" % json.dumps(first)[:300])
                return self
            if self.proc.poll() is not None:
                raise AssertionError("lookout %s exited with %s before lookout_start; stderr:\n%s"
                                     % (" ".join(self.args), self.proc.returncode, self.stderr()[-2000:]))
            time.sleep(0.05)
        self.kill()
        _START_TIMEOUTS[0] += 1
        raise AssertionError("no lookout_start within %.0fs (lookout %s); stderr:\n%s"
                             % (timeout, " ".join(self.args), self.stderr()[-2000:]))

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGINT, timeout=15.0, check=True):
        """Sends sig, waits for the exit, parses the rest. With check: exit 0
        and lookout_stop as the last line, the file ending in a newline."""
        if self.proc is None:
            raise AssertionError("lookout was never started")
        if self.proc.poll() is not None and check:
            self._read()
            stops = [e for e in self._events if e.get("event") == "lookout_stop"]
            raise AssertionError("lookout ended (exit %s) before the test stopped it: %s; stderr:\n%s"
                                 % (self.proc.returncode,
                                    json.dumps(stops[-1])[:400] if stops else "no lookout_stop",
                                    self.stderr()[-2000:]))
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError("lookout did not exit within %.0fs of %s; stderr:\n%s"
                                     % (timeout, signal.Signals(sig).name, self.stderr()[-2000:]))
        self.returncode = self.proc.returncode
        self._read()
        if check:
            if self.returncode != 0:
                raise AssertionError("lookout exited %s after %s (want 0); stderr:\n%s"
                                     % (self.returncode, signal.Signals(sig).name, self.stderr()[-2000:]))
            if self._partial:
                raise AssertionError("output ends without a newline: %r" % self._partial[-200:])
            if not self._events or self._events[-1].get("event") != "lookout_stop":
                last = self._events[-1] if self._events else None
                raise AssertionError("last line is not lookout_stop: %s" % (json.dumps(last)[:300]))
        return self.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def stderr(self):
        try:
            with open(self.err_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def raw(self):
        with open(self.out_path, "rb") as f:
            return f.read()

    def _read(self):
        with open(self.out_path, "rb") as f:
            f.seek(self._offset)
            data = f.read()
        if not data:
            return
        self._offset += len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()  # b"" when data ended in a newline
        for n, raw in enumerate(lines):
            self._events.append(parse_line(raw))

    def all(self):
        """Every event so far, in output order (strictly parsed)."""
        if self.proc is not None:
            self._read()
        return list(self._events)

    def events(self, event=None, where=None):
        """Events of one type (or all) for which where(e) is true. A where that
        raises KeyError/TypeError/IndexError on an event just does not match."""
        out = []
        for e in self.all():
            if event is not None and e.get("event") != event:
                continue
            if where is not None:
                try:
                    if not where(e):
                        continue
                except (KeyError, TypeError, IndexError, AttributeError):
                    continue
            out.append(e)
        return out

    def wait_for(self, event=None, where=None, timeout=EVENT_TIMEOUT, count=1, what=None):
        """Polls until at least count matching events exist; returns them.
        Fails with a description and the nearest events seen otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.events(event, where)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                break
            if self.proc is not None and self.proc.poll() is not None:
                break
            time.sleep(0.05)
        seen = self.events(event)
        desc = what or ("%s event" % (event or "any"))
        msg = "expected %d× %s within %.0fs, got %d" % (count, desc, timeout, len(found))
        if self.proc is not None and self.proc.poll() is not None:
            stops = [e for e in self._events if e.get("event") == "lookout_stop"]
            msg += " (lookout exited with %s before it: %s)" % (
                self.proc.returncode, json.dumps(stops[-1])[:400] if stops else "no lookout_stop")
        msg += "; last %s events:\n    %s" % (event or "", "\n    ".join(brief(e) for e in seen[-15:]))
        raise AssertionError(msg)

    def one(self, event, where, what):
        """Exactly one matching event (call after stop()); contract-checked."""
        found = self.events(event, where)
        if len(found) != 1:
            raise AssertionError("expected exactly one %s, got %d:\n    %s"
                                 % (what, len(found), "\n    ".join(brief(e) for e in found[:10])))
        check_contract(found)
        return found[0]


# ---------------------------------------------------------------------------
# Processes

def host_pidns():
    return os.stat("/proc/self/ns/pid").st_ino


def proc_start_ticks(pid):
    """Field 22 of /proc/PID/stat: start time in clock ticks since boot."""
    with open("/proc/%d/stat" % pid) as f:
        data = f.read()
    return int(data[data.rindex(")") + 2:].split()[19])


def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def proc_argv(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        return [a.decode("utf-8", "replace") for a in f.read().split(b"\0")[:-1]]


def pids_in_pidns(ns_inode):
    """[(host_pid, ns_pid, argv)] of every process in that PID namespace."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        pid = int(d)
        try:
            if os.stat("/proc/%d/ns/pid" % pid).st_ino != ns_inode:
                continue
            nspid = int(proc_status(pid)["NSpid"].split()[-1])
            out.append((pid, nspid, proc_argv(pid)))
        except (OSError, KeyError, ValueError, IndexError):
            continue
    return out


def wait_process(ns_inode, argv, timeout=10.0):
    """Waits for a process with exactly this argv in the PID namespace;
    returns (host_pid, ns_pid)."""
    deadline = time.monotonic() + timeout
    while True:
        for pid, nspid, a in pids_in_pidns(ns_inode):
            if a == list(argv):
                return pid, nspid
        if time.monotonic() > deadline:
            raise AssertionError("no process %r in pidns %d within %.0fs; there: %r"
                                 % (argv, ns_inode, timeout, pids_in_pidns(ns_inode)))
        time.sleep(0.05)


def rmdir_if_gone(d):
    """rmdir a cgroup (or any directory) the test made: True once it is gone,
    False while it is still busy (for wait_until)."""
    try:
        os.rmdir(d)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True


def wait_until(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0fs waiting for %s" % (timeout, what))
        time.sleep(0.05)


def child_pids(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def run(cmd, timeout=60, check=True, **kw):
    """Runs cmd, returns stripped stdout; fails with its stderr."""
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        raise AssertionError("%s timed out after %ss" % (" ".join(map(str, cmd)), timeout))
    if check and p.returncode != 0:
        raise AssertionError("%s exited %d: %s" % (" ".join(map(str, cmd)), p.returncode,
                                                    p.stderr.decode("utf-8", "replace").strip()[-1500:]))
    return p.stdout.decode("utf-8", "replace").strip()


def build_segv(directory):
    """A static binary without libc that dereferences NULL: a real fault."""
    src = os.path.join(directory, "segv.c")
    exe = os.path.join(directory, "segv")
    with open(src, "w") as f:
        f.write("void _start(void)\n{\n\t*(volatile int *)0 = 1;\n\tfor (;;)\n\t\t;\n}\n")
    run(["gcc", "-O0", "-static", "-nostdlib", "-fno-stack-protector", "-o", exe, src])
    return exe


# ---------------------------------------------------------------------------
# Containers

class Container:
    def __init__(self, runtime, name, cid):
        self.runtime = runtime
        self.name = name
        self.id = cid
        self._pid = None

    @property
    def cli(self):
        return self.runtime  # "docker" or "podman"

    def inspect(self, fmt):
        return run([self.cli, "inspect", "-f", fmt, self.name])

    @property
    def pid(self):
        """Host PID of the container's init (State.Pid)."""
        if not self._pid:
            self._pid = int(self.inspect("{{.State.Pid}}"))
            if self._pid <= 0:
                raise AssertionError("%s container %s is not running (State.Pid %d)"
                                     % (self.runtime, self.name, self._pid))
        return self._pid

    @property
    def pidns(self):
        return os.stat("/proc/%d/ns/pid" % self.pid).st_ino

    def exec(self, *cmd, detach=False, check=True, timeout=60):
        args = [self.cli, "exec"] + (["-d"] if detach else []) + [self.name] + list(cmd)
        return run(args, timeout=timeout, check=check)

    def start_process(self, *argv):
        """docker exec -d argv, then its (host_pid, ns_pid) once it runs."""
        self.exec(*argv, detach=True)
        return wait_process(self.pidns, argv)

    def stop(self, t=1):
        run([self.cli, "stop", "-t", str(t), self.name], timeout=60)

    def wait_exited(self, timeout=30):
        wait_until(lambda: self.inspect("{{.State.Status}}") in ("exited", "stopped", "dead"),
                   timeout, "%s container %s to exit" % (self.runtime, self.name))

    def exit_code(self):
        return int(self.inspect("{{.State.ExitCode}}"))


_RUNTIMES_READY = []


def ensure_runtimes():
    """Once per process: a Docker daemon answers and the test image is in
    Docker and podman (both scripts are idempotent and fast when done), so a
    test file also runs on its own."""
    if _RUNTIMES_READY:
        return
    for script in ("dockerd.sh", "images.sh"):
        p = subprocess.run([os.path.join(REPO, "scripts", script)], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=180)
        if p.returncode != 0:
            raise AssertionError("scripts/%s failed (exit %d):\n%s" % (
                script, p.returncode, p.stdout.decode("utf-8", "replace")[-1500:]))
    _RUNTIMES_READY.append(True)


class Scope:
    """Resources of one test, removed at the end whatever happens."""

    def __init__(self, tag="t"):
        self.tag = re.sub(r"[^a-z0-9]+", "-", tag.lower())[:24].strip("-") or "t"
        self._cleanups = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for fn in reversed(self._cleanups):
            try:
                fn()
            except Exception as e:  # cleanup never hides the test's own failure
                print("  cleanup: %s" % e, file=sys.stderr)
        return False

    def defer(self, fn):
        self._cleanups.append(fn)

    def name(self, what="c"):
        return "lk-%s-%s-%s" % (self.tag, what, secrets.token_hex(3))

    def tmpdir(self):
        d = tempfile.mkdtemp(prefix="lk-e2e-")
        if not os.environ.get("LOOKOUT_E2E_KEEP"):
            self.defer(lambda: shutil.rmtree(d, ignore_errors=True))
        return d

    def _run_container(self, cli, opts, image, cmd, name, extra, retried=False):
        ensure_runtimes()
        name = name or self.name(cli[0])
        rm = [cli, "rm", "-f", name] if cli == "docker" else [cli, "rm", "-f", "-t", "0", name]
        self.defer(lambda: subprocess.run(rm, stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          timeout=60))
        args = [cli, "run", "-d", "--name", name, "--label", LABEL] + opts + list(extra) \
            + [image] + list(cmd)
        try:
            p = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=120)
        except subprocess.TimeoutExpired:
            raise AssertionError("%s run timed out: %s" % (cli, " ".join(args)))
        if p.returncode != 0 and cli == "docker" and b"Cannot connect" in p.stderr \
                and not retried:
            # Something ended dockerd (another run on this machine): start it again.
            run([os.path.join(REPO, "scripts", "dockerd.sh")], timeout=90)
            return self._run_container(cli, opts, image, cmd, name, extra, retried=True)
        if p.returncode != 0:
            hint = " (is dockerd up? scripts/dockerd.sh)" if cli == "docker" else ""
            raise AssertionError("%s cannot start a container%s: %s\n  command: %s"
                                 % (cli, hint, p.stderr.decode("utf-8", "replace").strip()[-1500:],
                                    " ".join(args)))
        cid = p.stdout.decode().strip().splitlines()[-1]
        if not re.match(r"^[0-9a-f]{64}$", cid):
            raise AssertionError("%s run printed %r, not a container id" % (cli, cid))
        return Container(cli, name, cid)

    def docker_run(self, *cmd, name=None, opts=()):
        return self._run_container("docker", DOCKER_OPTS, DOCKER_IMAGE, cmd, name, opts)

    def podman_run(self, *cmd, name=None, opts=()):
        return self._run_container("podman", PODMAN_OPTS, PODMAN_IMAGE, cmd, name, opts)

    def popen(self, *args, **kw):
        """subprocess.Popen that is killed and reaped at the end of the test."""
        kw.setdefault("stdin", subprocess.DEVNULL)
        p = subprocess.Popen(*args, **kw)

        def reap():
            if p.poll() is None:
                p.kill()
            p.wait(10)
        self.defer(reap)
        return p


# ---------------------------------------------------------------------------
# Signals from a host process

SI_TIMER = -2
SYS_rt_sigqueueinfo = 129  # x86_64


def rt_sigqueueinfo_script():
    """Python source: argv[1]=pid argv[2]=sig argv[3]=si_code."""
    return (
        "import ctypes, sys\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "pid, sig, code = (int(a) for a in sys.argv[1:4])\n"
        "info = (ctypes.c_int * 32)()\n"
        "info[0] = sig\ninfo[1] = 0\ninfo[2] = code\n"
        "libc.syscall.restype = ctypes.c_long\n"
        "r = libc.syscall(ctypes.c_long(%d), ctypes.c_long(pid), ctypes.c_long(sig), info)\n"
        "if r != 0:\n"
        "    sys.exit('rt_sigqueueinfo: errno %%d' %% ctypes.get_errno())\n" % SYS_rt_sigqueueinfo)


# ---------------------------------------------------------------------------
# Runner

class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout("test exceeded its time limit (%ds unless it sets .timeout)" % TEST_TIMEOUT)


def main(namespace):
    """Runs the test_* functions of a test file in definition order.
    Arguments select tests by substring. Prints `FILE: N passed, N failed, N skipped`
    and appends "passed failed skipped file" to $LOOKOUT_E2E_RESULTS when set."""
    fname = os.path.basename(namespace.get("__file__", "?"))
    selected = sys.argv[1:]
    tests = [(n, f) for n, f in namespace.items()
             if n.startswith("test_") and callable(f)
             and (not selected or any(s in n for s in selected))]
    passed = failed = skipped = 0
    signal.signal(signal.SIGALRM, _alarm)
    for name, fn in tests:
        del _LIVE[:]
        t0 = time.monotonic()
        err = None
        skip = None
        try:
            require_binary()
            signal.alarm(getattr(fn, "timeout", TEST_TIMEOUT))  # a test may need longer
            try:
                fn()
            finally:
                signal.alarm(0)
        except NotBuilt as e:
            err = str(e)
        except Skip as e:
            skip = str(e)
        except BaseException as e:  # noqa: B902 — report, never stop the run
            if isinstance(e, KeyboardInterrupt):
                raise
            err = "".join(traceback.format_exception(type(e), e, e.__traceback__)).rstrip()
        dt = time.monotonic() - t0
        if skip is not None:
            skipped += 1
            print("SKIP  %s::%s (%.1fs): %s" % (fname, name, dt, skip), flush=True)
            for lk in _LIVE:
                lk.cleanup()
        elif err is None:
            passed += 1
            print("PASS  %s::%s (%.1fs)" % (fname, name, dt), flush=True)
            for lk in _LIVE:
                lk.cleanup()
        else:
            failed += 1
            print("FAIL  %s::%s (%.1fs)\n%s" % (fname, name, dt, _indent(err)), flush=True)
            for lk in _LIVE:
                lk.kill()
                tail = lk.stderr().strip().splitlines()[-8:]
                print("      lookout %s: output kept in %s%s" % (
                    " ".join(lk.args), lk.dir,
                    ("; stderr tail:\n" + _indent("\n".join(tail), 10)) if tail else ""), flush=True)
        del _LIVE[:]
    print("%s: %d passed, %d failed, %d skipped" % (fname, passed, failed, skipped), flush=True)
    results = os.environ.get("LOOKOUT_E2E_RESULTS")
    if results:
        with open(results, "a") as f:
            f.write("%d %d %d %s\n" % (passed, failed, skipped, fname))
    return 1 if failed else 0


def _indent(text, n=6):
    return "\n".join(" " * n + line for line in text.splitlines())
