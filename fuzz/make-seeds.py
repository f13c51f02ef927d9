#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fuzz/make-seeds.py - write the hand-made seed inputs under fuzz/corpus/<target>/.

The runtime targets' seeds are the real fixtures (tests/fixtures/runtime/), copied as
they are; fuzz_output's seeds are reports laid out as fuzz_output.c reads its input
(change both together). Run from the repository root; files are rewritten, not added.
"""
import os
import struct

ROOT = "tests/fixtures/runtime"
H = "0123456789abcdef" * 4
K = "c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
UID = "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b"
UID_ = UID.replace("-", "_")


def write(target, name, data):
    d = os.path.join("fuzz/corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def fixture(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def cgroup():
    paths = [
        "/docker/" + H, "/docker/" + H + "/docker/" + K, "/docker/" + H + "/init.scope",
        "/system.slice/docker-" + H + ".scope", "/libpod_parent/libpod-" + H,
        "/machine.slice/libpod-" + H + ".scope/container",
        "/kubepods/besteffort/pod" + UID + "/" + K,
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UID_ +
        ".slice/cri-containerd-" + K + ".scope",
        "/kubepods/burstable/pod" + UID + "/crio-" + K, "/system.slice/crio-" + K + ".scope",
        "/lookout-fixture-3216/lfx1", "/k8s.io/" + K, "/lxc.payload.web1/init.scope",
        "/lxc/old1/sub", "/machine.slice/machine-my\\x2dbox.scope/payload",
        "/machine.slice/machine-deb.scope/supervisor",
        "/machine.slice/libpod-conmon-" + H + ".scope", "/user.slice/user-1000.slice/session-1.scope",
        "/docker//" + H, "/docker/" + H + "/",
    ]
    for i, p in enumerate(paths):
        write("cgroup", "path%02d" % i, p)
    write("cgroup", "proc-v2", "0::/system.slice/docker-" + H + ".scope\n")
    write("cgroup", "proc-hybrid",
          "12:memory:/docker/" + H + "\n11:cpu,cpuacct:/docker/" + H + "\n"
          "1:name=systemd:/docker/" + H + "\n0::/docker/" + H + "\n")
    write("cgroup", "proc-colon", "0::/a:b/c\n")
    write("cgroup", "proc-bad", "x:memory:/\n0::/\n")


def proc_stat():
    fields = "S 1 4550 4550 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 78012 2330624 200 " \
             "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
    write("proc_stat", "plain", "4550 (sleep) " + fields)
    write("proc_stat", "parens", "4550 (a) b) (c " + fields)
    write("proc_stat", "newline", "4550 (x\ny) " + fields)
    write("proc_stat", "short", "4550 (sleep) S 1 4550")
    write("proc_stat", "huge", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 0 0 1 0 "
          "18446744073709551615 0\n")


def runtime():
    for i, d in enumerate(sorted(os.listdir(ROOT + "/var/lib/docker/containers"))):
        write("runtime_docker", "fixture%d.json" % i,
              fixture("var/lib/docker/containers/%s/config.v2.json" % d))
    write("runtime_docker", "small.json", '{"ID":"abc","Name":"/x","Image":"sha256:1"}')
    write("runtime_docker", "labels.json", '{"Name":"/x","Config":{"Labels":{"app":"web",'
          '"n":1,"esc":"\\u001b[2J","":"","v":"\\u0000"}}}')
    ctrs = fixture("var/lib/containers/storage/overlay-containers/containers.json")
    imgs = fixture("var/lib/containers/storage/overlay-images/images.json")
    write("runtime_podman", "fixture", ctrs + b"\0" + imgs)
    write("runtime_podman", "no-images", ctrs)
    write("runtime_podman", "small", b'[{"id":"abc","names":["n"],"image":"i1",'
          b'"metadata":"{\\"image-name\\":\\"m\\"}"}]\0[{"id":"i1","names":["img"]}]')
    n = 0
    for dirpath, _, files in sorted(os.walk(ROOT)):
        if "config.json" in files and dirpath.endswith("/userdata"):
            with open(os.path.join(dirpath, "config.json"), "rb") as f:
                write("runtime_crio", "fixture%d.json" % n, f.read())
            n += 1
    write("runtime_crio", "small.json", '{"annotations":{"io.kubernetes.container.name":"c",'
          '"io.kubernetes.cri-o.Image":"sha256:1"}}')
    write("runtime_crio", "labels.json", '{"annotations":{"io.kubernetes.container.name":"c",'
          '"io.kubernetes.cri-o.Labels":"{\\"app\\":\\"web\\",\\"n\\":1}"}}')
    n = 0
    for dirpath, _, files in sorted(os.walk(ROOT)):
        if "config.json" in files and not dirpath.endswith("/userdata"):
            with open(os.path.join(dirpath, "config.json"), "rb") as f:
                write("runtime_containerd", "fixture%d.json" % n, f.read())
            n += 1
    write("runtime_containerd", "small.json", '{"annotations":{"io.containerd.image.name":"x"}}')


def options():
    for i, s in enumerate(["4M", "65536", "1G", "4k", "4096", "3M", "0", "2G", "+8K", " 16m",
                           "1024M", "4096K", "1048576k", "8x"]):
        write("options", "size%02d" % i, s)
    for i, s in enumerate(["exec,exit,signal,container_start,container_exit,oom",
                           "KILL,SIGTERM,10,RT2,SIGRTMIN+3,sigusr1,64", "rt32,RTMIN+0",
                           "runtime,container,other_container,host,kernel", "web", "exec,,exit",
                           "nginx-1.0_x", "SIGRT33", "0x9", "com.example.team=payments",
                           "x", "url=a=b", "tier="]):
        write("filter", "list%02d" % i, s)


def escape():
    cases = [b"plain", b"q\"uote back\\slash", b"new\nline\ttab\r", b"esc\x1b[31mred\x1b[0m",
             b"bad\xff\xfe", b"\xc2\x85\xc2\x9f\xc2\xa0", b"\xe2\x82\xac \xf0\x9f\x90\xb3",
             b"\xed\xa0\x80 \xf4\x90\x80\x80 \xe0\x80\xaf \xc0\xaf", b"cut\xe2\x82",
             b"\x7f\x00\x01", b"\\x41"]
    for i, c in enumerate(cases):
        write("escape", "s%02d" % i, c)


def field(data, maxlen):
    data = data[:maxlen]
    return (struct.pack("<H", len(data)) if maxlen > 255 else bytes([len(data)])) + data


def proc(pid, comm, exe, argv, container=None, flags=0x0f | 0x20):
    if container:
        flags |= 0x40
    b = bytes([flags]) + struct.pack("<IIIQI", pid, 1, pid - 1, 123456789 * pid, 0)
    if flags & 1:
        b += struct.pack("<I", 1000)
    if flags & 2:
        b += struct.pack("<I", 3)
    b += struct.pack("<I", 0)
    b += comm[:16].ljust(16, b"\0") + b"pts1".ljust(16, b"\0")
    b += field(exe, 256) + field(argv, 1040)
    if flags & 0x20:
        b += struct.pack("<I", 4026532178)
    if container:
        cid, name, image, pod, ns, rt = container
        b += field(cid, 143) + field(name, 255) + field(image, 511) + field(pod, 255) + \
            field(ns, 255) + bytes([rt, rt])
    return b


def report(rtype, flags, a, b, sig=9, code=0, nanc=2, options=b"lookout --json"):
    out = bytes([rtype, flags]) + field(b"vm", 255) + a + b
    out += struct.pack("<iiiBBBB", sig, code, 0, 1, 1, 4, nanc)
    for i in range(nanc):
        out += struct.pack("<IB", 100 - i, 0) + (b"bash" if i == 0 else b"sshd").ljust(16, b"\0")
        out += field(b"/usr/bin/bash" if i == 0 else b"", 255)
    # time, code, then 12 bytes fuzz_output.c reads and no longer uses
    out += struct.pack("<IIIQ", 5000, 9, 12604, 780123456789) + field(options, 4096)
    return out


def output():
    ctr = (H.encode(), b"nginx", b"localbox:latest", b"", b"", 1)
    k8s = (K.encode(), b"web", b"docker.io/library/nginx:1.25", b"web-7d4b9c8f6-x2x9z", b"shop", 3)
    sender = proc(12604, b"sh", b"/usr/bin/dash", b"sh\0-c\0kill -9 12543\0")
    target = proc(12543, b"nginx", b"/usr/sbin/nginx", b"nginx\0-g\0daemon off;\0", ctr)
    hostile = proc(666, b"ev\nil\x1b[31m\xff", b"/tmp/\xff\x1b]0;x\x07",
                   b"a\0q\"uote\0back\\slash\0new\nline\0\xc2\x85\0bad\xff\xfe\0", k8s)
    for t in range(9):
        write("output", "type%d" % t, report(t, 0x7f, target, sender))
    write("output", "signal-hostile", report(2, 0x01, hostile, hostile))
    write("output", "exit-killed", report(1, 0x07, target, sender))
    write("output", "start-hostile", report(6, 0x40, hostile, hostile,
                                            options=b"lookout --container \x1b[2J\xff"))


def cgroup_mode():
    """A selector byte (bits 0-1: cgroup2, tmpfs, sysfs, cgroup v1; bits 2-3: the
    directory), then /proc/self/mountinfo text."""
    base = ("21 1 0:20 / / rw,relatime - overlay overlay rw\n"
            "22 21 0:21 / /sys rw,nosuid - sysfs sysfs rw\n")
    hybrid = (base + "30 22 0:27 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n"
              "31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
              "34 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
              "40 30 0:37 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n")
    v2 = base + "1071 22 0:37 / /sys/fs/cgroup rw,relatime - cgroup2 none rw\n"
    write("cgroup_mode", "hybrid", "\x01" + hybrid)
    write("cgroup_mode", "unified", "\x00" + v2)
    write("cgroup_mode", "no-memory", "\x01" + base +
          "31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n")
    write("cgroup_mode", "host-root", "\x05" + hybrid.replace("/sys/fs", "/host/sys/fs"))
    write("cgroup_mode", "sysfs", "\x02" + hybrid)


if __name__ == "__main__":
    cgroup()
    cgroup_mode()
    proc_stat()
    runtime()
    options()
    escape()
    output()
