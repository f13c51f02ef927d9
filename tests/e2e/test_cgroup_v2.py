#!/usr/bin/env python3
"""The cgroup v2 lane: a pure cgroup v2 host, made on this hybrid one.

A private mount namespace shows only cgroup2 at /sys/fs/cgroup (the v1 hierarchies stay
in the kernel, so /proc/self/cgroup still lists them there). A second dockerd runs in it
(`Cgroup Version: 2`, containers in `0::/docker/<id>` only), podman runs crun there
(crun creates the container's first process straight into its cgroup with
clone3(CLONE_INTO_CGROUP): no cgroup_attach_task), and lookout starts in the same
namespace, as it would on a cgroup v2 host. Runtime state is bind-mounted to where the
runtimes keep it by default (/var/lib/docker, /var/lib/containers/storage), so lookout
names containers as it would on such a host.

Self-contained: the namespace, its dockerd and podman state live in one scratch
directory, removed at the end with every container made here.
"""

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout import Lookout, brief, check_contract, dig, run, wait_until  # noqa: E402

IMAGE = "localhost/lookout-v2/box:latest"
CRUN_OPTS = [
    "--runtime", "crun", "--cgroup-manager", "cgroupfs", "--network", "none",
    "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768",
    # This kernel binds every controller to v1, so the v2 tree offers none: no pids
    # limit (podman's default asks for the pids controller), and --privileged so crun
    # loads no device-cgroup BPF program (it first raises RLIMIT_MEMLOCK, which needs
    # CAP_SYS_RESOURCE). Neither changes how the container's processes are created.
    "--pids-limit", "-1", "--privileged",
]
LABEL = "lookout-e2e=1"


def _busybox_tar(path):
    """The test image's root: busybox-static and its applets, /etc/passwd."""
    with tarfile.open(path, "w") as t:
        def add_dir(name):
            ti = tarfile.TarInfo(name)
            ti.type = tarfile.DIRTYPE
            ti.mode = 0o755
            t.addfile(ti)
        for d in ("bin", "etc", "tmp", "root"):
            add_dir(d)
        t.add("/bin/busybox", "bin/busybox")
        applets = subprocess.run(["/bin/busybox", "--list"], stdout=subprocess.PIPE,
                                 check=True).stdout.decode().split()
        for a in applets:
            if a == "busybox":  # a link named busybox would replace the binary
                continue
            ti = tarfile.TarInfo("bin/" + a)
            ti.type = tarfile.SYMTYPE
            ti.linkname = "busybox"
            t.addfile(ti)
        data = b"root:x:0:0:root:/root:/bin/sh\n"
        ti = tarfile.TarInfo("etc/passwd")
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))


class V2Host:
    """The namespace (held by a sleep), its dockerd, and podman in it."""

    def __init__(self):
        for tool in ("dockerd", "docker", "podman", "crun", "nsenter", "unshare"):
            if not shutil.which(tool):
                raise AssertionError("%s is not installed: run scripts/deps.sh" % tool)
        self.dir = tempfile.mkdtemp(prefix="lk-v2-")
        self.holder = None
        self.dockerd = None
        self.sock = os.path.join(self.dir, "docker.sock")
        self.env = dict(os.environ, DOCKER_HOST="unix://" + self.sock)
        try:
            self._namespace()
            self._dockerd()
            self._images()
        except BaseException:
            self.close()
            raise

    def _namespace(self):
        d = self.dir
        binds = {  # where the runtimes keep state by default -> ours
            "/var/lib/docker": "docker",
            "/run/docker": "run-docker",
            "/var/lib/containers/storage": "containers",
            "/run/containers/storage": "run-containers",
            "/run/libpod": "run-libpod",
        }
        lines = ["set -e", "umount -l /sys/fs/cgroup", "mount -t cgroup2 none /sys/fs/cgroup",
                 # podman's locks are in shared memory: keep ours apart from the host's
                 "mount -t tmpfs tmpfs /dev/shm"]
        for target, sub in binds.items():
            os.makedirs(os.path.join(d, sub))
            os.makedirs(target, exist_ok=True)
            lines.append("mount --bind %s/%s %s" % (d, sub, target))
        lines += ["touch %s/ready" % d, "exec sleep 100000"]
        self.holder = subprocess.Popen(
            # its own network namespace too: a dockerd started with --bridge none
            # deletes the docker0 it finds, which would be the host's
            ["unshare", "-m", "-n", "--propagation", "private", "sh", "-c", "\n".join(lines)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True)
        wait_until(lambda: os.path.exists(os.path.join(d, "ready")) or
                   self.holder.poll() is not None, 10, "the cgroup v2 namespace")
        if self.holder.poll() is not None:
            raise AssertionError("could not make the cgroup v2 mount namespace: %s"
                                 % self.holder.stderr.read().decode("utf-8", "replace"))
        self.mntns = os.stat("/proc/%d/ns/mnt" % self.holder.pid).st_ino
        self.enter = ["nsenter", "-t", str(self.holder.pid), "-m", "-n", "--"]

    def _dockerd(self):
        d = self.dir
        log = open(os.path.join(d, "dockerd.log"), "wb")
        self.dockerd = subprocess.Popen(
            self.enter + ["dockerd", "--data-root", "/var/lib/docker",
                          "--exec-root", os.path.join(d, "exec"),
                          "--pidfile", os.path.join(d, "dockerd.pid"),
                          "-H", "unix://" + self.sock, "--bridge", "none",
                          "--iptables=false", "--ip-masq=false",
                          "--containerd-namespace", "v2moby",
                          "--containerd-plugins-namespace", "v2plug"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        log.close()

        def ready():
            if self.dockerd.poll() is not None:
                return True
            return subprocess.run(["docker", "info"], env=self.env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL).returncode == 0
        wait_until(ready, 60, "the cgroup v2 dockerd to answer")
        if self.dockerd.poll() is not None:
            raise AssertionError("the cgroup v2 dockerd exited (%s); log:\n%s"
                                 % (self.dockerd.returncode, self.dockerd_log()))
        v = self.docker("info", "-f", "{{.CgroupVersion}}")
        if v != "2":
            raise AssertionError("the namespace's dockerd reports cgroup version %r, not 2" % v)

    def _images(self):
        tar = os.path.join(self.dir, "box.tar")
        _busybox_tar(tar)
        self.docker("import", tar, IMAGE)
        self.podman("import", "-q", tar, IMAGE)
        os.unlink(tar)

    def dockerd_log(self):
        try:
            with open(os.path.join(self.dir, "dockerd.log"), "rb") as f:
                return f.read()[-2000:].decode("utf-8", "replace")
        except OSError:
            return ""

    def docker(self, *args, timeout=90, check=True):
        return run(["docker"] + list(args), env=self.env, timeout=timeout, check=check)

    def podman(self, *args, timeout=90, check=True):
        return run(self.enter + ["podman"] + list(args), timeout=timeout, check=check)

    def lookout(self, *args):
        return Lookout(*args, wrap=self.enter)

    def run_docker(self, name, *cmd):
        cid = self.docker("run", "-d", "--name", name, "--label", LABEL, "--network", "none",
                          IMAGE, *cmd)
        return V2Container(self, "docker", name, cid.splitlines()[-1])

    def run_crun(self, name, *cmd):
        cid = self.podman("run", "-d", "--name", name, "--label", LABEL, *CRUN_OPTS, IMAGE, *cmd)
        return V2Container(self, "podman", name, cid.splitlines()[-1])

    def in_namespace(self):
        """PIDs of every process in our mount namespace."""
        out = []
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    if os.stat("/proc/%s/ns/mnt" % p).st_ino == self.mntns:
                        out.append(int(p))
                except OSError:
                    pass
        return out

    def _try(self, fn, *args):
        try:
            return fn(*args)
        except AssertionError as e:  # cleanup goes on; say what was left
            print("  cgroup v2 lane cleanup: %s" % e, file=sys.stderr)
            return ""

    def close(self):
        if self.dockerd is not None and self.dockerd.poll() is None:
            ids = self._try(lambda: self.docker("ps", "-aq", check=False)).split()
            if ids:
                self._try(lambda: self.docker("rm", "-f", *ids, check=False))
        if self.holder is not None and self.holder.poll() is None:
            self._try(lambda: self.podman("rm", "-f", "-a", "-t", "0", check=False))
        if self.dockerd is not None and self.dockerd.poll() is None:
            self.dockerd.terminate()
            try:
                self.dockerd.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.dockerd.pid, signal.SIGKILL)
                self.dockerd.wait()
        if self.holder is not None:
            # whatever is left in the namespace is ours (its containerd, a conmon)
            for pid in self.in_namespace():
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if self.holder.poll() is None:
                self.holder.kill()
            self.holder.wait()
            wait_until(lambda: not self.in_namespace(), 20, "the v2 namespace to empty")
        if os.environ.get("LOOKOUT_E2E_KEEP"):
            print("  cgroup v2 lane kept in %s" % self.dir, file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


class V2Container:
    def __init__(self, host, runtime, name, cid):
        if not re.match(r"^[0-9a-f]{64}$", cid):
            raise AssertionError("%s run printed %r, not a container id" % (runtime, cid))
        self.host, self.runtime, self.name, self.id = host, runtime, name, cid

    def _cli(self, *args, **kw):
        fn = self.host.docker if self.runtime == "docker" else self.host.podman
        return fn(*args, **kw)

    def inspect(self, fmt):
        return self._cli("inspect", "-f", fmt, self.name)

    @property
    def pid(self):
        pid = int(self.inspect("{{.State.Pid}}"))
        if pid <= 0:
            raise AssertionError("%s container %s is not running" % (self.runtime, self.name))
        return pid

    def stop(self, t=1):
        self._cli("stop", "-t", str(t), self.name)

    def wait_exited(self, timeout=30):
        wait_until(lambda: self.inspect("{{.State.Status}}") in ("exited", "stopped", "dead"),
                   timeout, "%s container %s to exit" % (self.runtime, self.name))


_HOST = []


_NET_BEFORE = set()
_MADE_DOCKER0 = []


def v2():
    """The lane, made once for this file and removed when it ends. The host's network
    interfaces are noted first, a docker0 among them (made for the check if Docker's
    is not there)."""
    if not _HOST:
        if not _NET_BEFORE:
            if not os.path.exists("/sys/class/net/docker0"):
                subprocess.run(["ip", "link", "add", "docker0", "type", "bridge"], check=True)
                _MADE_DOCKER0.append(True)
            _NET_BEFORE.update(os.listdir("/sys/class/net"))
        _HOST.append(V2Host())
    return _HOST[0]


def _name(tag):
    return "lk-v2-%s-%s" % (tag, os.urandom(3).hex())


def _ours(c):
    return lambda e: dig(e, "container.id") == c.id


def _assert_v2_only(c):
    """The container is in the v2 tree and in no v1 memory cgroup of its own: only the
    v2 hierarchy can attribute it."""
    with open("/proc/%d/cgroup" % c.pid) as f:
        lines = f.read().splitlines()
    v2 = [ln for ln in lines if ln.startswith("0::")]
    assert v2 and c.id in v2[0], lines
    mem = [ln for ln in lines if re.match(r"^\d+:([^:]*,)?memory(,[^:]*)?:", ln)]
    assert mem and c.id not in mem[0], "the container has a v1 memory cgroup: %r" % lines


def test_v2_docker_lifecycle():
    """lookout starts in the namespace (before: "no memory cgroup hierarchy is mounted"),
    seeds a running container from the v2 tree, and follows a new one to its exit."""
    h = v2()
    old = h.run_docker(_name("old"), "/bin/sleep", "600")
    _assert_v2_only(old)
    with h.lookout("--json") as lk:
        lk.wait_for("container_start", _ours(old), what="seeded container_start of %s" % old.name)
        h.docker("exec", old.name, "/bin/true")
        lk.wait_for("exit", lambda e: dig(e, "container.id") == old.id and e["argv"] == ["/bin/true"],
                    what="the end of the docker exec in %s" % old.name)
        c = h.run_docker(_name("life"), "/bin/sh", "-c", "sleep 1; exit 7")
        lk.wait_for("container_exit", _ours(c), timeout=30, what="container_exit of %s" % c.name)
        old.stop(t=1)
        lk.wait_for("container_exit", _ours(old), timeout=30, what="container_exit of %s" % old.name)
        lk.stop()
        for x in (old, c):
            cs = lk.one("container_start", _ours(x), "container_start of %s" % x.name)
            assert cs["container"]["runtime"] == "docker", brief(cs)
            assert cs["container"]["name"] == x.name, cs["container"]
            assert cs["container"]["image"] == IMAGE, cs["container"]
        cs = lk.one("container_start", _ours(c), "container_start")
        assert cs["argv"] == ["/bin/sh", "-c", "sleep 1; exit 7"], brief(cs)
        execs = lk.events("exec", lambda e: dig(e, "container.id") == c.id and e["argv"] == ["sleep", "1"])
        assert len(execs) == 1, [brief(e) for e in lk.events("exec", _ours(c))]
        ex = lk.one("exec", lambda e: dig(e, "container.id") == old.id and e["argv"] == ["/bin/true"],
                    "exec of the docker exec")
        assert ex["via"] == "exec", brief(ex) + " via=%r" % ex.get("via")
        ce = lk.one("container_exit", _ours(c), "container_exit of %s" % c.name)
        assert ce["exit_code"] == 7 and ce["status"] == 7, brief(ce)
        assert ce["killed_by"] is None and ce["out_of_band"] is False, brief(ce)


def test_v2_host_kill_is_out_of_band():
    h = v2()
    with h.lookout("--json") as lk:
        c = h.run_docker(_name("kill"), "/bin/sleep", "600")
        init = c.pid
        lk.wait_for("container_start", _ours(c), what="container_start of %s" % c.name)
        sh = subprocess.Popen(["/bin/sh", "-c", "kill -9 %d" % init], stdin=subprocess.DEVNULL)
        assert sh.wait(10) == 0
        c.wait_exited()
        lk.wait_for("container_exit", _ours(c), what="container_exit after the host kill")
        lk.stop()
        sig = lk.one("signal", lambda e: e["target"]["host_pid"] == init and e["signal"] == 9,
                     "SIGKILL to the container's init")
        assert sig["origin"] == "host" and sig["out_of_band"] is True, brief(sig)
        assert sig["sender"]["host_pid"] == sh.pid, brief(sig)
        assert dig(sig, "container.name") == c.name, sig["container"]
        ce = lk.one("container_exit", _ours(c), "container_exit")
        assert ce["exit_signal"] == 9 and ce["status"] == 137, brief(ce)
        assert dig(ce, "killed_by.host_pid") == sh.pid, ce["killed_by"]
        assert dig(ce, "killed_by.origin") == "host" and ce["out_of_band"] is True, brief(ce)


def test_v2_docker_stop_is_runtime():
    h = v2()
    with h.lookout("--json") as lk:
        c = h.run_docker(_name("stop"), "/bin/sleep", "600")
        lk.wait_for("container_start", _ours(c), what="container_start of %s" % c.name)
        c.stop(t=1)
        c.wait_exited()
        lk.wait_for("container_exit", _ours(c), what="container_exit after docker stop")
        lk.stop()
        sigs = lk.events("signal", lambda e: dig(e, "target.container.id") == c.id)
        check_contract(sigs)
        assert any(e["signal"] == 15 for e in sigs) and any(e["signal"] == 9 for e in sigs), \
            [brief(e) for e in sigs]
        for e in sigs:
            assert e["origin"] == "runtime" and e["out_of_band"] is False, brief(e)
        ce = lk.one("container_exit", _ours(c), "container_exit")
        assert dig(ce, "killed_by.origin") == "runtime" and ce["out_of_band"] is False, brief(ce)


def test_v2_crun_clone_into_cgroup_is_attributed():
    """crun's container process is born in its cgroup (clone3 CLONE_INTO_CGROUP, seen
    with strace on this machine): no cgroup_attach_task fires for it, the fork decides."""
    h = v2()
    with h.lookout("--json") as lk:
        c = h.run_crun(_name("crun"), "/bin/sleep", "600")
        _assert_v2_only(c)
        init = c.pid
        lk.wait_for("container_start", _ours(c), what="container_start of crun's %s" % c.name)
        h.podman("exec", c.name, "/bin/true")
        lk.wait_for("exit", lambda e: dig(e, "container.id") == c.id and e["argv"] == ["/bin/true"],
                    what="the end of the podman exec in %s" % c.name)
        b = h.run_crun(_name("crunstop"), "/bin/sleep", "600")
        lk.wait_for("container_start", _ours(b), what="container_start of crun's %s" % b.name)
        sh = subprocess.Popen(["/bin/sh", "-c", "kill -9 %d" % init], stdin=subprocess.DEVNULL)
        assert sh.wait(10) == 0
        b.stop(t=1)
        c.wait_exited()
        b.wait_exited()
        for x in (c, b):
            lk.wait_for("container_exit", _ours(x), what="container_exit of %s" % x.name)
        lk.stop()
        cs = lk.one("container_start", _ours(c), "container_start")
        assert cs["host_pid"] == init and cs["argv"] == ["/bin/sleep", "600"], brief(cs)
        assert cs["container"]["runtime"] == "podman" and cs["container"]["name"] == c.name, \
            cs["container"]
        # crun execs into a running container through a helper it clones into the cgroup
        # (crun exec): that helper is the runtime, and what it starts came in via exec.
        ex = lk.one("exec", lambda e: dig(e, "container.id") == c.id and e["argv"] == ["/bin/true"],
                    "exec of the podman exec")
        assert ex["via"] == "exec", brief(ex) + " via=%r" % ex.get("via")
        helpers = [e for e in lk.events(None, _ours(c)) if e.get("comm") == "crun"]
        assert not helpers, "crun's own helpers reported as the workload:\n    " + \
            "\n    ".join(brief(e) + " exe=%r" % e.get("exe") for e in helpers)
        ce = lk.one("container_exit", _ours(c), "container_exit of the killed one")
        assert dig(ce, "killed_by.host_pid") == sh.pid and ce["out_of_band"] is True, brief(ce)
        sigs = lk.events("signal", lambda e: dig(e, "target.container.id") == b.id)
        assert sigs, "no signal to %s" % b.name
        for e in sigs:
            assert e["origin"] == "runtime" and e["out_of_band"] is False, brief(e)
            assert e["sender"]["comm"] == "crun", brief(e)
        be = lk.one("container_exit", _ours(b), "container_exit of the stopped one")
        assert dig(be, "killed_by.origin") == "runtime" and be["out_of_band"] is False, brief(be)


def test_v2_ps_and_inspect_see_the_containers():
    """`lookout ps` and `inspect` in the namespace: the v2 line of /proc/PID/cgroup decides,
    though the memory line (the v1 hierarchy this kernel still has) is there too."""
    from lookout import BINARY
    import json
    h = v2()
    c = h.run_docker(_name("ps"), "/bin/sleep", "600")
    p = h.run_crun(_name("psc"), "/bin/sleep", "600")
    out = run(h.enter + [BINARY, "ps", "--json"])
    arr = json.loads(out)
    for x in (c, p):
        mine = [o for o in arr if o["id"] == x.id]
        assert len(mine) == 1, "lookout ps --json lists %s %d times; ids: %s" % (
            x.name, len(mine), [o["id"][:12] for o in arr])
        assert mine[0]["name"] == x.name and mine[0]["runtime"] == x.runtime, mine[0]
        assert mine[0]["init_pid"] == x.pid, mine[0]
    obj = json.loads(run(h.enter + [BINARY, "inspect", "--json", c.name]))
    assert obj["id"] == c.id, json.dumps(obj)[:300]


def _lookout_in(setup):
    """lookout --json in a private mount namespace after the shell lines in setup;
    returns (exit status, stderr)."""
    from lookout import BINARY
    script = "set -e\n%s\nexec %s --json" % (setup, BINARY)
    p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def test_nothing_usable_at_sys_fs_cgroup_is_a_clear_error():
    """Neither cgroup2 nor a tmpfs of v1 hierarchies with memory: lookout stops at once
    and says what is mounted there."""
    rc, err = _lookout_in("umount -l /sys/fs/cgroup")
    assert rc != 0, "lookout started with nothing at /sys/fs/cgroup: %s" % err
    assert "/sys/fs/cgroup is plain sysfs" in err, err
    rc, err = _lookout_in("umount -l /sys/fs/cgroup/memory")
    assert rc != 0, "lookout started without a memory hierarchy: %s" % err
    assert "no v1 hierarchy with the memory controller" in err, err
    assert "(there: " in err and " (cgroup)" in err, err  # names what is mounted


def test_the_hosts_network_is_left_alone():
    """The lane's dockerd runs with --bridge none, and such a dockerd deletes the
    docker0 it finds: in the host's network namespace that was the host's own, and every
    later `docker run` with the default network failed until dockerd restarted. (Last in
    this file: it ends the lane.)"""
    v2()
    _HOST[0].close()
    _HOST.clear()
    gone = _NET_BEFORE - set(os.listdir("/sys/class/net"))
    if _MADE_DOCKER0:
        subprocess.run(["ip", "link", "del", "docker0"], stderr=subprocess.DEVNULL)
    assert not gone, "the cgroup v2 lane removed the host's %s" % ", ".join(sorted(gone))


if __name__ == "__main__":
    from lookout import main
    try:
        rc = main(globals())
    finally:
        if _HOST:
            _HOST[0].close()
            _HOST.clear()
    sys.exit(rc)
