#!/usr/bin/env bash
# tests/vm/run.sh - the VM lane: boots Debian 12's 6.1 kernel (x86_64) under qemu's
# emulator with an initramfs of busybox, the static lookout (make static), a memory hog and
# tests/vm/init.sh as /init, a pure cgroup v2 host. Writes into OUTDIR: console.log (what
# the VM printed), facts.txt (its "LKVM" lines), events.jsonl (lookout's output there) and
# lookout.err. tests/e2e/test_vm.py checks them.
#
# Usage: tests/vm/run.sh OUTDIR [v2|v1]   (the host's cgroup mode: unified, or legacy v1)
#   LOOKOUT_STATIC   the static binary (default build/static/lookout)
#   LOOKOUT_VM_CACHE where the kernel package is kept (default build/vm)
#   LOOKOUT_VM_KERNEL the Debian package (default linux-image-6.1.0-47-cloud-amd64-unsigned)
# Never uses KVM: /dev/kvm hangs on the machines this runs on.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: tests/vm/run.sh OUTDIR [v2|v1]}
mode=${2:-v2}
case $mode in v1 | v2) ;; *) echo "vm: mode is v2 or v1, not $mode" >&2; exit 2 ;; esac
cache=${LOOKOUT_VM_CACHE:-$root/build/vm}
kpkg=${LOOKOUT_VM_KERNEL:-linux-image-6.1.0-47-cloud-amd64-unsigned}
lookout=${LOOKOUT_STATIC:-$root/build/static/lookout}
timeout=${LOOKOUT_VM_TIMEOUT:-420}

for tool in qemu-system-x86_64 cpio gzip gcc dpkg-deb apt-get; do
	command -v "$tool" >/dev/null || { echo "vm: $tool is missing: run scripts/deps.sh" >&2; exit 1; }
done
[ -x /bin/busybox ] || { echo "vm: /bin/busybox is missing: run scripts/deps.sh" >&2; exit 1; }
[ -x "$lookout" ] || { echo "vm: $lookout is missing: run make static" >&2; exit 1; }

# The kernel: downloaded once, kept in the cache.
mkdir -p "$cache" "$out"
deb=$(ls "$cache/${kpkg}"_*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
	(cd "$cache" && apt-get download "$kpkg") >&2 ||
		{ echo "vm: cannot download $kpkg (is a Debian mirror reachable?)" >&2; exit 1; }
	deb=$(ls "$cache/${kpkg}"_*.deb | head -n 1)
fi
kdir=$cache/$kpkg
if [ ! -d "$kdir/boot" ]; then
	rm -rf "$kdir.tmp"
	dpkg-deb -x "$deb" "$kdir.tmp"
	mv "$kdir.tmp" "$kdir"
fi
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* | head -n 1)

# The initramfs.
ir=$out/initramfs
rm -rf "$ir"
mkdir -p "$ir"/bin "$ir"/dev "$ir"/proc "$ir"/sys "$ir"/tmp "$ir"/opt/rt "$ir"/root
cp /bin/busybox "$ir/bin/busybox"
for a in $(/bin/busybox --list); do
	[ "$a" = busybox ] || ln -s busybox "$ir/bin/$a"
done
cp /bin/busybox "$ir/opt/rt/busybox"	# the "runtime": the same code, its own inode
cp "$lookout" "$ir/bin/lookout"
gcc -static -O2 -Wall -Werror -o "$ir/bin/hog" "$here/hog.c"
gcc -static -O2 -Wall -Werror -o "$ir/opt/rt/spawn" "$here/spawn.c"
gcc -static -O2 -Wall -Werror -o "$ir/bin/sigtools" "$here/../e2e/helpers/sigtools.c"
install -m 0755 "$here/init.sh" "$ir/init"
(cd "$ir" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initrd.gz"
rm -rf "$ir"

start=$(date +%s)
rc=0
timeout "$timeout" qemu-system-x86_64 -m 1024 -smp 2 -cpu max -kernel "$vmlinuz" \
	-initrd "$out/initrd.gz" -append "console=ttyS0 panic=-1 quiet lkcg=$mode" \
	-nographic -no-reboot </dev/null >"$out/console.log" 2>&1 || rc=$?
echo "vm: qemu ran $(( $(date +%s) - start ))s (exit $rc)" >&2
rm -f "$out/initrd.gz"
if [ "$rc" -eq 124 ]; then
	echo "vm: the VM did not power off within ${timeout}s; console tail:" >&2
	tail -n 30 "$out/console.log" >&2
	exit 1
fi

tr -d '\r' <"$out/console.log" >"$out/console.txt"
grep -ao 'LKVM .*' "$out/console.txt" >"$out/facts.txt" || true
sed -n '/^LKVM events-begin$/,/^LKVM events-end$/p' "$out/console.txt" | grep -E '^[A-Za-z0-9+/=]+$' |
	base64 -d | gunzip >"$out/events.jsonl" || { echo "vm: no events in the console" >&2; exit 1; }
sed -n '/^LKVM stderr-begin$/,/^LKVM stderr-end$/p' "$out/console.txt" | grep -v '^LKVM ' \
	>"$out/lookout.err" || true
rm -f "$out/console.txt"
grep -q '^LKVM done$' "$out/facts.txt" || { echo "vm: the VM did not finish" >&2; exit 1; }
echo "vm: $(wc -l <"$out/events.jsonl") events; facts in $out/facts.txt" >&2
