#!/usr/bin/env python3
"""lookout's outputs besides stdout, against the real servers that read them:
`--syslog udp://` and `--syslog tcp://` into a real rsyslogd (one RFC 5424
message per event, and TCP across an rsyslog restart), and `--metrics` scraped
with urllib, checked by promtool and scraped by a real Prometheus.

Everything listens on 127.0.0.1 on ports picked free at run time; rsyslogd and
prometheus run with their own config and data in a temp dir, never the host's.
Events come from `unshare` PID-namespace sandboxes (tracked without --all, no
container runtime needed), whose argv carries a marker unique to the test.
"""

import collections
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import (HOSTNAME, Lookout, Scope, check_contract, child_pids, dig,  # noqa: E402
                     parse_line, wait_until)

# RSYSLOG_SyslogProtocol23Format:
#   "<%PRI%>1 %TIMESTAMP:::date-rfc3339% %HOSTNAME% %APP-NAME% %PROCID% %MSGID% %STRUCTURED-DATA% %msg%\n"
SYSLOG_LINE = re.compile(r"^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\]) (.*)$")
LOG_DAEMON = 3
LOG_WARNING, LOG_INFO = 4, 6


def need(tool, package):
    path = shutil.which(tool)
    if not path:
        raise AssertionError("%s is not installed (Debian package %s; scripts/deps.sh "
                             "installs it)" % (tool, package))
    return path


def free_port():
    """A port free for both TCP and UDP on 127.0.0.1 (rsyslog takes both)."""
    for _ in range(50):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            t.close()
            u.close()
    raise AssertionError("no free loopback port for TCP and UDP")


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------------------
# rsyslogd

class Rsyslog:
    """rsyslogd -n with its own config: UDP and TCP inputs on 127.0.0.1:port,
    every message written to one file with RSYSLOG_SyslogProtocol23Format."""

    def __init__(self, scope, port=None):
        self.exe = need("rsyslogd", "rsyslog")
        self.dir = scope.tmpdir()
        self.port = port or free_port()
        self.conf = os.path.join(self.dir, "rsyslog.conf")
        self.out = os.path.join(self.dir, "messages.log")
        self.pidfile = os.path.join(self.dir, "rsyslogd.pid")
        self.proc = None
        self.starts = 0
        with open(self.conf, "w") as f:
            # 64k: lookout's signal events with argv and ancestry pass rsyslog's
            # default 8k limit, which would cut the JSON.
            f.write('global(workDirectory="%s" maxMessageSize="64k")\n'
                    'module(load="imudp")\n'
                    'module(load="imtcp")\n'
                    'input(type="imudp" address="127.0.0.1" port="%d" ruleset="lk" '
                    'rcvbufSize="8m")\n'
                    'input(type="imtcp" address="127.0.0.1" port="%d" ruleset="lk")\n'
                    'ruleset(name="lk") {\n'
                    '  action(type="omfile" file="%s" template="RSYSLOG_SyslogProtocol23Format")\n'
                    '}\n' % (self.dir, self.port, self.port, self.out))
        scope.defer(self.kill)

    def start(self):
        self.starts += 1
        log = open(os.path.join(self.dir, "rsyslogd-%d.log" % self.starts), "wb")
        self.proc = subprocess.Popen([self.exe, "-n", "-f", self.conf, "-i", self.pidfile],
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     start_new_session=True)
        log.close()
        deadline = time.monotonic() + 10
        while not port_open(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                with open(os.path.join(self.dir, "rsyslogd-%d.log" % self.starts), "rb") as f:
                    raise AssertionError("rsyslogd did not listen on 127.0.0.1:%d: %s"
                                         % (self.port, f.read().decode("utf-8", "replace")[-1500:]))
            time.sleep(0.02)
        return self

    def stop(self):
        """SIGTERM, as a service manager restarting it would."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        wait_until(lambda: not port_open(self.port), 10, "rsyslogd to close its port")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def messages(self):
        """Every message so far, parsed; a line that is not the template's
        format fails the test (a torn or merged frame would be one)."""
        try:
            with open(self.out, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            return []
        out = []
        for raw in data.split(b"\n")[:-1]:
            text = raw.decode("utf-8", "strict")
            m = SYSLOG_LINE.match(text)
            if not m:
                raise AssertionError("rsyslog wrote a line that is not one RFC 5424 message: %r"
                                     % text[:300])
            pri = int(m.group(1))
            out.append({"facility": pri >> 3, "severity": pri & 7, "timestamp": m.group(2),
                        "hostname": m.group(3), "app": m.group(4), "procid": m.group(5),
                        "msgid": m.group(6), "sd": m.group(7), "msg": m.group(8)})
        return out

    def wait_for(self, pred, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            msgs = self.messages()
            if any(pred(m) for m in msgs):
                return msgs
            if time.monotonic() > deadline:
                raise AssertionError("rsyslog got no %s within %.0fs; it has %d messages, last: %s"
                                     % (what, timeout, len(msgs),
                                        [m["msg"][:120] for m in msgs[-5:]]))
            time.sleep(0.05)


# ---------------------------------------------------------------------------
# Events to send: sandboxes whose argv carries a marker

def sandbox(scope, marker):
    """A PID-namespace sandbox that execs /bin/true with the marker and ends."""
    p = scope.popen(["unshare", "--pid", "--fork", "--mount-proc", "/bin/sh", "-c",
                     "/bin/true %s" % marker])
    assert p.wait(10) == 0, "unshare sandbox failed"


def sandbox_killed_from_host(scope, marker):
    """A sandbox whose init a host process (this test) SIGKILLs: an out-of-band
    signal, exit and container_exit. Returns the sandbox's container id."""
    # sh stays (two commands), so the sandbox's init carries the marker
    p = scope.popen(["unshare", "--pid", "--fork", "--mount-proc", "/bin/sh", "-c",
                     "/bin/sleep 30; : %s" % marker])
    wait_until(lambda: child_pids(p.pid), 5, "unshare's child")
    child = child_pids(p.pid)[0]
    wait_until(lambda: _argv(child)[:1] == ["/bin/sh"], 5, "the sandbox's sh to run")
    sid = "pidns:%d" % os.stat("/proc/%d/ns/pid" % child).st_ino
    os.kill(child, signal.SIGKILL)
    p.wait(10)
    return sid, child


def _argv(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return [a.decode("utf-8", "replace") for a in f.read().split(b"\0")[:-1]]
    except OSError:
        return []


def stdout_lines(lk):
    """lookout's stdout lines as text, without newlines (what MSG must be)."""
    return [raw.decode("utf-8") for raw in lk.raw().split(b"\n")[:-1]]


def check_header(m, lk):
    """The RFC 5424 header lookout wrote around one event."""
    e = json.loads(m["msg"])
    assert m["app"] == "lookout", m
    assert m["procid"] == str(lk.proc.pid), (m["procid"], lk.proc.pid)
    assert m["msgid"] == e["event"], (m["msgid"], e["event"])
    assert m["hostname"] == HOSTNAME, (m["hostname"], HOSTNAME)
    assert m["facility"] == LOG_DAEMON, m
    want = LOG_WARNING if e.get("out_of_band") is True else LOG_INFO
    assert m["severity"] == want, "severity %d for %s (want %d)" % (m["severity"], m["msg"][:200], want)
    assert m["sd"] == "-", m["sd"]
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$",
                    m["timestamp"]), m["timestamp"]


def check_same_events(msgs, lines, what):
    """Every syslog MSG is one of lookout's stdout lines, byte for byte, and
    none came twice."""
    have = collections.Counter(m["msg"] for m in msgs)
    want = collections.Counter(lines)
    extra = have - want
    assert not extra, "%s: rsyslog got messages lookout did not write (or twice):\n  %s" % (
        what, "\n  ".join(k[:200] for k in list(extra)[:5]))
    for m in msgs:
        parse_line(m["msg"].encode("utf-8"))  # strict JSON, one object


# ---------------------------------------------------------------------------
# syslog

def test_syslog_udp_one_message_per_event():
    mark = "lk-mark-%s" % secrets.token_hex(4)
    with Scope("sysudp") as s:
        rs = Rsyslog(s).start()
        with Lookout("--json", "--syslog", "udp://127.0.0.1:%d" % rs.port) as lk:
            for i in range(3):
                sandbox(s, "%s-%d" % (mark, i))
            sid, child = sandbox_killed_from_host(s, mark + "-oob")
            lk.wait_for("container_exit", lambda e: e["container"]["id"] == sid,
                        what="container_exit of the sandbox killed from the host")
            lk.stop()
        lines = stdout_lines(lk)
        mine = [ln for ln in lines if mark in ln or '"event":"lookout_st' in ln
                or '"%s"' % sid in ln]
        assert len(mine) >= 8, mine
        # UDP on loopback: everything arrives unless the machine is swamped, so
        # wait for every line about our sandboxes, then compare.
        deadline = time.monotonic() + 10
        while True:
            msgs = rs.messages()
            got = collections.Counter(m["msg"] for m in msgs)
            missing = [ln for ln in mine if not got[ln]]
            if not missing or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert not missing, "rsyslog never got %d of lookout's events over UDP:\n  %s" % (
            len(missing), "\n  ".join(ln[:200] for ln in missing[:5]))
        check_same_events(msgs, lines, "udp")
        for m in msgs:
            check_header(m, lk)
        events = [json.loads(m["msg"]) for m in msgs]
        check_contract([json.loads(ln) for ln in mine])
        oob = [e for e in events if e["event"] == "signal" and e["out_of_band"]
               and dig(e, "target.host_pid") == child]
        assert oob, "no out-of-band signal among the syslog messages"
        assert [m for m in msgs if m["msgid"] == "signal" and m["severity"] == LOG_WARNING], \
            "the out-of-band kill did not go out as a warning"
        assert msgs[0]["msgid"] == "lookout_start", msgs[0]
        assert msgs[-1]["msgid"] == "lookout_stop", msgs[-1]


def test_syslog_tcp_across_rsyslog_restart():
    mark = "lk-mark-%s" % secrets.token_hex(4)
    with Scope("systcp") as s:
        rs = Rsyslog(s).start()
        with Lookout("--json", "--syslog", "tcp://127.0.0.1:%d" % rs.port) as lk:
            sandbox(s, mark + "-before")
            rs.wait_for(lambda m: mark + "-before" in m["msg"], 10,
                        "event from before the restart")

            # The receiver restarts; lookout learns on its next send or tick.
            rs.stop()
            sandbox(s, mark + "-while-down")
            time.sleep(0.5)
            rs.start()

            # Events after the restart arrive: keep making them until one does. Once
            # one has, everything queued before it is out too (one ordered stream).
            deadline = time.monotonic() + 20
            n = 0
            while True:
                tag = "%s-after-%d" % (mark, n)
                sandbox(s, tag)
                n += 1
                until = time.monotonic() + 2
                while time.monotonic() < until and \
                        not any(tag in m["msg"] for m in rs.messages()):
                    time.sleep(0.05)
                if any(tag in m["msg"] for m in rs.messages()):
                    break
                if time.monotonic() > deadline:
                    raise AssertionError("no event reached the restarted rsyslog within 20s "
                                         "(%d sandboxes made); lookout stderr:\n%s"
                                         % (n, lk.stderr()[-1500:]))
            # From here on the connection is up and the queue drained: nothing is lost.
            last = mark + "-last"
            sandbox(s, last)
            lk.wait_for("exec", lambda e: last in " ".join(e["argv"] or []),
                        what="exec of the last marker")
            lk.stop()

        lines = stdout_lines(lk)
        msgs = rs.wait_for(lambda m: m["msgid"] == "lookout_stop", 10,
                           "lookout_stop (sent before lookout exits)")
        check_same_events(msgs, lines, "tcp")
        for m in msgs:
            check_header(m, lk)
        got = collections.Counter(m["msg"] for m in msgs)
        start = next(i for i, ln in enumerate(lines) if last in ln)
        missing = [ln for ln in lines[start:] if not got[ln]]
        assert not missing, "on the reconnected stream, rsyslog missed %d events:\n  %s" % (
            len(missing), "\n  ".join(ln[:200] for ln in missing[:5]))
        assert any(mark + "-before" in m["msg"] for m in msgs)
        assert msgs[0]["msgid"] == "lookout_start", msgs[0]
        assert rs.starts == 2


def test_bad_output_values_are_refused():
    from lookout import BINARY, require_binary
    require_binary()
    for args in (["--syslog", "udp://127.0.0.1"], ["--syslog", "ftp://127.0.0.1:514"],
                 ["--syslog", "udp://::1:514"], ["--syslog", "tcp://host:0"],
                 ["--syslog", ""], ["--syslog", "udp://127.0.0.1:514\n"],
                 ["--metrics", "127.0.0.1:99999"], ["--metrics", ":9464"],
                 ["--metrics", "http://127.0.0.1:9464"], ["--metrics", "localhost"]):
        p = subprocess.run([BINARY, "--json"] + args, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
        err = p.stderr.decode("utf-8", "replace")
        assert p.returncode == 64, "lookout %r exited %d (want 64): %s" % (args, p.returncode, err)
        first = (err.strip().splitlines() or [""])[0]
        assert args[0] in first, "the message does not name %s: %r" % (args[0], err)
        assert "expected" in first, "the message does not say what a valid value is: %r" % err
        assert "\n" not in args[1] or "\\x0a" in first, "the newline is not shown escaped: %r" % err
        assert p.stdout == b"", p.stdout[:200]


# ---------------------------------------------------------------------------
# metrics

METRICS = ("lookout_events_total", "lookout_signals_total", "lookout_out_of_band_total",
           "lookout_dropped_total", "lookout_tracked_processes", "lookout_containers",
           "lookout_kernel_records_total", "lookout_bad_records_total",
           "lookout_tracked_full_total", "lookout_cgroups_full_total",
           "lookout_cgroups_resolved_total")
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape(port, path="/metrics"):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read()


def parse_metrics(text):
    """{(name, frozenset(labels)): value}, and the HELP/TYPE seen per name."""
    samples, meta = {}, collections.defaultdict(set)
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            parts = line.split(" ", 3)
            meta[parts[2]].add(parts[1])
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample line: %r" % line
        labels = frozenset((k, v.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\"))
                           for k, v in LABEL.findall(m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples, meta


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())))


def promtool_check(body):
    need("promtool", "prometheus")
    p = subprocess.run(["promtool", "check", "metrics"], input=body, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=30)
    assert p.returncode == 0, "promtool check metrics exited %d:\n%s\n--- the scrape:\n%s" % (
        p.returncode, p.stdout.decode("utf-8", "replace"), body.decode("utf-8", "replace")[:3000])


def test_metrics_endpoint():
    mark = "lk-mark-%s" % secrets.token_hex(4)
    port = free_port()
    with Scope("metrics") as s, Lookout("--json", "--metrics", "127.0.0.1:%d" % port) as lk:
        sandbox(s, mark)
        sid, child = sandbox_killed_from_host(s, mark + "-oob")
        lk.wait_for("container_exit", lambda e: e["container"]["id"] == sid,
                    what="container_exit of the sandbox killed from the host")

        # Counters follow what lookout writes: what stdout held before a scrape
        # is at most what the scrape counts, which is at most what stdout holds
        # after it.
        def count(evs):
            c = collections.Counter(e["event"] for e in evs)
            o = collections.Counter(e["origin"] for e in evs if e["event"] == "signal")
            return c, o

        deadline = time.monotonic() + 10
        while True:
            before = count(lk.all())
            status, ctype, body = scrape(port)
            after = count(lk.all())
            samples, meta = parse_metrics(body.decode("utf-8"))
            ok = value(samples, "lookout_out_of_band_total", container=sid) is not None
            if ok or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert status == 200, status
        assert ctype.startswith("text/plain; version=0.0.4"), ctype
        for name in METRICS:
            assert meta[name] == {"HELP", "TYPE"}, "%s lacks HELP or TYPE: %r" % (name, meta[name])
            assert any(k[0] == name for k in samples), "no sample of %s" % name
        for ev in ("exec", "exit", "signal", "container_start", "container_exit", "lookout_start"):
            v = value(samples, "lookout_events_total", event=ev)
            assert v is not None and before[0][ev] <= v <= after[0][ev], \
                "lookout_events_total{event=%r} is %r; stdout had %d before, %d after" % (
                    ev, v, before[0][ev], after[0][ev])
        v = value(samples, "lookout_signals_total", origin="host")
        assert v is not None and before[1]["host"] <= v <= after[1]["host"] and v >= 1, \
            (v, before[1], after[1])
        assert value(samples, "lookout_out_of_band_total", container=sid) >= 1, \
            "no lookout_out_of_band_total{container=%r}: %s" % (sid, body[-1500:])
        for buf in ("events", "alerts", "cgroups"):
            assert value(samples, "lookout_dropped_total", buffer=buf) is not None, buf
        assert value(samples, "lookout_kernel_records_total") is not None  # updated each second
        assert value(samples, "lookout_tracked_processes") >= 0
        assert value(samples, "lookout_containers") >= 0
        promtool_check(body)

        # Only /metrics, only GET and HEAD.
        try:
            scrape(port, "/nope")
            raise AssertionError("/nope answered 200")
        except urllib.error.HTTPError as e:
            assert e.code == 404, e.code
        req = urllib.request.Request("http://127.0.0.1:%d/metrics" % port, data=b"x", method="POST")
        try:
            urllib.request.urlopen(req, timeout=5)
            raise AssertionError("POST answered 200")
        except urllib.error.HTTPError as e:
            assert e.code == 405, e.code
        lk.stop()
        check_contract(lk.all())


def test_prometheus_scrapes_lookout():
    prom = need("prometheus", "prometheus")
    port, pport = free_port(), free_port()
    with Scope("prom") as s, Lookout("--json", "--metrics", "127.0.0.1:%d" % port) as lk:
        d = s.tmpdir()
        conf = os.path.join(d, "prometheus.yml")
        with open(conf, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: lookout\n    static_configs:\n"
                    "      - targets: ['127.0.0.1:%d']\n" % port)
        log = open(os.path.join(d, "prometheus.log"), "wb")
        p = s.popen([prom, "--config.file=" + conf, "--storage.tsdb.path=" + os.path.join(d, "tsdb"),
                     "--web.listen-address=127.0.0.1:%d" % pport], stdout=log, stderr=log,
                    start_new_session=True)
        log.close()

        api = "http://127.0.0.1:%d/api/v1/query?query=" % pport

        def query(q):
            with urllib.request.urlopen(api + urllib.parse.quote(q), timeout=5) as r:
                doc = json.loads(r.read())
            assert doc.get("status") == "success", doc
            return doc["data"]["result"]

        # The first scrape comes a few seconds after Prometheus starts.
        deadline = time.monotonic() + 25
        result, err = [], None
        while time.monotonic() < deadline:
            if p.poll() is not None:
                break
            try:
                result = query('lookout_events_total{event="lookout_start"}')
                if result:
                    break
            except (OSError, urllib.error.URLError) as e:  # not listening yet
                err = e
            time.sleep(0.5)
        if not result:
            with open(os.path.join(d, "prometheus.log"), "rb") as f:
                tail = f.read().decode("utf-8", "replace")[-2000:]
            raise AssertionError("Prometheus has no lookout_events_total after 25s (last error %r,"
                                 " prometheus %s); its log:\n%s" % (
                                     err, "exited %s" % p.returncode if p.poll() is not None
                                     else "running", tail))
        r = result[0]
        assert r["metric"]["job"] == "lookout", r
        assert r["metric"]["instance"] == "127.0.0.1:%d" % port, r
        assert float(r["value"][1]) == 1.0, r
        up = query('up{job="lookout"}')
        assert up and up[0]["value"][1] == "1", up
        lk.stop()


if __name__ == "__main__":
    from lookout import main
    sys.exit(main(globals()))
